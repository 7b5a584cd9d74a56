"""Limits count the real client: X-Forwarded-For is believed only from TRUSTED_PROXIES, IPv6 by its /64."""

import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from tests import factories
from tests.factories import STAFF_PASSWORD, registration_details
from wpsconf.clients import client_ip, client_key
from wpsconf.settings import env_networks

PROXY = "10.0.0.5"


def request_from(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.fixture
def behind_our_proxy(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8")]


def test_nobody_is_believed_by_default(settings):
    settings.HTTPS = True  # the setting that used to turn trust on for everyone

    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_a_trusted_proxy_names_the_client_nearest_to_it(behind_our_proxy):
    assert client_ip(request_from(PROXY, "198.51.100.1")) == "198.51.100.1"
    # What the client wrote itself sits to the left of what our proxy appended.
    assert client_ip(request_from(PROXY, "1.1.1.1, made-up, 198.51.100.1")) == "198.51.100.1"
    # Two of our proxies in a row: the first address that is not ours.
    assert client_ip(request_from(PROXY, "1.1.1.1, 198.51.100.1, 10.0.0.9")) == "198.51.100.1"
    assert client_ip(request_from(PROXY)) == PROXY
    assert client_ip(request_from(PROXY, "not an address")) == PROXY


def test_an_untrusted_neighbour_is_not_believed(behind_our_proxy):
    assert client_ip(request_from("203.0.113.7", "10.0.0.9, 198.51.100.1")) == "203.0.113.7"


def test_ipv6_clients_are_counted_by_their_64(behind_our_proxy):
    one = client_key(request_from("2001:db8:1:2::1"))
    same_network = client_key(request_from("2001:db8:1:2:ffff:ffff:ffff:fffe"))
    next_network = client_key(request_from("2001:db8:1:3::1"))

    assert one == same_network == "2001:db8:1:2::"
    assert next_network != one
    assert client_key(request_from("::ffff:203.0.113.7")) == "203.0.113.7"
    assert client_key(request_from(PROXY, "2001:db8:1:2::abcd")) == "2001:db8:1:2::"


def test_the_variable_takes_addresses_and_ranges_and_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 172.20.0.1 ,fd00::/8")

    assert [str(network) for network in env_networks("TRUSTED_PROXIES")] == ["10.0.0.0/8", "172.20.0.1/32", "fd00::/8"]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,proxy.example.org")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES must list IP addresses or CIDR ranges"):
        env_networks("TRUSTED_PROXIES")


@pytest.mark.django_db
def test_a_changing_header_does_not_escape_the_registration_limit(client, registration_open, settings):
    settings.HTTPS = True
    settings.REGISTRATION_RATE_LIMIT = "2/h"

    answers = [
        client.post(
            "/register/",
            registration_details(email=f"person{n}@example.org"),
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            secure=True,
        ).status_code
        for n in range(3)
    ]

    assert answers == [302, 302, 429]


@pytest.mark.django_db
def test_a_changing_header_does_not_escape_the_sign_in_pause(client, settings):
    settings.HTTPS = True
    factories.organiser()

    def sign_in(password: str, n: int):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": "olga", "password": password},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            secure=True,
        )

    for n in range(5):
        sign_in("guess", n)

    assert sign_in(STAFF_PASSWORD, 99).status_code == 429


@pytest.mark.django_db
def test_an_ipv6_client_moving_inside_its_64_stays_paused(client):
    factories.organiser()

    def sign_in(password: str, address: str):
        return client.post("/admin/login/", {"username": "olga", "password": password}, REMOTE_ADDR=address)

    for n in range(5):
        sign_in("guess", f"2001:db8:1:2::{n + 1}")
    paused = sign_in(STAFF_PASSWORD, "2001:db8:1:2::99")

    assert paused.status_code == 429
