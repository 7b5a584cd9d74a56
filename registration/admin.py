from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agenda.admin import ConferenceAdmin
from agenda.models import Conference
from outbox.admin import OutgoingEmailAdmin, OutgoingEmailInline
from outbox.models import OutgoingEmail
from registration import audit, badges, checkin, corrections, seats, services
from registration.badge_requests import request_badges
from registration.models import (
    ALL_CATEGORY_FIELDS,
    IDENTITY_FIELDS,
    BadgeSheet,
    IdentityCorrection,
    Registration,
)
from wpsconf.admin_actions import ask_first
from wpsconf.admin_filters import LanguageFilter, countries_present, language_name
from wpsconf.admin_lookups import OnlyTheListsOwnFilters
from wpsconf.audit import history_of
from wpsconf.countries import CountryListsAdmin
from wpsconf.search import search


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to each person in the email, in their language as you write it."),
    )


def apply_to_each(modeladmin, request, queryset, service, done_message) -> None:
    """Run one workflow service per registration; report successes and refusals separately."""
    done, refused = 0, []
    for registration in queryset:
        try:
            service(registration)
        except ValidationError as error:
            refused.append(f"{registration.reference}: {' '.join(error.messages)}")
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)
    for refusal in refused:
        modeladmin.message_user(request, refusal, messages.WARNING)


@admin.register(Registration)
class RegistrationAdmin(CountryListsAdmin, OnlyTheListsOwnFilters, admin.ModelAdmin):
    list_display = ("reference", "last_name", "first_name", "category", "country_name", "status", "created_at")
    # Newest first by the primary key's index: the list stays fast at 50,000 people.
    ordering = ("-pk",)
    # Gender is never shown beside a name (the privacy notice promises it): it only feeds
    # anonymous statistics.
    list_filter = (
        "conference",
        "status",
        "category",
        ("country", countries_present(conference="conference")),
        LanguageFilter,
        "no_photography",
        ("checked_in_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("reference", "last_name", "first_name", "email", "organisation")
    list_select_related = ("conference",)
    readonly_fields = (
        "conference",  # moving someone would bypass the other conference's seat count
        "category",  # media and attendees hold seats of separate pools
        "accreditation_request",
        "reference",
        "status",
        "decline_reason",
        "language_shown",
        "consent_given_at",
        "created_at",
        "status_changed_at",
        "joined_waiting_list_at",
        "checked_in_at",
        "checked_in_by",
        "audit_history",
        "correction_waiting",
        "vetted_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "conference",
                    "reference",
                    "status",
                    "decline_reason",
                    "category",
                    "accreditation_request",
                    "correction_waiting",
                    "language_shown",
                    "vetted_at",
                )
            },
        ),
        (
            _("Person"),
            {
                "fields": (
                    "honorific",
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "country",
                    "organisation",
                    "position",
                )
            },
        ),
        (
            _("Category details"),
            {"fields": ("parliament", "chamber", "ministry", "mission", "represented_country", "organisation_country")},
        ),
        (
            _("Needs"),
            {"fields": ("interpretation_language", "accessibility_needs", "dietary_needs", "no_photography")},
        ),
        (_("At the door"), {"fields": ("checked_in_at", "checked_in_by")}),
        (_("Record"), {"fields": ("consent_given_at", "created_at", "status_changed_at", "joined_waiting_list_at")}),
        (_("Audit history"), {"fields": ("audit_history",)}),
    )
    inlines = [OutgoingEmailInline]
    view_on_site = False  # a registration's only page is its owner's, behind the personal link
    change_list_template = "admin/registration/registration/change_list.html"
    change_form_template = "admin/registration/registration/change_form.html"
    actions = ["approve", "decline", "waitlist", "resend_last_email", "print_badges", "undo_check_in"]

    def has_add_permission(self, request) -> bool:
        return False  # people register themselves, so consent and the first email are never skipped

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.identity_is_frozen:
            # Vetted: who the person is changes only through a correction the registrant sends
            # (and another category's details, which are not theirs, not at all).
            return (*self.readonly_fields, *IDENTITY_FIELDS, *ALL_CATEGORY_FIELDS)
        return self.readonly_fields

    def get_search_results(self, request, queryset, search_term):
        """Every word, in any letter case and script, on PostgreSQL and SQLite alike (wpsconf.search)."""
        return search(queryset, self.search_fields, search_term.replace("\x00", "").split()[:5]), False

    @admin.display(description=_("country"), ordering="country")
    def country_name(self, obj: Registration) -> str:
        # Not the field itself: the admin would build the 250-country choice list for every row.
        return obj.country.name

    @admin.display(description=_("language"))
    def language_shown(self, obj: Registration) -> str:
        return language_name(obj.language)

    @admin.display(description=_("correction of identity"))
    def correction_waiting(self, obj: Registration) -> str:
        correction = corrections.pending_correction(obj)
        if correction is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:registration_identitycorrection_change", args=[correction.pk]),
            _("Awaiting review: compare and decide"),
        )

    @admin.display(description=_("audit history"))
    def audit_history(self, obj: Registration) -> str:
        entries = history_of(obj, reasons=audit.labels(), by_the_registrant=audit.BY_THE_REGISTRANT)
        return render_to_string("admin/_audit_history.html", {"entries": entries})

    @admin.display(description=_("accreditation"))
    def accreditation_request(self, obj: Registration) -> str:
        """Media are reviewed on their accreditation request: the way there."""
        if not obj.is_media or not hasattr(obj, "accreditation"):
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:accreditation_accreditationrequest_change", args=[obj.accreditation.pk]),
            obj.accreditation.get_status_display(),
        )

    def get_urls(self):
        badge = self.admin_site.admin_view(self.badge_view)
        return [path("<int:pk>/badge.pdf", badge, name="registration_registration_badge"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """With a link to the person's badge, for those the "Print badges" action serves."""
        registration = self.get_object(request, unquote(object_id))
        if registration and self.has_change_permission(request, registration) and badges.gets_a_badge(registration):
            badge_url = reverse("admin:registration_registration_badge", args=[registration.pk])
            extra_context = {**(extra_context or {}), "badge_url": badge_url}
        return super().change_view(request, object_id, form_url, extra_context)

    def badge_view(self, request, pk: int) -> HttpResponse:
        """One person's badge, as their own page gives it: at a staff address, never their personal link."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        registration = get_object_or_404(badges.printable(self.get_queryset(request)), pk=pk)  # confirmed only
        response = HttpResponse(badges.badge_pdf(registration), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="badge-{registration.reference}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

    def save_model(self, request, obj, form, change) -> None:
        # Only what the organiser changed: the workflow's own fields may have moved meanwhile.
        if form.changed_data:
            obj.save(update_fields=form.changed_data)

    @admin.action(description=_("Approve the selected registrations"), permissions=["change"])
    def approve(self, request, queryset) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            services.approve_registration,
            lambda n: (
                ngettext("%(count)d registration approved.", "%(count)d registrations approved.", n) % {"count": n}
            ),
        )

    @admin.action(description=_("Decline the selected registrations, with a reason"), permissions=["change"])
    def decline(self, request, queryset):
        form = DeclineForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            apply_to_each(
                self,
                request,
                queryset,
                lambda registration: services.decline_registration(registration, reason=reason),
                lambda n: (
                    ngettext("%(count)d registration declined.", "%(count)d registrations declined.", n) % {"count": n}
                ),
            )
            return None
        return ask_first(
            self,
            request,
            "admin/registration/decline.html",
            title=_("Decline registrations"),
            form=form,
            registrations=queryset,
        )

    @admin.action(description=_("Move the selected registrations to the waiting list"), permissions=["change"])
    def waitlist(self, request, queryset) -> None:
        selected = set(queryset.filter(status__in=Registration.ACTIVE_STATUSES).values_list("pk", flat=True))
        apply_to_each(
            self,
            request,
            queryset,
            lambda registration: services.waitlist_registration(registration, moved_together=selected),
            lambda n: (
                ngettext(
                    "%(count)d registration moved to the waiting list.",
                    "%(count)d registrations moved to the waiting list.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Print badges for the selected people (A4, four to a sheet)"), permissions=["change"])
    def print_badges(self, request, queryset):
        outcome = request_badges(queryset, by=request.user)
        if outcome.left_out:
            self.message_user(
                request, _("Only confirmed people get badges; the others were left out."), messages.WARNING
            )
        if outcome.pdf:
            response = HttpResponse(outcome.pdf, content_type="application/pdf")
            response["Content-Disposition"] = 'attachment; filename="badges.pdf"'
            return response
        if outcome.queue_unreachable:
            self.message_user(
                request,
                _("The task queue cannot be reached: print at most %(count)d people at a time, or try again shortly.")
                % {"count": badges.AT_ONCE_UP_TO},
                messages.ERROR,
            )
        elif outcome.sheet:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Badges for %(count)d people are being drawn; we will email you when they are ready.")
                    % {"count": outcome.sheet.people},
                    reverse("admin:registration_badgesheet_changelist"),
                    _("Badge sheets"),
                ),
                messages.SUCCESS,
            )
        return None

    @admin.action(description=_("Undo the check-in of the selected people"), permissions=["change"])
    def undo_check_in(self, request, queryset) -> None:
        count = checkin.undo_check_ins(queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d check-in undone.", "%(count)d check-ins undone.", count) % {"count": count},
        )

    @admin.action(description=_("Send the last email again"), permissions=["change"])
    def resend_last_email(self, request, queryset) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            services.resend_last_email,
            lambda n: ngettext("%(count)d email queued again.", "%(count)d emails queued again.", n) % {"count": n},
        )


class ConferenceSeatsForm(forms.ModelForm):
    """A capacity below the seats already held is refused (the seat API says so)."""

    class Meta:
        model = Conference
        fields = ("capacity", "media_capacity")  # the admin adds the rest from its fieldsets

    def seats_that_fit(self, name: str, *, media: bool) -> int:
        capacity = self.cleaned_data[name]
        error = seats.capacity_errors(self.instance, capacity, media=media)
        if error:
            raise ValidationError(error)
        return capacity

    def clean_capacity(self) -> int:
        return self.seats_that_fit("capacity", media=False)

    def clean_media_capacity(self) -> int:
        return self.seats_that_fit("media_capacity", media=True)


admin.site.unregister(Conference)


@admin.register(Conference)
class ConferenceWithSeatsAdmin(ConferenceAdmin):
    """The agenda's conference admin, with the seats registration owns: a capacity checked
    against the seats held, and a raised one given at once to the people waiting."""

    form = ConferenceSeatsForm

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and {"capacity", "media_capacity"} & set(form.changed_data):
            seats.give_free_seats(obj)


admin.site.unregister(OutgoingEmail)


@admin.register(OutgoingEmail)
class EmailAdmin(OutgoingEmailAdmin):
    """The outbox's list of emails, searchable by the registration's reference too."""

    search_fields = ("recipient__reference", "to")


@admin.register(BadgeSheet)
class BadgeSheetAdmin(OnlyTheListsOwnFilters, admin.ModelAdmin):
    list_display = ("created_at", "requested_by", "people", "finished_at", "download")
    list_select_related = ("requested_by",)
    readonly_fields = ("created_at", "requested_by", "people", "finished_at", "download")
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False  # made by the "Print badges" action

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("PDF"))
    def download(self, sheet: BadgeSheet) -> str:
        if not sheet.file:
            return _("Being drawn…")
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:registration_badgesheet_download", args=[sheet.pk]), _("Download")
        )

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [path("<int:pk>/download/", download, name="registration_badgesheet_download"), *super().get_urls()]

    def download_view(self, request, pk: int) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        sheet = BadgeSheet.objects.filter(pk=pk).first()
        if sheet is None or not sheet.file:
            raise Http404
        return FileResponse(
            sheet.file.open("rb"), as_attachment=True, filename="badges.pdf", content_type="application/pdf"
        )


class CorrectionDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, if you refuse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The registrant reads it in the email, as you write it."),
    )


CORRECTION_DECISIONS = {
    "accept": lambda correction, *, reason, by: corrections.accept_correction(correction, by=by),
    "refuse": lambda correction, *, reason, by: corrections.refuse_correction(correction, reason=reason, by=by),
}


@admin.register(IdentityCorrection)
class IdentityCorrectionAdmin(OnlyTheListsOwnFilters, admin.ModelAdmin):
    """Old and new side by side, and the decision; nothing here is edited by hand."""

    list_display = ("submitted_at", "reference", "name", "category", "status", "decided_by")
    list_filter = ("status", "registration__conference")
    list_select_related = ("registration", "decided_by")
    search_fields = ("registration__reference",)
    fields = ("reference", "status", "submitted_at", "returned_to_review", "decided_at", "decided_by", "reason")
    readonly_fields = fields
    change_form_template = "admin/registration/identitycorrection/change_form.html"
    view_on_site = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("registration__conference").visible_to(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # registrants send corrections from their personal page

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a correction is part of the person's record

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("registration.review_identitycorrection")

    @admin.display(description=_("reference"), ordering="registration__reference")
    def reference(self, obj: IdentityCorrection) -> str:
        return obj.registration.reference

    @admin.display(description=_("name now"), ordering="registration__last_name")
    def name(self, obj: IdentityCorrection) -> str:
        return obj.registration.addressed_name

    @admin.display(description=_("category"), ordering="registration__category")
    def category(self, obj: IdentityCorrection) -> str:
        return obj.registration.get_category_display()

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/", wrap(self.decide_view), name="registration_identitycorrection_decide"),
            path("<int:pk>/photo/", wrap(self.photo_view), name="registration_identitycorrection_photo"),
            *super().get_urls(),
        ]

    def comparison(self, request, correction: IdentityCorrection, form: CorrectionDecisionForm) -> dict:
        registration = correction.registration
        accreditation = getattr(registration, "accreditation", None) if registration.is_media else None
        return {
            "correction": correction,
            "decision_form": form,
            "can_decide": self.has_review_permission(request) and correction.is_pending,
            "rows": corrections.side_by_side(correction),
            "current_photo": reverse("admin:accreditation_document", args=[accreditation.pk, "photo"])
            if accreditation and accreditation.photo
            else "",
            "proposed_photo": reverse("admin:registration_identitycorrection_photo", args=[correction.pk])
            if correction.photo
            else "",
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        correction = self.get_object(request, object_id)
        if correction is not None:
            extra_context = {**(extra_context or {}), **self.comparison(request, correction, CorrectionDecisionForm())}
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, pk: int) -> HttpResponse:
        """Accept or refuse; a refusal without a reason comes back with its error, nothing lost."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        correction = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:registration_identitycorrection_change", args=[pk])
        if request.method != "POST":
            return redirect(change_url)
        form = CorrectionDecisionForm(request.POST)
        decision = request.POST.get("decision")
        if form.is_valid() and decision in CORRECTION_DECISIONS:
            try:
                CORRECTION_DECISIONS[decision](correction, reason=form.cleaned_data["reason"], by=request.user)
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                correction.refresh_from_db()
                self.message_user(
                    request,
                    _("%(reference)s: correction %(status)s. The registrant is being emailed.")
                    % {"reference": correction.registration.reference, "status": correction.get_status_display()},
                    messages.SUCCESS,
                )
                return redirect(change_url)
        elif decision not in CORRECTION_DECISIONS:
            form.add_error(None, _("Choose a decision."))
        return TemplateResponse(
            request,
            "admin/registration/identitycorrection/decide.html",
            {
                **self.admin_site.each_context(request),
                **self.comparison(request, correction, form),
                "title": str(correction),
                "opts": self.model._meta,
                "original": correction,
            },
        )

    def photo_view(self, request, pk: int) -> FileResponse:
        """The proposed badge photo, for those who may see the correction."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        correction = get_object_or_404(self.get_queryset(request), pk=pk)
        if not correction.photo or not correction.photo.storage.exists(correction.photo.name):
            raise Http404
        response = FileResponse(correction.photo.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
        return response
