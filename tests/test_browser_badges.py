"""Badges in Chromium: an attendee downloads hers from her personal page; an organiser prints a sheet."""

import io
from pathlib import Path

import pypdf
import pytest
from django.core import mail

from tests import factories
from tests.factories import log_in, register
from tests.test_browser_registration import personal_path_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conference(confirming_at_once):
    return confirming_at_once


def text_of(path: str) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(Path(path).read_bytes())).pages)


def test_a_confirmed_attendee_downloads_her_badge(page, conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        aigerim = register(conference)
    page.goto(personal_path_in(mail.outbox[0]))

    with page.expect_download() as download:
        page.locator("[data-badge]").click()

    assert download.value.suggested_filename == f"badge-{aigerim.reference}.pdf"
    assert "Ms Әйгерім Қасымова" in text_of(download.value.path())


def test_an_organiser_prints_a_sheet_of_badges(page, conference):
    for n, name in enumerate(["Сейтова", "Абенова", "Ким"]):
        register(conference, email=f"p{n}@example.org", last_name=name)
    factories.organiser()
    log_in(page, "olga", then="/admin/registration/registration/")

    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "print_badges")
    with page.expect_download() as download:
        page.locator('button[name="index"]').click()

    text = text_of(download.value.path())
    assert text.index("Абенова") < text.index("Ким") < text.index("Сейтова")
