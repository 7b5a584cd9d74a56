"""Who is asking: the client's address behind our proxy, and how login-protection logs a client."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The visitor's address; behind our HTTPS proxy, the one the proxy saw."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.HTTPS and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def described_without_personal_data(username: str, ip_address: str, user_agent: str, path_info: str, request) -> str:
    """How django-axes names a client in the logs: by the page only, never by name or address."""
    return f"{{path_info: {path_info!r}}}"


def locked_out(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: a page that says what happened and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "admin/locked_out.html", context, status=429)
