"""A visitor in Chromium: the conference page, Russian, then the programme."""

import re

import pytest
from playwright.sync_api import expect

from agenda.seed import seed_conference_2023

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db):
    seed_conference_2023()


def test_it_lets_a_visitor_switch_to_russian_and_open_the_programme(page, live_server, seeded):
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Women, Peace and Security")
    expect(page.locator("[data-fact=when]")).to_contain_text("16 October 2023, 10:00–17:15")
    expect(page.locator("[data-fact=when]")).to_contain_text("UTC+06:00")

    page.get_by_role("link", name="Русский").click()
    expect(page).to_have_url(re.compile(r"/ru/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Женщины, мир и безопасность")
    expect(page.locator("[data-fact=when]")).to_contain_text("16 октября 2023")

    page.get_by_role("navigation").get_by_role("link", name="Программа").click()
    expect(page).to_have_url(re.compile(r"/ru/agenda/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Программа")
    expect(page.get_by_role("heading", name="Открытие конференции")).to_be_visible()
    expect(page.locator("article").first).to_contain_text("10:00–10:45")
    assert [url for url in requests if not url.startswith(live_server.url)] == []


def test_it_works_on_a_phone_in_kazakh(phone_page, seeded):
    page = phone_page
    page.goto("/kk/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Әйелдер, бейбітшілік және қауіпсіздік")
    programme_link = page.get_by_role("navigation").get_by_role("link", name="Бағдарлама")
    expect(programme_link).to_be_hidden()  # folded behind the menu button at 360 px

    page.get_by_role("button", name="Мәзір").click()
    programme_link.click()

    expect(page).to_have_url(re.compile(r"/kk/agenda/$"))
    expect(page.get_by_role("heading", name="Конференцияның ашылуы")).to_be_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360  # nothing forces sideways scrolling
