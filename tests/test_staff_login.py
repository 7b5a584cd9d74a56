"""Staff sign-in against password guessing (django-axes): a clear pause, for that account from that place only."""

import logging

import pytest

from tests import factories
from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_pause_that_account_from_that_address(client, caplog):
    factories.organiser()
    caplog.set_level(logging.DEBUG)
    for _ in range(4):
        assert sign_in(client, "olga", "guess").status_code == 200  # the login form again, with its error
    fifth = sign_in(client, "olga", "guess")

    locked = sign_in(client, "olga", STAFF_PASSWORD)

    assert fifth.status_code == 429
    assert locked.status_code == 429  # even the right password waits
    assert "paused for 15 minutes" in locked.content.decode()
    assert "olga" not in caplog.text  # nobody's name goes to the logs
    assert "203.0.113.7" not in caplog.text
    assert sign_in(client, "olga", STAFF_PASSWORD, address="198.51.100.9").status_code == 302  # another place


def test_a_right_password_clears_the_count(client):
    factories.organiser()
    for _ in range(4):
        sign_in(client, "olga", "guess")
    assert sign_in(client, "olga", STAFF_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "olga", "guess")
    assert sign_in(client, "olga", STAFF_PASSWORD).status_code == 302
