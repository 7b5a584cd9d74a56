"""Data protection: a finished conference anonymised with its figures intact, and one person's own erasure."""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from backoffice import dashboard
from outbox.models import OutgoingEmail
from registration.models import Registration
from tests.factories import register, registration_details
from tests.test_dashboard import mixed  # noqa: F401  (the known mix of people, media included)
from wpsconf.storage import private_storage

pytestmark = pytest.mark.django_db
AFTER_THE_CONFERENCE = datetime(2023, 10, 20, tzinfo=UTC)
PERSONAL = ("aigerim", "bobur", "elena", "dana", "erik", "gulnara", "Әйгерім", "Қасымова", "+7701", "Senate")


def stored_files() -> list[Path]:
    root = Path(private_storage.location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def everything_stored_about(conference) -> str:
    rows = Registration.objects.filter(conference=conference).values()
    emails = OutgoingEmail.objects.filter(recipient__conference=conference).values()
    return repr(list(rows)) + repr(list(emails))


def test_anonymising_keeps_the_figures_and_leaves_nothing_personal(mixed, django_capture_on_commit_callbacks):  # noqa: F811
    conference, _speakers = mixed
    before = dashboard.figures(conference)
    assert stored_files()
    assert "aigerim@example.org" in everything_stored_about(conference)

    with time_machine.travel(AFTER_THE_CONFERENCE), django_capture_on_commit_callbacks(execute=True):
        output = StringIO()
        call_command("anonymise_conference", conference.slug, stdout=output)

    assert dashboard.figures(conference) == before
    stored = everything_stored_about(conference)
    for trace in PERSONAL:
        assert trace not in stored
    assert "@example.org" not in stored
    assert stored_files() == []  # press card, letter and photo are gone
    assert "7 registrations anonymised" in output.getvalue()


def test_a_dry_run_changes_nothing(mixed):  # noqa: F811
    conference, _speakers = mixed
    before = everything_stored_about(conference)
    with time_machine.travel(AFTER_THE_CONFERENCE):
        output = StringIO()
        call_command("anonymise_conference", conference.slug, "--dry-run", stdout=output)
    assert "would be anonymised" in output.getvalue()
    assert everything_stored_about(conference) == before
    assert len(stored_files()) == 3


def test_a_conference_that_has_not_ended_is_refused(mixed):  # noqa: F811
    conference, _speakers = mixed
    with pytest.raises(CommandError, match="has not ended"):
        call_command("anonymise_conference", conference.slug)
    with pytest.raises(CommandError, match="No conference"):
        call_command("anonymise_conference", "wps-1999")


def test_a_registrant_erases_her_data_and_her_seat_goes_to_the_next(client, registration_open):
    registration_open.capacity = 1
    registration_open.requires_approval = False
    registration_open.save()
    first, second = (register(registration_open, f"p{n}@example.org") for n in range(2))
    erase_url = f"/my/{first.token}/erase/"

    assert "Erase your data?" in client.get(erase_url).content.decode()
    done = client.post(erase_url)

    assert "Your data has been erased" in done.content.decode()
    first.refresh_from_db()
    assert first.status == "cancelled"
    assert first.email.endswith("@invalid.example")
    assert first.first_name == ""
    assert client.get(erase_url).status_code == 404  # the old link leads nowhere
    second.refresh_from_db()
    assert second.status == "confirmed"
    assert second.emails.filter(kind="promoted").exists()
    assert not first.emails.filter(kind="cancelled").exists()  # no email to an address about to go


def test_anonymised_people_get_no_more_mail_and_lose_every_trace(mixed, django_user_model):  # noqa: F811
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from registration import erasure

    conference, _speakers = mixed
    aigerim = conference.registrations.get(email="aigerim@example.org")
    queued = aigerim.emails.create(kind="link_resent", to=aigerim.email, language="en")
    LogEntry.objects.create(
        user=django_user_model.objects.create_user("olga"),
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(aigerim.pk),
        object_repr=str(aigerim),
        action_flag=CHANGE,
        change_message="Changed phone.",
    )
    old_reference = aigerim.reference

    with time_machine.travel(AFTER_THE_CONFERENCE):
        erasure.anonymise_conference(conference)

    aigerim.refresh_from_db()
    queued.refresh_from_db()
    assert queued.status == "failed"  # never sent to a placeholder address
    assert aigerim.reference != old_reference
    assert (aigerim.parliament, aigerim.chamber) == ("", "")
    assert not LogEntry.objects.filter(object_repr__contains="Қасымова").exists()
    journalist = conference.registrations.get(category="media").accreditation
    assert (journalist.nationality, journalist.working_languages, journalist.press_card_number) == ("", [], "")


def test_erasing_after_the_conference_began_leaves_seats_and_figures_as_they_were(mixed):  # noqa: F811
    from registration import erasure

    conference, _speakers = mixed
    before = dashboard.figures(conference)
    aigerim = conference.registrations.get(email="aigerim@example.org")
    with time_machine.travel(AFTER_THE_CONFERENCE):
        erasure.erase_on_request(aigerim)
    aigerim.refresh_from_db()
    assert aigerim.status == "confirmed"
    assert aigerim.first_name == ""
    assert dashboard.figures(conference) == before


def pdf_text(sheet) -> str:
    import io

    import pypdf

    with sheet.file.open("rb") as pdf:
        return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.read())).pages)


def test_erasing_someone_redraws_every_badge_sheet_that_prints_them(
    registration_open, django_capture_on_commit_callbacks
):
    from registration import badges, erasure
    from registration.models import BadgeSheet
    from tests.factories import confirmed

    aigerim = confirmed(registration_open, "aigerim@example.org")
    dana = confirmed(registration_open, "dana@example.org", first_name="Дана", last_name="Әбенова")
    both = BadgeSheet.objects.create(conference=registration_open, people=2)
    both.registrations.set([aigerim, dana])
    badges.print_sheet(both.pk, [aigerim.pk, dana.pk])
    alone = BadgeSheet.objects.create(conference=registration_open, people=1)
    alone.registrations.set([aigerim])
    badges.print_sheet(alone.pk, [aigerim.pk])
    from_before = BadgeSheet.objects.create(conference=registration_open, people=1)  # who is on it was not recorded
    both.refresh_from_db()
    old_pdf = both.file.name
    assert "Қасымова" in pdf_text(both)

    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_on_request(aigerim)

    both.refresh_from_db()
    assert not private_storage.exists(old_pdf)
    assert both.people == 1
    text = pdf_text(both)
    assert "Қасымова" not in text
    assert "Әбенова" in text
    assert not BadgeSheet.objects.filter(pk__in=[alone.pk, from_before.pk]).exists()


def test_erasing_someone_leaves_nothing_of_them_in_the_audit_history_or_corrections(
    client, registration_open, django_capture_on_commit_callbacks
):
    from registration import corrections, erasure
    from registration.audit import Reason
    from tests.factories import confirmed

    aigerim = confirmed(registration_open, "aigerim@example.org")
    client.post(f"/my/{aigerim.token}/", {**registration_details(), "phone": "+7 701 999 9999"})
    corrections.request_correction(aigerim, proposed={"position": "Deputy Speaker"})
    assert aigerim.history.count() >= 3

    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_on_request(aigerim)

    kept = repr(list(aigerim.history.values()))
    assert not any(trace in kept for trace in ("Қасымова", "Әйгерім", "+7701", "Senate", "Deputy Speaker"))
    assert [record.history_change_reason for record in aigerim.history.all()] == [Reason.ERASED]
    assert not aigerim.corrections.exists()
