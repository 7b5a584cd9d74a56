import copy
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from agenda.models import Conference

HEALTH_CHECK_PATH = "/healthz"


class PresentedConference:
    """Which conference the site presents, as this process last read it.

    Every request needs it, and reading it is most of what a kept public page costs; it changes
    a few times a year. A process reads it again once `PRESENTED_CONFERENCE_SECONDS` have passed,
    and at once after this process saved a change to the public pages (`forget`).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.conference: Conference | None = None
        self.read_at = float("-inf")

    def get(self) -> Conference | None:
        if time.monotonic() - self.read_at >= settings.PRESENTED_CONFERENCE_SECONDS:
            conference = Conference.objects.current()
            with self.lock:
                self.conference, self.read_at = conference, time.monotonic()
        # Each request its own copy: a view may change attributes of the one it is given.
        return copy.copy(self.conference)

    def forget(self) -> None:
        with self.lock:
            self.read_at = float("-inf")


presented = PresentedConference()


def current_conference_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """Attach the conference the site presents, and show times in its zone (admin forms included)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            request.conference = presented.get()
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
