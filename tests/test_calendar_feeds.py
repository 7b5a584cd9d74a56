import json
from datetime import UTC, datetime

import icalendar
import pytest

from agenda.models import Session
from agenda.seed import seed_conference_2023

pytestmark = pytest.mark.django_db


def calendar_events(client, path="/agenda.ics"):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))


def test_it_puts_the_day_at_0400z_to_1115z_in_the_calendar(client, conference_2023):
    events = calendar_events(client)

    assert events[0].decoded("dtstart") == datetime(2023, 10, 16, 4, 0, tzinfo=UTC)
    assert events[-1].decoded("dtend") == datetime(2023, 10, 16, 11, 15, tzinfo=UTC)
    raw = client.get("/agenda.ics").content.decode()
    assert "DTSTART:20231016T040000Z" in raw
    assert "DTEND:20231016T111500Z" in raw


def test_it_follows_the_zone_rules_of_the_day_not_a_fixed_offset(client, conference_2023):
    """Almaty was UTC+6 in October 2023; an hour-off calendar would start at 05:00Z."""
    first = calendar_events(client)[0]

    assert first.decoded("dtstart").astimezone(UTC).hour == 4
    assert conference_2023.utc_offset_label == "UTC+06:00"


def test_it_gives_each_session_one_event_with_a_stable_uid_and_a_dtstamp(client, conference_2023):
    events = calendar_events(client)
    uids_before = [str(event["uid"]) for event in events]

    seed_conference_2023()
    uids_after = [str(event["uid"]) for event in calendar_events(client)]

    assert len(events) == Session.objects.count() == 9
    assert len(set(uids_before)) == 9
    assert uids_before == uids_after
    assert all("dtstamp" in event for event in events)
    # The seeded programme is a draft, but in 2026 the conference is over: what took place is final.
    assert all(str(event["status"]) == "CONFIRMED" for event in events)


def test_it_writes_event_titles_in_the_language_of_the_url(client, conference_2023):
    titles = [str(event["summary"]) for event in calendar_events(client, "/kk/agenda.ics")]

    assert "Конференцияның ашылуы" in titles
    assert "Түскі ас" in titles


def test_it_publishes_the_programme_as_json_with_offsets(client, conference_2023):
    response = client.get("/agenda.json")
    data = json.loads(response.content)

    assert response.status_code == 200
    assert data["conference"]["time_zone"] == "Asia/Almaty"
    assert data["conference"]["start"] == "2023-10-16T10:00:00+06:00"
    assert data["conference"]["end"] == "2023-10-16T17:15:00+06:00"
    assert data["conference"]["hashtags"] == ["#TheDialogueOfWomenOfCentralAsia", "#WomenPeaceAndSecurity"]
    first = data["sessions"][0]
    assert set(first) >= {"id", "title", "kind", "start", "end", "room", "pillar", "speakers"}
    assert first["start"] == "2023-10-16T10:00:00+06:00"
    assert first["kind"] == "opening"
    assert first["room"] == "Plenary hall"
    assert first["speakers"][0]["role"] == "chair"
    assert [s["pillar"] for s in data["sessions"] if s["pillar"]] == [
        "participation",
        "prevention",
        "relief_recovery",
        "protection",
    ]


def test_it_publishes_json_in_russian_under_ru(client, conference_2023):
    data = json.loads(client.get("/ru/agenda.json").content)

    assert data["sessions"][0]["title"] == "Открытие конференции"
    assert data["sessions"][0]["room"] == "Пленарный зал"


def test_it_answers_404_not_500_when_no_conference_is_published(client):
    assert client.get("/agenda.ics").status_code == 404
    assert client.get("/agenda.json").status_code == 404
    assert client.get("/agenda/").status_code == 404
    assert client.get("/").status_code == 404
