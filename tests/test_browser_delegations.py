"""A delegation from the organiser's invitation to its members' badges, in Chromium."""

import re
from io import BytesIO
from urllib.parse import urlsplit

import pypdf
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from agenda.models import Conference
from agenda.seed import seed_conference_2023
from delegations.models import Delegation
from registration.models import Registration
from tests import factories
from tests.documents import pdf_bytes
from tests.factories import log_in
from tests.test_browser_registration import REGISTRATION_OPEN_AT, personal_path_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBERS = [
    ("Әйгерім", "Құрманғалиқызы", "aigerim@example.kz"),
    ("Dana", "Seitkali", "dana@example.kz"),
    ("Marat", "Ospanov", "marat@example.kz"),
]


@pytest.fixture
def registration_open(roles):
    seed_conference_2023()
    with time_machine.travel(REGISTRATION_OPEN_AT, tick=True):
        yield


def run_action(page, action: str, name: str) -> None:
    page.goto("/admin/delegations/delegation/")
    page.get_by_role("row").filter(has_text=name).locator('input[name="_selected_action"]').check()
    page.select_option('select[name="action"]', action)
    page.locator('button[name="index"]').click()


def focal_point_path(message) -> str:
    urls = re.findall(rf"{re.escape(settings.SITE_URL)}/\S*delegation/[\w-]+/", message.body)
    assert urls, message.body
    return urlsplit(urls[0]).path


def add_member(page, first: str, last: str, email: str, *, head: bool = False) -> None:
    form = page.locator("[data-member-form]")
    page.select_option("#id_category", "parliamentarian")
    page.fill("#id_email", email)
    if head:
        page.check("#id_is_head")
    page.fill("#id_first_name", first)
    page.fill("#id_last_name", last)
    page.fill("#id_phone", "+7 701 234 5678")
    page.select_option("#id_country", "KZ")
    page.fill("#id_organisation", "Mazhilis of the Parliament of the Republic of Kazakhstan")
    page.fill("#id_position", "Deputy")
    page.fill("#id_parliament", "Parliament of the Republic of Kazakhstan")
    page.select_option("#id_chamber", "lower")
    page.check('input[name="interpretation_language"][value="kk"]')
    page.check("#id_consent")
    form.locator('input[type="submit"]').click()


def test_a_delegation_from_the_invitation_to_its_members_badges(page, browser, live_server, registration_open):
    factories.organiser()
    log_in(page, "olga", then="/admin/delegations/delegation/add/")
    page.select_option("#id_conference", str(Conference.objects.get(slug="wps-2023").pk))
    page.select_option("#id_country", "KZ")
    page.select_option("#id_kind", "parliament")
    page.fill("#id_quota", "3")
    page.fill("#id_focal_point_name", "Gulnara Aitova")
    page.fill("#id_focal_point_position", "Head of protocol")
    page.fill("#id_focal_point_email", "gulnara@example.kz")
    page.fill("#id_focal_point_phone", "+7 717 274 0000")
    page.select_option("#id_language", "en")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist")).to_be_visible()
    run_action(page, "invite", "Kazakhstan")
    expect(page.locator(".messagelist")).to_contain_text("1 focal point invited.")

    [invitation] = [message for message in mail.outbox if message.to == ["gulnara@example.kz"]]
    mail.outbox.clear()
    focal = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    focal.set_default_timeout(10_000)
    focal.goto(focal_point_path(invitation))
    expect(focal.locator("h1")).to_have_text("Delegation: Kazakhstan")

    for index, (first, last, email) in enumerate(MEMBERS):
        add_member(focal, first, last, email, head=index == 0)
        expect(focal.locator(".alert-success")).to_contain_text("The member has been added to the list.")
    expect(focal.locator("[data-members] tbody tr")).to_have_count(3)
    expect(focal.locator("[data-seats-used]")).to_have_text("3 of 3 used")

    add_member(focal, "Fourth", "Person", "fourth@example.kz")
    error = focal.locator("[data-member-form] .alert")
    expect(error).to_contain_text("The delegation's quota of 3 seats is reached")
    expect(focal.locator("#id_first_name")).to_have_value("Fourth")
    assert Registration.objects.count() == 3

    focal.set_input_files("#id_letter", {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a"})
    focal.locator("[data-letter-form] button[type=submit]").click()
    expect(focal.locator("[data-letter-form]")).to_contain_text("This file is not a PDF, whatever its name says.")
    focal.set_input_files("#id_letter", {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()})
    focal.locator("[data-letter-form] button[type=submit]").click()
    expect(focal.locator("[data-letter]")).to_have_attribute("data-letter", "yes")
    focal.locator("[data-submit-list]").click()
    expect(focal.locator("[data-delegation-status]")).to_have_attribute("data-delegation-status", "submitted")

    mail.outbox.clear()
    run_action(page, "approve", "Kazakhstan")
    expect(page.locator(".messagelist")).to_contain_text("1 delegation approved.")
    assert Delegation.objects.get().status == Delegation.Status.APPROVED

    for _first, _last, email in MEMBERS:
        [message] = [message for message in mail.outbox if message.to == [email]]
        path = personal_path_in(message)
        focal.goto(path)
        expect(focal.locator("[data-status]")).to_have_attribute("data-status", "confirmed")
    badge = focal.request.get(f"{path}badge.pdf")
    assert badge.ok
    text = " ".join(pypdf.PdfReader(BytesIO(badge.body())).pages[0].extract_text().split())
    assert "Delegation: Kazakhstan" in text
    head = Registration.objects.get(email="aigerim@example.kz")
    head_badge = focal.request.get(f"/my/{head.token}/badge.pdf")
    head_text = " ".join(pypdf.PdfReader(BytesIO(head_badge.body())).pages[0].extract_text().split())
    assert "Head of delegation" in head_text
    assert "Әйгерім" in head_text
