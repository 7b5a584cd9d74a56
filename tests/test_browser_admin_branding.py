"""An organiser in Chromium, in Kazakh: the conference's name in the admin's header, the apps named in
Kazakh, and a person's badge downloaded from their page in the admin."""

import io
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from registration.models import Registration
from tests import factories
from tests.factories import log_in, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conference(confirming_at_once):
    return confirming_at_once


@pytest.fixture
def kazakh_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="kk-KZ")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_an_organiser_in_kazakh_sees_the_conference_and_downloads_a_badge(kazakh_page, conference):
    page = kazakh_page
    aigerim = register(conference)
    assert aigerim.status == Registration.Status.CONFIRMED
    factories.organiser()

    log_in(page, "olga", then="/admin/")

    expect(page.locator("#site-name")).to_have_text(conference.title_kk)
    assert page.title().endswith(f"| {conference.title_kk}")
    sections = page.locator("caption a.section")
    assert {text.strip() for text in sections.all_text_contents()} == {
        "Конференция және бағдарлама",
        "Тіркеу",
        "Аккредиттеу",
        "Шығыс пошта",
        "Делегациялар",
    }
    expect(page.locator('caption a[href="/admin/registration/"]')).to_have_attribute(
        "title", "«Тіркеу» бөліміндегі модельдер"
    )
    assert "Django" not in page.content()
    assert "Даңғо" not in page.content()

    page.locator('a[href="/admin/registration/registration/"]').first.click()
    page.get_by_role("link", name=aigerim.reference).click()
    badge = page.locator("[data-badge]")
    expect(badge).to_have_text("Бейдж (PDF)")
    assert aigerim.token not in badge.get_attribute("href")
    with page.expect_download() as download:
        badge.click()

    assert download.value.suggested_filename == f"badge-{aigerim.reference}.pdf"
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = "".join(sheet.extract_text() for sheet in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Әйгерім Қасымова" in " ".join(text.split())  # the badge may wrap a long name
