"""The reminder the day before: confirmed people only, in their language, once however often beat fires."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail as outbox
from django.utils import translation

from outbox.models import OutgoingEmail
from registration import services, tasks
from registration.models import EmailKind, Registration
from tests.concurrency import run_together
from tests.factories import register

# The conference opens 16 October 2023 at 10:00 Almaty (04:00 UTC).
DAY_BEFORE = datetime(2023, 10, 15, 3, 0, tzinfo=UTC)  # 09:00 in Almaty
TWO_DAYS_BEFORE = datetime(2023, 10, 14, 12, 0, tzinfo=UTC)
SAME_DAY = datetime(2023, 10, 16, 2, 0, tzinfo=UTC)


@pytest.fixture
def guests(registration_open, django_capture_on_commit_callbacks):
    registration_open.capacity = 2
    registration_open.requires_approval = False
    registration_open.save()
    people = []
    for n, language in enumerate(["ru", "kk", "en"]):
        with django_capture_on_commit_callbacks(execute=True):  # the confirmations go first
            people.append(register(registration_open, f"p{n}@example.org", language=language))
    return people  # two confirmed, the third on the waiting list


def reminders() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=EmailKind.REMINDER).order_by("recipient_id"))


@pytest.mark.django_db
def test_confirmed_people_are_reminded_once_even_when_beat_fires_twice(guests, django_capture_on_commit_callbacks):
    outbox.outbox.clear()
    with time_machine.travel(DAY_BEFORE, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders() == 2
        assert tasks.send_reminders() == 0

    assert [email.recipient_id for email in reminders()] == [guests[0].pk, guests[1].pk]
    assert len(outbox.outbox) == 2
    russian, kazakh = sorted(outbox.outbox, key=lambda message: message.to)
    with translation.override("ru"):
        assert russian.subject == translation.gettext("Tomorrow: %(title)s") % {"title": guests[0].conference.title}
    assert f"/my/{guests[0].token}/badge.pdf" in russian.body
    assert kazakh.subject != russian.subject


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [TWO_DAYS_BEFORE, SAME_DAY], ids=["two-days-before", "on-the-day"])
def test_nobody_is_reminded_on_another_day(guests, moment):
    with time_machine.travel(moment, tick=False):
        assert services.send_reminders() == 0
    assert reminders() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_remind_each_person_once(guests):
    with time_machine.travel(DAY_BEFORE, tick=True):
        counts = run_together([services.send_reminders, services.send_reminders])
    assert sorted(counts)[-1] + sorted(counts)[0] == 2
    assert len(reminders()) == 2
    assert Registration.objects.filter(emails__kind="reminder").count() == 2


@pytest.mark.django_db
def test_sending_the_last_email_again_skips_the_reminder(guests):
    with time_machine.travel(DAY_BEFORE, tick=False):
        services.send_reminders()
    again = services.resend_last_email(guests[0])
    assert again.kind == EmailKind.CONFIRMED
