import uuid
import zoneinfo
from datetime import date, datetime, tzinfo
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from wpsconf import clock
from wpsconf.storage import random_name


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone name such as Asia/Almaty."),
            params={"value": value},
        )


def validate_hashtags(value: str) -> None:
    for tag in value.split():
        if not tag.startswith("#") or len(tag) < 2:
            raise ValidationError(
                _("Write hashtags separated by spaces, each starting with #: “%(tag)s” does not."),
                params={"tag": tag},
            )


class InterpretationLanguage(models.TextChoices):
    # Own context: these stand mid-sentence in a list, where Russian writes them in lower case.
    KAZAKH = "kk", pgettext_lazy("language in a list", "Kazakh")
    RUSSIAN = "ru", pgettext_lazy("language in a list", "Russian")
    ENGLISH = "en", pgettext_lazy("language in a list", "English")


class Window(StrEnum):
    """Where a conference stands with registration."""

    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


class ConferenceQuerySet(models.QuerySet):
    def published(self) -> "ConferenceQuerySet":
        return self.filter(is_published=True)

    def current(self) -> "Conference | None":
        """The published conference the site presents: the one that starts last."""
        return self.published().order_by("-starts_at").first()

    def chosen_or_current(self, conference_id: str | None) -> "Conference | None":
        """The conference a staff page's `?conference=` picker names, else the presented one."""
        if conference_id and conference_id.isascii() and conference_id.isdigit():
            return self.filter(pk=conference_id).first()
        return self.current()


class Conference(models.Model):
    slug = models.SlugField(_("short name"), unique=True, help_text=_("Used in links, e.g. wps-2023."))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Almaty",
        validators=[validate_time_zone],
        help_text=_("IANA name of the zone the conference takes place in, e.g. Asia/Almaty."),
    )
    venue = models.CharField(_("venue"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    organisers = models.TextField(_("organisers"), help_text=_("One per line."))
    supporters = models.TextField(_("supported by"), blank=True, help_text=_("One per line."))
    audience = models.TextField(_("who attends"), blank=True)
    livestream_url = models.URLField(_("live-stream link"), blank=True)
    recording_url = models.URLField(
        _("recording link"), blank=True, help_text=_("Shown on the conference page once the conference has ended.")
    )
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    hashtags = models.CharField(
        _("hashtags"), max_length=300, blank=True, validators=[validate_hashtags], help_text=_("Separated by spaces.")
    )
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("Seats for attendees."))
    media_capacity = models.PositiveIntegerField(
        _("media seats"),
        default=0,
        help_text=_("Accredited journalists, photographers and crews, counted apart from the attendees' seats."),
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    personal_data_kept_months = models.PositiveSmallIntegerField(
        _("personal data kept for (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("How long after the conference registrants' personal data is kept; the privacy notice says so."),
    )
    requires_approval = models.BooleanField(
        _("registrations need approval"),
        default=True,
        help_text=_("If set, new registrations wait for an organiser's approval."),
    )
    programme_is_draft = models.BooleanField(
        _("programme is a draft"), default=True, help_text=_("Shown on the programme until you clear it.")
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("The latest published conference is the one the site shows.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="conference_ends_after_it_starts"),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="conference_registration_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The conference must end after it starts.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def tzinfo(self) -> tzinfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local(self, moment: datetime) -> datetime:
        return timezone.localtime(moment, self.tzinfo)

    def registration_window(self, now: datetime | None = None) -> Window:
        """Open between the opening and closing times the organisers set, and never after the conference."""
        now = now or clock.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return Window.NOT_YET_OPEN
        if self.registration_closes_at and now >= self.registration_closes_at:
            return Window.CLOSED
        if now >= self.ends_at:
            return Window.CLOSED
        return Window.OPEN

    def has_ended(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or clock.now())

    @property
    def programme_still_draft(self) -> bool:
        """A draft until the organisers say otherwise or the conference has taken place."""
        return self.programme_is_draft and not self.has_ended()

    def local_time_label(self, moment: datetime) -> str:
        return self.local(moment).strftime("%H:%M")

    @property
    def local_date(self) -> date:
        return self.local(self.starts_at).date()

    @property
    def utc_offset_label(self) -> str:
        """The zone's offset on the conference day, e.g. "UTC+06:00"."""
        offset = self.local(self.starts_at).strftime("%z")
        return f"UTC{offset[:3]}:{offset[3:]}"

    @property
    def hashtag_list(self) -> list[str]:
        return self.hashtags.split()

    @property
    def organiser_list(self) -> list[str]:
        return [line.strip() for line in self.organisers.splitlines() if line.strip()]

    @property
    def supporter_list(self) -> list[str]:
        return [line.strip() for line in self.supporters.splitlines() if line.strip()]


class Room(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(pgettext_lazy("room", "name"), max_length=120)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["conference", "name"], name="room_name_unique_per_conference")]

    def __str__(self) -> str:
        return self.name


class Honorific(models.TextChoices):
    """Forms of address for speakers and registrants alike."""

    NONE = "", _("(none)")
    HIS_HER_EXCELLENCY = "he", _("H.E.")
    HONOURABLE = "hon", _("Hon.")
    DOCTOR = "dr", _("Dr")
    PROFESSOR = "prof", _("Prof.")
    MR = "mr", _("Mr")
    MS = "ms", _("Ms")


# Each form of address with a name, translated whole: Kazakh puts "мырза" and "ханым"
# after the name, and "Мәртебелі" before it.
FORMS_OF_ADDRESS = {
    Honorific.HIS_HER_EXCELLENCY: pgettext_lazy("form of address", "H.E. %(name)s"),
    Honorific.HONOURABLE: pgettext_lazy("form of address", "Hon. %(name)s"),
    Honorific.DOCTOR: pgettext_lazy("form of address", "Dr %(name)s"),
    Honorific.PROFESSOR: pgettext_lazy("form of address", "Prof. %(name)s"),
    Honorific.MR: pgettext_lazy("form of address", "Mr %(name)s"),
    Honorific.MS: pgettext_lazy("form of address", "Ms %(name)s"),
}


def addressed(honorific: str, name: str) -> str:
    """The name with its honorific, in the order of the active language."""
    form = FORMS_OF_ADDRESS.get(honorific)
    return form % {"name": name} if form else name


class Gender(models.TextChoices):
    """Self-declared and optional; used only for anonymous, aggregate participation figures."""

    UNSPECIFIED = "", _("Not given")
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    ANOTHER = "another", _("Another gender")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


class Speaker(models.Model):
    Honorific = Honorific

    honorific = models.CharField(_("honorific"), max_length=8, choices=Honorific.choices, blank=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=300, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    country = CountryField(_("country"), blank=True)
    gender = models.CharField(
        _("gender"),
        max_length=12,
        choices=Gender.choices,
        blank=True,
        help_text=_("Only for the share of women among speakers on the participation dashboard; never shown."),
    )
    bio = models.TextField(_("short bio"), blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return addressed(self.honorific, self.name)


class Session(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        PLENARY = "plenary", _("Plenary")
        PANEL = "panel", _("Panel")
        WORKING = "working", _("Working session")
        BREAK = "break", _("Break")
        LUNCH = "lunch", _("Lunch")
        CLOSING = "closing", _("Closing")

    class Pillar(models.TextChoices):
        NONE = "", _("None")
        PREVENTION = "prevention", _("Prevention")
        PARTICIPATION = "participation", _("Participation")
        PROTECTION = "protection", _("Protection")
        RELIEF_AND_RECOVERY = "relief_recovery", _("Relief and recovery")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("conference")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PANEL)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions", verbose_name=_("room")
    )
    pillar = models.CharField(_("WPS pillar"), max_length=16, choices=Pillar.choices, blank=True)
    interpretation_languages = models.JSONField(
        _("interpretation languages"), default=list, blank=True, help_text=_("Languages interpreted into.")
    )
    is_livestreamed = models.BooleanField(_("live-streamed"), default=False)
    speakers = models.ManyToManyField(Speaker, through="SessionSpeaker", related_name="sessions")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "ends_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = self.schedule_errors()
        if errors:
            raise ValidationError(errors)

    def overlaps(self, other: "Session") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def schedule_errors(self) -> dict[str, str]:
        """Field errors for a session that ends too early, leaves its day, or clashes in its room."""
        if not (self.starts_at and self.ends_at):
            return {}
        if self.ends_at <= self.starts_at:
            return {"ends_at": _("A session must end after it starts.")}
        conference = self.conference if Session.conference.is_cached(self) or self.conference_id else None
        errors: dict[str, str] = {}
        if conference and conference.starts_at and conference.ends_at:
            first_day, last_day = (
                conference.local(conference.starts_at).date(),
                conference.local(conference.ends_at).date(),
            )
            if self.starts_at < conference.starts_at and conference.local(self.starts_at).date() < first_day:
                errors["starts_at"] = _("The session is on %(day)s, before the conference begins on %(first_day)s.") % {
                    "day": date_format(conference.local(self.starts_at).date()),
                    "first_day": date_format(first_day),
                }
            elif self.starts_at < conference.starts_at:
                errors["starts_at"] = _("The session starts before the conference day begins (%(time)s).") % {
                    "time": conference.local_time_label(conference.starts_at)
                }
            if self.ends_at > conference.ends_at and conference.local(self.ends_at).date() > last_day:
                errors["ends_at"] = _("The session is on %(day)s, after the conference ends on %(last_day)s.") % {
                    "day": date_format(conference.local(self.ends_at).date()),
                    "last_day": date_format(last_day),
                }
            elif self.ends_at > conference.ends_at:
                errors["ends_at"] = _("The session ends after the conference day ends (%(time)s).") % {
                    "time": conference.local_time_label(conference.ends_at)
                }
        if self.room_id and self.conference_id and self.room.conference_id != self.conference_id:
            errors["room"] = _("This room belongs to another conference.")
        elif self.room_id and self.conference_id:
            clash = (
                Session.objects.filter(
                    conference_id=self.conference_id,
                    room_id=self.room_id,
                    starts_at__lt=self.ends_at,
                    ends_at__gt=self.starts_at,
                )
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                errors["room"] = _("This room is already taken by “%(title)s” from %(start)s to %(end)s.") % {
                    "title": clash.title,
                    "start": clash.conference.local_time_label(clash.starts_at),
                    "end": clash.conference.local_time_label(clash.ends_at),
                }
        return errors

    def get_interpretation_languages_display(self) -> list[str]:
        labels = dict(InterpretationLanguage.choices)
        return [str(labels[code]) for code in self.interpretation_languages if code in labels]


# The four pillars of resolution 1325, in the order the UN presents them.
PILLAR_DESCRIPTIONS = {
    Session.Pillar.PARTICIPATION: _("Women take part equally in decisions on peace and security, at every level."),
    Session.Pillar.PROTECTION: _("The rights of women and girls are protected, including from gender-based violence."),
    Session.Pillar.PREVENTION: _(
        "Conflict and violence against women are prevented, with women's perspectives in early warning."
    ),
    Session.Pillar.RELIEF_AND_RECOVERY: _(
        "Relief and recovery meet the needs of women and girls and draw on their leadership."
    ),
}


class SessionSpeaker(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MODERATOR = "moderator", _("Moderator")
        SPEAKER = "speaker", _("Speaker")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="appearances")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="appearances")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speaker in session")
        verbose_name_plural = _("speakers in session")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "speaker"], name="speaker_appears_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker} ({self.get_role_display()})"


class DialogueChair(models.Model):
    """A year's chairmanship of the Dialogue of Women of Central Asia."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    country = CountryField(_("chairing country"))

    class Meta:
        verbose_name = _("chairmanship of the Dialogue")
        verbose_name_plural = _("chairmanships of the Dialogue")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.country.name}"


class NationalActionPlan(models.Model):
    """A country's national action plan on UN Security Council resolution 1325."""

    country = CountryField(_("country"), unique=True)
    first_adopted = models.PositiveSmallIntegerField(_("first adopted in"))
    summary = models.TextField(_("summary"))
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("national action plan")
        verbose_name_plural = _("national action plans")
        ordering = ["first_adopted", "country"]

    def __str__(self) -> str:
        return f"{self.country.name} ({self.first_adopted})"


def outcome_document_name(instance, filename: str) -> str:
    return random_name("outcomes", filename)


class OutcomeDocument(models.Model):
    """What the conference produced (the Roadmap, the recommendations), published after it, per language."""

    class Kind(models.TextChoices):
        ROADMAP = "roadmap", _("Roadmap")
        RECOMMENDATIONS = "recommendations", _("Recommendations")
        OTHER = "other", _("Other outcome document")

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="outcome_documents", verbose_name=_("conference")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2, choices=InterpretationLanguage.choices)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("PDF"), upload_to=outcome_document_name, max_length=200)
    is_published = models.BooleanField(_("published"), default=False, help_text=_("Listed on the conference page."))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")
        ordering = ["kind", "language", "pk"]

    def __str__(self) -> str:
        return self.title
