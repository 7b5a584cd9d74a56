"""When the database is away: a page that says so, in the visitor's language, instead of a server error.

Django's `handler500` is called inside the failed request's exception handling, so the
exception is at hand. The page is drawn without a request context: a context processor
must not need the database that has just failed. Connections are checked before reuse
(`CONN_HEALTH_CHECKS`), so the site recovers by itself once the database is back.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 60
DATABASE_AWAY = (OperationalError, InterfaceError)


def server_error_or_busy(request: HttpRequest) -> HttpResponse:
    """A 503 "busy, try again in a minute" page when the database could not be reached; Django's 500 otherwise."""
    if isinstance(sys.exc_info()[1], DATABASE_AWAY):
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return server_error(request)
