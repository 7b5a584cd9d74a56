"""An organiser in Chromium: filters the registrations by country, exports them as CSV, opens the dashboard."""

import csv
import io
import re
from datetime import timedelta
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
def people(confirming_at_once):
    for n, (country, gender) in enumerate(PEOPLE):
        register(confirming_at_once, f"p{n}@example.org", country=country, gender=gender)


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
    assert {row[rows[0].index("Country")] for row in rows[1:]} == {"Kazakhstan"}

    page.goto("/admin/")
    page.locator(".dashboard-link a").click()
    expect(page.locator('[data-share="confirmed"] [data-percent]')).to_have_text("66.7 %")
    expect(page.get_by_role("img", name=re.compile("^Registrations on")).locator("rect")).to_have_count(1)


# Three weeks of registrations, some days without any: (days after 12 September, country, gender, category).
SPREAD = [
    (0, "KZ", "woman", "parliamentarian"),
    (0, "KZ", "man", "government"),
    (1, "UZ", "woman", "diplomatic"),
    (4, "KZ", "woman", "civil_society"),
    (4, "KG", "woman", "civil_society"),
    (4, "TJ", "", "expert"),
    (5, "KZ", "woman", "international"),
    (9, "TM", "man", "parliamentarian"),
    (12, "KZ", "woman", "government"),
    (12, "DE", "woman", "international"),
    (12, "UZ", "prefer_not", "civil_society"),
    (13, "KZ", "woman", "parliamentarian"),
    (16, "KG", "man", "expert"),
    (20, "KZ", "woman", "civil_society"),
]


@pytest.fixture
def spread(roles):
    seed_conference_2023()
    conference = Conference.objects.current()
    conference.requires_approval = False
    conference.save()
    start = REGISTRATION_OPEN_AT - timedelta(days=20)
    for n, (day, country, gender, category) in enumerate(SPREAD):
        extra = {} if category == "parliamentarian" else {"parliament": "", "chamber": ""}
        with time_machine.travel(start + timedelta(days=day, minutes=n)):
            register(conference, f"p{n}@example.org", country=country, gender=gender, category=category, **extra)


def test_an_organiser_sees_the_figures_drawn_beside_the_numbers(browser, live_server, spread):
    factories.organiser()
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, "olga", then="/admin/registration/registration/dashboard/")

    # The chart is one picture with a name saying what it shows; its columns, one a day, gaps included.
    chart = page.get_by_role("img", name=re.compile(r"^Registrations per day, 12 September 2023 – 2 October 2023\."))
    expect(chart).to_have_attribute("data-size", "wide")
    expect(chart.locator("rect")).to_have_count(21)
    expect(chart.locator("text", has_text="12 Sep")).to_be_visible()
    widths = {round(chart.locator("rect").nth(n).bounding_box()["width"]) for n in range(21)}
    assert len(widths) == 1
    assert 5 < widths.pop() < 40

    # The bars beside the numbers are drawn and hidden from screen readers, which read the numbers.
    assert page.get_by_role("img").count() == 1
    kazakhstan, uzbekistan = page.locator('[data-country="KZ"]'), page.locator('[data-country="UZ"]')
    expect(kazakhstan.locator("td.count")).to_have_text("7")
    expect(uzbekistan.locator("td.count")).to_have_text("2")
    longest = kazakhstan.locator(".bar-fill").bounding_box()["width"]
    assert longest > 100
    assert uzbekistan.locator(".bar-fill").bounding_box()["width"] == pytest.approx(longest * 2 / 7, abs=1)
    expect(page.locator('[data-figures="status"] svg.bar').first).to_be_visible()
    # Nine women of twelve who said: 75 %, on a scale to 100 with a mark at parity.
    confirmed = page.locator('[data-share="confirmed"]')
    expect(confirmed.locator("[data-percent]")).to_have_text("75.0 %")
    track, share = confirmed.locator(".bar-track").bounding_box(), confirmed.locator(".bar-fill").bounding_box()
    assert share["width"] == pytest.approx(track["width"] * 0.75, abs=1)

    # On a phone a narrower chart takes its place, its dates as legible, and the page does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(chart).to_have_attribute("data-size", "narrow")
    expect(chart.locator("rect")).to_have_count(21)
    assert chart.bounding_box()["width"] <= 390
    assert chart.locator("text", has_text="12 Sep").bounding_box()["height"] >= 12
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(kazakhstan.locator(".bar-fill")).to_be_visible()
    context.close()


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
