from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from agenda import services
from agenda.models import (
    Conference,
    DialogueChair,
    InterpretationLanguage,
    NationalActionPlan,
    OutcomeDocument,
    Room,
    Session,
    SessionSpeaker,
    Speaker,
)
from wpsconf import uploads
from wpsconf.admin_actions import ask_first
from wpsconf.admin_filters import countries_present
from wpsconf.admin_lookups import OnlyTheListsOwnFilters
from wpsconf.countries import CountryListsAdmin


class SessionForm(forms.ModelForm):
    interpretation_languages = forms.MultipleChoiceField(
        label=_("interpretation languages"),
        choices=InterpretationLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Session
        fields = (
            "conference",
            "title",
            "description",
            "kind",
            "starts_at",
            "ends_at",
            "room",
            "pillar",
            "interpretation_languages",
            "is_livestreamed",
        )


class SessionInlineFormSet(BaseInlineFormSet):
    """Catches two sessions of one submission that would share a room at the same time."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.instance.starts_at
        ]
        clashes = services.sessions_overlapping_in_rooms(kept)
        if clashes:
            first, second = clashes[0]
            raise ValidationError(
                _("“%(first)s” and “%(second)s” overlap in the same room."),
                params={"first": first.title, "second": second.title},
            )


# A link typed without a scheme ("youtube.com/...") means https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class RoomInline(TranslationTabularInline):
    model = Room
    extra = 0


class SessionInline(TranslationStackedInline):
    model = Session
    form = SessionForm
    formset = SessionInlineFormSet
    extra = 0
    show_change_link = True
    fields = ("title", "kind", "starts_at", "ends_at", "room", "pillar", "is_livestreamed")


class ChangesPublicPages:
    """A ModelAdmin whose saves and deletions change what the public pages show: the pages of the
    conferences it touches are drawn anew afterwards (agenda.page_cache)."""

    def conferences_shown_with(self, objects) -> list[int] | None:
        """The conferences whose pages show these objects; None: every conference's."""
        return None

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        services.public_pages_changed(self.conferences_shown_with([obj]))

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)  # inlines: rooms, sessions, speakers, documents
        services.public_pages_changed(self.conferences_shown_with([form.instance]))

    def delete_model(self, request, obj) -> None:
        conferences = self.conferences_shown_with([obj])
        super().delete_model(request, obj)
        services.public_pages_changed(conferences)

    def delete_queryset(self, request, queryset) -> None:
        conferences = self.conferences_shown_with(list(queryset))
        super().delete_queryset(request, queryset)
        services.public_pages_changed(conferences)


class ConferenceZoneMixin:
    """Times on a change form are read and shown in the zone of the conference being edited.

    The site-wide zone is that of the conference the site presents; next year's chair edits
    a conference in another zone (or in the same city after a change of offset).
    """

    def conference_of(self, obj):
        return obj

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if object_id else None
        conference = self.conference_of(obj) if obj else None
        if conference is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(conference.tzinfo):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # Rendered here, not later by the handler, so the form shows its times in this zone too.
            return response.render() if hasattr(response, "render") else response


class MoveConferenceForm(forms.Form):
    first_day = forms.DateField(
        label=_("New first day"),
        widget=AdminDateWidget,
        help_text=_(
            "Every time keeps its local hour: registration opening and closing, the conference and each session."
        ),
    )

    def __init__(self, *args, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference

    def clean_first_day(self):
        first_day = self.cleaned_data["first_day"]
        if first_day == self.conference.local_date:
            raise ValidationError(_("The conference already begins on that day: choose another."))
        return first_day


class OutcomeDocumentForm(forms.ModelForm):
    class Meta:
        model = OutcomeDocument
        fields = ("kind", "language", "title", "file", "is_published")
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": "application/pdf"})}

    def clean_file(self):
        """A PDF that opens as one, judged by its content, up to 20 MB."""
        upload = self.cleaned_data["file"]
        if upload and "file" in self.files:
            return uploads.pdf_document(upload, limit=OUTCOME_SIZE_LIMIT)
        return upload


OUTCOME_SIZE_LIMIT = 20 * 1024 * 1024


class OutcomeDocumentInline(admin.TabularInline):
    model = OutcomeDocument
    form = OutcomeDocumentForm
    extra = 0
    verbose_name_plural = _("outcome documents (published ones are listed on the conference page)")


@admin.register(Conference)
class ConferenceAdmin(
    ChangesPublicPages, CountryListsAdmin, OnlyTheListsOwnFilters, ConferenceZoneMixin, TranslationAdmin
):
    formfield_overrides = HTTPS_URLS
    list_display = ("title", "starts_at", "city", "capacity", "is_published")
    list_filter = ("is_published", "requires_approval")
    search_fields = ("title", "city", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [RoomInline, SessionInline, OutcomeDocumentInline]
    actions = ["move_to_another_date"]

    def conferences_shown_with(self, objects) -> list[int]:
        return [conference.pk for conference in objects]

    fieldsets = (
        (None, {"fields": ("slug", "title", "description", "is_published")}),
        (
            _("When and where"),
            {
                "fields": ("starts_at", "ends_at", "time_zone", "venue", "address", "city", "country"),
                "description": _("Times are entered and shown in the time zone of the conference the site presents."),
            },
        ),
        (_("Who"), {"fields": ("organisers", "supporters", "audience")}),
        (
            _("Contact and outreach"),
            {"fields": ("contact_name", "contact_email", "livestream_url", "recording_url", "hashtags")},
        ),
        (
            _("Registration"),
            {
                "fields": (
                    "capacity",
                    "media_capacity",
                    "registration_opens_at",
                    "registration_closes_at",
                    "requires_approval",
                    "personal_data_kept_months",
                    "programme_is_draft",
                )
            },
        ),
    )

    @admin.action(description=_("Move to another date"), permissions=["change"])
    def move_to_another_date(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one conference to move."), messages.WARNING)
            return None
        conference = queryset.get()
        form = MoveConferenceForm(request.POST if "apply" in request.POST else None, conference=conference)
        if form.is_valid():
            services.move_conference(conference, form.cleaned_data["first_day"])
            conference.refresh_from_db()
            sessions = conference.sessions.count()
            self.message_user(
                request,
                ngettext(
                    "“%(title)s” now takes place on %(day)s; its registration window and %(count)d session moved "
                    "with it.",
                    "“%(title)s” now takes place on %(day)s; its registration window and %(count)d sessions moved "
                    "with it.",
                    sessions,
                )
                % {"title": conference.title, "day": date_format(conference.local_date), "count": sessions},
                messages.SUCCESS,
            )
            return None
        return ask_first(
            self,
            request,
            "admin/agenda/conference/move.html",
            title=_("Move “%(title)s” to another date") % {"title": conference.title},
            form=form,
            media=self.media + form.media,
            conference=conference,
            session_count=conference.sessions.count(),
        )


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    extra = 1
    autocomplete_fields = ("speaker",)


@admin.register(Session)
class SessionAdmin(ChangesPublicPages, OnlyTheListsOwnFilters, ConferenceZoneMixin, TranslationAdmin):
    form = SessionForm
    list_display = ("title", "starts_at", "ends_at", "room", "kind", "pillar", "conference")
    list_filter = ("conference", "kind", "pillar", "room", "is_livestreamed")
    search_fields = ("title", "description", "speakers__name")
    list_select_related = ("room", "conference")
    date_hierarchy = "starts_at"
    inlines = [SessionSpeakerInline]

    def conference_of(self, obj):
        return obj.conference

    def conferences_shown_with(self, objects) -> list[int]:
        return [session.conference_id for session in objects]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "conference" in form.changed_data:  # it left the other conference's programme
            services.public_pages_changed([form.initial["conference"]])


@admin.register(Speaker)
class SpeakerAdmin(ChangesPublicPages, CountryListsAdmin, OnlyTheListsOwnFilters, TranslationAdmin):
    list_display = ("name", "honorific", "position", "organisation", "country")
    list_filter = ("honorific", ("country", countries_present()))
    search_fields = ("name", "position", "organisation")

    def conferences_shown_with(self, objects) -> list[int]:
        speakers = [speaker.pk for speaker in objects]
        return list(Session.objects.filter(speakers__in=speakers).values_list("conference_id", flat=True).distinct())


@admin.register(DialogueChair)
class DialogueChairAdmin(ChangesPublicPages, CountryListsAdmin, admin.ModelAdmin):
    list_display = ("year", "country")


@admin.register(NationalActionPlan)
class NationalActionPlanAdmin(ChangesPublicPages, CountryListsAdmin, TranslationAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("country", "first_adopted")
