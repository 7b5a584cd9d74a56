"""The email outbox: backoff, sending once, deferral while the mail server is down, and the real worker."""

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.core import mail as outbox
from django.utils import timezone

from outbox import delivery
from outbox.models import OutgoingEmail
from outbox.services import retry_failed
from outbox.tasks import requeue_unsent_emails, send_email  # registered before any worker starts
from registration import mail, services
from tests.concurrency import run_together
from tests.factories import register
from tests.processes import SmtpServer, spare_port, use_smtp, wait_for

NAME = "Әйгерім Қасымова"


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    server = SmtpServer(spare_port())
    server.start()
    use_smtp(settings, server.port)
    yield server
    server.stop()


def parse(envelope):
    return message_from_bytes(envelope.content, policy=policy.default)


# --- backoff -------------------------------------------------------------------------------------


def test_it_waits_longer_after_each_failure_up_to_five_minutes():
    # No wait is shorter than the sweep's minute: the sweep is the one retry path.
    assert [delivery.retry_delay(attempts) for attempts in range(1, 7)] == [60, 120, 240, 300, 300, 300]


# --- one row, one message ------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_sends_a_row_once_however_often_its_task_runs(conference_2023, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration = register(conference_2023)
    email = OutgoingEmail.objects.get()
    assert len(callbacks) == 1
    assert outbox.outbox == []

    assert delivery.deliver(email.pk) is None
    assert delivery.deliver(email.pk) is None

    email.refresh_from_db()
    assert len(outbox.outbox) == 1
    assert outbox.outbox[0].to == [registration.email]
    assert email.status == "sent"
    assert email.attempts == 1
    assert email.sent_at is not None


@pytest.mark.django_db
def test_it_sends_a_persons_emails_in_the_order_they_were_written(conference_2023, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        registration = register(conference_2023)  # "received", its send not run yet
        services.cancel_registration(registration)  # "cancelled", written after it
    received, cancelled = OutgoingEmail.objects.order_by("pk")
    received.next_attempt_at = timezone.now() + timedelta(seconds=45)  # held up by a failed attempt
    received.save()

    assert delivery.deliver(cancelled.pk) is None

    cancelled.refresh_from_db()
    assert outbox.outbox == []
    assert (cancelled.status, cancelled.attempts) == ("queued", 0)  # waiting is not a failed attempt

    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # both due: time has passed
    assert delivery.deliver(cancelled.pk) is None  # still second in line
    assert outbox.outbox == []
    assert delivery.deliver(received.pk) == cancelled.pk  # sent; the next one in line is named
    assert delivery.deliver(cancelled.pk) is None
    assert [message.subject.split(" (")[0] for message in outbox.outbox] == [
        "Registration received",
        "Registration cancelled",
    ]


@pytest.mark.django_db
def test_it_fails_an_email_that_cannot_be_built_and_sends_the_next_one(
    conference_2023, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        registration = register(conference_2023)
        services.cancel_registration(registration)
    received, cancelled = OutgoingEmail.objects.order_by("pk")

    def broken_template(registration, kind, **options):
        raise ValueError("a template error")

    monkeypatch.setattr(mail, "write_email", broken_template)
    assert delivery.deliver(received.pk) == cancelled.pk  # failed, and the next one may go
    monkeypatch.undo()
    assert delivery.deliver(cancelled.pk) is None

    received.refresh_from_db()
    assert (received.status, received.last_error) == ("failed", "ValueError")
    assert [message.subject.split(" (")[0] for message in outbox.outbox] == ["Registration cancelled"]


@pytest.mark.django_db
def test_the_sweep_sends_a_lost_email_and_then_the_one_that_waited_behind_it(
    conference_2023, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        registration = register(conference_2023)
        services.cancel_registration(registration)
    _received, cancelled = OutgoingEmail.objects.order_by("pk")
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # both tasks were lost

    assert delivery.deliver(cancelled.pk) is None  # not before the lost one
    assert outbox.outbox == []

    assert requeue_unsent_emails() == 2  # eager here: each task runs as it is queued

    assert [message.subject.split(" (")[0] for message in outbox.outbox] == [
        "Registration received",
        "Registration cancelled",
    ]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_it_defers_with_backoff_while_the_mail_server_is_down_then_gives_up(
    conference_2023, django_capture_on_commit_callbacks, settings
):
    use_smtp(settings, spare_port())  # nothing listens there
    with django_capture_on_commit_callbacks(execute=False):
        registration = register(conference_2023)
    email = OutgoingEmail.objects.get()

    before = timezone.now()
    assert delivery.deliver(email.pk) is None

    email.refresh_from_db()
    assert email.status == "queued"
    assert email.attempts == 1
    assert before + timedelta(seconds=59) <= email.next_attempt_at <= timezone.now() + timedelta(seconds=61)
    assert email.last_error == "ConnectionRefusedError"
    assert registration.email not in email.last_error
    assert "@" not in email.last_error

    assert delivery.deliver(email.pk) is None  # not due yet: an early duplicate task does nothing
    email.refresh_from_db()
    assert email.attempts == 1
    delays = []
    for _ in range(5):
        now = timezone.now()
        OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=now)
        delivery.deliver(email.pk)
        email.refresh_from_db()
        delays.append(round((email.next_attempt_at - now).total_seconds()))
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now(), created_at=timezone.now() - delivery.GIVE_UP_AFTER
    )
    delivery.deliver(email.pk)

    email.refresh_from_db()
    assert delays == [120, 240, 300, 300, 300]
    assert email.status == "failed"
    assert email.attempts == 7
    assert email.next_attempt_at is None
    assert email.last_error == "ConnectionRefusedError"
    assert delivery.deliver(email.pk) is None  # a failed row is left alone
    assert outbox.outbox == []

    with django_capture_on_commit_callbacks(execute=False):
        assert retry_failed(OutgoingEmail.objects.all()) == 1

    email.refresh_from_db()
    assert email.status == "queued"
    assert email.attempts == 0
    assert email.last_error == ""
    assert email.next_attempt_at is None


@pytest.mark.django_db
def test_it_finds_rows_whose_send_is_overdue_or_was_lost(conference_2023, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        registration = register(conference_2023)
    template = OutgoingEmail.objects.get()
    now = timezone.now()

    def row(**fields) -> OutgoingEmail:
        return OutgoingEmail.objects.create(
            recipient=registration,
            kind="received",
            to=registration.email,
            language="en",
            subject=template.subject,
            body_text=template.body_text,
            body_html=template.body_html,
            **fields,
        )

    retry_due = row(next_attempt_at=now - timedelta(seconds=1), attempts=1)
    lost = row()
    OutgoingEmail.objects.filter(pk=lost.pk).update(created_at=now - timedelta(seconds=61))
    fresh = template
    deferred = row(next_attempt_at=now + timedelta(seconds=30), attempts=1)
    sent_long_ago = row(status="sent")
    OutgoingEmail.objects.filter(pk=sent_long_ago.pk).update(created_at=now - timedelta(hours=1))
    failed = row(status="failed", next_attempt_at=None, attempts=10)
    OutgoingEmail.objects.filter(pk=failed.pk).update(created_at=now - timedelta(hours=1))

    due = set(delivery.due_emails().values_list("pk", flat=True))

    assert due == {retry_due.pk, lost.pk}
    assert fresh.pk not in due
    assert deferred.pk not in due


# --- a real SMTP server --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_sends_a_deferred_email_once_the_mail_server_is_back(
    conference_2023, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(conference_2023)
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == ("queued", 1)
    assert email.next_attempt_at > timezone.now()

    smtp_server.start()
    assert requeue_unsent_emails() == 1

    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == [registration.email]
    message = parse(envelope)
    assert message["Subject"] == f"Registration received ({registration.reference})"
    assert message["To"] == registration.email
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"/my/{registration.token}/" in text
    assert registration.reference in text
    assert NAME in text
    assert NAME in html
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)

    assert requeue_unsent_emails() == 0
    assert len(smtp_server.messages) == 1


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_sends_the_confirmation_through_a_real_worker_on_the_broker(conference_2023, smtp_server):
    from wpsconf.celery import app

    conference_2023.requires_approval = False
    conference_2023.save()
    broker_before = app.conf.broker_url
    hijack_before = app.conf.worker_hijack_root_logger
    app.conf.task_always_eager = False  # the autouse fixture restores it
    app.conf.broker_url = os.environ["CELERY_BROKER_URL"]
    app.conf.worker_hijack_root_logger = False
    handled_before = worker_state.total_count[send_email.name]
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
            registration = register(conference_2023)  # commits, so the task goes to Redis

            assert wait_for(lambda: smtp_server.messages, timeout=15), "the worker sent nothing within 15 s"
            assert wait_for(lambda: OutgoingEmail.objects.filter(status="sent").exists(), timeout=5)
            time.sleep(0.3)  # room for a duplicate to show up, were there one
    finally:
        app.conf.broker_url = broker_before
        app.conf.worker_hijack_root_logger = hijack_before

    assert worker_state.total_count[send_email.name] == handled_before + 1  # by the worker
    assert registration.status == "confirmed"
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == [registration.email]
    message = parse(envelope)
    assert registration.reference in message["Subject"]
    assert message["Subject"].startswith("Your place is confirmed")
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert list(attachments) == ["invitation.ics"]
    assert attachments["invitation.ics"].get_content_type() == "text/calendar"
    assert "BEGIN:VCALENDAR" in attachments["invitation.ics"].get_content()
    assert NAME in message.get_body(preferencelist=("plain",)).get_content()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts, email.kind) == ("sent", 1, "confirmed")


def test_it_sweeps_for_unsent_email_every_minute(settings):
    """Beat's sweep is what sends mail held up by an outage within two minutes of recovery."""
    sweep = settings.CELERY_BEAT_SCHEDULE["requeue-unsent-emails"]

    assert sweep["task"] == "outbox.tasks.requeue_unsent_emails"
    assert sweep["schedule"] <= 60
    assert requeue_unsent_emails.name == sweep["task"]


@pytest.mark.parametrize(("code", "outcome"), [(550, "failed"), (451, "queued")])
def test_it_fails_at_once_only_on_a_permanent_refusal(
    conference_2023, django_capture_on_commit_callbacks, monkeypatch, code, outcome
):
    import smtplib

    with django_capture_on_commit_callbacks(execute=False):
        registration = register(conference_2023)
    email = OutgoingEmail.objects.get()

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({registration.email: (code, b"no")})

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)

    delivery.deliver(email.pk)

    email.refresh_from_db()
    assert email.status == outcome
    assert registration.email not in email.last_error


# --- claimed, then sent with no transaction open ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_holds_no_transaction_or_lock_while_the_mail_server_answers(conference_2023, monkeypatch):
    from django.db import connection

    registration = register(conference_2023)
    email = OutgoingEmail.objects.get(recipient=registration)
    OutgoingEmail.objects.filter(pk=email.pk).update(status="queued", sent_at=None, attempts=0)  # sent eagerly
    seen = []

    def send(message, fail_silently=False):
        row = OutgoingEmail.objects.get(pk=email.pk)
        seen.append((connection.in_atomic_block, row.status, row.claimed_at is not None))
        return 1

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", send)

    delivery.deliver(email.pk)

    assert seen == [(False, "sending", True)]  # marked in flight and committed before the server is reached
    email.refresh_from_db()
    assert (email.status, email.claimed_at) == ("sent", None)


@pytest.mark.django_db
def test_the_sweep_gives_back_a_row_whose_worker_died_while_sending(
    conference_2023, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        register(conference_2023)
    email = OutgoingEmail.objects.get()
    assert delivery.claim(email.pk, timezone.now())  # a worker took it, then was killed
    assert delivery.deliver(email.pk) is None  # nobody else sends it meanwhile
    assert delivery.emails_to_send_again() == []  # it may still be talking to the mail server

    later = timezone.now() + delivery.stuck_after() + timedelta(seconds=1)
    assert delivery.emails_to_send_again(now=later) == [email.pk]

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 1)
    assert outbox.outbox == []


@pytest.mark.django_db
def test_a_late_worker_does_not_overwrite_the_row_it_lost(conference_2023, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        register(conference_2023)
    email = OutgoingEmail.objects.get()
    first_claim = timezone.now() - delivery.stuck_after() - timedelta(seconds=1)
    assert delivery.claim(email.pk, first_claim)
    stale = OutgoingEmail.objects.get(pk=email.pk)
    assert delivery.emails_to_send_again() == [email.pk]  # given back: its worker looked dead
    assert delivery.deliver(email.pk) is None  # sent by the next worker

    delivery.finish(stale, OutgoingEmail.Status.FAILED, error=OSError())  # the first one wakes up

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    assert len(outbox.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_row_send_it_once(conference_2023, monkeypatch):
    registration = register(conference_2023)
    email = OutgoingEmail.objects.get(recipient=registration)
    OutgoingEmail.objects.filter(pk=email.pk).update(status="queued", sent_at=None, attempts=0)
    outbox.outbox.clear()

    run_together([lambda: delivery.deliver(email.pk) for _ in range(8)])

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert len(outbox.outbox) == 1


def test_a_row_whose_task_cannot_be_queued_is_due_for_the_sweep_at_once(
    conference_2023, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(conference_2023)

    email = OutgoingEmail.objects.get(recipient=registration)
    assert email.status == OutgoingEmail.Status.QUEUED
    assert list(delivery.due_emails().values_list("pk", flat=True)) == [email.pk]  # not a minute later
