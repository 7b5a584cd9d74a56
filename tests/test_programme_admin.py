"""Organisers edit the programme in the admin: bad times come back as errors beside the fields."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.urls import reverse
from django.utils import timezone

from agenda.admin import SessionForm, SessionInlineFormSet
from agenda.models import Conference, Session
from tests.factories import next_conference

pytestmark = pytest.mark.django_db


def session_form(conference, room, **overrides) -> dict:
    data = {
        "conference": conference.pk,
        "title_en": "Side event",
        "title_ru": "",
        "title_kk": "",
        "description_en": "",
        "description_ru": "",
        "description_kk": "",
        "kind": "panel",
        "starts_at_0": "16/10/2023",
        "starts_at_1": "11:30",
        "ends_at_0": "16/10/2023",
        "ends_at_1": "12:30",
        "room": room.pk,
        "pillar": "",
        "appearances-TOTAL_FORMS": "0",
        "appearances-INITIAL_FORMS": "0",
        "appearances-MIN_NUM_FORMS": "0",
        "appearances-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


def test_it_shows_a_room_clash_beside_the_field_in_the_admin(organiser_client, conference_2023):
    plenary = conference_2023.rooms.get(name_en="Plenary hall")

    response = organiser_client.post(reverse("admin:agenda_session_add"), session_form(conference_2023, plenary))

    assert response.status_code == 200
    assert "This room is already taken by" in response.context["adminform"].form.errors["room"][0]
    assert not Session.objects.filter(title_en="Side event").exists()


def test_it_reads_admin_times_in_the_conference_zone(organiser_client, conference_2023):
    side_room = conference_2023.rooms.create(name="Side room")

    response = organiser_client.post(
        reverse("admin:agenda_session_add"), session_form(conference_2023, side_room, interpretation_languages=["ru"])
    )

    assert response.status_code == 302
    session = Session.objects.get(title_en="Side event")
    assert session.starts_at.isoformat() == "2023-10-16T05:30:00+00:00"  # 11:30 in Almaty, UTC+6 that day
    assert session.interpretation_languages == ["ru"]


def test_it_refuses_a_session_outside_the_day_in_the_admin(organiser_client, conference_2023):
    side_room = conference_2023.rooms.create(name="Side room")

    response = organiser_client.post(
        reverse("admin:agenda_session_add"),
        session_form(conference_2023, side_room, starts_at_1="08:00", ends_at_1="09:00"),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["starts_at"] == ["The session starts before the conference day begins (10:00)."]


def test_it_catches_two_new_overlapping_sessions_in_one_conference_form(conference_2023):
    side_room = conference_2023.rooms.create(name="Side room")
    formset_class = inlineformset_factory(
        Conference,
        Session,
        form=SessionForm,
        formset=SessionInlineFormSet,
        fields=("title", "kind", "starts_at", "ends_at", "room"),
        extra=0,
    )
    data = {"sessions-TOTAL_FORMS": "2", "sessions-INITIAL_FORMS": "0"}
    for index, start in enumerate(("2023-10-16 13:30", "2023-10-16 13:45")):
        data |= {
            f"sessions-{index}-title": f"Parallel {index}",
            f"sessions-{index}-kind": "panel",
            f"sessions-{index}-starts_at": start,
            f"sessions-{index}-ends_at": "2023-10-16 14:15",
            f"sessions-{index}-room": side_room.pk,
        }

    with timezone.override(conference_2023.tzinfo):
        formset = formset_class(data, instance=conference_2023, queryset=Session.objects.none())

        assert not formset.is_valid()
    assert formset.non_form_errors() == ["“Parallel 0” and “Parallel 1” overlap in the same room."]


def test_it_refuses_a_room_of_another_conference(conference_2023):
    from datetime import timedelta

    other = next_conference(
        starts_at=conference_2023.starts_at + timedelta(days=365),
        ends_at=conference_2023.ends_at + timedelta(days=365),
    )
    plenary_2023 = conference_2023.rooms.get(name_en="Plenary hall")
    session = Session(
        conference=other,
        title="Opening",
        starts_at=other.starts_at,
        ends_at=other.starts_at + timedelta(hours=1),
        room=plenary_2023,
    )

    with pytest.raises(ValidationError) as caught:
        session.full_clean()

    assert caught.value.message_dict["room"] == ["This room belongs to another conference."]


def test_it_shows_and_reads_times_in_the_zone_of_the_conference_being_edited(organiser_client, conference_2023):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    # Next year's chair in Bishkek (UTC+6; Almaty was UTC+5 by then) while the site presents 2023.
    bishkek = ZoneInfo("Asia/Bishkek")
    other = next_conference(
        starts_at=datetime(2024, 10, 16, 10, 0, tzinfo=bishkek),
        ends_at=datetime(2024, 10, 16, 17, 0, tzinfo=bishkek),
        time_zone="Asia/Bishkek",
    )
    session = Session.objects.create(
        conference=other, title="Opening", starts_at=other.starts_at, ends_at=other.starts_at + timedelta(hours=1)
    )

    page = organiser_client.get(reverse("admin:agenda_session_change", args=[session.pk])).content.decode()

    assert 'name="starts_at_1" value="10:00:00"' in page  # Almaty's 09:00 would be the wrong zone
    assert 'name="ends_at_1" value="11:00:00"' in page

    hall = other.rooms.create(name="Hall")
    form = session_form(other, hall, starts_at_0="2024-10-16", starts_at_1="10:30", ends_at_0="2024-10-16")
    saved = organiser_client.post(reverse("admin:agenda_session_change", args=[session.pk]), form)

    assert saved.status_code == 302
    session.refresh_from_db()
    assert session.starts_at.isoformat() == "2024-10-16T04:30:00+00:00"  # 10:30 in Bishkek, UTC+6
