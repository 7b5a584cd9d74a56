"""The form pages draw their fields once per language and keep them; each visitor still gets a
token of their own, and nothing anyone typed is ever kept."""

import re

import pytest
from django.test import Client

from agenda.models import Conference
from agenda.page_cache import kept_copy, key_for
from tests.factories import registration_details

pytestmark = pytest.mark.django_db

FORM_PAGES = ["/register/", "/accreditation/", "/my/"]


def token_in(page: str) -> str:
    [token] = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return token


@pytest.mark.parametrize("path", FORM_PAGES)
def test_two_visitors_never_share_a_token(registration_open, path):
    first, second = Client(), Client()

    pages = [client.get(path) for client in (first, second, first)]

    tokens = [token_in(page.content.decode()) for page in pages]
    cookies = [client.cookies["csrftoken"].value for client in (first, second)]
    assert tokens[0] != tokens[1]
    assert cookies[0] != cookies[1]
    assert "csrfmiddlewaretoken" in pages[2].content.decode()


@pytest.mark.parametrize("path", FORM_PAGES)
def test_the_fields_are_kept_per_language(client, registration_open, path):
    english = client.get(path).content.decode()
    russian = client.get(f"/ru{path}").content.decode()
    kazakh = client.get(f"/kk{path}").content.decode()
    english_again = client.get(path).content.decode()

    assert ">Email<" in english or "Email" in english
    assert "Электронная почта" in russian
    assert "Электронная почта" not in english_again
    assert "Электрондық пошта" in kazakh
    assert re.sub(r'value="[^"]+"', "", english) == re.sub(r'value="[^"]+"', "", english_again).replace(
        'name="csrfmiddlewaretoken" ', 'name="csrfmiddlewaretoken" '
    )


def test_what_someone_typed_is_never_kept(client, registration_open):
    client.get("/register/")  # the blank fields, kept
    refused = client.post("/register/", registration_details(first_name="Secretname", email="not-an-address"))

    assert refused.status_code == 200
    assert "Secretname" in refused.content.decode()
    assert "Enter a valid email address." in refused.content.decode()
    later = Client().get("/register/").content.decode()
    assert "Secretname" not in later
    assert "Enter a valid email address." not in later
    assert "is-invalid" not in later


def test_an_error_on_the_media_form_is_shown_to_its_sender_only(client, registration_open):
    client.get("/accreditation/")
    refused = client.post("/accreditation/", {"email": "dana@example.org", "first_name": "Secretname"})

    assert "Secretname" in refused.content.decode()
    assert "is-invalid" in refused.content.decode()
    later = Client().get("/accreditation/").content.decode()
    assert "Secretname" not in later
    assert "is-invalid" not in later


def test_a_kept_form_page_holds_no_token_and_each_visitor_can_send_it(registration_open):
    Client().get("/register/")  # drawn and kept
    conference = Conference.objects.get(pk=registration_open.pk)
    kept = kept_copy(key_for(conference, "en", "/register/"))
    assert kept is not None
    assert b'name="csrfmiddlewaretoken" value="\x00"' in kept.content
    assert not re.search(rb'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{20,}"', kept.content)

    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/register/").content.decode()
    sent = visitor.post("/register/", registration_details() | {"csrfmiddlewaretoken": token_in(page)})

    assert sent.status_code == 302
