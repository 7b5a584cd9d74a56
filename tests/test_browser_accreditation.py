"""A journalist applies with her documents; the press office reviews them in the admin; emails follow."""

import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from accreditation import services
from accreditation.models import AccreditationRequest
from agenda.models import Conference
from agenda.seed import seed_conference_2023
from tests import factories
from tests.factories import log_in
from tests.media_form import apply, fill_in_the_application
from tests.test_browser_registration import REGISTRATION_OPEN_AT, personal_path_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registration_open(roles):
    seed_conference_2023()
    with time_machine.travel(REGISTRATION_OPEN_AT, tick=True):
        yield


def in_russian(message: str) -> str:
    with translation.override("ru"):
        return translation.gettext(message)


def log_in_as_reviewer(page) -> None:
    factories.reviewer()
    log_in(page, "rita", then="/admin/")


def test_a_journalist_applies_and_a_reviewer_approves_her(page, registration_open, documents):
    page.goto("/ru/")
    page.locator("nav").get_by_role("link", name=in_russian("Media"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/ru/accreditation/$"))

    # A holiday snapshot for the badge is refused beside the photo field; what was typed stays.
    fill_in_the_application(page, documents, photo="landscape")
    apply(page)
    expect(page.locator("#error_1_id_photo")).to_be_visible()
    expect(page.locator("#id_organisation")).to_have_value("Qazaqstan TV")
    expect(page.locator("#form-errors")).to_be_focused()
    # The press card and the letter passed their checks: kept, not chosen again on the phone.
    expect(page.locator('[data-held="press_card"]')).to_be_visible()
    expect(page.locator('[data-held="assignment_letter"]')).to_be_visible()
    expect(page.locator('[data-held="photo"]')).to_have_count(0)
    page.set_input_files("#id_photo", documents["photo"])
    apply(page)

    expect(page).to_have_url(re.compile(r"/ru/register/done/[^/]+/$"))
    reference = page.locator("[data-reference]").inner_text().strip()
    application = AccreditationRequest.objects.select_related("registration").get()
    assert application.registration.reference == reference
    assert application.registration.language == "ru"
    [received] = mail.outbox
    assert reference in received.subject
    mail.outbox.clear()

    log_in_as_reviewer(page)
    page.get_by_role("link", name="Accreditation requests").click()
    page.get_by_role("link", name=reference).click()
    photo = page.locator('[data-document="photo"] img')
    expect(photo).to_be_visible()
    # decode() waits for the picture to arrive (and fails for a broken one): the reviewer sees the photo itself
    assert photo.evaluate("image => image.decode().then(() => image.naturalWidth)") == 600
    expect(page.locator('[data-document="assignment_letter"] a')).to_have_attribute("download", "")
    page.get_by_role("button", name="Approve").click()

    expect(page.locator(".messagelist")).to_contain_text(reference)
    application.refresh_from_db()
    assert application.status == "approved"
    [approval] = mail.outbox
    assert approval.to == ["dana@example.org"]
    assert approval.subject == in_russian("Your media accreditation is approved (%(reference)s)") % {
        "reference": reference
    }


def test_the_press_office_asks_for_a_signed_letter_and_the_journalist_sends_it(page, registration_open, documents):
    page.goto("/accreditation/")
    fill_in_the_application(page, documents, photo="photo")
    apply(page)
    expect(page).to_have_url(re.compile(r"/register/done/[^/]+/$"))
    personal_path = personal_path_in(mail.outbox[0])
    mail.outbox.clear()

    log_in_as_reviewer(page)
    application = AccreditationRequest.objects.get()
    page.goto(f"/admin/accreditation/accreditationrequest/{application.pk}/change/")
    page.get_by_label("Message to the applicant").fill("The assignment letter must be signed by your editor.")
    page.get_by_role("button", name="Ask for more information").click()
    expect(page.locator(".messagelist")).to_be_visible()
    [asked] = mail.outbox
    assert "must be signed by your editor" in asked.body

    page.goto(personal_path)
    expect(page.locator("[data-reviewer-message]")).to_contain_text("must be signed by your editor")
    page.get_by_role("link", name="Send the documents").click()
    page.set_input_files("#id_assignment_letter", documents["assignment_letter"])
    page.locator('main form button[type="submit"]').click()

    expect(page).to_have_url(re.compile(rf"{re.escape(personal_path)}$"))
    expect(page.locator('[data-accreditation="pending"]')).to_be_visible()
    application.refresh_from_db()
    assert application.status == "pending"


def test_the_application_fits_a_phone_in_kazakh(phone_page, registration_open):
    phone_page.goto("/kk/accreditation/")
    expect(phone_page.locator("#id_press_card")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    labels = phone_page.evaluate(
        "[...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]"
        ".filter(field => !field.closest('.form-trap') && !document.querySelector(`label[for='${field.id}']`))"
        ".map(field => field.name)"
    )
    assert labels == []  # every field has a visible label


def test_the_press_office_hands_a_badge_over_and_downloads_its_list(page, registration_open):
    application = factories.apply_for_accreditation(Conference.objects.current())
    services.approve(application, by=None)
    log_in_as_reviewer(page)

    page.goto("/admin/accreditation/accreditationrequest/")
    page.locator(f'input[name="_selected_action"][value="{application.pk}"]').check()
    page.select_option("select[name=action]", "record_badge_pickup")
    page.locator('button[name="index"]').click()
    page.select_option("#id_identity_document", "passport")
    page.locator('input[type="submit"]').click()
    expect(page.locator(".messagelist")).to_contain_text("1 badge handed over")
    application.refresh_from_db()
    assert application.identity_document == "passport"

    page.get_by_role("link", name="Press office lists").click()
    with page.expect_download() as download:
        page.locator('[data-list="media"] a.button').click()
    assert "Qazaqstan TV" in Path(download.value.path()).read_text(encoding="utf-8-sig")
