"""In Chromium: an organiser moves the conference to another date; a visitor finds a finished conference's outcome."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from agenda.models import Conference, OutcomeDocument
from agenda.seed import seed_conference_2023
from tests import factories
from tests.documents import pdf_bytes
from tests.factories import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conference(roles) -> Conference:
    seed_conference_2023()
    return Conference.objects.get(slug="wps-2023")


def test_an_organiser_moves_the_conference_to_another_day(page, conference):
    factories.organiser()
    log_in(page, "olga", then="/admin/agenda/conference/")

    page.locator(f'input[name="_selected_action"][value="{conference.pk}"]').check()
    page.select_option('select[name="action"]', "move_to_another_date")
    page.locator('button[name="index"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("to another date")
    page.fill("#id_first_day", "16/10/2023")
    page.get_by_role("button", name="Move").click()
    expect(page.locator(".errorlist")).to_contain_text("already begins on that day")

    page.fill("#id_first_day", "15/10/2024")
    page.get_by_role("button", name="Move").click()

    expect(page.locator(".messagelist .success")).to_contain_text("now takes place on 15 October 2024")
    conference.refresh_from_db()
    assert conference.local_date == date(2024, 10, 15)
    assert {s.starts_at.astimezone(conference.tzinfo).date() for s in conference.sessions.all()} == {date(2024, 10, 15)}
    page.goto("/")
    expect(page.locator("[data-fact=when]")).to_contain_text("15 October 2024, 10:00–17:15")


def test_a_visitor_finds_a_finished_conferences_outcome(page, conference, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    conference.recording_url = "https://video.example.org/wps-2023"
    conference.save()
    OutcomeDocument.objects.create(
        conference=conference,
        kind="roadmap",
        language="en",
        title="Almaty Roadmap",
        file=ContentFile(pdf_bytes(1), name="roadmap.pdf"),
        is_published=True,
    )

    with time_machine.travel(datetime(2023, 10, 20, 6, 0, tzinfo=UTC), tick=True):
        page.goto("/")
        outcome = page.locator("[data-outcomes]")
        expect(outcome).to_contain_text("The conference took place on 16 October 2023. Registration has closed.")
        expect(outcome.get_by_role("link", name="Almaty Roadmap")).to_be_visible()
        expect(outcome.get_by_role("link", name="Watch the recording")).to_have_attribute(
            "href", "https://video.example.org/wps-2023"
        )
        expect(page.locator("main").get_by_role("link", name="Register", exact=True)).to_have_count(0)
        expect(page.locator("main")).not_to_contain_text("draft")

        page.locator("nav").get_by_role("link", name="Media").click()
        expect(page).to_have_url(re.compile(r"/accreditation/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Media accreditation has closed")
