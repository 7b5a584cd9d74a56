import itertools

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from agenda.models import Conference, DialogueChair, NationalActionPlan, Room, Session, SessionSpeaker, Speaker

pytestmark = pytest.mark.django_db

SEEDED_MODELS = [Conference, Room, Speaker, Session, SessionSpeaker, DialogueChair, NationalActionPlan]


def snapshot() -> dict:
    return {
        model.__name__: sorted(
            (repr(sorted(model_to_dict(row, exclude=["speakers"]).items())), row.pk) for row in model.objects.all()
        )
        for model in SEEDED_MODELS
    } | {"updated": sorted(str(row.updated_at) for model in (Conference, Session) for row in model.objects.all())}


def test_it_leaves_the_same_rows_when_seeded_twice(capsys):
    call_command("seed")
    first = snapshot()
    call_command("seed")
    second = snapshot()

    assert first == second
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_it_seeds_the_facts_of_the_2023_conference():
    call_command("seed")
    conference = Conference.objects.get(slug="wps-2023")

    assert conference.is_published
    assert conference.time_zone == "Asia/Almaty"
    assert conference.local(conference.starts_at).strftime("%Y-%m-%d %H:%M") == "2023-10-16 10:00"
    assert conference.local(conference.ends_at).strftime("%H:%M") == "17:15"
    assert conference.programme_is_draft
    assert "UN Women" in conference.supporters_en
    assert "Parliament of the Republic of Kazakhstan" in conference.organisers_en
    assert list(DialogueChair.objects.values_list("year", "country")) == [(2021, "UZ"), (2022, "TM"), (2023, "KZ")]
    assert set(NationalActionPlan.objects.values_list("country", flat=True)) == {"KG", "KZ", "TJ", "UZ"}


def test_it_fills_the_day_without_gaps_or_overlaps():
    call_command("seed")
    conference = Conference.objects.get(slug="wps-2023")
    sessions = list(conference.sessions.order_by("starts_at"))

    assert sessions[0].starts_at == conference.starts_at
    assert sessions[-1].ends_at == conference.ends_at
    assert all(earlier.ends_at == later.starts_at for earlier, later in itertools.pairwise(sessions))
    kinds = {session.kind for session in sessions}
    assert {"opening", "panel", "working", "break", "lunch", "closing"} <= kinds


def test_it_translates_every_seeded_text_into_russian_and_kazakh():
    call_command("seed")

    for session in Session.objects.all():
        assert session.title_kk
        assert session.title_ru != session.title_en
    conference = Conference.objects.get()
    for field in ("title", "description", "venue", "city", "organisers", "supporters", "audience", "contact_name"):
        assert getattr(conference, f"{field}_ru"), field
        assert getattr(conference, f"{field}_kk"), field


def test_it_restores_a_changed_fact_when_seeded_again():
    call_command("seed")
    Conference.objects.update(capacity=1)

    call_command("seed")

    assert Conference.objects.get().capacity == 300


def test_it_refreshes_a_room_an_organiser_renamed_instead_of_failing():
    call_command("seed")
    Room.objects.filter(name_en="Plenary hall").update(name="Main hall", name_en="Main hall")

    call_command("seed")

    assert Room.objects.filter(name_en="Plenary hall").count() == 1
    assert not Room.objects.filter(name_en="Main hall").exists()


def test_it_leaves_organisers_edits_alone_when_asked_only_to_fill_in(capsys):
    call_command("seed")
    Conference.objects.update(venue_en="Palace of Independence")

    call_command("seed", "--if-missing")

    assert Conference.objects.get().venue_en == "Palace of Independence"
    assert "left as the organisers keep it" in capsys.readouterr().out


def test_it_creates_the_conference_when_missing_even_with_if_missing():
    call_command("seed", "--if-missing")

    assert Conference.objects.filter(slug="wps-2023").exists()
