"""Who is asking: the client's address, believed from X-Forwarded-For only when a trusted proxy says it.

Anyone can send an X-Forwarded-For header. It is read only when the connection itself
comes from one of TRUSTED_PROXIES (the reverse proxies in front of the site), and then
from the right: the nearest address that is not one of ours is the client. Limits are
counted per client key: an IPv4 address, or an IPv6 client's /64 network, since one
household or phone is usually given a whole /64 and could otherwise change address at will.
"""

import ipaddress

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parsed(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> Address | None:
    remote = parsed(request.META.get("REMOTE_ADDR", ""))
    if remote is None or not is_trusted_proxy(remote):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    nearest = remote
    for hop in reversed(hops):
        address = parsed(hop)
        if address is None:
            break  # a proxy of ours would not write this: believe what we have so far
        nearest = address
        if not is_trusted_proxy(address):
            break
    return nearest


def client_ip(request: HttpRequest) -> str:
    """The visitor's address as a string ("" when there is none)."""
    address = client_address(request)
    return str(address) if address else ""


def client_key(request: HttpRequest) -> str:
    """What limits count by: the IPv4 address, or the first address of an IPv6 client's /64."""
    address = client_address(request)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address) if address else ""


def described_without_personal_data(username: str, ip_address: str, user_agent: str, path_info: str, request) -> str:
    """How django-axes names a client in the logs: by the page only, never by name or address."""
    return f"{{path_info: {path_info!r}}}"


def locked_out(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: a page that says what happened and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {**admin.site.each_context(request), "failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "admin/locked_out.html", context, status=429)
