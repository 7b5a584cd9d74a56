import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from agenda.models import Conference, Gender, Honorific, InterpretationLanguage, addressed
from wpsconf.storage import private_storage, random_name

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
PHONE_PATTERN = re.compile(r"^\+[1-9]\d{6,14}$")


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_token() -> str:
    """256 random bits, URL-safe: the key to a registrant's own page."""
    return secrets.token_urlsafe(32)


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s\-().]", "", value or "")


def validate_phone(value: str) -> None:
    if not PHONE_PATTERN.match(normalise_phone(value)):
        raise ValidationError(
            _("Enter the number in international format, starting with + and the country code, e.g. +7 701 234 5678.")
        )


IDENTITY_FIELDS = ("honorific", "first_name", "last_name", "organisation", "position", "country")


class Registration(models.Model):
    class Category(models.TextChoices):
        PARLIAMENTARIAN = "parliamentarian", _("Parliamentarian")
        GOVERNMENT = "government", _("Government official")
        CIVIL_SOCIETY = "civil_society", _("Civil society / NGO")
        INTERNATIONAL = "international", _("International organisation")
        DIPLOMATIC = "diplomatic", _("Diplomatic corps")
        EXPERT = "expert", _("Expert / academia")
        MEDIA = "media", _("Media")

    Gender = Gender

    class Chamber(models.TextChoices):
        UPPER = "upper", _("Upper chamber (e.g. Senate)")
        LOWER = "lower", _("Lower chamber (e.g. Mazhilis)")
        SINGLE = "single", _("Single-chamber parliament")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED)

    # Indexed by registration_seats_idx, which starts with the conference.
    conference = models.ForeignKey(
        Conference,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("conference"),
        db_index=False,
    )
    reference = models.CharField(_("reference"), max_length=REFERENCE_LENGTH, default=new_reference)
    token = models.CharField(max_length=64, default=new_token, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    honorific = models.CharField(_("honorific"), max_length=8, choices=Honorific.choices, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    gender = models.CharField(
        _("gender"),
        max_length=12,
        choices=Gender.choices,
        blank=True,
        help_text=_("Optional. Used only for anonymous, aggregate statistics on women's participation."),
    )
    email = models.EmailField(
        _("email"), blank=True, help_text=_("Empty only for a delegation member who has no address of their own.")
    )
    phone = models.CharField(
        _("phone"),
        max_length=32,
        validators=[validate_phone],
        help_text=_("International format, e.g. +7 701 234 5678."),
    )
    country = CountryField(_("country"))
    organisation = models.CharField(_("organisation"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    parliament = models.CharField(_("parliament"), max_length=200, blank=True)
    chamber = models.CharField(_("chamber"), max_length=8, choices=Chamber.choices, blank=True)
    ministry = models.CharField(_("ministry or agency"), max_length=200, blank=True)
    mission = models.CharField(_("diplomatic mission"), max_length=200, blank=True)
    represented_country = CountryField(_("country represented"), blank=True)
    organisation_country = CountryField(_("country of the organisation"), blank=True)
    interpretation_language = models.CharField(
        _("preferred interpretation language"), max_length=2, choices=InterpretationLanguage.choices
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    dietary_needs = models.TextField(_("dietary needs"), blank=True)
    no_photography = models.BooleanField(
        _("please do not photograph or stream me"),
        default=False,
        help_text=_("Photographers and the live stream will avoid you; your badge carries a discreet mark."),
    )
    consent_given_at = models.DateTimeField(_("consent given at"))
    language = models.CharField(_("language"), max_length=8, help_text=_("The language the person registered in."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    joined_waiting_list_at = models.DateTimeField(
        _("joined the waiting list at"), null=True, blank=True, help_text=_("The waiting list is served in this order.")
    )
    vetted_at = models.DateTimeField(
        _("identity approved at"),
        null=True,
        blank=True,
        help_text=_(
            "When the place was first confirmed. From then on, who the person is changes only through a "
            "correction that organisers review."
        ),
    )

    # Every change, with who made it and why (wpsconf.audit). Never the link's token, and never
    # the gender, which the privacy notice keeps to anonymous figures.
    history = HistoricalRecords(excluded_fields=["token", "gender"])

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        permissions = [("check_in_registration", _("Can check people in at the door"))]
        # Constraints rather than unique=True: PostgreSQL then gets no extra LIKE indexes,
        # and every index here is one a query uses (fewer indexes, faster registrations).
        constraints = [
            # Someone who cancelled may register again; anyone else has their one registration.
            # Delegation members without an address of their own have none to share.
            models.UniqueConstraint(
                Lower("email"),
                "conference",
                condition=~Q(status="cancelled") & ~Q(email=""),
                name="one_registration_per_email_per_conference",
            ),
            models.UniqueConstraint(fields=["reference"], name="registration_reference_unique"),
            models.UniqueConstraint(fields=["token"], name="registration_token_unique"),
        ]
        # The category sits in the index so that the media's seats and everyone else's are
        # each counted from the index alone.
        indexes = [
            models.Index(
                fields=["conference", "status", "category", "joined_waiting_list_at"], name="registration_seats_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.full_name}"

    @property
    def counted_at_the_door(self) -> bool:
        """In the door's count: confirmed, and checked in."""
        return self.status == self.Status.CONFIRMED and self.checked_in_at is not None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def addressed_name(self) -> str:
        """How letters and pages address the person, honorific included, in the active language."""
        return addressed(self.honorific, self.full_name)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_media(self) -> bool:
        """Media hold seats of their own and are confirmed by an accreditation review."""
        return self.category == self.Category.MEDIA

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.CANCELLED, self.Status.DECLINED)

    @property
    def identity_is_frozen(self) -> bool:
        """Once vetted, who the person is changes only through a reviewed correction."""
        return self.vetted_at is not None

    def identity_fields(self) -> tuple[str, ...]:
        """What says who the person is: their names, organisation, position, country and their
        category's own fields (a badge, the door and the protocol lists show these)."""
        return (*IDENTITY_FIELDS, *CATEGORY_FIELDS[self.category])


# What each category tells us beyond the fields everyone fills in.
CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    Registration.Category.PARLIAMENTARIAN: ("parliament", "chamber"),
    Registration.Category.GOVERNMENT: ("ministry",),
    Registration.Category.DIPLOMATIC: ("mission", "represented_country"),
    Registration.Category.INTERNATIONAL: ("organisation_country",),
    Registration.Category.CIVIL_SOCIETY: ("organisation_country",),
    Registration.Category.EXPERT: (),
    Registration.Category.MEDIA: (),
}
ALL_CATEGORY_FIELDS = ("parliament", "chamber", "ministry", "mission", "represented_country", "organisation_country")


def correction_photo_name(instance, filename: str) -> str:
    return random_name("corrections", filename)


class CorrectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CorrectionQuerySet":
        """The press office sees the corrections of the media it accredited, and no one else's."""
        if user.has_perm("registration.view_registration"):
            return self
        return self.filter(registration__category=Registration.Category.MEDIA)


class IdentityCorrection(models.Model):
    """A vetted registrant's correction of who they are, kept apart until organisers accept or refuse it.

    While it waits, a confirmed registration is back under review with its seat kept, and
    its badge is withheld. `before` and `after` hold the changed fields only.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("registration")
    )
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("proposed"), default=dict)
    photo = models.FileField(
        _("new photo for the badge"), storage=private_storage, upload_to=correction_photo_name, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    returned_to_review = models.BooleanField(
        _("place back under review"), default=False, help_text=_("The place was confirmed when this was sent.")
    )
    reason = models.TextField(_("reason for refusing"), blank=True)
    submitted_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction of identity")
        verbose_name_plural = _("corrections of identity")
        ordering = ["-submitted_at", "-pk"]
        permissions = [("review_identitycorrection", _("Can accept or refuse corrections of identity"))]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=Q(status="pending"), name="one_pending_correction_per_registration"
            )
        ]

    def __str__(self) -> str:
        return _("Correction of %(reference)s") % {"reference": self.registration.reference}

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class EmailKind(models.TextChoices):
    """The emails registration sends through the outbox (media decisions are accreditation's)."""

    RECEIVED = "received", _("Registration received")
    CONFIRMED = "confirmed", _("Registration confirmed")
    WAITLISTED = "waitlisted", _("Placed on the waiting list")
    PROMOTED = "promoted", _("Promoted from the waiting list")
    DECLINED = "declined", _("Registration declined")
    CANCELLED = "cancelled", _("Registration cancelled")
    LINK_RESENT = "link_resent", _("Personal link sent again")
    REMINDER = "reminder", _("Reminder the day before")
    CORRECTION_ACCEPTED = "correction_accepted", _("Correction of identity accepted")
    CORRECTION_REFUSED = "correction_refused", _("Correction of identity refused")


class LinkRequest(models.Model):
    """Someone asked for a personal link to be mailed again ("Lost your link?").

    The page writes one of these whatever the address, and a worker answers it: the request
    costs the same for a registered address as for any other, so its timing tells nothing.
    """

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("request for a personal link")
        verbose_name_plural = _("requests for a personal link")

    def __str__(self) -> str:
        return f"link request {self.pk}"


def badge_sheet_name(instance, filename: str) -> str:
    return random_name("badges", filename)


class BadgeSheet(models.Model):
    """A4 sheets of badges printed for organisers; large batches are drawn by a Celery task."""

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        null=True,
        related_name="badge_sheets",
        verbose_name=_("conference"),
        help_text=_("Empty when the people printed came from several conferences."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    people = models.PositiveIntegerField(_("people"))
    # Who is printed on it: erasing one of them redraws the sheet without them.
    registrations = models.ManyToManyField(Registration, related_name="badge_sheets", verbose_name=_("people printed"))
    file = models.FileField(_("PDF"), storage=private_storage, upload_to=badge_sheet_name, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("ready at"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge sheet")
        verbose_name_plural = _("badge sheets")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("Badges for %(count)d people") % {"count": self.people}


class DoorCountManager(models.Manager):
    def add(self, conference_id: int, *, checked_in: int = 0, expected: int = 0) -> None:
        """Count a change in the people checked in or expected; call in the transaction that made it, after it.

        F() makes simultaneous scans at several doors each add their own; a conference without its
        row yet starts from a count of the registrations, in which this transaction's change is.
        """
        if not (checked_in or expected):
            return
        change = {"checked_in": F("checked_in") + checked_in, "expected": F("expected") + expected}
        if self.filter(conference_id=conference_id).update(**change):
            return
        _row, created = self.get_or_create(conference_id=conference_id, defaults=counted_at_the_door(conference_id))
        if not created:  # made meanwhile by another transaction, which could not see this change
            self.filter(conference_id=conference_id).update(**change)

    def counts(self, conference: Conference) -> dict[str, int]:
        """Checked in, out of the people expected (everyone confirmed)."""
        found = self.filter(conference=conference).values("checked_in", "expected").first()
        if found is None:
            row, _created = self.get_or_create(conference=conference, defaults=counted_at_the_door(conference.pk))
            found = {"checked_in": row.checked_in, "expected": row.expected}
        return found

    def recount(self, conference_id: int) -> dict[str, int]:
        """The counts made again from the registrations, after a change that did not go through the
        site (SQL, a restored table). The row is locked before counting: a change still in progress
        then adds itself after the count, which cannot see it."""
        with transaction.atomic():
            self.get_or_create(conference_id=conference_id, defaults=counted_at_the_door(conference_id))
            self.select_for_update().get(conference_id=conference_id)
            counted = counted_at_the_door(conference_id)
            self.filter(conference_id=conference_id).update(**counted)
        return counted


def counted_at_the_door(conference_id: int) -> dict[str, int]:
    """The door's counts from the registrations themselves: the confirmed people, and those of them checked in."""
    confirmed = Q(status=Registration.Status.CONFIRMED)
    return Registration.objects.filter(conference_id=conference_id).aggregate(
        checked_in=Count("pk", filter=confirmed & Q(checked_in_at__isnull=False)),
        expected=Count("pk", filter=confirmed),
    )


class DoorCount(models.Model):
    """How many of a conference's people are expected at the door (confirmed) and how many of them
    are checked in, kept by every change to either (`DoorCount.objects.add`), so that the door
    shows them after each scan without counting the registrations."""

    conference = models.OneToOneField(
        Conference, on_delete=models.CASCADE, related_name="+", verbose_name=_("conference")
    )
    checked_in = models.IntegerField(_("checked in"), default=0)
    expected = models.IntegerField(_("expected"), default=0)

    objects = DoorCountManager()

    class Meta:
        verbose_name = _("door count")
        verbose_name_plural = _("door counts")
        default_permissions = ()  # kept by the check-in itself; nobody edits it

    def __str__(self) -> str:
        return f"door count {self.conference_id}: {self.checked_in} of {self.expected}"
