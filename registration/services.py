"""The registration workflow: every status change goes through here, with its email.

Seats are counted under a row lock on the conference, so pending + confirmed never
exceed its capacity whatever arrives at once; the waiting list is served in the
order people joined it. Media have seats and a waiting list of their own (the
conference's media seats); everyone else shares the attendees' seats.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Conference
from outbox.models import OutgoingEmail
from outbox.services import queue_copy, queue_email
from registration.audit import Reason
from registration.models import EmailKind as Kind
from registration.models import IdentityCorrection, LinkRequest, Registration

Status = Registration.Status
MEDIA = Registration.Category.MEDIA
FIRST_EMAIL = {Status.PENDING: Kind.RECEIVED, Status.CONFIRMED: Kind.CONFIRMED, Status.WAITLISTED: Kind.WAITLISTED}


class Window(StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


def registration_window(conference: Conference, now: datetime | None = None) -> Window:
    now = now or timezone.now()
    if conference.registration_opens_at and now < conference.registration_opens_at:
        return Window.NOT_YET_OPEN
    if conference.registration_closes_at and now >= conference.registration_closes_at:
        return Window.CLOSED
    if now >= conference.ends_at:
        return Window.CLOSED
    return Window.OPEN


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    created: bool


def same_seats(conference: Conference, *, media: bool):
    """The registrations that share one pool of seats: the media's, or everyone else's."""
    return conference.registrations.filter(Q(category=MEDIA) if media else ~Q(category=MEDIA))


def capacity_of(conference: Conference, *, media: bool) -> int:
    return conference.media_capacity if media else conference.capacity


def waiting_list_position(registration: Registration) -> int | None:
    """1 for the first in line; None for someone not on the waiting list."""
    if registration.status != Status.WAITLISTED:
        return None
    waiting = same_seats(registration.conference, media=registration.is_media).filter(status=Status.WAITLISTED)
    ahead = waiting.filter(
        Q(queued_at__lt=registration.queued_at) | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def seats_taken(conference: Conference, *, media: bool = False) -> int:
    return same_seats(conference, media=media).filter(status__in=Registration.ACTIVE_STATUSES).count()


def registered_address(conference: Conference, email: str) -> Registration | None:
    """The registration for this address in any letter case (through the unique index on lower(email))."""
    return conference.registrations.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email))).first()


def seat_status(conference: Conference, *, media: bool) -> str:
    """The status of someone given a seat: every accreditation is reviewed before it is confirmed."""
    return Status.PENDING if media or conference.requires_approval else Status.CONFIRMED


# Plain SQL: through the translated model's manager, compiling this query cost more CPU
# than the rest of the seat transaction's statements together.
LOCK_CONFERENCE_SQL = "SELECT capacity, media_capacity, requires_approval FROM {table} WHERE id = %s"


def lock(conference: Conference) -> Conference:
    """Lock the conference row; every seat decision happens under this lock.

    Only the facts seats depend on are read (fresh, under the lock) into the instance.
    SQLite has no row locks (nor FOR UPDATE): it lets one writer at a time in anyway.
    """
    query = LOCK_CONFERENCE_SQL.format(table=connection.ops.quote_name(Conference._meta.db_table))
    if connection.features.has_select_for_update:
        query += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(query, [conference.pk])
        row = cursor.fetchone()
    if row is None:
        raise Conference.DoesNotExist
    conference.capacity, conference.media_capacity = row[0], row[1]
    conference.requires_approval = bool(row[2])  # SQLite answers 0 or 1
    return conference


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
            conference = lock(conference)
            active, anyone_waiting, existing_id = seats_and_address(conference, email, media=media)
            if existing_id:
                existing = Registration.objects.select_related("conference").get(pk=existing_id)
                mail_link_again(existing)
                return Outcome(existing, created=False)
            capacity = capacity_of(conference, media=media)
            if anyone_waiting and active < capacity:
                # Seats freed without a promotion (capacity raised, someone waitlisted by
                # hand) go to the people already waiting before anyone new.
                active += len(fill_free_seats(conference, media=media))
            now = timezone.now()
            status = seat_status(conference, media=media) if active < capacity else Status.WAITLISTED
            registration = Registration(
                conference=conference,
                language=language,
                status=status,
                consent_given_at=now,
                queued_at=now if status == Status.WAITLISTED else None,
                vetted_at=now if status == Status.CONFIRMED else None,
                **details,
            )
            registration._change_reason = Reason.REGISTERED  # django-simple-history's documented way
            registration.save(force_insert=True)
            if along_with:
                along_with(registration)
            queue_email(registration, first_email[status])
            return Outcome(registration, created=True)
    except IntegrityError:
        # The same address registered at the same moment (only possible without row locks, on SQLite).
        existing = registered_address(conference, email)
        if existing is None:
            raise
        with transaction.atomic():
            mail_link_again(existing)
        return Outcome(existing, created=False)


# One round trip under the seat lock, each part answered from an index: seats taken in
# the person's pool, whether anyone waits in it, and the registration already made with
# this address, if any. One equality per status, so that even with stale statistics (a
# burst of new rows) each count is an index-only scan of at most the capacity.
SEATS_AND_ADDRESS_SQL = """
SELECT
  (SELECT COUNT(*) FROM {table} WHERE conference_id = %s AND status = %s AND category {pool} %s)
  + (SELECT COUNT(*) FROM {table} WHERE conference_id = %s AND status = %s AND category {pool} %s),
  EXISTS (SELECT 1 FROM {table} WHERE conference_id = %s AND status = %s AND category {pool} %s),
  (SELECT id FROM {table} WHERE conference_id = %s AND LOWER(email) = LOWER(%s) AND status <> %s)
"""


def seats_and_address(conference: Conference, email: str, *, media: bool) -> tuple[int, bool, int | None]:
    """Call with the conference locked, so the counts cannot change before the caller decides."""
    table = connection.ops.quote_name(Registration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            SEATS_AND_ADDRESS_SQL.format(table=table, pool="=" if media else "<>"),
            [
                conference.pk,
                Status.PENDING,
                MEDIA,
                conference.pk,
                Status.CONFIRMED,
                MEDIA,
                conference.pk,
                Status.WAITLISTED,
                MEDIA,
                conference.pk,
                email,
                Status.CANCELLED,
            ],
        )
        active, anyone_waiting, existing_id = cursor.fetchone()
    return active, bool(anyone_waiting), existing_id


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
        registration = registered_address(link_request.conference, link_request.email)
        link_request.delete()  # the address is not kept longer than it takes to answer
        if registration:
            mail_link_again(registration)


# A request's task normally runs within seconds; older ones lost theirs (broker down, worker died).
LINK_REQUEST_LOST_AFTER = timedelta(seconds=60)


def answer_waiting_link_requests(now: datetime | None = None) -> int:
    """Celery beat's sweep: answer the requests whose task never came; how many."""
    cutoff = (now or timezone.now()) - LINK_REQUEST_LOST_AFTER
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


def change_status(registration: Registration, status: str, *, kind: str, **fields) -> Registration:
    """The new status, recorded in the audit history under the email it sends, and that email."""
    registration.status = status
    registration.status_changed_at = timezone.now()
    if status == Status.CONFIRMED and registration.vetted_at is None:
        registration.vetted_at = registration.status_changed_at  # who they are is fixed from now on
    for name, value in fields.items():
        setattr(registration, name, value)
    registration._change_reason = kind
    registration.save()
    if registration.is_closed:
        # Nobody is left to correct: a correction waiting for review goes with the place.
        registration.corrections.filter(status=IdentityCorrection.Status.PENDING).update(
            status=IdentityCorrection.Status.WITHDRAWN, decided_at=registration.status_changed_at
        )
    queue_email(registration, kind)
    return registration


def locked_registration(registration: Registration) -> tuple[Conference, Registration]:
    conference = lock(registration.conference)
    return conference, Registration.objects.select_for_update().select_related("conference").get(pk=registration.pk)


def fill_free_seats(conference: Conference, *, media: bool, passing_over: Collection[int] = ()) -> list[Registration]:
    """Promote the first people on one waiting list into the seats now free. Call with the conference locked."""
    free = capacity_of(conference, media=media) - seats_taken(conference, media=media)
    if free <= 0:
        return []
    waiting = (
        same_seats(conference, media=media)
        .filter(status=Status.WAITLISTED)
        .exclude(pk__in=passing_over)
        .order_by("queued_at", "pk")
    )
    promoted = list(waiting.select_for_update()[:free])
    for registration in promoted:
        change_status(registration, seat_status(conference, media=media), kind=Kind.PROMOTED, queued_at=None)
    return promoted


@transaction.atomic
def give_free_seats(conference: Conference) -> list[Registration]:
    """After organisers raise a capacity: the waiting lists fill the new seats at once."""
    conference = lock(conference)
    return fill_free_seats(conference, media=False) + fill_free_seats(conference, media=True)


def capacity_errors(conference: Conference, capacity: int, *, media: bool = False) -> str | None:
    taken = seats_taken(conference, media=media) if conference.pk else 0
    if capacity < taken:
        return _(
            "%(taken)d people hold a seat (pending or confirmed): the capacity cannot be lower. "
            "Move people to the waiting list first."
        ) % {"taken": taken}
    return None


@transaction.atomic
def cancel_registration(registration: Registration) -> Registration:
    conference, registration = locked_registration(registration)
    if registration.is_closed:
        raise ValidationError(_("This registration is already closed."))
    was_active = registration.is_active
    change_status(registration, Status.CANCELLED, kind=Kind.CANCELLED, queued_at=None)
    if was_active:
        fill_free_seats(conference, media=registration.is_media)
    return registration


def refuse_media(registration: Registration) -> None:
    if registration.is_media:
        raise ValidationError(_("Media are approved or declined under Accreditation requests, after their review."))


@transaction.atomic
def approve_registration(registration: Registration) -> Registration:
    refuse_media(registration)
    conference, registration = locked_registration(registration)
    if registration.corrections.filter(status=IdentityCorrection.Status.PENDING).exists():
        raise ValidationError(
            _("This person's correction of identity awaits review: accept or refuse it under Corrections of identity.")
        )
    if registration.status == Status.WAITLISTED and seats_taken(conference) >= conference.capacity:
        raise ValidationError(_("No seat is free: the conference is full."))
    if registration.status not in (Status.PENDING, Status.WAITLISTED):
        raise ValidationError(_("Only pending or waiting registrations can be approved."))
    return change_status(registration, Status.CONFIRMED, kind=Kind.CONFIRMED, queued_at=None)


@transaction.atomic
def decline_registration(registration: Registration, *, reason: str) -> Registration:
    if not reason.strip():
        raise ValidationError(_("Give a reason for declining."))
    refuse_media(registration)
    conference, registration = locked_registration(registration)
    if registration.is_closed:
        raise ValidationError(_("This registration is already closed."))
    was_active = registration.is_active
    change_status(registration, Status.DECLINED, kind=Kind.DECLINED, decline_reason=reason.strip(), queued_at=None)
    if was_active:
        fill_free_seats(conference, media=False)
    return registration


@transaction.atomic
def waitlist_registration(registration: Registration, *, moved_together: Collection[int] = ()) -> Registration:
    """Move someone to the end of the waiting list; their seat goes to the first in line.

    `moved_together`: the others an organiser moves in the same action, who must not
    get the seats they leave either.
    """
    refuse_media(registration)
    conference, registration = locked_registration(registration)
    if not registration.is_active:
        raise ValidationError(_("Only pending or confirmed registrations can be moved to the waiting list."))
    change_status(registration, Status.WAITLISTED, kind=Kind.WAITLISTED, queued_at=timezone.now())
    fill_free_seats(conference, media=registration.is_media, passing_over={registration.pk, *moved_together})
    return registration


def send_reminders(now: datetime | None = None) -> int:
    """On the day before a conference, remind each confirmed person, once; how many were queued.

    Celery beat runs this every hour: a run that fires twice, or two at once, queue nothing
    more (the outbox keeps one reminder per registration).
    """
    now = now or timezone.now()
    queued = 0
    for conference in Conference.objects.published().filter(starts_at__gt=now, starts_at__lte=now + timedelta(days=2)):
        if conference.local(conference.starts_at).date() != conference.local(now).date() + timedelta(days=1):
            continue
        due = conference.registrations.filter(status=Status.CONFIRMED).exclude(emails__kind=Kind.REMINDER)
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
