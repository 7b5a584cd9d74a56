"""An organiser in Chromium: filters the registrations by country, exports them as CSV, opens the dashboard."""

import csv
import io
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from agenda.models import Conference
from agenda.seed import seed_conference_2023
from tests import factories
from tests.documents import pdf_bytes
from tests.factories import log_in, register
from tests.test_browser_registration import REGISTRATION_OPEN_AT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Six, so that the dashboard may show their share of women (it hides groups under five).
PEOPLE = [("KZ", "woman"), ("KZ", "man"), ("UZ", "woman"), ("UZ", "woman"), ("KG", "man"), ("TJ", "woman")]


@pytest.fixture
def people(roles):
    seed_conference_2023()
    conference = Conference.objects.current()
    conference.requires_approval = False
    conference.save()
    with time_machine.travel(REGISTRATION_OPEN_AT, tick=True):
        for n, (country, gender) in enumerate(PEOPLE):
            register(conference, f"p{n}@example.org", country=country, gender=gender)
        yield


def test_an_organiser_filters_exports_and_opens_the_dashboard(page, people):
    factories.organiser()
    log_in(page, "olga", then="/admin/")

    page.locator('a[href="/admin/registration/registration/"]').first.click()
    page.locator("#changelist-filter").get_by_role("link", name="Kazakhstan").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    with page.expect_download() as download:
        page.locator('[data-export="csv"]').click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 + 2
    assert {row[8] for row in rows[1:]} == {"Kazakhstan"}

    page.goto("/admin/")
    page.locator(".dashboard-link a").click()
    expect(page.locator('[data-share="confirmed"] [data-percent]')).to_have_text("66.7 %")
    expect(page.locator('[data-figures="per-day"] svg rect')).to_have_count(1)


def test_an_organiser_publishes_the_roadmap_and_visitors_find_it(page, people, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    roadmap = tmp_path / "roadmap.pdf"
    roadmap.write_bytes(pdf_bytes(2))
    factories.organiser()
    conference = Conference.objects.current()
    log_in(page, "olga", then=f"/admin/agenda/conference/{conference.pk}/change/")

    page.locator("#outcome_documents-group .add-row a").click()
    page.select_option("#id_outcome_documents-0-kind", "roadmap")
    page.select_option("#id_outcome_documents-0-language", "ru")
    page.fill("#id_outcome_documents-0-title", "Дорожная карта")
    page.set_input_files("#id_outcome_documents-0-file", str(roadmap))
    page.check("#id_outcome_documents-0-is_published")
    page.locator('input[name="_continue"]').click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto("/")
    link = page.locator("[data-outcomes]").get_by_role("link", name="Дорожная карта")
    with page.expect_download() as download:
        link.click(modifiers=["Alt"])  # Chromium saves rather than shows the PDF
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
