from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.models import Room, Session, SessionSpeaker, Speaker

pytestmark = pytest.mark.django_db


def queries_for(client, path: str, *, drawn: bool = True) -> int:
    """Queries for the page, drawn afresh (`drawn`) or served as the page cache keeps it."""
    if drawn:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def add_parallel_sessions(conference, count: int) -> None:
    """`count` more sessions in their own rooms, each with two speakers."""
    for index in range(count):
        room = Room.objects.create(conference=conference, name=f"Room {index}")
        session = Session.objects.create(
            conference=conference,
            title=f"Workshop {index}",
            starts_at=conference.starts_at + timedelta(minutes=15 * (index % 20)),
            ends_at=conference.starts_at + timedelta(minutes=15 * (index % 20) + 30),
            room=room,
        )
        for role in ("moderator", "speaker"):
            speaker = Speaker.objects.create(name=f"{role} {index}")
            SessionSpeaker.objects.create(session=session, speaker=speaker, role=role)


@pytest.mark.parametrize("path", ["/", "/agenda/", "/ru/agenda/", "/agenda.ics", "/agenda.json"])
def test_it_runs_the_same_number_of_queries_however_long_the_programme(client, conference_2023, path):
    with_nine_sessions = queries_for(client, path)

    add_parallel_sessions(conference_2023, 40)
    with_forty_nine_sessions = queries_for(client, path)

    assert conference_2023.sessions.count() == 49
    assert with_forty_nine_sessions == with_nine_sessions


PUBLIC_PAGES = ["/", "/ru/", "/kk/agenda/", "/agenda.ics", "/agenda.json", "/privacy/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_kept_public_page_costs_one_query_however_long_the_programme(client, conference_2023, path):
    add_parallel_sessions(conference_2023, 40)
    queries_for(client, path)

    assert queries_for(client, path, drawn=False) == 1  # which conference the site presents
