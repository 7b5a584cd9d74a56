"""Registrants and organisers in Chromium: register, correct, find a lost link, cancel, approve."""

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from agenda.models import Conference
from agenda.seed import seed_conference_2023
from registration.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, Registration
from tests.factories import log_in, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Inside the seeded window: registration opens 1 September and closes 13 October 2023.
REGISTRATION_OPEN_AT = datetime(2023, 10, 2, 6, 0, tzinfo=UTC)
REFERENCE = re.compile(rf"^[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}}$")
LANGUAGES = [pytest.param("", id="en"), pytest.param("/ru", id="ru")]


@pytest.fixture
def seeded(transactional_db):
    seed_conference_2023()


@pytest.fixture
def registration_open(seeded):
    """The clock on 2 October 2023 for the whole process, the live server's thread included."""
    with time_machine.travel(REGISTRATION_OPEN_AT, tick=True):
        yield


def language_of(prefix: str) -> str:
    return prefix.strip("/") or "en"


def translated(prefix: str, message: str) -> str | None:
    """What the page shows for `message` in that language, or None while it is still untranslated.

    Read from the compiled catalogue the server uses, so the test follows the translators' progress.
    """
    language = language_of(prefix)
    with translation.override(language):
        text = translation.gettext(message)
    if language != "en" and text == message:
        return None
    return text


def link(page, prefix: str, label: str, href_suffix: str, *, within: str = "main"):
    """A link by its visible label, or by its address while the label awaits translation."""
    text = translated(prefix, label)
    if text is None:
        return page.locator(f'{within} a[href$="{href_suffix}"]')
    return page.locator(within).get_by_role("link", name=text, exact=True)


def open_registration_form(page, prefix: str) -> None:
    page.goto(f"{prefix}/")
    register = link(page, prefix, "Register", "/register/", within="nav")
    expect(register).to_have_attribute("href", f"{prefix}/register/")
    register.click()
    expect(page).to_have_url(re.compile(rf"{prefix}/register/$"))
    expect(page.locator("html")).to_have_attribute("lang", language_of(prefix))


def parliament_fieldset(page):
    return page.locator("fieldset").filter(has=page.locator("#id_parliament"))


def fill_in_as_parliamentarian(page, prefix: str, *, parliament: str) -> None:
    fieldset = parliament_fieldset(page)
    expect(fieldset).to_be_hidden()
    page.select_option("#id_category", "parliamentarian")
    expect(fieldset).to_be_visible()
    legend = translated(prefix, "Parliament")
    if legend:
        expect(fieldset.locator("legend")).to_have_text(legend)
    fill_in_a_parliamentarians_details(page, parliament=parliament)


def fill_in_a_parliamentarians_details(page, *, parliament: str) -> None:
    page.fill("#id_email", "aigerim@example.org")
    page.fill("#id_first_name", "Әйгерім")
    page.fill("#id_last_name", "Қасымова")
    page.fill("#id_phone", "+7 701 234 5678")
    page.select_option("#id_country", "KZ")
    page.fill("#id_organisation", "Senate of the Parliament of the Republic of Kazakhstan")
    page.fill("#id_position", "Senator")
    page.fill("#id_parliament", parliament)
    page.select_option("#id_chamber", "upper")
    page.check('input[name="interpretation_language"][value="kk"]')
    page.check("#id_consent")


def submit(page) -> None:
    page.locator('form input[type="submit"][name="submit"]').click()


def personal_path_in(message) -> str:
    """The path of the personal link, which the email gives as an absolute URL on SITE_URL."""
    urls = re.findall(rf"{re.escape(settings.SITE_URL)}/\S*my/[\w-]+/", message.body)
    assert urls, message.body
    return urlsplit(urls[0]).path


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_a_parliamentarian_registers_and_cancels_from_her_personal_link(page, registration_open, prefix):
    open_registration_form(page, prefix)
    fill_in_as_parliamentarian(page, prefix, parliament="Parliament of the Republic of Kazakhstan")
    submit(page)

    expect(page).to_have_url(re.compile(rf"{prefix}/register/done/[^/]+/$"))
    shown = page.locator("[data-reference]")
    expect(shown).to_have_text(REFERENCE)
    reference = shown.inner_text().strip()
    registration = Registration.objects.get()
    assert registration.reference == reference
    assert (registration.language, registration.status) == (language_of(prefix), "pending")
    assert registration.parliament == "Parliament of the Republic of Kazakhstan"
    assert registration.chamber == "upper"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aigerim@example.org"]
    personal_path = personal_path_in(message)
    assert personal_path == f"{prefix}/my/{registration.token}/"

    page.goto(personal_path)
    expect(page.locator("[data-reference]")).to_have_text(reference)
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "pending")
    expect(page.locator("main")).to_contain_text("Әйгерім Қасымова")

    link(page, prefix, "Cancel my registration", "/cancel/").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(personal_path)}cancel/$"))
    page.locator("main form").locator('button[type="submit"]').click()

    expect(page).to_have_url(re.compile(rf"{re.escape(personal_path)}$"))
    expect(page.locator('[data-status="cancelled"]')).to_be_visible()
    expect(page.locator("[data-reference]")).to_have_text(reference)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert len(mail.outbox) == 2  # the cancellation is confirmed by email


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_the_browser_asks_for_the_parliament_before_sending(page, registration_open, prefix):
    open_registration_form(page, prefix)
    fill_in_as_parliamentarian(page, prefix, parliament="")
    submit(page)

    parliament = page.locator("#id_parliament")
    expect(parliament).to_be_focused()  # the browser stops the form at the field it wants
    assert parliament.evaluate("field => field.validity.valueMissing")
    expect(page).to_have_url(re.compile(rf"{prefix}/register/$"))
    assert Registration.objects.count() == 0


def required_category_fields(page) -> set[str]:
    """The category fields the browser will insist on before sending the form."""
    return set(page.locator("fieldset[data-for] :required").evaluate_all("fields => fields.map(f => f.name)"))


def test_it_requires_the_fields_of_the_category_shown_and_no_other(page, registration_open):
    page.goto("/register/")
    labels = page.locator("fieldset[data-for] label")
    expect(labels).to_have_count(6)
    for label in labels.all():
        expect(label.locator(".asteriskField")).to_have_text("*")
    assert required_category_fields(page) == set()

    page.select_option("#id_category", "parliamentarian")
    assert required_category_fields(page) == {"parliament", "chamber"}

    page.select_option("#id_category", "diplomatic")
    assert required_category_fields(page) == {"mission", "represented_country"}
    expect(page.locator("#id_parliament")).to_be_hidden()

    page.select_option("#id_category", "expert")
    assert required_category_fields(page) == set()


@pytest.fixture
def page_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_without_javascript_the_server_asks_for_the_parliament_and_keeps_what_was_typed(
    page_without_javascript, registration_open, prefix
):
    page = page_without_javascript
    page.goto(f"{prefix}/register/")
    expect(page.locator("fieldset[data-for]")).to_have_count(4)  # every category's group shows
    expect(page.locator("fieldset[data-for] :required")).to_have_count(0)
    page.select_option("#id_category", "parliamentarian")
    fill_in_a_parliamentarians_details(page, parliament="")
    submit(page)

    expect(page).to_have_url(re.compile(rf"{prefix}/register/$"))
    parliament = page.locator("#id_parliament")
    expect(parliament).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(parliament).to_have_attribute("aria-invalid", "true")
    error = page.locator("#id_parliament ~ .invalid-feedback")
    with translation.override(language_of(prefix)):
        expect(error).to_have_text(translation.gettext("Please fill this in for your category."))
    expect(error).to_be_visible()
    expect(page.locator("#id_category")).to_have_value("parliamentarian")
    expect(page.locator("#id_first_name")).to_have_value("Әйгерім")
    expect(page.locator("#id_last_name")).to_have_value("Қасымова")
    expect(page.locator("#id_email")).to_have_value("aigerim@example.org")
    expect(page.locator("#id_chamber")).to_have_value("upper")
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_a_registrant_corrects_her_details_on_her_personal_page(page, registration_open):
    registration = register(Conference.objects.current())
    mail.outbox.clear()  # registered earlier

    page.goto(f"/my/{registration.token}/")
    expect(page.locator("#id_email")).to_have_count(0)  # neither email nor category can be changed here
    page.fill("#id_position", "Deputy Chair of the Senate")
    page.fill("#id_dietary_needs", "Vegetarian")
    page.locator('form input[type="submit"]').click()

    expect(page.locator(".alert-success")).to_contain_text("Your details have been saved.")
    expect(page.locator("#id_position")).to_have_value("Deputy Chair of the Senate")
    registration.refresh_from_db()
    assert registration.position == "Deputy Chair of the Senate"
    assert registration.dietary_needs == "Vegetarian"


def test_a_registrant_who_lost_her_link_gets_it_by_email(page, registration_open):
    registration = register(Conference.objects.current())
    mail.outbox.clear()  # registered earlier

    page.goto("/register/")
    page.get_by_role("link", name="Registered already? Get your personal link again.").click()
    expect(page).to_have_url(re.compile(r"/my/$"))
    page.fill("#id_email", "AIGERIM@example.org")
    page.locator('form input[type="submit"]').click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Please check your email")
    assert [message.to for message in mail.outbox] == [["aigerim@example.org"]]
    page.goto(personal_path_in(mail.outbox[0]))
    expect(page.locator("[data-reference]")).to_have_text(registration.reference)


def test_an_organiser_approves_a_registration_in_the_admin(page, registration_open, organiser):
    registration = register(Conference.objects.current())
    mail.outbox.clear()  # registered earlier
    log_in(page, "olga", then="/admin/")

    page.goto("/admin/registration/registration/")
    page.locator(f'input[name="_selected_action"][value="{registration.pk}"]').check()
    page.select_option('select[name="action"]', "approve")
    page.locator('button[name="index"]').click()

    expect(page.locator(".messagelist")).to_contain_text("1 registration approved.")
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert [message.subject for message in mail.outbox] == [f"Your place is confirmed ({registration.reference})"]


def test_an_organiser_declines_a_registration_with_a_reason(page, registration_open, organiser):
    registration = register(Conference.objects.current())
    mail.outbox.clear()  # registered earlier
    log_in(page, "olga", then="/admin/")

    page.goto("/admin/registration/registration/")
    page.locator(f'input[name="_selected_action"][value="{registration.pk}"]').check()
    page.select_option('select[name="action"]', "decline")
    page.locator('button[name="index"]').click()
    page.locator("#id_reason").fill("The seats for parliamentarians are allocated by delegation.")
    page.locator('input[type="submit"][value="Decline"]').click()

    expect(page.locator(".messagelist")).to_contain_text("1 registration declined.")
    registration.refresh_from_db()
    assert registration.status == "declined"
    assert "allocated by delegation" in mail.outbox[0].body


def test_a_confirmed_registrant_adds_the_conference_to_her_calendar(page, registration_open):
    Conference.objects.filter(slug="wps-2023").update(requires_approval=False)
    open_registration_form(page, "")
    fill_in_as_parliamentarian(page, "", parliament="Parliament of the Republic of Kazakhstan")
    submit(page)
    expect(page.locator("[data-reference]")).to_have_text(REFERENCE)

    page.goto(personal_path_in(mail.outbox[0]))
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "confirmed")
    with page.expect_download() as download_info:
        link(page, "", "Add the conference to my calendar", "/invitation.ics").click()

    download = download_info.value
    assert download.suggested_filename == "wps-2023.ics"
    calendar = Path(download.path()).read_text()
    assert "BEGIN:VCALENDAR" in calendar
    assert "DTSTART:20231016T040000Z" in calendar  # 10:00 in Almaty
