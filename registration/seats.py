"""The seat API: every decision about who holds a seat is taken here, under the conference's row lock.

Seats are counted under a row lock on the conference, so pending + confirmed never exceed
its capacity whatever arrives at once; the waiting list is served in the order people
joined it. Media have seats and a waiting list of their own (the conference's media
seats); everyone else shares the attendees' seats. Registration, accreditation and the
conference admin all go through these functions; the free-seat rule is `free_seats`.
"""

import functools
from collections.abc import Collection

from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Conference
from outbox.services import queue_email
from registration.models import DoorCount, EmailKind, IdentityCorrection, Registration

Status = Registration.Status
MEDIA = Registration.Category.MEDIA


# The seat transaction's two reads are plain SQL, built from the model's own names and
# statuses: through the ORM (and django-modeltranslation's rewriting of every conference
# query) compiling them took longer than running them, and that time was spent holding
# the lock every registration waits for. `bench/register_burst.py`: 170 registrations/s
# with these two statements, 102 with their ORM spelling.
def column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


@functools.cache
def lock_sql(vendor: str) -> str:
    facts = ", ".join(column(Conference, field) for field in ("capacity", "media_capacity", "requires_approval"))
    table = connection.ops.quote_name(Conference._meta.db_table)
    query = f"SELECT {facts} FROM {table} WHERE {column(Conference, 'id')} = %s"  # noqa: S608  (quoted model names)
    return query + " FOR UPDATE" if connection.features.has_select_for_update else query


def lock(conference: Conference) -> Conference:
    """Lock the conference row; every seat decision happens under this lock.

    Only the facts seats depend on are read (fresh, under the lock) into the instance.
    SQLite has no row locks (nor FOR UPDATE): it lets one writer at a time in anyway.
    """
    with connection.cursor() as cursor:
        cursor.execute(lock_sql(connection.vendor), [conference.pk])
        row = cursor.fetchone()
    if row is None:
        raise Conference.DoesNotExist
    conference.capacity, conference.media_capacity = row[0], row[1]
    conference.requires_approval = bool(row[2])  # SQLite answers 0 or 1
    return conference


def locked_registration(registration: Registration) -> tuple[Conference, Registration]:
    conference = lock(registration.conference)
    return conference, Registration.objects.select_for_update().select_related("conference").get(pk=registration.pk)


def same_seats(conference: Conference, *, media: bool):
    """The registrations that share one pool of seats: the media's, or everyone else's."""
    return conference.registrations.filter(Q(category=MEDIA) if media else ~Q(category=MEDIA))


def capacity_of(conference: Conference, *, media: bool) -> int:
    return conference.media_capacity if media else conference.capacity


@functools.cache
def seat_counts_sql(vendor: str, *, media: bool) -> str:
    """Seats taken in one pool and whether anyone waits in it, in one round trip.

    One equality per status, so that each count reads at most the capacity's worth of
    `registration_seats_idx`, even with statistics gone stale in a burst of new rows.
    """
    table = connection.ops.quote_name(Registration._meta.db_table)
    conference, status, category = (column(Registration, field) for field in ("conference", "status", "category"))
    where = f"{conference} = %s AND {status} = %s AND {category} {'=' if media else '<>'} %s"
    count = f"(SELECT COUNT(*) FROM {table} WHERE {where})"  # noqa: S608  (quoted model names, values as parameters)
    taken = " + ".join(count for _status in Registration.ACTIVE_STATUSES)
    return f"SELECT {taken}, EXISTS (SELECT 1 FROM {table} WHERE {where})"  # noqa: S608


def seat_counts(conference: Conference, *, media: bool) -> tuple[int, bool]:
    """(seats taken, anyone waiting) in one pool. Call with the conference locked to decide on them."""
    parameters = []
    for status in (*Registration.ACTIVE_STATUSES, Status.WAITLISTED):
        parameters += [conference.pk, status, MEDIA]
    with connection.cursor() as cursor:
        cursor.execute(seat_counts_sql(connection.vendor, media=media), parameters)
        taken, anyone_waiting = cursor.fetchone()
    return taken, bool(anyone_waiting)


def seats_taken(conference: Conference, *, media: bool = False) -> int:
    return seat_counts(conference, media=media)[0]


def free_seats(conference: Conference, *, media: bool, taken: int | None = None) -> int:
    """The rule, written once: a pool's capacity less the people pending or confirmed in it."""
    if taken is None:
        taken = seats_taken(conference, media=media)
    return max(capacity_of(conference, media=media) - taken, 0)


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
    taken, anyone_waiting = seat_counts(conference, media=media)
    if anyone_waiting and fill_free_seats(conference, media=media):
        taken = None  # counted again
    return (
        seat_status(conference, media=media) if free_seats(conference, media=media, taken=taken) else Status.WAITLISTED
    )


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
    was = door_counts(registration)
    registration.status = status
    registration.status_changed_at = timezone.now()
    if status == Status.CONFIRMED and registration.vetted_at is None:
        registration.vetted_at = registration.status_changed_at  # who they are is fixed from now on
    for name, value in fields.items():
        setattr(registration, name, value)
    registration._change_reason = kind
    with transaction.atomic(savepoint=False):
        registration.save()
        count_at_the_door(registration, was)
    if registration.is_closed:
        # Nobody is left to correct: a correction waiting for review goes with the place.
        registration.corrections.filter(status=IdentityCorrection.Status.PENDING).update(
            status=IdentityCorrection.Status.WITHDRAWN, decided_at=registration.status_changed_at
        )
    if notify:
        queue_email(registration, kind)
    return registration


def door_counts(registration: Registration) -> tuple[int, int]:
    """What this person adds to the door's counts: (checked in, expected)."""
    return int(registration.counted_at_the_door), int(registration.status == Status.CONFIRMED)


def count_at_the_door(registration: Registration, was: tuple[int, int]) -> None:
    """After a change of status: the door's counts follow (a checked-in person cancelled leaves them)."""
    checked_in, expected = door_counts(registration)
    DoorCount.objects.add(registration.conference_id, checked_in=checked_in - was[0], expected=expected - was[1])


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
