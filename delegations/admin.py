"""Organisers' side of delegations: the list with seats used of each quota, review with the letter, and decisions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from delegations import erasure, services
from delegations.models import Delegation, DelegationMember
from registration.admin import apply_to_each
from registration.models import Registration
from wpsconf.admin_actions import ask_first
from wpsconf.admin_lookups import OnlyTheListsOwnFilters
from wpsconf.countries import CountryListsAdmin

Status = Delegation.Status


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Sent to the focal point, who corrects the list and submits it again."),
    )


class DelegationForm(forms.ModelForm):
    """The admin's form for a delegation (the admin names the fields, from its fieldsets)."""

    def clean_quota(self) -> int:
        quota = self.cleaned_data["quota"]
        # Checked with the delegation locked until the admin's save commits (the admin validates and
        # saves in one transaction): a member added meanwhile waits, and finds the new quota.
        if self.instance.pk and quota < (used := services.seats_used(services.locked(self.instance))):
            raise ValidationError(
                ngettext(
                    "%(used)d member holds a seat: the quota cannot be lower. The focal point removes members first.",
                    "%(used)d members hold a seat: the quota cannot be lower. The focal point removes members first.",
                    used,
                )
                % {"used": used}
            )
        return quota


class MemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 0
    can_delete = False
    fields = ("person", "category", "status", "is_head", "added_at")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("members")

    @admin.display(description=gettext_lazy("registration"))
    def person(self, member: DelegationMember) -> str:
        registration = member.registration
        url = reverse("admin:registration_registration_change", args=[registration.pk])
        return format_html('<a href="{}">{} {}</a>', url, registration.reference, registration.full_name)

    @admin.display(description=gettext_lazy("category"))
    def category(self, member: DelegationMember) -> str:
        return member.registration.get_category_display()

    @admin.display(description=gettext_lazy("status"))
    def status(self, member: DelegationMember) -> str:
        return member.registration.get_status_display()

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # the focal point adds members, with their consent

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delegation)
class DelegationAdmin(CountryListsAdmin, OnlyTheListsOwnFilters, admin.ModelAdmin):
    form = DelegationForm
    list_display = ("name", "kind", "status", "seats", "focal_point_name", "submitted_at")
    list_filter = ("status", "kind", "conference")
    search_fields = ("organisation", "focal_point_name", "focal_point_email")
    inlines = [MemberInline]
    actions = ["invite", "approve", "return_to_focal_point", "decline_request", "erase_focal_point"]
    readonly_fields = (
        "status",
        "seats_requested",
        "letter_link",
        "return_reason",
        "submitted_at",
        "decided_at",
        "decided_by",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("conference", "country", "organisation", "kind", "quota", "seats_requested")}),
        (
            gettext_lazy("Focal point"),
            {
                "fields": (
                    "focal_point_name",
                    "focal_point_position",
                    "focal_point_email",
                    "focal_point_phone",
                    "language",
                )
            },
        ),
        (
            gettext_lazy("Review"),
            {
                "fields": (
                    "status",
                    "letter_link",
                    "return_reason",
                    "notes",
                    "created_at",
                    "submitted_at",
                    "decided_at",
                    "decided_by",
                )
            },
        ),
    )

    def get_queryset(self, request):
        held = Q(members__registration__status__in=Registration.ACTIVE_STATUSES)
        return super().get_queryset(request).annotate(seats_used=Count("members", filter=held))

    @admin.display(description=gettext_lazy("seats used of the quota"), ordering="seats_used")
    def seats(self, obj: Delegation) -> str:
        return f"{obj.seats_used} / {obj.quota}"

    @admin.display(description=gettext_lazy("official letter"))
    def letter_link(self, obj: Delegation) -> str:
        if not obj.pk or not obj.letter:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:delegations_delegation_letter", args=[obj.pk]), _("Open the letter")
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/letter/", wrap(self.letter_view), name="delegations_delegation_letter"),
            *super().get_urls(),
        ]

    def letter_view(self, request: HttpRequest, pk: int) -> FileResponse:
        """The official letter, for organisers only: nothing else serves these files."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        delegation = get_object_or_404(Delegation, pk=pk)
        if not delegation.letter or not delegation.letter.storage.exists(delegation.letter.name):
            raise Http404
        response = FileResponse(
            delegation.letter.open("rb"),
            content_type="application/pdf",
            as_attachment=True,  # opens in the reader's own program, not in the admin
            filename=f"delegation-{delegation.pk}-letter.pdf",
        )
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("delegations.review_delegation")

    @admin.action(description=gettext_lazy("Invite: email the focal point their link"), permissions=["change"])
    def invite(self, request, queryset) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda delegation: services.invite(delegation, by=request.user),
            lambda n: ngettext("%(count)d focal point invited.", "%(count)d focal points invited.", n) % {"count": n},
        )

    @admin.action(description=gettext_lazy("Approve the selected delegations as a whole"), permissions=["review"])
    def approve(self, request, queryset) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda delegation: services.approve(delegation, by=request.user),
            lambda n: ngettext("%(count)d delegation approved.", "%(count)d delegations approved.", n) % {"count": n},
        )

    @admin.action(description=gettext_lazy("Return to the focal point, with a reason"), permissions=["review"])
    def return_to_focal_point(self, request, queryset):
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            apply_to_each(
                self,
                request,
                queryset,
                lambda delegation: services.return_to_focal_point(delegation, reason=reason, by=request.user),
                lambda n: (
                    ngettext("%(count)d delegation returned.", "%(count)d delegations returned.", n) % {"count": n}
                ),
            )
            return None
        return ask_first(
            self,
            request,
            "admin/delegations/return.html",
            title=_("Return delegations to their focal points"),
            form=form,
            delegations=queryset,
        )

    @admin.action(description=gettext_lazy("Decline the selected requests"), permissions=["review"])
    def decline_request(self, request, queryset) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda delegation: services.decline_request(delegation, by=request.user),
            lambda n: ngettext("%(count)d request declined.", "%(count)d requests declined.", n) % {"count": n},
        )

    @admin.action(description=gettext_lazy("Erase the focal points' details and the letters"), permissions=["delete"])
    def erase_focal_point(self, request, queryset) -> None:
        count = erasure.anonymise_delegations(queryset)
        self.message_user(
            request,
            ngettext("%(count)d delegation's focal point erased.", "%(count)d delegations' focal points erased.", count)
            % {"count": count},
            messages.SUCCESS,
        )
