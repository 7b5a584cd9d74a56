"""In Chromium, under the site's Content-Security-Policy: no page, public or back office, breaks a rule."""

import pytest
from playwright.sync_api import expect

from agenda.models import Conference
from registration.models import Registration
from tests import factories
from tests.factories import confirmed, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each violation the browser sees, kept where the test can read it.
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${where}`);
});
"""


def violations_on(page, path: str) -> list[str]:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.cspViolations")


@pytest.fixture
def aigerim(roles, registration_open) -> Registration:
    return confirmed(Conference.objects.current())


def test_public_pages_keep_to_the_policy(page, aigerim):
    page.add_init_script(WATCH_VIOLATIONS)
    paths = [
        "/",
        "/ru/",
        "/kk/agenda/",
        "/register/",
        "/accreditation/",
        "/privacy/",
        "/my/",
        f"/my/{aigerim.token}/",
        f"/my/{aigerim.token}/correction/",
    ]

    found = {path: violations_on(page, path) for path in paths}

    assert found == {path: [] for path in paths}
    # The watch itself works: an inline script, which the policy forbids, is caught.
    page.evaluate("document.body.append(Object.assign(document.createElement('script'), {textContent: '1'}))")
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("window.cspViolations")[0].startswith("script-src")
    page.goto("/register/")
    page.select_option("#id_category", "government")  # register.js runs: its fieldsets appear
    expect(page.locator("#id_ministry")).to_be_visible()


def test_the_back_office_and_the_door_keep_to_the_policy(page, aigerim):
    page.add_init_script(WATCH_VIOLATIONS)
    factories.organiser()
    log_in(page, "olga", then="/admin/")
    paths = [
        "/admin/",
        "/admin/registration/registration/",
        f"/admin/registration/registration/{aigerim.pk}/change/",
        "/admin/registration/registration/dashboard/",
        "/admin/agenda/conference/",
        f"/admin/agenda/conference/{aigerim.conference_id}/change/",
        "/admin/accreditation/accreditationrequest/",
        "/admin/two-factor/",
        "/checkin/",
    ]

    found = {path: violations_on(page, path) for path in paths}

    assert found == {path: [] for path in paths}
