"""A conference over time: before registration opens, while it is open, after it closes, once it is over;
and moving it to another date in one step."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from agenda import services
from agenda.models import Conference, OutcomeDocument, Session
from tests.documents import pdf_bytes
from tests.factories import next_conference

pytestmark = pytest.mark.django_db

BEFORE_OPENING = datetime(2023, 8, 20, 6, 0, tzinfo=UTC)  # registration opens 1 September
REGISTRATION_CLOSED = datetime(2023, 10, 14, 6, 0, tzinfo=UTC)  # closed 13 October, conference on the 16th
AFTER_THE_CONFERENCE = datetime(2023, 10, 20, 6, 0, tzinfo=UTC)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def outcomes(conference_2023, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    conference_2023.recording_url = "https://video.example.org/wps-2023"
    conference_2023.save()
    return OutcomeDocument.objects.create(
        conference=conference_2023,
        kind="roadmap",
        language="en",
        title="Almaty Roadmap",
        file=ContentFile(pdf_bytes(1), name="roadmap.pdf"),
        is_published=True,
    )


def test_before_registration_opens_the_page_says_when_it_opens(client, conference_2023):
    with time_machine.travel(BEFORE_OPENING):
        page = text_of(client.get("/"))

    assert "Registration opens on 1 September 2023" in page
    assert f'href="{reverse("registration:register")}" class' not in page
    assert 'class="btn btn-primary"' not in page


def test_while_registration_is_open_the_page_offers_it(client, conference_2023):
    with time_machine.travel(datetime(2023, 10, 2, 6, 0, tzinfo=UTC)):
        page = text_of(client.get("/"))

    assert f'<a class="btn btn-primary" href="{reverse("registration:register")}">Register</a>' in page
    assert "Registration has closed" not in page
    assert "The programme is a draft and may change." in page


def test_after_registration_closes_the_page_says_so(client, conference_2023):
    with time_machine.travel(REGISTRATION_CLOSED):
        page = text_of(client.get("/"))

    assert "Registration has closed." in page
    assert 'class="btn btn-primary"' not in page
    assert "The conference is streamed live." in page  # it is still ahead


def test_a_finished_conference_leads_with_its_outcome(client, outcomes):
    with time_machine.travel(AFTER_THE_CONFERENCE):
        page = text_of(client.get("/"))

    lead = page[page.index("data-outcomes") : page.index("See the programme")]
    assert "The conference took place on 16 October 2023. Registration has closed." in lead
    assert reverse("agenda:outcome-document", args=[outcomes.pk]) in lead
    assert "https://video.example.org/wps-2023" in lead
    assert "Watch the recording" in lead
    assert 'class="btn btn-primary"' not in page
    assert "draft" not in page
    assert "The conference is streamed live" not in page
    assert 'The conference was streamed live. <a href="https://video.example.org/wps-2023"' in page
    assert "Add to your calendar" not in page


def test_a_finished_conference_without_a_recording_says_it_was_streamed(client, conference_2023):
    conference_2023.livestream_url = "https://live.example.org/wps"
    conference_2023.save()
    with time_machine.travel(AFTER_THE_CONFERENCE):
        page = text_of(client.get("/"))

    assert "The conference took place on 16 October 2023." in page
    assert "The conference was streamed live. </p>" in page
    assert "live.example.org" not in page


def test_its_programme_stops_saying_draft(client, conference_2023):
    assert conference_2023.programme_is_draft
    with time_machine.travel(AFTER_THE_CONFERENCE):
        programme = text_of(client.get("/agenda/"))
        feed = client.get("/agenda.json").json()
        calendar = client.get("/agenda.ics").content.decode()

    assert "draft" not in programme
    assert feed["conference"]["programme_is_draft"] is False
    assert "STATUS:TENTATIVE" not in calendar
    with time_machine.travel(REGISTRATION_CLOSED):
        assert "This is a draft programme and may change." in text_of(client.get("/agenda/"))
        assert "STATUS:TENTATIVE" in client.get("/agenda.ics").content.decode()


@pytest.mark.parametrize(
    ("moment", "title", "sentence"),
    [
        (AFTER_THE_CONFERENCE, "Media accreditation has closed", "Media accreditation for this conference has closed."),
        (BEFORE_OPENING, "Media accreditation has not opened yet", "Media accreditation opens on 1 September 2023"),
    ],
)
def test_the_media_page_speaks_of_media_accreditation(client, conference_2023, moment, title, sentence):
    with time_machine.travel(moment):
        page = text_of(client.get("/accreditation/"))

    assert f'<h1 class="h2">{title}</h1>' in page
    assert sentence in page
    assert "Registration" not in page[page.index("<main") :]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_finished_conference_speaks_the_visitors_language(client, outcomes, language):
    with time_machine.travel(AFTER_THE_CONFERENCE):
        page = text_of(client.get(f"/{language}/"))
        media = text_of(client.get(f"/{language}/accreditation/"))
    with translation.override(language):
        assert translation.gettext("Watch the recording") != "Watch the recording"
        assert translation.gettext("Watch the recording") in page
        assert translation.gettext("Media accreditation has closed") in media


ALMATY = ZoneInfo("Asia/Almaty")


def local(moment: datetime | None) -> tuple | None:
    return None if moment is None else moment.astimezone(ALMATY).timetuple()[:5]


def test_moving_keeps_every_local_time_on_the_new_days(conference_2023):
    sessions_before = {s.pk: (s.starts_at, s.ends_at) for s in conference_2023.sessions.all()}
    before = {
        f: getattr(conference_2023, f)
        for f in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
    }

    services.move_conference(conference_2023, date(2024, 10, 15))

    conference = Conference.objects.get(pk=conference_2023.pk)
    assert conference.local_date == date(2024, 10, 15)
    days = (date(2024, 10, 15) - date(2023, 10, 16)).days
    for field, moment in before.items():
        moved = getattr(conference, field)
        assert moved.astimezone(ALMATY).time() == moment.astimezone(ALMATY).time(), field
        assert moved.astimezone(ALMATY).date() - moment.astimezone(ALMATY).date() == timedelta(days=days)
    for session in Session.objects.filter(conference=conference):
        starts, ends = sessions_before[session.pk]
        assert session.starts_at.astimezone(ALMATY).time() == starts.astimezone(ALMATY).time()
        assert session.starts_at.astimezone(ALMATY).date() == date(2024, 10, 15)
        assert session.ends_at - session.starts_at == ends - starts
        assert session.schedule_errors() == {}


def test_local_times_survive_a_change_of_offset():
    berlin = ZoneInfo("Europe/Berlin")
    summer_morning = datetime(2024, 10, 20, 10, 0, tzinfo=berlin)  # UTC+2

    winter = services.shifted(summer_morning, berlin, 14)  # after the clocks went back: UTC+1

    assert (winter.astimezone(berlin).hour, winter.astimezone(berlin).date()) == (10, date(2024, 11, 3))
    assert winter.astimezone(UTC) - summer_morning.astimezone(UTC) == timedelta(days=14, hours=1)


def test_a_session_left_on_the_old_day_names_the_date(conference_2023):
    session = conference_2023.sessions.order_by("starts_at").first()
    services.move_conference(conference_2023, date(2023, 10, 17))
    conference_2023.refresh_from_db()
    session.conference = conference_2023  # as the form would have it: the old day, the moved conference

    errors = session.schedule_errors()

    assert errors["starts_at"] == "The session is on 16 October 2023, before the conference begins on 17 October 2023."


def test_a_session_too_early_on_the_day_still_names_the_hour(conference_2023):
    session = conference_2023.sessions.order_by("starts_at").first()
    session.starts_at -= timedelta(hours=1)

    assert session.schedule_errors()["starts_at"] == "The session starts before the conference day begins (10:00)."


def move_action(client, conference, **data):
    return client.post(
        reverse("admin:agenda_conference_changelist"),
        {"action": "move_to_another_date", "_selected_action": [conference.pk], **data},
    )


def test_the_admin_action_asks_for_the_day_then_moves_everything(organiser_client, conference_2023):
    asked = move_action(organiser_client, conference_2023)
    assert asked.status_code == 200
    assert "New first day" in asked.content.decode()

    moved = move_action(organiser_client, conference_2023, apply="1", first_day="15/10/2024")

    assert moved.status_code == 302
    conference_2023.refresh_from_db()
    assert conference_2023.local_date == date(2024, 10, 15)
    assert local(conference_2023.registration_opens_at)[:3] == (2024, 8, 31)
    messages = [str(m) for m in moved.wsgi_request._messages]
    assert any("now takes place on 15 October 2024" in m for m in messages), messages


@pytest.mark.parametrize(
    ("first_day", "error"),
    [
        ("16/10/2023", "The conference already begins on that day"),
        ("not a date", "Enter a valid date."),
        ("", "This field is required."),
    ],
)
def test_the_action_says_what_is_wrong_beside_the_day(organiser_client, conference_2023, first_day, error):
    response = move_action(organiser_client, conference_2023, apply="1", first_day=first_day)

    assert response.status_code == 200
    assert error in response.content.decode()
    conference_2023.refresh_from_db()
    assert conference_2023.local_date == date(2023, 10, 16)


def test_the_action_moves_one_conference_at_a_time(organiser_client, conference_2023):
    other = next_conference(
        starts_at=datetime(2024, 10, 1, 4, tzinfo=UTC), ends_at=datetime(2024, 10, 1, 11, tzinfo=UTC)
    )
    response = organiser_client.post(
        reverse("admin:agenda_conference_changelist"),
        {"action": "move_to_another_date", "_selected_action": [conference_2023.pk, other.pk]},
        follow=True,
    )

    assert "Choose one conference to move." in response.content.decode()
    conference_2023.refresh_from_db()
    assert conference_2023.local_date == date(2023, 10, 16)
