"""Organisers can open every admin page of the programme without an error."""

import pytest
from django.urls import reverse

from agenda.models import Conference, DialogueChair, NationalActionPlan, Session, Speaker

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Conference, Session, Speaker, DialogueChair, NationalActionPlan])
def test_it_opens_the_list_add_and_change_pages(organiser_client, conference_2023, model):
    meta = model._meta
    first = model.objects.first()

    pages = [
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
        reverse(f"admin:{meta.app_label}_{meta.model_name}_add"),
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]),
    ]

    assert [organiser_client.get(page).status_code for page in pages] == [200, 200, 200]


def test_it_searches_and_filters_the_programme(organiser_client, conference_2023):
    url = reverse("admin:agenda_session_changelist")

    found = organiser_client.get(url, {"q": "UNSCR"})
    breaks = organiser_client.get(url, {"kind__exact": "break"})

    assert found.context["cl"].result_count == 1
    assert breaks.context["cl"].result_count == 2


def test_it_shows_the_session_times_in_the_conference_zone(organiser_client, conference_2023):
    opening = conference_2023.sessions.get(kind="opening")

    response = organiser_client.get(reverse("admin:agenda_session_change", args=[opening.pk]))

    assert 'value="10:00:00"' in response.content.decode()


def test_it_keeps_anonymous_visitors_out_of_the_admin(client, conference_2023):
    response = client.get(reverse("admin:agenda_conference_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
