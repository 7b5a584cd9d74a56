"""Door staff on a phone at 360 × 740: log in, scan (type) a badge code, see green, scan again, see amber."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from agenda.models import Conference
from agenda.seed import seed_conference_2023
from registration import checkin
from tests import factories
from tests.factories import log_in, register
from tests.test_browser_registration import REGISTRATION_OPEN_AT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def confirmed_guest(roles):
    seed_conference_2023()
    conference = Conference.objects.current()
    conference.requires_approval = False
    conference.save()
    with time_machine.travel(REGISTRATION_OPEN_AT, tick=True):
        yield register(conference)


def test_door_staff_scan_a_badge_on_a_phone_green_then_amber(phone_page, confirmed_guest):
    page = phone_page
    factories.door_staff()

    page.goto("/checkin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/checkin/$"))
    log_in(page, "dina", then="/checkin/")

    code_input = page.locator("#id_code")
    expect(code_input).to_be_focused()  # a handheld scanner types straight into it
    expect(page.locator("[data-count]")).to_have_text("0 checked in of 1 expected")
    code = checkin.badge_code(confirmed_guest)

    page.keyboard.type(code)
    page.keyboard.press("Enter")
    result = page.locator("#result")
    expect(result).to_have_attribute("data-light", "green")
    expect(result).to_contain_text("Ms Әйгерім Қасымова")
    expect(page.locator("[data-count]")).to_have_text("1 checked in of 1 expected")
    expect(code_input).to_be_focused()
    expect(code_input).to_have_value("")

    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(result).to_have_attribute("data-light", "amber")
    expect(result).to_contain_text("Already checked in at")
    expect(result).to_contain_text("by dina")

    page.keyboard.type(code[:-1] + ("x" if code[-1] != "x" else "y"))
    page.keyboard.press("Enter")
    expect(result).to_have_attribute("data-light", "red")
    expect(result.locator("[data-name]")).to_have_text("")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_door_staff_find_a_person_without_a_badge(phone_page, confirmed_guest):
    page = phone_page
    dina = factories.door_staff()
    log_in(page, "dina", then="/checkin/")

    page.fill("#id_q", "Қасымова")
    page.keyboard.press("Enter")
    found = page.locator("[data-found] li")
    expect(found).to_have_count(1)
    found.get_by_role("button", name="Check in").click()

    result = page.locator("#result")
    expect(result).to_have_attribute("data-light", "check-id")  # no badge: the door looks at an ID first
    expect(result).to_contain_text("Ms Әйгерім Қасымова")
    confirmed_guest.refresh_from_db()
    assert confirmed_guest.checked_in_at is None
    page.get_by_role("button", name="The ID matches: check in").click()
    expect(result).to_have_attribute("data-light", "green")
    expect(result).to_contain_text("Checked in after an ID check")
    expect(page.locator("#id_code")).to_be_focused()
    confirmed_guest.refresh_from_db()
    assert confirmed_guest.checked_in_by == dina


def test_a_typed_reference_waits_for_the_id_and_a_mismatch_lets_nobody_in(phone_page, confirmed_guest):
    page = phone_page
    factories.door_staff()
    log_in(page, "dina", then="/checkin/")

    page.keyboard.type(confirmed_guest.reference.lower())
    page.keyboard.press("Enter")
    result = page.locator("#result")
    expect(result).to_have_attribute("data-light", "check-id")
    page.get_by_role("link", name="It does not match").click()

    expect(result).to_be_hidden()
    expect(page.locator("#id_code")).to_be_focused()
    expect(page.locator("[data-count]")).to_have_text("0 checked in of 1 expected")


# Headless Chromium on Linux has no BarcodeDetector: this stands in for the browser's own,
# reading the genuine code from a camera whose picture is a plain canvas.
FAKE_CAMERA = """
window.BarcodeDetector = class {
  constructor(options) { this.formats = options.formats; }
  async detect(source) { return source.srcObject ? [{ rawValue: window.badgeInFrontOfTheCamera }] : []; }
};
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.getContext("2d").fillRect(0, 0, 10, 10);
  return canvas.captureStream();
};
"""


def test_the_phone_camera_reads_a_badge_where_the_browser_can(phone_page, confirmed_guest):
    page = phone_page
    factories.door_staff()
    log_in(page, "dina", then="/checkin/")
    expect(page.locator("#camera-button")).to_be_hidden()  # this browser cannot read codes itself

    page.add_init_script(FAKE_CAMERA + f"window.badgeInFrontOfTheCamera = {checkin.badge_code(confirmed_guest)!r};")
    page.reload()
    page.locator("#camera-button").click()

    expect(page.locator("#result")).to_have_attribute("data-light", "green")
    expect(page.locator("#camera")).to_be_visible()
    expect(page.locator("[data-count]")).to_have_text("1 checked in of 1 expected")
