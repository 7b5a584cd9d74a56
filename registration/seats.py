"""The seat API: every decision about who holds a seat is taken here, under the conference's row lock.

Seats are counted under a row lock on the conference, so pending + confirmed never exceed
its capacity whatever arrives at once; the waiting list is served in the order people
joined it. Media have seats and a waiting list of their own (the conference's media
seats); everyone else shares the attendees' seats. Registration, accreditation and the
conference admin all go through these functions; the free-seat rule is `free_seats`.
"""

from collections.abc import Collection

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Conference
from outbox.services import queue_email
from registration.models import EmailKind, IdentityCorrection, Registration

Status = Registration.Status
MEDIA = Registration.Category.MEDIA


def lock(conference: Conference) -> Conference:
    """Lock the conference row; every seat decision happens under this lock.

    Only the facts seats depend on are read (fresh, under the lock) into the instance.
    SQLite has no row locks (nor FOR UPDATE): it lets one writer at a time in anyway.
    """
    conference.capacity, conference.media_capacity, conference.requires_approval = (
        Conference.objects.select_for_update()
        .filter(pk=conference.pk)
        .values_list("capacity", "media_capacity", "requires_approval")
        .get()
    )
    return conference


def locked_registration(registration: Registration) -> tuple[Conference, Registration]:
    conference = lock(registration.conference)
    return conference, Registration.objects.select_for_update().select_related("conference").get(pk=registration.pk)


def same_seats(conference: Conference, *, media: bool):
    """The registrations that share one pool of seats: the media's, or everyone else's."""
    return conference.registrations.filter(Q(category=MEDIA) if media else ~Q(category=MEDIA))


def capacity_of(conference: Conference, *, media: bool) -> int:
    return conference.media_capacity if media else conference.capacity


def seats_taken(conference: Conference, *, media: bool = False) -> int:
    return same_seats(conference, media=media).filter(status__in=Registration.ACTIVE_STATUSES).count()


def free_seats(conference: Conference, *, media: bool) -> int:
    """The rule, written once: a pool's capacity less the people pending or confirmed in it."""
    return max(capacity_of(conference, media=media) - seats_taken(conference, media=media), 0)


def has_free_seat(conference: Conference, *, media: bool = False) -> bool:
    return free_seats(conference, media=media) > 0


def seat_status(conference: Conference, *, media: bool) -> str:
    """The status of someone given a seat: every accreditation is reviewed before it is confirmed."""
    return Status.PENDING if media or conference.requires_approval else Status.CONFIRMED


def take_seat(conference: Conference, *, media: bool) -> str:
    """The status a newcomer gets: a seat if one is free, or the end of the waiting list.

    Call with the conference locked. Seats freed without a promotion (capacity raised,
    someone waitlisted by hand) go to the people already waiting before anyone new.
    """
    if same_seats(conference, media=media).filter(status=Status.WAITLISTED).exists():
        fill_free_seats(conference, media=media)
    return seat_status(conference, media=media) if has_free_seat(conference, media=media) else Status.WAITLISTED


def waiting_list_position(registration: Registration) -> int | None:
    """1 for the first in line; None for someone not on the waiting list."""
    if registration.status != Status.WAITLISTED:
        return None
    waiting = same_seats(registration.conference, media=registration.is_media).filter(status=Status.WAITLISTED)
    ahead = waiting.filter(
        Q(joined_waiting_list_at__lt=registration.joined_waiting_list_at)
        | Q(joined_waiting_list_at=registration.joined_waiting_list_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def with_address(conference: Conference, email: str):
    """The registrations with this address in any letter case (through the unique index on lower(email))."""
    return conference.registrations.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email)))


def registered_address(conference: Conference, email: str) -> Registration | None:
    return with_address(conference, email).first()


def change_status(registration: Registration, status: str, *, kind: str, notify: bool = True, **fields) -> Registration:
    """The new status, recorded in the audit history under the email it sends, and (`notify`) that email."""
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
    if notify:
        queue_email(registration, kind)
    return registration


def fill_free_seats(conference: Conference, *, media: bool, passing_over: Collection[int] = ()) -> list[Registration]:
    """Promote the first people on one waiting list into the seats now free. Call with the conference locked."""
    free = free_seats(conference, media=media)
    if not free:
        return []
    waiting = (
        same_seats(conference, media=media)
        .filter(status=Status.WAITLISTED)
        .exclude(pk__in=passing_over)
        .order_by("joined_waiting_list_at", "pk")
    )
    promoted = list(waiting.select_for_update()[:free])
    for registration in promoted:
        change_status(
            registration, seat_status(conference, media=media), kind=EmailKind.PROMOTED, joined_waiting_list_at=None
        )
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
