"""Mail that does not go out is seen: /healthz reports the outbox's backlog, the admin index warns."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from outbox.delivery import OVERDUE_AFTER
from outbox.models import OutgoingEmail
from tests.factories import register


def write_emails(conference, count: int) -> list[OutgoingEmail]:
    """People registered while no worker runs: their emails wait in the outbox."""
    for number in range(count):
        register(conference, f"p{number}@example.org")
    OutgoingEmail.objects.update(status=OutgoingEmail.Status.QUEUED, sent_at=None)
    return list(OutgoingEmail.objects.order_by("pk"))


def test_healthz_reports_how_many_emails_wait_and_for_how_long(client, registration_open):
    write_emails(registration_open, 2)

    with time_machine.travel(timezone.now() + timedelta(minutes=20), tick=False):
        report = client.get("/healthz").json()

    assert report["outbox"]["due"] == 2
    assert 20 * 60 <= report["outbox"]["oldest_seconds"] < 21 * 60


def test_healthz_outbox_is_empty_when_everything_went_out(
    client, registration_open, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(registration_open, "sent@example.org")  # tests send in process

    report = client.get("/healthz")

    assert report.status_code == 200
    assert report.json()["outbox"] == {"due": 0, "oldest_seconds": 0}


def test_the_admin_index_warns_of_emails_unsent_for_fifteen_minutes(organiser_client, registration_open):
    emails = write_emails(registration_open, 3)
    OutgoingEmail.objects.filter(pk=emails[0].pk).update(created_at=timezone.now() - OVERDUE_AFTER)

    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        page = organiser_client.get("/admin/").content.decode()

    assert 'data-emails-overdue="1"' in page
    assert "1 email was written more than 15 minutes ago and is still not sent" in page
    assert 'href="/admin/outbox/outgoingemail/?status__exact=queued"' in page
    listed = organiser_client.get("/admin/outbox/outgoingemail/?status__exact=queued")
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 3


def test_no_warning_while_mail_goes_out_and_none_for_door_staff(organiser_client, door_client, registration_open):
    write_emails(registration_open, 1)  # just written: not late

    assert "data-emails-overdue" not in organiser_client.get("/admin/").content.decode()
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert "data-emails-overdue" not in door_client.get("/admin/").content.decode()
