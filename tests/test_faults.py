"""Parts around the app fail while it runs: a visitor sees a delay at worst, never an error page.

Each test starts its own services on spare ports (tests/processes.py) and stops them by
PID; the machine's own Redis and PostgreSQL are never touched. The mail server is an
aiosmtpd sink that can greylist, refuse an address, hang, or drop the line after DATA.
"""

import json
import logging
import os
import re
import secrets
import time
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.utils import timezone

from outbox import delivery
from outbox.models import OutgoingEmail
from tests.factories import register as make_person
from tests.factories import registration_details
from tests.processes import (
    OwnPostgres,
    Site,
    SmtpServer,
    Visitor,
    own_redis,
    silent_server,
    spare_port,
    throwaway_database,
    use_smtp,
    wait_for,
)
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


# --- the whole site as deployed: gunicorn, a worker and beat, while Redis restarts --------------------------------

SWEEP_SECONDS = 2


@contextmanager
def deployed_on(database_url: str, *, directory: Path, redis, sink, processes=("web", "worker", "beat")):
    """The site as deployed on this database: migrated, seeded, registration open; its processes running."""
    import psycopg

    port = spare_port()
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "DEBUG": "off",
        "HTTPS": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PORT": str(port),
        "PRIVATE_MEDIA_ROOT": str(directory / "private"),
        "STATIC_ROOT": str(directory / "static"),
        "SWEEP_SECONDS": str(SWEEP_SECONDS),
        # A dead worker's row, and a lost task's, come back after seconds instead of 10 minutes and 1.
        "OUTBOX_STUCK_AFTER_SECONDS": "5",
        "TASK_LOST_AFTER_SECONDS": "3",
        "REGISTRATION_RATE_LIMIT": "1000/h",
    }
    site = Site(directory, env)
    site.manage("migrate", "--noinput")
    site.manage("seed")
    site.manage("collectstatic", "--noinput")
    with psycopg.connect(database_url, autocommit=True) as database:
        database.execute(
            "UPDATE agenda_conference SET registration_opens_at = NULL, registration_closes_at = NULL, "
            "requires_approval = false, capacity = 100, "
            "starts_at = now() + interval '30 days', ends_at = now() + interval '30 days 7 hours'"
        )
    try:
        for process in processes:
            site.start(process)
        yield site
    finally:
        site.stop_all()
        for process in processes:
            print(f"--- {process} ---\n{site.log(process)}")  # shown when the test fails


@pytest.fixture
def deployed(tmp_path, sink):
    """gunicorn, a Celery worker and beat on a database of their own (on CI's server), a Redis of the test's own."""
    with (
        throwaway_database("faults") as database_url,
        own_redis(tmp_path) as redis,
        deployed_on(database_url, directory=tmp_path, redis=redis, sink=sink) as site,
    ):
        yield site, redis


BADGE_CODE_OF = (
    "from registration.checkin import badge_code; from registration.models import Registration; "
    "print(badge_code(Registration.objects.get(email='%s')))"
)


def signed_in_door_staff(site: Site) -> Visitor:
    password = secrets.token_urlsafe(16)
    site.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User; "
        f"User.objects.create_user('dina', password='{password}', is_staff=True)"
        ".groups.add(Group.objects.get(name='Door staff'))",
    )
    door = Visitor(site.port)
    assert door.submit("/admin/login/", {"username": "dina", "password": password, "next": "/checkin/"}) == 302
    return door


@pytest.mark.postgres
def test_a_redis_restart_delays_the_mail_and_loses_nobody(deployed, sink):
    site, redis = deployed
    assert site.register(registration_details(email="before@example.org")) == 302
    assert wait_for(lambda: len(sink.messages) == 1, timeout=30), "the first email never arrived"
    door = signed_in_door_staff(site)
    badge = site.manage("shell", "--no-imports", "-c", BADGE_CODE_OF % "before@example.org").strip()

    redis.stop()
    outage_began = time.monotonic()
    during = [site.register(registration_details(email=f"during{n}@example.org")) for n in (1, 2)]
    health_status, health = site.get("/healthz")

    assert during == [302, 302]  # registered, not an error page
    assert health_status == 503
    assert json.loads(health)["broker"] == "down"
    personal_link = re.search(r"/my/[\w-]{30,}/", sink.messages[0].content.decode()).group(0)
    assert site.get(personal_link)[0] == 200
    assert site.get("/accreditation/")[0] == 200
    assert site.submit("/my/", {"email": "before@example.org"}) in (200, 302)  # "lost your link?"
    scan_status, scan = door.submit_for_content("/checkin/", {"code": badge}, {"Accept": "application/json"})
    assert scan_status == 200
    assert json.loads(scan)["name"]  # the door recognised the badge

    redis.start()  # empty: restarted without persistence
    # The two registrations' emails, and the link asked for again.
    assert wait_for(lambda: len(sink.messages) == 4, timeout=150), "the emails written during the outage were lost"
    delay = time.monotonic() - outage_began
    time.sleep(3 * SWEEP_SECONDS)  # a few more sweeps: nothing is sent twice

    recipients = sorted(address for envelope in sink.messages for address in envelope.rcpt_tos)
    assert recipients == ["before@example.org", "before@example.org", "during1@example.org", "during2@example.org"]
    print(f"emails written during the Redis outage arrived {delay:.0f} s after it began")


@pytest.mark.postgres
def test_while_postgresql_restarts_visitors_get_the_busy_page_and_the_site_recovers_by_itself(tmp_path, sink):
    """On a PostgreSQL cluster of the test's own: CI's server is never stopped."""
    database = OwnPostgres()
    try:
        database.create()
        with (
            own_redis(tmp_path) as redis,
            deployed_on(database.url, directory=tmp_path, redis=redis, sink=sink, processes=("web",)) as site,
        ):
            assert site.get("/")[0] == 200

            database.stop()
            # A process presents the conference it read last for PRESENTED_CONFERENCE_SECONDS (2 s).
            time.sleep(2.5)
            page_status, page = site.get("/kk/")
            form_status, _form = site.get("/register/")
            health_status, health = site.get("/healthz")

            assert (page_status, form_status) == (503, 503)
            assert "data-site-busy" in page
            assert 'lang="kk"' in page
            assert "Traceback" not in page
            assert health_status == 503
            assert json.loads(health)["database"] == "down"

            database.start()
            back = time.monotonic()
            assert wait_for(lambda: site.status("/") == 200, timeout=30), "the site did not recover by itself"
            recovered_after = time.monotonic() - back
            assert site.register(registration_details(email="after@example.org")) == 302
    finally:
        database.remove()
    print(f"PostgreSQL outage: pages answered 200 again {recovered_after:.1f} s after the database was back")


@pytest.mark.postgres
def test_a_worker_killed_mid_delivery_and_started_again_still_delivers_once(deployed, sink):
    site, _redis = deployed
    sink.hold_at_rcpt = True
    assert site.register(registration_details(email="aigerim@example.org")) == 302
    assert wait_for(lambda: sink.senders_held, timeout=30), "the worker never reached the mail server"

    site.stop("worker", kill=True)  # SIGKILL in the middle of the SMTP conversation
    killed = time.monotonic()
    sink.hold_at_rcpt = False
    site.start("worker")

    assert wait_for(lambda: len(sink.messages) == 1, timeout=60), "the email was lost with the worker"
    delay = time.monotonic() - killed
    time.sleep(3 * SWEEP_SECONDS)
    assert [envelope.rcpt_tos for envelope in sink.messages] == [["aigerim@example.org"]]
    print(f"worker SIGKILLed mid-delivery: the email arrived {delay:.0f} s later, once")


@pytest.mark.postgres
def test_lost_tasks_wait_for_beat_and_go_out_once_when_it_is_back(deployed, sink):
    """Beat away and the queue emptied (Redis restarted while no worker ran): the rows wait in the outbox."""
    site, redis = deployed
    site.stop("beat")
    site.stop("worker")
    assert [site.register(registration_details(email=f"p{n}@example.org")) for n in (1, 2)] == [302, 302]
    redis.stop()
    redis.start()  # empty: the two send tasks are gone
    site.start("worker")
    time.sleep(3 * SWEEP_SECONDS)
    assert sink.messages == []  # no task, no beat: nothing can send them yet

    site.start("beat")
    back = time.monotonic()
    assert wait_for(lambda: len(sink.messages) == 2, timeout=60), "beat's sweep did not send the waiting emails"
    delay = time.monotonic() - back
    time.sleep(3 * SWEEP_SECONDS)
    assert sorted(address for envelope in sink.messages for address in envelope.rcpt_tos) == [
        "p1@example.org",
        "p2@example.org",
    ]
    print(f"beat away, tasks lost: the emails arrived {delay:.0f} s after beat was back, once each")
