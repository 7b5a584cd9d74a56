"""Public pages that are the same for every visitor, rendered once and served from the cache.

A page is kept under its conference, the conference's `updated_at`, its language and its path,
in the shared cache (Redis) for every process and in the process's own memory, read first (a
round trip to Redis costs more than the rest of a kept page). Every change an organiser makes
to what these pages show moves `updated_at` (`services.public_pages_changed`), so a stale copy
is never looked up again, in either: no process has to be told.

A page also changes with the clock: registration opens and closes, the conference starts and
ends, and on the day the programme's "now" and "next" move on at every session's start and end.
A copy is kept with the span of time it is true for, from the last of those moments before it
was drawn to the next one after; outside that span it is drawn again.

What is kept is the view's answer, before the middleware adds its headers, and only an answer
that carries nothing of its visitor: no cookie set, no session read. A visitor with a session or
a message waiting (staff, someone who just acted) is drawn a page of their own, and so is every
visitor while the site runs on a demonstration clock (its banner shows the minute).
"""

import bisect
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from agenda.models import Conference
from wpsconf import clock

logger = logging.getLogger(__name__)

# Long enough to outlive a busy day; a copy no change has replaced is dropped by then anyway.
KEPT_FOR = 24 * 60 * 60
# Headers of the view's own answer that a copy keeps (the middleware adds the rest each time).
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


@dataclass(frozen=True)
class Copy:
    content: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    true_from: datetime | None
    true_until: datetime | None

    def is_true_at(self, moment: datetime) -> bool:
        return (self.true_from is None or self.true_from <= moment) and (
            self.true_until is None or moment < self.true_until
        )

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


def kept_copy(key: str) -> "Copy | None":
    """This process's own copy first, else the one another process drew (the shared cache)."""
    local = caches[settings.PROCESS_CACHE]
    kept = local.get(key)
    if kept is None and settings.PAGES_CACHE != settings.PROCESS_CACHE:
        kept = caches[settings.PAGES_CACHE].get(key)
        if kept is not None:
            local.set(key, kept, KEPT_FOR)
    return kept


def keep(key: str, copy: "Copy") -> None:
    caches[settings.PROCESS_CACHE].set(key, copy, KEPT_FOR)
    if settings.PAGES_CACHE != settings.PROCESS_CACHE:
        caches[settings.PAGES_CACHE].set(key, copy, KEPT_FOR)


def key_for(conference: Conference, language: str, path: str) -> str:
    version = int(conference.updated_at.timestamp() * 1_000_000)
    return f"page:{conference.pk}:{version}:{language}:{path}"


def moments_that_change_pages(conference: Conference) -> list[datetime]:
    """Every instant at which a public page of this conference may read differently."""
    day_starts = datetime.combine(conference.local_date, datetime.min.time(), tzinfo=conference.tzinfo)
    moments = {
        conference.starts_at,
        conference.ends_at,
        day_starts,  # "now and next" show only on the conference's own local day
        day_starts + timedelta(days=1),
        *(moment for moment in (conference.registration_opens_at, conference.registration_closes_at) if moment),
    }
    for starts_at, ends_at in conference.sessions.values_list("starts_at", "ends_at"):
        moments.update((starts_at, ends_at))
    return sorted(moments)


def span_around(moments: list[datetime], moment: datetime) -> tuple[datetime | None, datetime | None]:
    """The last of `moments` at or before `moment` and the first after it (None: there is none)."""
    after = bisect.bisect_right(moments, moment)
    return (moments[after - 1] if after else None, moments[after] if after < len(moments) else None)


def may_be_shared(request: HttpRequest) -> bool:
    """Nothing of this visitor can be in the page: no query, and no session or message of theirs
    (staff are signed in through a session; a message waits in a cookie or the session)."""
    if request.method != "GET" or request.GET or clock.is_demonstration():
        return False
    return not ({settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name} & request.COOKIES.keys())


def carries_nothing_of_its_visitor(response: HttpResponse) -> bool:
    vary = response.get("Vary", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in vary.lower()
        and not response.has_header("Cache-Control")  # a view that said how to cache itself decides
    )


def the_same_for_everyone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's answer from the cache while it is true (see the module's docstring)."""
    return kept_while_true(view, with_token=False)


def the_same_for_everyone_but_the_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A form page: kept like the others with its CSRF token taken out, and each visitor's own token
    put in each time it is served (the token is never in what is kept)."""
    return kept_while_true(view, with_token=True)


TOKEN_IN_PAGE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
TOKEN_PLACE = b'name="csrfmiddlewaretoken" value="\x00"'


def without_token(content: bytes) -> bytes | None:
    """The page with each token replaced by a placeholder; None if it has no form to fill in."""
    emptied, count = TOKEN_IN_PAGE.subn(TOKEN_PLACE, content)
    return emptied if count else None


def with_token_of(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    token = f'name="csrfmiddlewaretoken" value="{get_token(request)}"'.encode()
    response.content = response.content.replace(TOKEN_PLACE, token)
    return response


def kept_while_true(view: Callable[..., HttpResponse], *, with_token: bool) -> Callable[..., HttpResponse]:
    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        conference = request.conference
        if conference is None or not may_be_shared(request):
            return view(request, *args, **kwargs)
        key = key_for(conference, get_language(), request.path)
        now = clock.now()
        kept = kept_copy(key)
        if isinstance(kept, Copy) and kept.is_true_at(now):
            return with_token_of(request, kept.response()) if with_token else kept.response()
        response = view(request, *args, **kwargs)
        if not carries_nothing_of_its_visitor(response):
            return response
        content = without_token(response.content) if with_token else response.content
        if content is not None:
            true_from, true_until = span_around(moments_that_change_pages(conference), now)
            headers = tuple((name, response[name]) for name in KEPT_HEADERS if response.has_header(name))
            keep(key, Copy(content, response.status_code, headers, true_from, true_until))
        return response

    return cached_view
