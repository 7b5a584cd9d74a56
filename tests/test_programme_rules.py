from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agenda.models import Conference, Room, Session
from agenda.services import now_and_next, sessions_overlapping_in_rooms

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")


def at(hour: int, minute: int = 0, day: int = 16) -> datetime:
    return datetime(2023, 10, day, hour, minute, tzinfo=ALMATY)


def new_session(conference: Conference, start: datetime, end: datetime, room: Room | None = None, **extra) -> Session:
    return Session(conference=conference, title="Side event", starts_at=start, ends_at=end, room=room, **extra)


@pytest.fixture
def plenary(conference_2023) -> Room:
    return conference_2023.rooms.get(name_en="Plenary hall")


@pytest.fixture
def side_room(conference_2023) -> Room:
    return Room.objects.create(conference=conference_2023, name="Side room")


def errors_of(session: Session) -> dict:
    with pytest.raises(ValidationError) as caught:
        session.full_clean()
    return caught.value.message_dict


def test_it_refuses_a_session_that_starts_before_the_conference_day(conference_2023, side_room):
    errors = errors_of(new_session(conference_2023, at(9, 30), at(10, 30), side_room))

    assert errors["starts_at"] == ["The session starts before the conference day begins (10:00)."]


def test_it_refuses_a_session_that_ends_after_the_conference_day(conference_2023, side_room):
    errors = errors_of(new_session(conference_2023, at(17, 0), at(17, 30), side_room))

    assert errors["ends_at"] == ["The session ends after the conference day ends (17:15)."]


def test_it_refuses_a_session_on_another_day(conference_2023, side_room):
    errors = errors_of(new_session(conference_2023, at(11, day=17), at(12, day=17), side_room))

    assert "ends_at" in errors


def test_it_refuses_a_session_that_ends_before_it_starts(conference_2023, side_room):
    errors = errors_of(new_session(conference_2023, at(12), at(11), side_room))

    assert errors["ends_at"] == ["A session must end after it starts."]


def test_it_refuses_a_session_overlapping_another_in_the_same_room(conference_2023, plenary):
    errors = errors_of(new_session(conference_2023, at(11, 30), at(12, 30), plenary))

    assert errors["room"] == [
        "This room is already taken by “Implementing UNSCR 1325 and national action plans in Central Asia” "
        "from 10:45 to 12:00."
    ]


def test_it_allows_back_to_back_sessions_and_parallel_rooms(conference_2023, plenary, side_room):
    new_session(conference_2023, at(11, 30), at(12, 30), side_room).full_clean()
    Session.objects.filter(conference=conference_2023, room=plenary, starts_at=at(12, 15)).delete()
    new_session(conference_2023, at(12, 0), at(12, 15), plenary).full_clean()


def test_it_lets_a_session_keep_its_own_slot_when_edited(conference_2023):
    opening = conference_2023.sessions.get(kind="opening")
    opening.title = "Opening (updated)"

    opening.full_clean()


def test_it_finds_clashes_among_sessions_not_saved_yet(conference_2023, side_room):
    first = new_session(conference_2023, at(11), at(12), side_room)
    second = new_session(conference_2023, at(11, 30), at(12, 30), side_room)
    elsewhere = new_session(conference_2023, at(11), at(12), None)

    assert sessions_overlapping_in_rooms([first, second, elsewhere]) == [(first, second)]


def test_it_has_the_database_refuse_a_session_ending_before_it_starts(conference_2023):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(conference=conference_2023, title="Backwards", starts_at=at(12), ends_at=at(11))


def test_it_marks_now_and_next_on_the_conference_day_in_its_zone(conference_2023):
    sessions = list(conference_2023.sessions.order_by("starts_at"))

    during_first_panel = now_and_next(conference_2023, sessions, at(11, 30))
    assert during_first_panel.now.title_en.startswith("Implementing UNSCR 1325")
    assert during_first_panel.next.kind == "break"

    before_opening = now_and_next(conference_2023, sessions, at(9, 15))
    assert before_opening.now is None
    assert before_opening.next.kind == "opening"


def test_it_marks_nothing_on_other_days(conference_2023):
    sessions = list(conference_2023.sessions.all())

    day_before = now_and_next(conference_2023, sessions, at(11, day=15))
    assert (day_before.now, day_before.next) == (None, None)
    # 23:30 UTC on the 15th is already 05:30 on the 16th in Almaty: the conference day.
    early_utc = datetime(2023, 10, 15, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert now_and_next(conference_2023, sessions, early_utc).next.kind == "opening"
    late = at(17, 15) + timedelta(hours=1)
    assert now_and_next(conference_2023, sessions, late).next is None


def test_it_refuses_an_unknown_time_zone_and_malformed_hashtags(conference_2023):
    conference_2023.time_zone = "Almaty"
    conference_2023.hashtags = "#good bad"

    with pytest.raises(ValidationError) as caught:
        conference_2023.full_clean()

    assert "time_zone" in caught.value.message_dict
    assert "hashtags" in caught.value.message_dict
