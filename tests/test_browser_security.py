"""In Chromium: staff sign in with a code from their app, door staff reach no personal page, and a
confirmed registrant corrects who she is only through the organisers' review."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

from agenda.models import Conference
from registration.models import Registration
from tests import factories
from tests.factories import STAFF_PASSWORD, confirmed, current_code, log_in
from tests.test_browser_registration import personal_path_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def aigerim(roles, registration_open) -> Registration:
    conference = Conference.objects.current()
    registration = confirmed(conference)
    mail.outbox.clear()
    return registration


def password_step(page, username: str, then: str) -> None:
    page.goto(f"/admin/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.keyboard.press("Enter")


def test_a_reviewer_signs_in_with_a_code_from_her_app(page, roles):
    rita = factories.reviewer()

    password_step(page, "rita", then="/admin/")
    expect(page).to_have_url(re.compile(r"/admin/two-factor/code/\?next="))
    expect(page.locator("#id_code")).to_be_focused()
    page.fill("#id_code", "000000")
    page.keyboard.press("Enter")
    expect(page.locator("#code-errors")).to_contain_text("This code is not right")
    page.wait_for_timeout(1100)  # a wrong code makes the next wait a second
    page.fill("#id_code", current_code(rita))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("link", name="Accreditation requests")).to_be_visible()


def test_an_organiser_sets_up_her_app_at_first_sign_in(page, roles):
    olga = User.objects.create_user("olga", "olga@example.org", STAFF_PASSWORD, is_staff=True)
    olga.groups.add(Group.objects.get(name="Organisers"))

    password_step(page, "olga", then="/admin/")
    expect(page).to_have_url(re.compile(r"/admin/two-factor/set-up/"))
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    key = page.locator("[data-key]").inner_text().replace(" ", "")
    app = TOTP(b32decode(key))  # what her phone now computes
    page.fill("#id_code", f"{app.token():06d}")
    page.keyboard.press("Enter")

    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.locator("[data-two-factor]")).to_have_attribute("data-two-factor", "on")


def test_door_staff_cannot_open_a_personal_page_through_view_on_site(page, aigerim):
    factories.door_staff()
    log_in(page, "dina", then="/checkin/")
    content_type = ContentType.objects.get_for_model(Registration)

    response = page.goto(f"/admin/r/{content_type.pk}/{aigerim.pk}/")

    assert response.status == 404
    assert "/my/" not in page.url
    assert aigerim.token not in page.content()
    expect(page.locator("body")).not_to_contain_text("Қасымова")


def test_a_confirmed_registrant_corrects_her_name_and_an_organiser_accepts_it(page, aigerim):
    page.goto(f"/my/{aigerim.token}/")
    expect(page.locator("[data-identity]")).to_contain_text("Қасымова")
    expect(page.locator("#id_last_name")).to_have_count(0)  # no longer edited directly
    page.locator("[data-correct]").click()
    page.fill("#id_last_name", "Қасымова-Әлиева")
    page.get_by_role("button", name="Send the correction for review").click()

    expect(page.locator("[data-correction]")).to_contain_text("Қасымова-Әлиева")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "pending")
    expect(page.locator("[data-badge]")).to_have_count(0)  # withheld until the review

    organisers_browser = page.context.browser.new_context(base_url=page.url.split("/my/")[0])
    organisers_browser.set_default_timeout(10_000)
    olga_page = organisers_browser.new_page()
    factories.organiser()
    log_in(olga_page, "olga", then="/admin/registration/identitycorrection/")
    expect(olga_page.locator("#result_list")).to_contain_text(aigerim.reference)
    olga_page.locator("#result_list tbody a").first.click()
    expect(olga_page.locator("[data-comparison]")).to_contain_text("Қасымова-Әлиева")
    olga_page.get_by_role("button", name="Accept the correction").click()
    expect(olga_page.locator(".messagelist")).to_contain_text("correction Accepted")
    olga_page.context.close()

    [email] = mail.outbox
    assert "accepted" in email.subject
    page.goto(personal_path_in(email))
    expect(page.locator("[data-identity]")).to_contain_text("Қасымова-Әлиева")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "confirmed")
    expect(page.locator("[data-badge]")).to_be_visible()
