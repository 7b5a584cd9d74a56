"""Staff see people only through the admin pages their role allows, and never a personal link."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from outbox.models import OutgoingEmail
from registration.models import Registration
from tests.factories import confirmed, sign_in, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def aigerim(registration_open, django_capture_on_commit_callbacks) -> Registration:
    with django_capture_on_commit_callbacks(execute=True):
        return confirmed(registration_open)


def view_on_site(registration: Registration) -> str:
    content_type = ContentType.objects.get_for_model(Registration)
    return reverse("admin:view_on_site", args=[content_type.pk, registration.pk])


@pytest.mark.parametrize("role", ["Door staff", "Accreditation reviewers", "Organisers"])
def test_no_staff_role_is_led_to_a_personal_page_by_view_on_site(client, aigerim, role):
    sign_in(client, staff_member("staff", role))

    response = client.get(view_on_site(aigerim))

    assert response.status_code == 404
    assert aigerim.token not in response.content.decode()
    assert "Location" not in response


def test_walking_the_ids_finds_no_personal_page(door_client, aigerim):
    answers = {door_client.get(view_on_site(aigerim)[:-1] + f"{pk}/").status_code for pk in range(1, aigerim.pk + 3)}

    assert answers == {404}


def test_no_admin_page_an_organiser_opens_shows_a_personal_link(organiser_client, aigerim):
    email = OutgoingEmail.objects.filter(recipient=aigerim).first()
    assert aigerim.token in email.body_text  # the email itself carries it, as it must

    pages = [
        reverse("admin:registration_registration_changelist"),
        reverse("admin:registration_registration_change", args=[aigerim.pk]),
        reverse("admin:registration_registration_history", args=[aigerim.pk]),
        reverse("admin:outbox_outgoingemail_changelist"),
        reverse("admin:outbox_outgoingemail_change", args=[email.pk]),
        reverse("admin:registration_registration_export", args=["csv"]),
        reverse("admin:registration_dashboard"),
    ]
    for page in pages:
        response = organiser_client.get(page)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, page
        assert aigerim.token.encode() not in body, page
    shown = organiser_client.get(reverse("admin:outbox_outgoingemail_change", args=[email.pk])).content.decode()
    assert "/my/[redacted]/" in shown
