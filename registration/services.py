"""The registration workflow: every status change goes through here, with its email.

Who holds a seat is decided by the seat API (`registration.seats`), under the conference's
row lock; this module is what people and organisers do: register, cancel, approve,
decline, move to the waiting list, ask for their link again.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from agenda.models import Conference
from outbox.models import OutgoingEmail
from outbox.services import queue_copy, queue_email
from registration import seats
from registration.audit import Reason
from registration.models import DoorCount, IdentityCorrection, LinkRequest, Registration
from registration.models import EmailKind as Kind
from wpsconf import clock

Status = Registration.Status
MEDIA = Registration.Category.MEDIA
FIRST_EMAIL = {Status.PENDING: Kind.RECEIVED, Status.CONFIRMED: Kind.CONFIRMED, Status.WAITLISTED: Kind.WAITLISTED}


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    created: bool


def register_attendee(
    *,
    conference: Conference,
    details: dict,
    language: str,
    along_with: Callable[[Registration], object] | None = None,
    first_email: Mapping[str, str] = FIRST_EMAIL,
) -> Outcome:
    """Register one person, or, for an address already registered, mail its existing link.

    Either way exactly one email goes out, and the caller shows the same page.
    `along_with` writes what belongs to a new registration in the same transaction
    (a media applicant's accreditation request); `first_email` names its first email by status.
    """
    email = details["email"]
    media = details["category"] == MEDIA
    try:
        with transaction.atomic():
            # Before the seat lock, which every registration waits for: the unique index on
            # the address catches one registered meanwhile (below).
            existing = known_address(conference, email)
            if existing:
                mail_link_again(existing)
                return Outcome(existing, created=False)
            conference = seats.lock(conference)
            status = seats.take_seat(conference, media=media)
            now = timezone.now()
            registration = Registration(
                conference=conference,
                language=language,
                status=status,
                consent_given_at=now,
                joined_waiting_list_at=now if status == Status.WAITLISTED else None,
                vetted_at=now if status == Status.CONFIRMED else None,
                **details,
            )
            registration._change_reason = Reason.REGISTERED  # django-simple-history's documented way
            registration.save(force_insert=True)
            if status == Status.CONFIRMED:
                DoorCount.objects.add(conference.pk, expected=1)
            if along_with:
                along_with(registration)
            queue_email(registration, first_email[status])
            return Outcome(registration, created=True)
    except IntegrityError:
        # The same address registered at the same moment.
        existing = seats.registered_address(conference, email)
        if existing is None:
            raise
        with transaction.atomic():
            mail_link_again(existing)
        return Outcome(existing, created=False)


def register_on_behalf(
    *, conference: Conference, details: dict, language: str, along_with: Callable[[Registration], object]
) -> Registration:
    """Someone registered by another person on their behalf (a delegation's focal point).

    They hold a seat, pending the review of the list they are on, or nothing is created and a
    ValidationError says why: never the waiting list, and no email (the review mails them).
    Their address, which they may not have, must be new at this conference. Call with no
    seat lock held; a caller's own lock (a delegation's row) is taken before it.
    """
    email = details.get("email", "")
    try:
        with transaction.atomic():
            if email and known_address(conference, email):
                raise ValidationError(ADDRESS_TAKEN, code="address_taken")
            conference = seats.lock(conference)
            if seats.take_seat(conference, media=details["category"] == MEDIA) == Status.WAITLISTED:
                raise ValidationError(_("No seat is left at the conference."), code="full")
            registration = Registration(
                conference=conference,
                language=language,
                status=Status.PENDING,
                consent_given_at=timezone.now(),
                **details,
            )
            registration._change_reason = Reason.REGISTERED_ON_BEHALF
            registration.save(force_insert=True)
            along_with(registration)
            return registration
    except IntegrityError:
        if email and seats.registered_address(conference, email):  # registered at the same moment
            raise ValidationError(ADDRESS_TAKEN, code="address_taken") from None
        raise


ADDRESS_TAKEN = _lazy("Someone is already registered for the conference with this email address.")


# "Lost your link" and registering again with a known address both mail the link. Anyone
# can ask for it, from any number of addresses, so each registrant gets only a few an hour.
LINK_EMAILS_PER_HOUR = 3


def mail_link_again(registration: Registration) -> bool:
    """Queue the personal link unless this person was sent it too often lately; say which.

    Call in a transaction: the registration's row lock makes simultaneous requests count in turn.
    """
    Registration.objects.select_for_update().filter(pk=registration.pk).exists()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    recent = registration.emails.filter(kind=Kind.LINK_RESENT, created_at__gte=an_hour_ago).count()
    if recent >= LINK_EMAILS_PER_HOUR:
        return False
    queue_email(registration, Kind.LINK_RESENT)
    return True


def known_address(conference: Conference, email: str) -> Registration | None:
    """The registration that holds this address (in any letter case) at this conference; a cancelled one does not."""
    # The id first: a new address, the usual case, costs one small query (this is in every registration).
    found = seats.with_address(conference, email).exclude(status=Status.CANCELLED).values_list("pk", flat=True)
    pk = found.first()
    return None if pk is None else Registration.objects.select_related("conference").get(pk=pk)


def answer_link_request(link_request_id: int) -> None:
    """The worker's half of "Lost your link?" (`registration.lost_link`): mail the personal link
    to a registered address, within its hourly allowance; nothing otherwise."""
    with transaction.atomic():
        link_request = (
            LinkRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("conference")
            .filter(pk=link_request_id)
            .first()
        )
        if link_request is None:
            return  # answered already, or being answered
        registration = seats.registered_address(link_request.conference, link_request.email)
        link_request.delete()  # the address is not kept longer than it takes to answer
        if registration:
            mail_link_again(registration)


def answer_waiting_link_requests(now: datetime | None = None) -> int:
    """Celery beat's sweep: answer the requests whose task never came; how many."""
    # A request's task normally runs within seconds; older ones lost theirs (broker down, worker died).
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.TASK_LOST_AFTER_SECONDS)
    waiting = list(LinkRequest.objects.filter(created_at__lte=cutoff).order_by("pk").values_list("pk", flat=True))
    for link_request_id in waiting:
        answer_link_request(link_request_id)
    return len(waiting)


@transaction.atomic
def save_own_details(registration: Registration, values: dict) -> Registration:
    """The registrant's own changes from their page. Once vetted, who they are is not among them:
    a place confirmed while the page stood open turns such a change away."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.is_closed:
        raise ValidationError(_("This registration is closed: there is nothing left to change."))
    if registration.identity_is_frozen and set(values) & set(registration.identity_fields()):
        raise ValidationError(
            _("Your place has been confirmed meanwhile: to change who you are, send a correction for review.")
        )
    for name, value in values.items():
        setattr(registration, name, value)
    registration._change_reason = Reason.REGISTRANT  # for the audit history (django-simple-history)
    registration.save(update_fields=list(values))
    return registration


@transaction.atomic
def cancel_registration(registration: Registration, *, notify: bool = True) -> Registration:
    """`notify=False`: no email, for an address about to be erased."""
    conference, registration = seats.locked_registration(registration)
    if registration.is_closed:
        raise ValidationError(_("This registration is already closed."))
    was_active = registration.is_active
    seats.change_status(registration, Status.CANCELLED, kind=Kind.CANCELLED, notify=notify, joined_waiting_list_at=None)
    if was_active:
        seats.fill_free_seats(conference, media=registration.is_media)
    return registration


def refuse_media(registration: Registration) -> None:
    if registration.is_media:
        raise ValidationError(_("Media are approved or declined under Accreditation requests, after their review."))


@transaction.atomic
def approve_registration(registration: Registration) -> Registration:
    refuse_media(registration)
    conference, registration = seats.locked_registration(registration)
    if registration.corrections.filter(status=IdentityCorrection.Status.PENDING).exists():
        raise ValidationError(
            _("This person's correction of identity awaits review: accept or refuse it under Corrections of identity.")
        )
    if registration.status == Status.WAITLISTED and not seats.has_free_seat(conference):
        raise ValidationError(_("No seat is free: the conference is full."))
    if registration.status not in (Status.PENDING, Status.WAITLISTED):
        raise ValidationError(_("Only pending or waiting registrations can be approved."))
    return seats.change_status(registration, Status.CONFIRMED, kind=Kind.CONFIRMED, joined_waiting_list_at=None)


@transaction.atomic
def decline_registration(registration: Registration, *, reason: str) -> Registration:
    if not reason.strip():
        raise ValidationError(_("Give a reason for declining."))
    refuse_media(registration)
    conference, registration = seats.locked_registration(registration)
    if registration.is_closed:
        raise ValidationError(_("This registration is already closed."))
    was_active = registration.is_active
    seats.change_status(
        registration, Status.DECLINED, kind=Kind.DECLINED, decline_reason=reason.strip(), joined_waiting_list_at=None
    )
    if was_active:
        seats.fill_free_seats(conference, media=False)
    return registration


@transaction.atomic
def waitlist_registration(registration: Registration, *, moved_together: Collection[int] = ()) -> Registration:
    """Move someone to the end of the waiting list; their seat goes to the first in line.

    `moved_together`: the others an organiser moves in the same action, who must not
    get the seats they leave either.
    """
    refuse_media(registration)
    conference, registration = seats.locked_registration(registration)
    if not registration.is_active:
        raise ValidationError(_("Only pending or confirmed registrations can be moved to the waiting list."))
    seats.change_status(registration, Status.WAITLISTED, kind=Kind.WAITLISTED, joined_waiting_list_at=timezone.now())
    seats.fill_free_seats(conference, media=registration.is_media, passing_over={registration.pk, *moved_together})
    return registration


def send_reminders(now: datetime | None = None) -> int:
    """On the day before a conference, remind each confirmed person, once; how many were queued.

    Celery beat runs this every hour: a run that fires twice, or two at once, queue nothing
    more (the outbox keeps one reminder per registration).
    """
    now = now or clock.now()
    queued = 0
    for conference in Conference.objects.published().filter(starts_at__gt=now, starts_at__lte=now + timedelta(days=2)):
        if conference.local(conference.starts_at).date() != conference.local(now).date() + timedelta(days=1):
            continue
        due = (
            conference.registrations.filter(status=Status.CONFIRMED)
            .exclude(email="")  # a delegation member without an address: their focal point has the details
            .exclude(emails__kind=Kind.REMINDER)
        )
        for registration in due.select_related("conference").iterator():
            try:
                with transaction.atomic():
                    queue_email(registration, Kind.REMINDER, once=Kind.REMINDER)
            except IntegrityError:
                continue  # another run queued it a moment ago
            queued += 1
    return queued


@transaction.atomic
def resend_last_email(registration: Registration) -> OutgoingEmail:
    # The reminder goes once (the outbox's `once` says so); "again" means the last email before it.
    last = registration.emails.exclude(kind=Kind.REMINDER).order_by("-created_at", "-pk").first()
    if last is None:
        raise ValidationError(_("No email has been sent to this person yet."))
    return queue_copy(last)
