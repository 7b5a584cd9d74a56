"""The database goes away while the site runs: visitors get a clear "busy" page, in their language, never a 500."""

import errno
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client

from accreditation.models import AccreditationRequest
from agenda.models import Conference
from registration import services
from registration.models import Registration
from tests.documents import media_files, media_form
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


def test_a_missing_table_is_a_bug_to_see_not_an_outage_to_wait_out(visitor, registration_open, monkeypatch):
    def not_migrated(*args, **kwargs):
        raise OperationalError("no such table: agenda_conference")

    monkeypatch.setattr(Conference.objects, "current", not_migrated)

    assert visitor.get("/").status_code == 500


def test_any_other_failure_is_still_a_plain_server_error(visitor, registration_open, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(Conference.objects, "current", broken)

    response = visitor.get("/")

    assert response.status_code == 500
    assert "data-site-busy" not in response.content.decode()


# --- a full or unwritable disk at upload ------------------------------------------------------------------------


@pytest.fixture
def disk_full(monkeypatch):
    """Private storage refuses to write after the first file, as a disk that fills up mid-upload."""
    from wpsconf.storage import private_storage

    written = []
    save = private_storage.save

    def save_until_full(name, content, *args, **kwargs):
        if written:
            written.append(name)
            half = Path(private_storage.path(name))
            half.parent.mkdir(parents=True, exist_ok=True)
            half.write_bytes(b"%PDF-1.4 half of it")  # what the disk took before it was full
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(save(name, content, *args, **kwargs))
        return written[-1]

    monkeypatch.setattr(private_storage, "save", save_until_full)
    return written


def test_a_full_disk_at_upload_says_so_on_the_form_and_keeps_nothing(
    visitor, registration_open, disk_full, django_capture_on_commit_callbacks
):
    from wpsconf.storage import private_storage

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post("/kk/accreditation/", {**media_form(), **media_files()})

    assert response.status_code == 200
    assert "data-documents-error" in response.content.decode()
    assert "Құжаттарыңызды" in " ".join(response.context["details"].non_field_errors())  # in the visitor's language
    assert not Registration.objects.exists()
    assert not AccreditationRequest.objects.exists()
    assert len(disk_full) >= 2, "one document written, then the disk filled up in the middle of the next"
    assert not any(private_storage.exists(name) for name in disk_full)  # both deleted again
