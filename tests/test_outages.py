"""The database goes away while the site runs: visitors get a clear "busy" page, in their language, never a 500."""

import pytest
from django.db import OperationalError
from django.test import Client

from agenda.models import Conference
from registration import services
from registration.models import Registration
from tests.factories import registration_details


@pytest.fixture
def visitor() -> Client:
    return Client(raise_request_exception=False)  # as a browser meets the site: through the error handlers


def database_away(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def test_a_page_answers_503_in_the_visitors_language_while_the_database_is_away(
    visitor, registration_open, monkeypatch
):
    monkeypatch.setattr(Conference.objects, "current", database_away)

    response = visitor.get("/ru/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert 'lang="ru"' in page
    assert "Сайт сейчас занят" in page
    assert "data-site-busy" in page
    assert "Traceback" not in page
    assert "127.0.0.1" not in page


def test_a_registration_that_meets_the_outage_leaves_nothing_half_written(visitor, registration_open, monkeypatch):
    monkeypatch.setattr(services.seats, "take_seat", database_away)  # inside the seat transaction

    response = visitor.post("/register/", registration_details())

    assert response.status_code == 503
    assert not Registration.objects.exists()


def test_the_site_answers_again_once_the_database_is_back(visitor, registration_open, monkeypatch):
    with monkeypatch.context() as outage:
        outage.setattr(Conference.objects, "current", database_away)
        assert visitor.get("/").status_code == 503

    assert visitor.get("/").status_code == 200


def test_any_other_failure_is_still_a_plain_server_error(visitor, registration_open, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(Conference.objects, "current", broken)

    response = visitor.get("/")

    assert response.status_code == 500
    assert "data-site-busy" not in response.content.decode()
