"""The participation dashboard against figures worked out by hand on a known mix of people."""

import pytest
from django.urls import reverse

from accreditation import services as accreditation_services
from agenda.models import Speaker
from backoffice import dashboard
from registration import checkin, services
from registration.models import Registration
from tests import factories
from tests.factories import apply_for_accreditation, register, sign_in

pytestmark = pytest.mark.django_db

PEOPLE = [
    # email, gender, category, country
    ("aigerim", "woman", "parliamentarian", "KZ"),
    ("bobur", "man", "government", "UZ"),
    ("elena", "woman", "diplomatic", "RU"),
    ("dana", "prefer_not", "civil_society", "KZ"),
    ("erik", "", "expert", "DE"),
    ("gulnara", "woman", "expert", "KG"),  # cancels
]


@pytest.fixture
def mixed(registration_open):
    registration_open.capacity = 20
    registration_open.requires_approval = False
    registration_open.media_capacity = 5
    registration_open.save()
    made = {}
    for name, gender, category, country in PEOPLE:
        made[name] = register(
            registration_open, f"{name}@example.org", gender=gender, category=category, country=country
        )
    services.cancel_registration(made["gulnara"])
    checkin.check_in(checkin.badge_code(made["aigerim"]), conference=registration_open, by=None)
    speakers = Speaker.objects.filter(sessions__conference=registration_open).distinct().order_by("pk")
    Speaker.objects.filter(pk=speakers[0].pk).update(gender="woman")
    Speaker.objects.filter(pk=speakers[1].pk).update(gender="man")
    application = apply_for_accreditation(registration_open, "press@example.org", gender="woman", outlet_type="tv")
    accreditation_services.approve(application, by=None)
    return registration_open, speakers.count()


def test_the_figures_equal_the_hand_counted_ones(mixed, django_assert_max_num_queries):
    conference, speaker_count = mixed
    with django_assert_max_num_queries(12):  # aggregates, not a query per person
        figures = dashboard.figures(conference)

    # Confirmed: the five who stayed, and the journalist (approved): six.
    assert dict(figures["by_status"])["Confirmed"] == 6
    assert dict(figures["by_status"])["Cancelled"] == 1
    assert dict(figures["by_category"]) == {
        "Parliamentarian": 1,
        "Government official": 1,
        "Civil society / NGO": 1,
        "International organisation": 0,
        "Diplomatic corps": 1,
        "Expert / academia": 1,
        "Media": 1,
    }
    assert figures["by_country"][:5] == [
        ("KZ", "Kazakhstan", 3),  # aigerim, dana, the journalist
        ("KG", "Kyrgyzstan", 0),  # gulnara cancelled
        ("TJ", "Tajikistan", 0),
        ("TM", "Turkmenistan", 0),
        ("UZ", "Uzbekistan", 1),
    ]
    assert figures["by_country"][5:] == [("DE", "Germany", 1), ("RU", "Russia", 1)]
    women = {key: share for key, _label, share in figures["women"]}
    # Confirmed: women aigerim, elena, the journalist; declared + bobur = 4; dana and erik did not say.
    assert (women["confirmed"].women, women["confirmed"].declared, women["confirmed"].undeclared) == (3, 4, 2)
    assert women["confirmed"].percent == 75.0
    assert (women["heads_of_delegation"].women, women["heads_of_delegation"].declared) == (2, 3)
    assert women["heads_of_delegation"].percent == 66.7
    assert (women["checked_in"].women, women["checked_in"].declared) == (1, 1)
    assert (women["speakers"].women, women["speakers"].declared, women["speakers"].undeclared) == (
        1,
        2,
        speaker_count - 2,
    )
    assert dict(figures["media_by_outlet"])["Television"] == 1
    assert [count for _day, count in figures["per_day"]] == [7]
    assert dict(figures["by_gender"])["Prefer not to say"] == "1 to 4"  # one person: given as a range


def test_no_share_is_claimed_when_nobody_said_their_gender(registration_open):
    assert dashboard.share_of_women(Registration.objects.none()).percent is None


def test_the_chart_is_drawn_on_the_server(mixed):
    conference, _speakers = mixed
    [bar] = dashboard.bars(dashboard.figures(conference)["per_day"])
    assert (bar.count, bar.height, bar.y) == (7, dashboard.CHART_HEIGHT, 0)


def test_organisers_open_it_from_the_admin_index_and_door_staff_cannot(client, mixed):
    sign_in(client, factories.organiser())
    index = client.get(reverse("admin:index")).content.decode()
    url = reverse("admin:registration_dashboard")
    assert url in index
    page = client.get(url).content.decode()
    assert "75.0 %" not in page  # three women of four who said: too few to show without pointing at anyone
    assert "Not shown: fewer than 5 people said their gender." in page
    assert "<svg" in page
    sign_in(client, factories.door_staff())
    assert client.get(url).status_code == 403


def test_gender_is_shown_for_groups_large_enough_to_point_at_nobody(registration_open):
    from backoffice.dashboard import SMALLEST_GROUP, Share, few_or

    assert not Share(women=3, declared=SMALLEST_GROUP - 1, undeclared=0).shown
    assert Share(women=3, declared=SMALLEST_GROUP, undeclared=0).shown
    assert few_or(1) == few_or(4) == "1 to 4"
    assert (few_or(0), few_or(5)) == (0, 5)
