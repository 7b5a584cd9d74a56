from collections.abc import Callable

from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from agenda.models import Conference

HEALTH_CHECK_PATH = "/healthz"


def current_conference_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """Attach the conference the site presents, and show times in its zone (admin forms included)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            request.conference = Conference.objects.current()
        except DatabaseError:
            if request.path_info != HEALTH_CHECK_PATH:
                raise  # the visitor gets the "busy" page (wpsconf.outages), not "no conference yet"
            request.conference = None  # /healthz itself reports the database as down
        if request.conference is None:
            return get_response(request)
        with timezone.override(request.conference.tzinfo):
            return get_response(request)

    return middleware


def presented_conference(request: HttpRequest) -> Conference:
    """The conference a public page is about; 404 before any is published."""
    if request.conference is None:
        raise Http404("No conference has been published yet.")
    return request.conference
