"""A registrant erases her data from her personal page, in Chromium."""

import re

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from agenda.models import Conference
from agenda.seed import seed_conference_2023
from tests.factories import register
from tests.test_browser_registration import REGISTRATION_OPEN_AT, personal_path_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registered(transactional_db, django_capture_on_commit_callbacks):
    seed_conference_2023()
    # Before the conference: erasing then gives the seat up too.
    with time_machine.travel(REGISTRATION_OPEN_AT, tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            registration = register(Conference.objects.current())
        yield registration


def test_a_registrant_erases_her_data(page, registered):
    page.goto(personal_path_in(mail.outbox[0]))

    page.get_by_role("link", name="Erase my data").click()
    expect(page).to_have_url(re.compile(r"/erase/$"))
    page.get_by_role("button", name="Yes, erase my data").click()

    expect(page.locator("[data-erased]")).to_be_visible()
    registered.refresh_from_db()
    assert registered.status == "cancelled"
    assert registered.first_name == ""
    assert registered.email.endswith("@invalid.example")
    page.goto(personal_path_in(mail.outbox[0]))
    expect(page.locator("h1")).not_to_contain_text("Your registration")  # the old link leads nowhere
