"""WCAG 2.1 AA in Chromium: axe-core finds nothing serious, the keyboard alone registers, no page scrolls sideways.

axe runs on the public pages, a registrant's own page, the door and the organisers' main pages,
each in English, Russian and Kazakh. It is vendored (vendor/axe-core/README.md): no network.
"""

import functools
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accreditation.models import AccreditationRequest
from agenda.models import Conference
from registration.models import Registration
from tests import factories
from tests.factories import log_in
from tests.test_browser_registration import REFERENCE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
PREFIXES = {"en": "", "ru": "/ru", "kk": "/kk"}
# The WCAG 2.1 A and AA rules (axe's best practices are advice, not the standard we are held to),
# and the details of violations only, which is quicker.
RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}
PUBLIC_PAGES = ["/", "/agenda/", "/register/", "/accreditation/", "/privacy/", "/my/"]


@pytest.fixture
def people(registration_open, roles):
    """Someone confirmed (her page shows the most), a media applicant for the press list."""
    conference = Conference.objects.current()
    registration = factories.confirmed(conference)
    factories.apply_for_accreditation(conference)
    return registration


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def serious_violations(page, path: str, language: str) -> list[tuple[str, str, str, str]]:
    """What axe finds on the page: (rule and impact, element, what is wrong, page) for each element."""
    response = page.goto(path)
    assert response.ok, f"{path}: {response.status}"
    assert page.locator("html").get_attribute("lang") == language, path
    # Evaluated through the DevTools protocol rather than added as a <script>: the site's
    # Content-Security-Policy refuses inline scripts, and the page is checked under its real policy.
    page.evaluate(axe_source())
    results = page.evaluate("options => axe.run(document, options)", RULES)
    return [
        (
            f"{violation['id']} ({violation['impact']})",
            " ".join(map(str, node["target"])),
            node["failureSummary"].splitlines()[-1].strip(),
            path,
        )
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def report(found: list[tuple[str, str, str, str]]) -> str:
    """Each problem once, with the pages it is on."""
    pages_of = defaultdict(list)
    for rule, target, summary, path in found:
        pages_of[rule, target, summary].append(path)
    return "\n".join(
        f"{rule} at {target}: {summary}\n    on {', '.join(paths)}"
        for (rule, target, summary), paths in sorted(pages_of.items())
    )


def test_public_pages_and_the_personal_page_have_no_serious_violation(page, people):
    found = [
        violation
        for language, prefix in PREFIXES.items()
        for path in [*PUBLIC_PAGES, f"/my/{people.token}/"]
        for violation in serious_violations(page, prefix + path, language)
    ]
    assert not found, report(found)


def test_the_door_has_no_serious_violation(page, people):
    factories.door_staff()
    log_in(page, "dina", then="/checkin/")
    found = [
        violation
        for language, prefix in PREFIXES.items()
        for violation in serious_violations(page, f"{prefix}/checkin/", language)
    ]
    assert not found, report(found)


def test_the_organisers_main_pages_have_no_serious_violation(page, live_server, people):
    factories.organiser()
    log_in(page, "olga", then="/admin/")
    accreditation = AccreditationRequest.objects.get()
    paths = [
        "/admin/",
        "/admin/registration/registration/",
        f"/admin/registration/registration/{people.pk}/change/",
        "/admin/registration/registration/dashboard/",
        "/admin/accreditation/accreditationrequest/",
        f"/admin/accreditation/accreditationrequest/{accreditation.pk}/change/",
    ]
    found = []
    for language in PREFIXES:
        # The back office has no language prefix: it speaks the language of this cookie.
        cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": f"{live_server.url}/"}
        page.context.add_cookies([cookie])
        found += [violation for path in paths for violation in serious_violations(page, path, language)]
    assert not found, report(found)


def tab_to(page, selector: str, *, presses: int = 12) -> None:
    """Tab forward until `selector` has the focus, as someone without a mouse moves through a form."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} is not reached with {presses} presses of Tab")


def test_a_parliamentarian_registers_with_the_keyboard_alone(page, registration_open):
    page.goto("/register/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")  # past the menu, to the page's own content

    tab_to(page, "#id_category")
    page.keyboard.type("Parliamentarian")  # a closed list takes the option typed
    expect(page.locator("#id_parliament")).to_be_visible()
    for selector, text in [
        ("#id_email", "aigerim@example.org"),
        ("#id_honorific", "Hon."),
        ("#id_first_name", "Әйгерім"),
        ("#id_last_name", "Қасымова"),
    ]:
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, 'input[name="gender"]')
    page.keyboard.press("Space")  # the first answer, "Woman"
    for selector, text in [
        ("#id_phone", "+7 701 234 5678"),
        ("#id_country", "Kazakhstan"),
        ("#id_organisation", "Senate of the Parliament of the Republic of Kazakhstan"),
        ("#id_position", "Senator"),
        ("#id_parliament", "Parliament of the Republic of Kazakhstan"),
        ("#id_chamber", "Upper"),
    ]:
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, 'input[name="interpretation_language"]')
    page.keyboard.press("ArrowDown")  # from Kazakh, the first, to Russian
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, 'input[type="submit"][name="submit"]')
    page.keyboard.press("Enter")

    expect(page.locator("[data-reference]")).to_have_text(REFERENCE)
    registration = Registration.objects.get()
    assert registration.reference == page.locator("[data-reference]").inner_text().strip()
    assert (registration.email, registration.category, registration.honorific) == (
        "aigerim@example.org",
        "parliamentarian",
        "hon",
    )
    assert (registration.first_name, registration.last_name, registration.gender) == ("Әйгерім", "Қасымова", "woman")
    assert (registration.country.code, registration.parliament, registration.chamber) == (
        "KZ",
        "Parliament of the Republic of Kazakhstan",
        "upper",
    )
    assert registration.interpretation_language == "ru"
    assert registration.consent_given_at is not None


def test_no_public_page_scrolls_sideways_on_a_360_pixel_phone(phone_page, people):
    page = phone_page
    too_wide = {}
    for prefix in PREFIXES.values():
        for path in [*PUBLIC_PAGES, f"/my/{people.token}/"]:
            page.goto(prefix + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide[prefix + path] = width
    assert too_wide == {}
