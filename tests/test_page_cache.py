"""The public pages are drawn once and kept: never stale after an organiser's change or a turn of the
clock, never in another language, never with anything of one visitor in them."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.admin import site
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agenda.models import DialogueChair, NationalActionPlan, Session, Speaker
from agenda.page_cache import key_for
from tests.factories import sign_in
from tests.test_programme_admin import session_form

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/agenda/", "/agenda.ics", "/agenda.json", "/privacy/"]


@pytest.fixture
def visitor() -> Client:
    """Someone reading the public pages while an organiser works in the admin (another browser)."""
    return Client()


def visit(client, path: str) -> tuple[str, int]:
    """The page's text and how many queries answering it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def kept(client, path: str) -> str:
    """The page, once it is in the cache (the second visit costs one query)."""
    visit(client, path)
    page, queries = visit(client, path)
    assert queries == 1, path
    return page


@pytest.mark.parametrize("prefix", ["", "/ru", "/kk"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_page_is_drawn_once_then_kept(client, conference_2023, prefix, path):
    drawn, queries = visit(client, prefix + path)

    assert queries > 1
    assert kept(client, prefix + path) == drawn


def test_a_language_never_gets_the_copy_of_another(client, conference_2023):
    russian = kept(client, "/ru/")
    english, _queries = visit(client, "/")
    kazakh, _queries = visit(client, "/kk/")

    assert '<html lang="ru">' in russian
    assert "Программа" in russian
    assert '<html lang="en">' in english
    assert "Программа" not in english
    assert '<html lang="kk">' in kazakh
    assert "Бағдарлама" in kazakh


def test_no_kept_page_carries_a_token_or_a_cookie(client, conference_2023):
    for path in PUBLIC_PAGES:
        visit(client, path)
        response = client.get(path)
        assert not response.cookies, path
        assert "csrfmiddlewaretoken" not in response.content.decode(), path


def test_a_signed_in_organiser_gets_a_page_of_her_own(client, conference_2023, organiser):
    kept(client, "/")
    Session.objects.filter(conference=conference_2023).update(title_en="Changed without the admin")
    sign_in(client, organiser)

    page, queries = visit(client, "/agenda/")

    assert "Changed without the admin" in page
    assert queries > 1


def test_registration_closing_turns_the_page_without_any_save(client, conference_2023):
    with time_machine.travel(datetime(2023, 10, 13, 11, 59, tzinfo=UTC), tick=False) as clock:
        assert 'class="btn btn-primary"' in kept(client, "/")
        clock.move_to(datetime(2023, 10, 13, 12, 1, tzinfo=UTC))  # closed at 18:00 in Almaty

        page, _queries = visit(client, "/")

    assert 'class="btn btn-primary"' not in page
    assert "Registration has closed." in page


def running_now(page: str) -> str:
    """The session the programme marks "now"."""
    return next(article for article in page.split("<article") if 'data-marker="now"' in article)


def test_now_and_next_move_on_at_each_session_on_the_day(client, conference_2023):
    opening, second = conference_2023.sessions.order_by("starts_at")[:2]
    with time_machine.travel(opening.starts_at, tick=False) as clock:
        during_the_opening = kept(client, "/agenda/")
        clock.move_to(second.starts_at)
        after_it, _queries = visit(client, "/agenda/")

    assert opening.title in running_now(during_the_opening)
    assert second.title in running_now(after_it)


def test_a_session_saved_in_the_admin_shows_at_once(organiser_client, visitor, conference_2023):
    session = conference_2023.sessions.get(title_en__startswith="Women in conflict prevention")
    kept(visitor, "/agenda/")
    data = session_form(
        conference_2023,
        session.room,
        title_en="Women mediators: a renamed panel",
        starts_at_1=conference_2023.local(session.starts_at).strftime("%H:%M"),
        ends_at_1=conference_2023.local(session.ends_at).strftime("%H:%M"),
    )

    response = organiser_client.post(reverse("admin:agenda_session_change", args=[session.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Women mediators: a renamed panel" in visit(visitor, "/agenda/")[0]
    assert "Women mediators: a renamed panel" in visit(visitor, "/agenda.json")[0]


def test_a_session_deleted_in_the_admin_leaves_at_once(organiser_client, visitor, conference_2023):
    session = conference_2023.sessions.get(title_en__startswith="Women in conflict prevention")
    assert session.title in kept(visitor, "/agenda/")

    organiser_client.post(reverse("admin:agenda_session_delete", args=[session.pk]), {"post": "yes"})

    assert session.title not in visit(visitor, "/agenda/")[0]


def test_a_speaker_renamed_in_the_admin_shows_at_once(organiser_client, visitor, conference_2023):
    speaker = Speaker.objects.filter(sessions__conference=conference_2023).first()
    kept(visitor, "/agenda/")
    form = site.get_model_admin(Speaker).get_form(None, speaker)(instance=speaker)
    data = {name: form[name].value() or "" for name in form.fields}
    data["name_en"] = "Ms Renamed Speaker"

    response = organiser_client.post(reverse("admin:agenda_speaker_change", args=[speaker.pk]), data)

    assert response.status_code == 302
    assert "Ms Renamed Speaker" in visit(visitor, "/agenda/")[0]


def test_the_dialogues_chairs_and_action_plans_show_at_once(organiser_client, visitor, conference_2023):
    kept(visitor, "/")

    organiser_client.post(reverse("admin:agenda_dialoguechair_add"), {"year": "2024", "country": "KG"})
    plan = NationalActionPlan.objects.first()
    site.get_model_admin(NationalActionPlan).delete_model(None, plan)

    page = visit(visitor, "/")[0]
    assert DialogueChair.objects.filter(year=2024).exists()
    assert "2024" in page
    assert plan.summary not in page


def test_moving_the_conference_shows_at_once(organiser_client, visitor, conference_2023):
    kept(visitor, "/")

    organiser_client.post(
        reverse("admin:agenda_conference_changelist"),
        {
            "action": "move_to_another_date",
            "_selected_action": [conference_2023.pk],
            "apply": "1",
            "first_day": "15/10/2024",
        },
    )

    assert "15 October 2024" in visit(visitor, "/")[0]


@pytest.fixture
def shared_and_own_memory(settings):
    """As deployed: a shared cache (Redis) and each process's own memory, here two separate ones."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "every-process"},
        "process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "own"},
    }
    settings.PAGES_CACHE, settings.PROCESS_CACHE = "default", "process"
    from django.core.cache import caches

    yield caches["default"], caches["process"]
    caches["default"].clear()
    caches["process"].clear()


def test_a_process_serves_the_copy_another_drew_and_keeps_its_own(client, conference_2023, shared_and_own_memory):
    shared, own = shared_and_own_memory
    drawn, _queries = visit(client, "/agenda/")
    own.clear()  # another process: nothing of its own yet

    page, queries = visit(client, "/agenda/")

    assert (page, queries) == (drawn, 1)
    conference_2023.refresh_from_db()
    assert own.get(key_for(conference_2023, "en", "/agenda/")) is not None  # its own, for the next visitor
    shared.clear()
    assert visit(client, "/agenda/") == (drawn, 1)


def test_a_change_reaches_a_process_holding_its_own_copy(
    organiser_client, visitor, conference_2023, shared_and_own_memory
):
    kept(visitor, "/")

    organiser_client.post(reverse("admin:agenda_dialoguechair_add"), {"year": "2024", "country": "KG"})

    assert "2024" in visit(visitor, "/")[0]
