from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from agenda.models import Conference
from registration.models import Registration, new_token, validate_phone
from wpsconf.storage import private_storage, random_name


def letter_name(instance, filename: str) -> str:
    return random_name("delegations", filename)


class Delegation(models.Model):
    """A country's or an organisation's delegation: its focal point, seat quota, official letter and review.

    Its members are registrations (`DelegationMember`), each with a seat of the conference's
    capacity; the quota caps how many seats the delegation holds.
    """

    class Kind(models.TextChoices):
        PARLIAMENT = "parliament", _("Parliament")
        GOVERNMENT = "government", _("Government")
        INTERNATIONAL = "international", _("International organisation")
        NGO = "ngo", _("Non-governmental organisation")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested by a focal point")
        INVITED = "invited", _("Invited: the list is being prepared")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")
        DECLINED = "declined", _("Request declined")

    # The focal point works on the list in these; organisers alone act on the others.
    OPEN_STATUSES = (Status.INVITED, Status.SUBMITTED, Status.APPROVED, Status.RETURNED)

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("conference")
    )
    country = CountryField(
        _("country"), blank=True, help_text=_("A country's delegation: leave the organisation empty.")
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("An organisation's delegation: leave the country empty."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    quota = models.PositiveSmallIntegerField(_("seat quota"), default=0)
    seats_requested = models.PositiveSmallIntegerField(
        _("seats requested"), null=True, blank=True, help_text=_("What the focal point asked for.")
    )
    focal_point_name = models.CharField(_("focal point's name"), max_length=200)
    focal_point_email = models.EmailField(_("focal point's email"))
    focal_point_phone = models.CharField(
        _("focal point's phone"), max_length=32, blank=True, validators=[validate_phone]
    )
    focal_point_position = models.CharField(_("focal point's position"), max_length=200, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The focal point's emails are written in it."),
    )
    letter = models.FileField(
        _("official letter"),
        storage=private_storage,
        upload_to=letter_name,
        max_length=200,
        blank=True,
        help_text=_("A note verbale or a signed nomination letter, as PDF."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.INVITED)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    notes = models.TextField(_("organisers' notes"), blank=True, help_text=_("Never shown to the focal point."))
    token = models.CharField(max_length=64, default=new_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["conference", "country", "organisation"]
        permissions = [("review_delegation", _("Can approve or return delegations"))]
        constraints = [
            models.CheckConstraint(
                condition=(Q(country="") & ~Q(organisation="")) | (~Q(country="") & Q(organisation="")),
                name="delegation_of_a_country_or_an_organisation",
                violation_error_message=_("Give either a country or an organisation, not both."),
            ),
            models.UniqueConstraint(fields=["token"], name="delegation_token_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return str(self.country.name) if self.country else self.organisation

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class DelegationMember(models.Model):
    """A registration on a delegation's list. Removing a member cancels their registration."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="members", verbose_name=_("delegation")
    )
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="delegation_membership", verbose_name=_("registration")
    )
    is_head = models.BooleanField(_("head of delegation"), default=False)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        ordering = ["-is_head", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["delegation"], condition=Q(is_head=True), name="one_head_per_delegation")
        ]

    def __str__(self) -> str:
        return str(self.registration)


class FocalPointLinkRequest(models.Model):
    """A focal point asked for their link to be mailed again: written whatever the address, answered by a worker."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"focal point link request {self.pk}"
