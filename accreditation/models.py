from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from registration.models import Registration
from wpsconf.storage import private_storage, random_name


def document_name(instance, filename: str) -> str:
    return random_name("accreditation", filename)


class OutletType(models.TextChoices):
    NEWSPAPER = "newspaper", _("Newspaper or magazine")
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    ONLINE = "online", _("Online media")
    NEWS_AGENCY = "news_agency", _("News agency")
    PHOTO_AGENCY = "photo_agency", _("Photo agency")
    FREELANCE = "freelance", _("Freelance")


class MediaRole(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    PHOTOGRAPHER = "photographer", _("Photographer")
    CAMERA = "camera", _("Camera operator")
    TECHNICIAN = "technician", _("Sound engineer or technician")
    EDITOR = "editor", _("Editor")
    PRODUCER = "producer", _("Producer")


class Equipment(models.TextChoices):
    CAMERA = "camera", _("Video or photo camera")
    TRIPOD = "tripod", _("Tripod")
    LIVE = "live", _("Live transmission (broadcast link)")
    MICROPHONE = "microphone", _("Microphone or sound recorder")
    LIGHTING = "lighting", _("Lighting")


class WorkingLanguage(models.TextChoices):
    # Own context: these stand in a list, where Russian writes them in lower case.
    KAZAKH = "kk", pgettext_lazy("language in a list", "Kazakh")
    RUSSIAN = "ru", pgettext_lazy("language in a list", "Russian")
    ENGLISH = "en", pgettext_lazy("language in a list", "English")
    UZBEK = "uz", pgettext_lazy("language in a list", "Uzbek")
    KYRGYZ = "ky", pgettext_lazy("language in a list", "Kyrgyz")
    TAJIK = "tg", pgettext_lazy("language in a list", "Tajik")
    TURKMEN = "tk", pgettext_lazy("language in a list", "Turkmen")
    CHINESE = "zh", pgettext_lazy("language in a list", "Chinese")
    TURKISH = "tr", pgettext_lazy("language in a list", "Turkish")
    FRENCH = "fr", pgettext_lazy("language in a list", "French")
    GERMAN = "de", pgettext_lazy("language in a list", "German")
    ARABIC = "ar", pgettext_lazy("language in a list", "Arabic")


class IdentityDocument(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National identity card")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")


def display_list(choices: type[models.TextChoices], values: list[str]) -> str:
    labels = dict(choices.choices)
    return ", ".join(str(labels.get(value, value)) for value in values)


class AccreditationRequest(models.Model):
    """A media applicant's outlet, role, press card and documents, and the press office's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        MORE_INFO = "more_info", _("More information needed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")

    class Decision(models.TextChoices):
        """What the press office may decide on a request (pretalx's "valid next states")."""

        APPROVE = "approve", _("Approve")
        MORE_INFO = "more_info", _("Ask for more information")
        REJECT = "reject", _("Reject")
        REVOKE = "revoke", _("Revoke")

    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="accreditation",
        verbose_name=_("registration"),
        limit_choices_to={"category": Registration.Category.MEDIA},
    )
    nationality = CountryField(_("nationality"))
    outlet_type = models.CharField(_("type of outlet"), max_length=16, choices=OutletType.choices)
    outlet_country = CountryField(_("country of the outlet"))
    outlet_website = models.URLField(
        _("outlet's website"), blank=True, help_text=_("Freelancers may leave this empty.")
    )
    role = models.CharField(_("role"), max_length=16, choices=MediaRole.choices)
    # Freelancers without a press card may leave these out; the assignment letter is then what counts.
    press_card_number = models.CharField(_("press card number"), max_length=64, blank=True)
    press_card_issuer = models.CharField(_("press card issued by"), max_length=200, blank=True)
    equipment = models.JSONField(_("equipment"), default=list, blank=True)
    crew = models.TextField(
        _("crew"),
        blank=True,
        help_text=_("Names and roles of the colleagues working with you. Each of them applies for accreditation too."),
    )
    technical_needs = models.TextField(
        _("live transmission and technical needs"),
        blank=True,
        help_text=_("E.g. power, a cable run, a position on the camera platform, bandwidth."),
    )
    interview_requests = models.TextField(
        _("interview requests"), blank=True, help_text=_("Whom you would like to interview, and on what subject.")
    )
    working_languages = models.JSONField(_("working languages"), default=list)
    press_card = models.FileField(
        _("press card"), storage=private_storage, upload_to=document_name, max_length=200, blank=True
    )
    assignment_letter = models.FileField(
        _("assignment letter"), storage=private_storage, upload_to=document_name, max_length=200
    )
    photo = models.FileField(_("photo for the badge"), storage=private_storage, upload_to=document_name, max_length=200)

    status = models.CharField(_("review"), max_length=12, choices=Status.choices, default=Status.PENDING)
    reviewer_message = models.TextField(
        _("message from the press office"),
        blank=True,
        help_text=_("What is missing, or why the accreditation was rejected or revoked. The applicant reads it."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("documents submitted at"))

    badge_collected_at = models.DateTimeField(_("badge collected at"), null=True, blank=True)
    badge_handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ID checked by"),
    )
    identity_document = models.CharField(
        _("identity document shown"), max_length=20, choices=IdentityDocument.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accreditation request")
        verbose_name_plural = _("accreditation requests")
        ordering = ["-submitted_at"]
        permissions = [
            ("review_accreditationrequest", _("Can decide on accreditation requests")),
            ("record_badge_pickup", _("Can record that a media badge was collected")),
        ]

    def __str__(self) -> str:
        return str(self.registration)

    @property
    def reference(self) -> str:
        return self.registration.reference

    @property
    def documents(self) -> dict[str, models.fields.files.FieldFile]:
        return {name: getattr(self, name) for name in DOCUMENT_FIELDS if getattr(self, name)}

    def get_equipment_display(self) -> str:
        return display_list(Equipment, self.equipment)

    def get_working_languages_display(self) -> str:
        return display_list(WorkingLanguage, self.working_languages)

    @property
    def badge_collected(self) -> bool:
        return self.badge_collected_at is not None

    @property
    def is_under_review(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.MORE_INFO)

    def allowed_decisions(self) -> tuple[str, ...]:
        """The decisions this request can take now: none once the applicant has withdrawn."""
        if self.registration.is_closed:
            return ()
        if self.is_under_review:
            return (self.Decision.APPROVE, self.Decision.MORE_INFO, self.Decision.REJECT)
        if self.status == self.Status.APPROVED:
            return (self.Decision.REVOKE,)
        return ()


DOCUMENT_FIELDS = ("press_card", "assignment_letter", "photo")


class AccreditationDecision(models.Model):
    """One step of a request's review, kept as the record of who decided what and when."""

    class Action(models.TextChoices):
        APPROVED = "approved", _("Approved")
        MORE_INFO = "more_info", _("Asked for more information")
        RESUBMITTED = "resubmitted", _("Applicant sent new documents")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")
        BADGE_COLLECTED = "badge_collected", _("Badge collected, ID checked")

    accreditation = models.ForeignKey(AccreditationRequest, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    message = models.TextField(_("message"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    decided_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review history")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return self.get_action_display()
