"""WCAG 2.1 AA in Chromium: axe-core finds no serious or critical violation.

It runs on the public pages, a registrant's own page, the door and the organisers' main pages,
each in English, Russian and Kazakh. It is vendored (vendor/axe-core/README.md): no network.
"""

import functools
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from accreditation.models import AccreditationRequest
from agenda.models import Conference
from tests import factories
from tests.factories import log_in

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
