"""The seat API's reads under the lock: SQL built from the model, agreeing with the ORM on both databases."""

import pytest
from django.db.models import Q

from registration import seats
from registration.models import Registration
from tests.factories import register

Status = Registration.Status
MEDIA = Registration.Category.MEDIA


@pytest.fixture
def conference(registration_open):
    registration_open.capacity = 10
    registration_open.media_capacity = 10
    registration_open.requires_approval = False
    registration_open.save()
    return registration_open


def orm_counts(conference, *, media: bool) -> tuple[int, bool]:
    pool = conference.registrations.filter(Q(category=MEDIA) if media else ~Q(category=MEDIA))
    return (
        pool.filter(status__in=Registration.ACTIVE_STATUSES).count(),
        pool.filter(status=Status.WAITLISTED).exists(),
    )


def test_the_counts_agree_with_the_orm_for_every_status_and_pool(conference):
    people = [
        (register(conference, f"{category}-{number}@example.org", category=category), status)
        for category, statuses in [
            ("parliamentarian", [*Status.values, Status.PENDING, Status.CONFIRMED]),
            ("media", Status.values),
        ]
        for number, status in enumerate(statuses)
    ]
    for person, status in people:  # after registering: a newcomer would promote anyone waiting
        Registration.objects.filter(pk=person.pk).update(status=status)

    for media, taken in [(False, 4), (True, 2)]:
        assert seats.seat_counts(conference, media=media) == orm_counts(conference, media=media) == (taken, True)
        assert seats.free_seats(conference, media=media) == 10 - taken


def test_nobody_waiting_and_no_seat_taken_in_an_empty_pool(conference):
    assert seats.seat_counts(conference, media=True) == (0, False)


def test_the_lock_reads_the_seat_facts_afresh(conference):
    type(conference).objects.filter(pk=conference.pk).update(capacity=3, media_capacity=1, requires_approval=True)

    locked = seats.lock(conference)

    assert (locked.capacity, locked.media_capacity, locked.requires_approval) == (3, 1, True)


def test_locking_a_conference_that_is_gone_raises(conference):
    gone = type(conference)(pk=conference.pk + 1000)
    with pytest.raises(type(conference).DoesNotExist):
        seats.lock(gone)
