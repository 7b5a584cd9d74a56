"""The press office's review in the admin: documents beside the decision, pickup against an ID."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accreditation import press_office, services
from accreditation.forms import BadgePickupForm, ReviewForm
from accreditation.models import DOCUMENT_FIELDS, AccreditationDecision, AccreditationRequest
from agenda.models import Conference
from registration import audit as registration_audit
from registration.admin import apply_to_each
from wpsconf.admin_actions import ask_first
from wpsconf.admin_filters import countries_present, language_name
from wpsconf.admin_lookups import OnlyTheListsOwnFilters
from wpsconf.audit import history_of
from wpsconf.spreadsheets import csv_lines
from wpsconf.uploads import CONTENT_TYPES

Status = AccreditationRequest.Status
Decision = AccreditationRequest.Decision


class DecisionInline(admin.TabularInline):
    model = AccreditationDecision
    extra = 0
    can_delete = False
    fields = ("decided_at", "action", "message", "decided_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def person(field: str, description):
    def show(modeladmin, accreditation: AccreditationRequest):
        return getattr(accreditation.registration, field)

    show.short_description = description
    show.admin_order_field = f"registration__{field}"
    return show


@admin.register(AccreditationRequest)
class AccreditationRequestAdmin(OnlyTheListsOwnFilters, admin.ModelAdmin):
    list_display = (
        "reference",
        "name",
        "outlet",
        "outlet_type",
        "role",
        "status",
        "registration_status",
        "submitted_at",
        "badge_collected_at",
    )
    list_filter = (
        "registration__conference",
        "status",
        "outlet_type",
        "role",
        ("registration__country", countries_present(conference="registration__conference")),
        ("outlet_country", countries_present(conference="registration__conference")),
        ("badge_collected_at", admin.EmptyFieldListFilter),
    )
    search_fields = (
        "registration__reference",
        "registration__last_name",
        "registration__first_name",
        "registration__email",
        "registration__organisation",
    )
    list_select_related = ("registration",)
    date_hierarchy = "submitted_at"
    inlines = [DecisionInline]
    actions = ["approve_selected", "record_badge_pickup"]
    change_form_template = "admin/accreditation/accreditationrequest/change_form.html"
    change_list_template = "admin/accreditation/accreditationrequest/change_list.html"

    reference = person("reference", gettext_lazy("reference"))
    outlet = person("organisation", gettext_lazy("media outlet"))
    email = person("email", gettext_lazy("email"))
    phone = person("phone", gettext_lazy("phone"))
    country = person("country", gettext_lazy("country of residence"))
    position = person("position", gettext_lazy("job title"))

    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "status",
                    "registration_status",
                    "reviewer_message",
                    "reviewed_by",
                    "reviewed_at",
                )
            },
        ),
        (
            gettext_lazy("Applicant"),
            {"fields": ("name", "email", "phone", "country", "nationality", "language")},
        ),
        (
            gettext_lazy("Outlet and work"),
            {
                "fields": (
                    "outlet",
                    "outlet_type",
                    "outlet_country",
                    "outlet_website",
                    "role",
                    "position",
                    "press_card_number",
                    "press_card_issuer",
                    "languages",
                )
            },
        ),
        (
            gettext_lazy("Equipment, crew and interviews"),
            {"fields": ("equipment_list", "crew", "technical_needs", "interview_requests")},
        ),
        (gettext_lazy("Badge"), {"fields": ("badge_collected_at", "badge_handed_over_by", "identity_document")}),
        (gettext_lazy("Record"), {"fields": ("submitted_at", "email_history", "audit_history")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # The applicant's own words and documents are evidence: nobody edits them here.
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("registration__conference", "reviewed_by")

    def has_add_permission(self, request) -> bool:
        return False  # media apply themselves, with their consent and documents

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a request goes with its registration, never alone (its seat would stay taken)

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("accreditation.review_accreditationrequest")

    def has_pickup_permission(self, request) -> bool:
        return request.user.has_perm("accreditation.record_badge_pickup")

    @admin.display(description=gettext_lazy("name"), ordering="registration__last_name")
    def name(self, obj: AccreditationRequest) -> str:
        return obj.registration.addressed_name

    @admin.display(description=gettext_lazy("language"))
    def language(self, obj: AccreditationRequest) -> str:
        return language_name(obj.registration.language)

    @admin.display(description=gettext_lazy("registration status"), ordering="registration__status")
    def registration_status(self, obj: AccreditationRequest) -> str:
        return obj.registration.get_status_display()

    @admin.display(description=gettext_lazy("working languages"))
    def languages(self, obj: AccreditationRequest) -> str:
        return obj.get_working_languages_display()

    @admin.display(description=gettext_lazy("equipment"))
    def equipment_list(self, obj: AccreditationRequest) -> str:
        return obj.get_equipment_display()

    @admin.display(description=gettext_lazy("audit history"))
    def audit_history(self, obj: AccreditationRequest) -> str:
        entries = history_of(
            obj,
            reasons={**registration_audit.labels(), **dict(AccreditationDecision.Action.choices)},
            by_the_registrant={AccreditationDecision.Action.RESUBMITTED},
        )
        return render_to_string("admin/_audit_history.html", {"entries": entries})

    @admin.display(description=gettext_lazy("email history"))
    def email_history(self, obj: AccreditationRequest) -> str:
        emails = obj.registration.emails.order_by("created_at", "pk")
        return (
            format_html_join(
                "\n",
                "<div>{} · {} · {}</div>",
                (
                    (email.created_at.strftime("%Y-%m-%d %H:%M"), email.get_kind_display(), email.get_status_display())
                    for email in emails
                ),
            )
            or "—"
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/document/<str:name>/", wrap(self.document_view), name="accreditation_document"),
            path("<int:pk>/review/", wrap(self.review_view), name="accreditation_review"),
            path("press-office/", wrap(self.press_office_view), name="accreditation_press_office"),
            *super().get_urls(),
        ]

    def document_view(self, request: HttpRequest, pk: int, name: str) -> FileResponse:
        """A private document, for reviewers and organisers only: nothing else serves these files."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if name not in DOCUMENT_FIELDS:
            raise Http404
        accreditation = get_object_or_404(AccreditationRequest.objects.select_related("registration"), pk=pk)
        document = getattr(accreditation, name)
        if not document or not document.storage.exists(document.name):
            raise Http404
        extension = document.name[document.name.rfind(".") :]
        response = FileResponse(
            document.open("rb"),
            content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
            as_attachment=extension == ".pdf",  # a PDF opens in the reader's own program, not in the admin
            filename=f"{accreditation.registration.reference}-{name}{extension}",
        )
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
        return response

    def review_context(self, request, accreditation: AccreditationRequest, form: ReviewForm) -> dict:
        return {
            "accreditation": accreditation,
            "review_form": form,
            "can_review": self.has_review_permission(request),
            "decisions": available_decisions(accreditation),
            "documents": [
                (name, AccreditationRequest._meta.get_field(name).verbose_name, getattr(accreditation, name).name)
                for name in DOCUMENT_FIELDS
                if getattr(accreditation, name)
            ],
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        accreditation = self.get_object(request, object_id)
        if accreditation is not None:
            extra_context = {**(extra_context or {}), **self.review_context(request, accreditation, ReviewForm())}
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """One decision on one request; a refusal is shown beside the message, nothing is lost."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        accreditation = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method != "POST":
            return redirect(reverse("admin:accreditation_accreditationrequest_change", args=[pk]))
        form = ReviewForm(request.POST)
        decision = request.POST.get("decision")
        if form.is_valid() and decision in DECISIONS:
            try:
                DECISIONS[decision](accreditation, message=form.cleaned_data["message"], by=request.user)
            except ValidationError as error:
                form.add_error("message", error)
            else:
                accreditation.refresh_from_db()
                self.message_user(
                    request,
                    _("%(reference)s: %(status)s. The applicant is being emailed.")
                    % {"reference": accreditation.registration.reference, "status": accreditation.get_status_display()},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:accreditation_accreditationrequest_change", args=[pk]))
        elif decision not in DECISIONS:
            form.add_error(None, _("Choose a decision."))
        return TemplateResponse(
            request,
            "admin/accreditation/accreditationrequest/review.html",
            {
                **self.admin_site.each_context(request),
                **self.review_context(request, accreditation, form),
                "title": _("Review %(reference)s") % {"reference": accreditation.registration.reference},
                "opts": self.model._meta,
                "original": accreditation,
            },
        )

    def press_office_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        conference = Conference.objects.chosen_or_current(request.GET.get("conference"))
        lists = press_office.lists(conference)
        download = request.GET.get("download")
        if download in lists:
            return csv_download(lists[download], f"{conference.slug}-{download}.csv" if conference else "empty.csv")
        return TemplateResponse(
            request,
            "admin/accreditation/accreditationrequest/press_office.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Press office lists"),
                "opts": self.model._meta,
                "conference": conference,
                "lists": lists,
            },
        )

    @admin.action(description=gettext_lazy("Approve the selected requests"), permissions=["review"])
    def approve_selected(self, request, queryset) -> None:
        apply_to_each(
            self,
            request,
            queryset.select_related("registration__conference"),
            lambda accreditation: services.approve(accreditation, by=request.user),
            lambda n: ngettext("%(count)d request approved.", "%(count)d requests approved.", n) % {"count": n},
        )

    @admin.action(description=gettext_lazy("Badge collected, ID checked"), permissions=["pickup"])
    def record_badge_pickup(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Hand badges over one person at a time: each shows their own ID."), messages.WARNING
            )
            return None
        form = BadgePickupForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            document = form.cleaned_data["identity_document"]
            apply_to_each(
                self,
                request,
                queryset.select_related("registration__conference"),
                lambda accreditation: services.record_badge_pickup(
                    accreditation, identity_document=document, by=request.user
                ),
                lambda n: ngettext("%(count)d badge handed over.", "%(count)d badges handed over.", n) % {"count": n},
            )
            return None
        return ask_first(
            self,
            request,
            "admin/accreditation/accreditationrequest/pickup.html",
            title=_("Hand over badges"),
            form=form,
            accreditations=queryset.select_related("registration"),
        )


DECISIONS = {
    Decision.APPROVE: services.approve,
    Decision.MORE_INFO: services.ask_for_more_information,
    Decision.REJECT: lambda accreditation, *, message, by: services.reject(accreditation, reason=message, by=by),
    Decision.REVOKE: lambda accreditation, *, message, by: services.revoke(accreditation, reason=message, by=by),
}


BUTTON_STYLES = {Decision.APPROVE: "default", Decision.REJECT: "deletelink", Decision.REVOKE: "deletelink"}


def available_decisions(accreditation: AccreditationRequest) -> list[tuple[str, str, str]]:
    """(value, label, button style) of each decision this request can take now."""
    return [
        (decision, Decision(decision).label, BUTTON_STYLES.get(decision, ""))
        for decision in accreditation.allowed_decisions()
    ]


def csv_download(table: press_office.Table, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(table.headers, table.rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
