"""Parts around the app fail while it runs: a visitor sees a delay at worst, never an error page.

Each test starts its own services on spare ports (tests/processes.py) and stops them by
PID; the machine's own Redis and PostgreSQL are never touched. The mail server is an
aiosmtpd sink that can greylist, refuse an address, hang, or drop the line after DATA.
"""

import logging
import time
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from outbox import delivery
from outbox.models import OutgoingEmail
from tests.factories import register as make_person
from tests.factories import registration_details
from tests.processes import SmtpServer, own_redis, silent_server, spare_port, use_smtp
from wpsconf import rate_limit_cache

pytestmark = pytest.mark.faults


@pytest.fixture
def redis_for_rate_limits(settings, tmp_path, monkeypatch):
    """The production cache set-up, on a Redis of the test's own."""
    monkeypatch.setattr(rate_limit_cache, "outage", rate_limit_cache.Outage())
    with own_redis(tmp_path) as redis:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis.url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            },
            "process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fault-test"},
            "rate_limits": {
                "BACKEND": "wpsconf.rate_limit_cache.SharedOrLocalCache",
                "OPTIONS": {"SHARED": "default", "LOCAL": "process"},
            },
        }
        settings.RATELIMIT_USE_CACHE = settings.COUNTERS_CACHE = "rate_limits"
        yield redis


def shared_counters(own) -> list:
    import redis

    return redis.Redis.from_url(own.url).keys("*")


def register(client, number: int):
    return client.post("/register/", registration_details(email=f"person{number}@example.org"))


def test_registration_goes_on_while_redis_is_down_and_the_limit_still_holds(
    client, registration_open, redis_for_rate_limits, settings, caplog
):
    settings.REGISTRATION_RATE_LIMIT = "4/h"
    assert register(client, 1).status_code == 302
    assert len(shared_counters(redis_for_rate_limits)) == 1  # counted in Redis while it is up

    redis_for_rate_limits.stop()
    with caplog.at_level(logging.WARNING, logger="wpsconf.rate_limit_cache"):
        answers = [register(client, number).status_code for number in range(2, 8)]

    assert answers[:4] == [302, 302, 302, 302]  # nobody is turned away for the outage
    assert set(answers[4:]) == {429}  # this process keeps counting: the limit still holds
    warnings = [record for record in caplog.records if record.name == "wpsconf.rate_limit_cache"]
    assert len(warnings) == 1  # one line for the outage, not one per request


def test_counting_returns_to_redis_when_it_is_back(client, registration_open, redis_for_rate_limits, monkeypatch):
    monkeypatch.setattr(rate_limit_cache, "RETRY_AFTER", 0)
    redis_for_rate_limits.stop()
    assert register(client, 1).status_code == 302  # counted in the process

    redis_for_rate_limits.start()  # empty: restarted without persistence
    assert register(client, 2).status_code == 302

    assert len(shared_counters(redis_for_rate_limits)) == 1  # the second registration was counted in Redis again


# --- the mail server misbehaves -----------------------------------------------------------------------------------


@pytest.fixture
def sink(settings):
    server = SmtpServer(spare_port())
    server.start()
    use_smtp(settings, server.port, timeout=1)
    yield server
    server.stop()


@pytest.fixture
def written(registration_open, django_capture_on_commit_callbacks):
    """Two people's confirmation emails, written while no worker ran: (person, email row) each."""
    with django_capture_on_commit_callbacks(execute=False):
        people = [make_person(registration_open, email) for email in ("aigerim@example.org", "dilnoza@example.org")]
    return [(person, OutgoingEmail.objects.get(recipient=person)) for person in people]


def send_due(email: OutgoingEmail) -> OutgoingEmail:
    """What the sweep does once the retry time has come: the row is due, a worker sends it."""
    OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.QUEUED).update(next_attempt_at=timezone.now())
    delivery.deliver(email.pk)
    email.refresh_from_db()
    return email


def test_greylisting_defers_and_the_next_try_delivers_once(sink, written):
    sink.greylist = True
    (_person, email), _other = written

    assert send_due(email).status == OutgoingEmail.Status.QUEUED  # a 451: try later
    assert email.next_attempt_at > timezone.now()
    assert send_due(email).status == OutgoingEmail.Status.SENT
    assert len(sink.messages) == 1


def test_a_refused_address_fails_and_the_others_still_go(sink, written):
    (refused, refused_email), (other, other_email) = written
    sink.refuse = {refused.email}

    assert send_due(refused_email).status == OutgoingEmail.Status.FAILED  # a 550 is final
    assert send_due(other_email).status == OutgoingEmail.Status.SENT
    assert [envelope.rcpt_tos for envelope in sink.messages] == [[other.email]]


def test_a_server_that_hangs_costs_a_timeout_not_a_stuck_worker(settings, written):
    (_person, email), _other = written
    with silent_server() as port:
        use_smtp(settings, port, timeout=1)
        started = time.monotonic()
        email = send_due(email)
        elapsed = time.monotonic() - started

    assert elapsed < 5
    assert email.status == OutgoingEmail.Status.QUEUED  # tried again later
    assert email.claimed_at is None


def test_a_connection_dropped_after_data_is_retried_with_the_same_message_id(sink, written):
    """The server had the message when it hung up: the retry carries the same Message-ID, so it is one email."""
    sink.drop_after_data = True
    (_person, email), _other = written

    assert send_due(email).status == OutgoingEmail.Status.QUEUED
    assert send_due(email).status == OutgoingEmail.Status.SENT

    ids = [message_from_bytes(envelope.content, policy=policy.default)["Message-ID"] for envelope in sink.messages]
    assert len(ids) == 2
    assert ids[0] == ids[1]
