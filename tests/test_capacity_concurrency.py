"""Seats under load: many people registering and cancelling at the same moment on PostgreSQL.

Every call runs in its own thread with its own database connection, all released together
by a barrier, so the row lock on the conference is what keeps the count right.
"""

from collections.abc import Callable

import pytest
from django.core import mail as outbox

from accreditation import services as accreditation_services
from outbox.models import OutgoingEmail
from registration import lost_link, services
from registration.models import Registration
from tests.concurrency import run_together
from tests.documents import person_and_accreditation
from tests.factories import register_outcome

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CAPACITY = 10
SEAT_FREE = "A seat is free"


def register(conference, n: int) -> Callable[[], services.Outcome]:
    return lambda: register_outcome(conference, f"person{n:03d}@example.org", first_name=f"Person{n}")


def cancel(registration: Registration) -> Callable[[], Registration]:
    return lambda: services.cancel_registration(registration)


@pytest.fixture
def small_conference(conference_2023):
    conference_2023.capacity = CAPACITY
    conference_2023.requires_approval = False
    conference_2023.save()
    return conference_2023


def active(conference) -> int:
    return conference.registrations.filter(status__in=Registration.ACTIVE_STATUSES).count()


def messages_to(address: str, subject_part: str) -> list:
    return [m for m in outbox.outbox if m.to == [address] and subject_part in m.subject]


def test_it_seats_exactly_the_capacity_and_queues_the_rest_in_arrival_order(small_conference):
    outcomes = run_together([register(small_conference, n) for n in range(40)])

    assert all(outcome.created for outcome in outcomes)
    registrations = list(small_conference.registrations.order_by("pk"))
    statuses = [r.status for r in registrations]
    assert statuses.count("confirmed") == CAPACITY
    assert statuses.count("waitlisted") == 30
    assert active(small_conference) == CAPACITY
    # The lock serialises the transactions, so the first ten through it took the seats: every
    # seat holder was created before anyone joined the queue, and the queue is in commit order.
    confirmed = [r for r in registrations if r.status == "confirmed"]
    waiting = [r for r in registrations if r.status == "waitlisted"]
    assert max(r.pk for r in confirmed) < min(r.pk for r in waiting)
    assert max(r.created_at for r in confirmed) <= min(r.joined_waiting_list_at for r in waiting)
    queue = list(small_conference.registrations.filter(status="waitlisted").order_by("joined_waiting_list_at", "pk"))
    assert [r.pk for r in queue] == [r.pk for r in waiting]
    assert [r.created_at for r in waiting] == sorted(r.created_at for r in waiting)
    assert all(r.joined_waiting_list_at <= r.created_at for r in waiting)
    # One email each, sent once its registration committed.
    assert len(outbox.outbox) == 40
    assert OutgoingEmail.objects.filter(status="sent").count() == 40
    assert sum(SEAT_FREE in m.subject for m in outbox.outbox) == 0

    services.cancel_registration(confirmed[3])

    first_in_line = queue[0]
    first_in_line.refresh_from_db()
    assert first_in_line.status == "confirmed"
    assert first_in_line.joined_waiting_list_at is None
    assert active(small_conference) == CAPACITY
    assert small_conference.registrations.filter(status="waitlisted").count() == 29
    assert len(messages_to(first_in_line.email, SEAT_FREE)) == 1
    assert sum(SEAT_FREE in m.subject for m in outbox.outbox) == 1


def test_it_never_overfills_while_people_register_and_cancel_at_once(small_conference):
    for n in range(CAPACITY + 5):  # ten seated, five already waiting
        register(small_conference, n)()
    seated = list(small_conference.registrations.filter(status="confirmed").order_by("pk"))
    first_waiting = set(small_conference.registrations.filter(status="waitlisted").values_list("pk", flat=True))
    assert len(seated) == CAPACITY
    assert len(first_waiting) == 5
    outbox.outbox.clear()

    calls = [register(small_conference, n) for n in range(100, 120)] + [cancel(r) for r in seated[:5]]
    run_together(calls)

    assert active(small_conference) == CAPACITY
    assert small_conference.registrations.filter(status="cancelled").count() == 5
    # Each cancellation freed one seat, always while the five early arrivals were still in line.
    promoted = set(OutgoingEmail.objects.filter(kind="promoted").values_list("recipient_id", flat=True))
    assert promoted == first_waiting
    for registration in Registration.objects.filter(pk__in=promoted):
        assert registration.status == "confirmed"
        assert len(messages_to(registration.email, SEAT_FREE)) == 1
    newcomers = small_conference.registrations.filter(email__startswith="person1")
    assert set(newcomers.values_list("status", flat=True)) == {"waitlisted"}
    assert newcomers.count() == 20
    assert sum(SEAT_FREE in m.subject for m in outbox.outbox) == 5


def test_it_mails_a_link_only_three_times_however_many_ask_at_once(small_conference):
    """Eight visitors ask for one registrant's link at the same moment: she gets three emails."""
    register(small_conference, 1)()
    OutgoingEmail.objects.all().delete()  # only the link emails count here

    run_together(
        [lambda: lost_link.request_link(conference=small_conference, email="PERSON001@example.org") for _ in range(8)]
    )

    assert OutgoingEmail.objects.filter(kind="link_resent").count() == 3


def test_media_and_attendees_arriving_at_once_each_fill_only_their_own_seats(small_conference):
    """Twenty journalists and twenty attendees at the same moment: five media seats, ten attendee seats."""
    small_conference.media_capacity = 5
    small_conference.save()
    applications = [person_and_accreditation(email=f"media{n:03d}@example.org") for n in range(20)]

    def apply(person, accreditation):
        return lambda: accreditation_services.request_accreditation(
            conference=small_conference, person=person, accreditation=accreditation, language="en"
        )

    run_together(
        [apply(*application) for application in applications] + [register(small_conference, n) for n in range(20)]
    )

    media = small_conference.registrations.filter(category="media")
    attendees = small_conference.registrations.exclude(category="media")
    assert media.filter(status="pending").count() == 5  # seated, awaiting review
    assert media.filter(status="waitlisted").count() == 15
    assert attendees.filter(status="confirmed").count() == CAPACITY
    assert attendees.filter(status="waitlisted").count() == 20 - CAPACITY
    assert media.filter(accreditation__isnull=False).count() == 20  # every registration has its request


def test_a_code_is_checked_with_the_devices_locked(organiser):
    """django-otp checks a code and marks it used without a lock: two posts of one code at the same
    moment could both pass. The sign-in locks the person's devices before checking (the race itself
    is too narrow to catch reliably here, so this holds the lock in place)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import current_code
    from wpsconf.two_factor import checked_code

    olga = organiser
    code = current_code(olga)

    with CaptureQueriesContext(connection) as queries:
        assert checked_code(olga, code) is not None
        assert checked_code(olga, code) is None  # used

    statements = [query["sql"] for query in queries.captured_queries]
    locks = [n for n, sql in enumerate(statements) if "FOR UPDATE" in sql and "otp_totp_totpdevice" in sql]
    checks = [n for n, sql in enumerate(statements) if "UPDATE" in sql and "last_t" in sql and "FOR UPDATE" not in sql]
    assert locks
    assert checks
    assert locks[0] < checks[0]
