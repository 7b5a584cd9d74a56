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
# PostgreSQL's error classes for "the server is away or overloaded": connection exceptions,
# operator intervention (a shutdown or restart), insufficient resources (too many connections).
OUTAGE_SQLSTATES = ("08", "57P", "53")
# SQLite's words for a bug in the schema, not an outage: a missing migration must show as a 500.
SCHEMA_BUG_WORDS = ("no such table", "no such column", "syntax error")


def database_unreachable(error: BaseException | None) -> bool:
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)  # psycopg's; None when no server answered
    if sqlstate:
        return sqlstate.startswith(OUTAGE_SQLSTATES)
    return not any(words in str(error) for words in SCHEMA_BUG_WORDS)


def server_error_or_busy(request: HttpRequest) -> HttpResponse:
    """A 503 "busy, try again in a minute" page when the database could not be reached; Django's 500 otherwise."""
    if database_unreachable(sys.exc_info()[1]):
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return server_error(request)
