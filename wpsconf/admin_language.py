"""The back office in the organiser's own language.

Public pages take their language from the URL (/ru/…, /kk/…; none for English), and
Django's LocaleMiddleware holds unprefixed paths to English. The admin has no prefix, so
it would always be English: here it follows the language the organiser's browser asks
for (or the one chosen on the site), which Django's admin already speaks in Russian and
Kazakh, and so do our own admin pages and the export headers.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

ADMIN_PREFIX = "/admin/"


def admin_language_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(ADMIN_PREFIX):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return get_response(request)

    return middleware
