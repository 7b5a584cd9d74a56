"""What the browser is told beyond Django's own security headers, and where it reports a blocked resource.

The Content-Security-Policy itself is django-csp's (settings.CONTENT_SECURITY_POLICY): every
script and style comes from this site's own files, nothing is framed, nothing is inline.
"""

import json
import logging
import time
from collections.abc import Callable

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wpsconf.request_limits import declared_length

logger = logging.getLogger("wpsconf.csp")

# Only the door uses a browser feature beyond plain pages: the camera, on this site's own pages.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
# A report is a few hundred bytes; anything much larger is not a browser's report.
LARGEST_REPORT = 16 * 1024


def permissions_policy_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


class SameEverywhereCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's policy built once: no page adds a nonce or changes the
    policy (django-csp's decorators), so each answer gets the same header. Anything else (a page
    that did, a report-only policy, excluded prefixes, the debug pages) goes django-csp's own way."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not self.is_plain(request, response):
            return super().process_response(request, response)
        response[HEADER] = the_policy(settings.CONTENT_SECURITY_POLICY)
        return response

    @staticmethod
    def is_plain(request: HttpRequest, response: HttpResponse) -> bool:
        policy = settings.CONTENT_SECURITY_POLICY
        return not (
            settings.DEBUG
            or HEADER in response
            or getattr(request, "_csp_nonce", None)
            or any(name.startswith("_csp_") for name in vars(response))
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or (policy or {}).get("EXCLUDE_URL_PREFIXES")
        )


BUILT: list = [None, ""]  # the policy setting it was built from (tests change it), and the header


def the_policy(policy: dict) -> str:
    if BUILT[0] is not policy:
        BUILT[:] = [policy, build_policy()]
    return BUILT[1]


@csrf_exempt  # browsers send reports without a token; the view only writes a log line
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """A browser's report of something the policy blocked: one warning line (links redacted by the log filter)."""
    report = read_report(request) if declared_length(request) <= LARGEST_REPORT and reports.allow() else {}
    if report:
        logger.warning(
            "content security policy blocked %s (%s) on %s",
            printable(report.get("blocked-uri", "?"), 200),
            printable(report.get("violated-directive") or report.get("effective-directive", "?"), 100),
            printable(report.get("document-uri", "?"), 200),
        )
    return HttpResponse(status=204)


def read_report(request: HttpRequest) -> dict:
    try:
        report = json.loads(request.body).get("csp-report", {})
    except (ValueError, AttributeError, RecursionError):
        return {}
    return report if isinstance(report, dict) else {}


def printable(value, longest: int) -> str:
    """One line of plain text: a report is written by whoever sends it, and must not forge log lines."""
    return "".join(character if character.isprintable() else "?" for character in str(value)[:longest])


class Allowance:
    """At most `most` reports a minute per process: a flood of reports must not flood the log."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.minute = 0
        self.used = 0

    def allow(self) -> bool:
        minute = int(time.monotonic() // 60)
        if minute != self.minute:
            self.minute, self.used = minute, 0
        self.used += 1
        return self.used <= self.most


reports = Allowance(most=60)
