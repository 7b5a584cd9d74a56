"""What the browser is told beyond Django's own security headers, and where it reports a blocked resource.

The Content-Security-Policy itself is django-csp's (settings.CONTENT_SECURITY_POLICY): every
script and style comes from this site's own files, nothing is framed, nothing is inline.
"""

import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

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


@csrf_exempt  # browsers send reports without a token; the view only writes a log line
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """A browser's report of something the policy blocked: one warning line (links redacted by the log filter)."""
    if int(request.META.get("CONTENT_LENGTH") or 0) <= LARGEST_REPORT:
        try:
            report = json.loads(request.body).get("csp-report", {})
        except (ValueError, AttributeError):
            report = {}
        if isinstance(report, dict) and report:
            logger.warning(
                "content security policy blocked %s (%s) on %s",
                str(report.get("blocked-uri", "?"))[:200],
                str(report.get("violated-directive") or report.get("effective-directive", "?"))[:100],
                str(report.get("document-uri", "?"))[:200],
            )
    return HttpResponse(status=204)
