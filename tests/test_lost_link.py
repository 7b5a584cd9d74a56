""" "Lost your link?" does the same work whatever the address: nothing about it tells who is registered."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail as outbox
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registration import services
from registration.models import LinkRequest
from registration.tasks import answer_link_request
from tests.factories import register
from tests.test_settings import STRONG_KEY

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def aigerim(registration_open, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(registration_open)
    outbox.outbox.clear()
    return registration


def asking(client, email: str, monkeypatch, capture) -> tuple[list[str], list[tuple]]:
    """The statements the web process ran for one "lost link" post, and the tasks it queued."""
    queued = []
    monkeypatch.setattr(answer_link_request, "delay", lambda *args: queued.append(args))
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        response = client.post("/my/", {"email": email})
    assert response.status_code == 200
    # The same statement whatever the values in it (the address, the time, the row's number).
    shapes = [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries.captured_queries]
    return shapes, queued


def test_a_known_and_an_unknown_address_cost_the_web_process_the_same(
    client, aigerim, monkeypatch, django_capture_on_commit_callbacks
):
    known, queued_for_known = asking(client, aigerim.email, monkeypatch, django_capture_on_commit_callbacks)
    unknown, queued_for_unknown = asking(client, "nobody@example.org", monkeypatch, django_capture_on_commit_callbacks)

    assert known == unknown
    assert not any("registration_registration" in statement for statement in known)  # nobody is looked up
    assert len(queued_for_known) == len(queued_for_unknown) == 1


def test_the_worker_mails_a_known_address_and_forgets_both(client, aigerim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/my/", {"email": "AIGERIM@example.org"})
        client.post("/my/", {"email": "nobody@example.org"})

    assert [message.to for message in outbox.outbox] == [[aigerim.email]]
    assert LinkRequest.objects.count() == 0  # no address is kept once answered


def test_with_the_broker_down_the_sweep_answers_later(client, aigerim, monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(answer_link_request, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/my/", {"email": aigerim.email})
    assert response.templates[0].name == "registration/link_sent.html"
    assert services.answer_waiting_link_requests() == 0  # not given up on yet
    assert outbox.outbox == []

    with (
        time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.answer_waiting_link_requests() == 1

    assert [message.to for message in outbox.outbox] == [[aigerim.email]]
    assert LinkRequest.objects.count() == 0


def web_process(**environment: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **environment}
    return subprocess.run(
        [sys.executable, "-c", "import wpsconf.wsgi"], env=env, capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_a_web_process_without_a_broker_refuses_to_start_when_debug_is_off(tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    without = web_process(DEBUG="off", SECRET_KEY=STRONG_KEY, DATABASE_URL=database)
    with_broker = web_process(
        DEBUG="off", SECRET_KEY=STRONG_KEY, DATABASE_URL=database, CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
    )
    in_debug = web_process(DEBUG="on", DATABASE_URL=database)

    assert without.returncode != 0
    assert "ImproperlyConfigured: CELERY_BROKER_URL is not set" in without.stderr
    assert with_broker.returncode == 0, with_broker.stderr
    assert in_debug.returncode == 0, in_debug.stderr
