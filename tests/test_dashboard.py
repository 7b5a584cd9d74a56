"""The participation dashboard against figures worked out by hand on a known mix of people."""

import itertools
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from accreditation import services as accreditation_services
from agenda.models import Speaker
from backoffice import charts, dashboard
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
    chart = charts.day_chart(dashboard.figures(conference)["per_day"])
    [column] = chart.columns
    assert column.count == 7
    assert column.y + column.height == chart.baseline
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8]


def test_organisers_open_it_from_the_admin_index_and_door_staff_cannot(client, mixed):
    sign_in(client, factories.organiser())
    index = client.get(reverse("admin:index")).content.decode()
    url = reverse("admin:registration_dashboard")
    assert url in index
    page = client.get(url).content.decode()
    assert "75.0 %" not in page  # three women of four who said: too few to show without pointing at anyone
    assert "Not shown: fewer than 5 people said their gender." in page
    assert 'class="days"' in page
    sign_in(client, factories.door_staff())
    assert client.get(url).status_code == 403


def test_gender_is_shown_for_groups_large_enough_to_point_at_nobody(registration_open):
    from backoffice.dashboard import SMALLEST_GROUP, Share, few_or

    assert not Share(women=3, declared=SMALLEST_GROUP - 1, undeclared=0).shown
    assert Share(women=3, declared=SMALLEST_GROUP, undeclared=0).shown
    assert few_or(1) == few_or(4) == "1 to 4"
    assert (few_or(0), few_or(5)) == (0, 5)


def drawn(page: str, css_class: str) -> list[str]:
    """The SVGs of one kind on a page, as their markup."""
    return re.findall(rf'<svg class="{css_class}".*?</svg>', page, flags=re.DOTALL)


def test_the_dashboard_draws_its_figures_beside_the_numbers(client, mixed):
    sign_in(client, factories.organiser())
    page = client.get(reverse("admin:registration_dashboard")).content.decode()
    # Drawn twice, wide and narrow (a phone shows the narrow one).
    wide, narrow = drawn(page, "days")
    assert 'data-size="wide" viewBox="0 0 560 220"' in wide
    assert 'data-size="narrow" viewBox="0 0 340 220"' in narrow
    for days in (wide, narrow):
        assert 'role="img"' in days
        assert 'aria-label="Registrations on 2 October 2023: 7."' in days
        assert ">2 Oct</text>" in days
    # A bar beside each count: 5 statuses, 7 categories, 7 countries, 7 types of outlet, and the one gender
    # counted exactly (a "1 to 4" has none: its length would give away the number). No share of women is
    # large enough to show, so none has a bar.
    bars = drawn(page, "bar")
    assert all('aria-hidden="true"' in bar for bar in bars)
    assert len(bars) == 5 + 7 + 7 + 7 + 1
    gender = page[page.index('data-figures="gender"') : page.index('data-figures="country"')]
    assert len(drawn(gender, "bar")) == 1
    # The numbers stay text a screen reader reads.
    assert re.search(r'data-country="KZ"><th scope="row">Kazakhstan</th><td class="count">3</td>', page)
    assert '<rect class="bar-fill" y="2" width="100.0"' in page  # the longest, Kazakhstan


def test_before_anyone_registers_there_is_no_chart_and_every_bar_is_empty(organiser_client, registration_open):
    page = organiser_client.get(reverse("admin:registration_dashboard")).content.decode()
    assert "Nobody has registered yet." in page
    assert drawn(page, "days") == []
    assert drawn(page, "bar")  # the tables are there, with bars of no length
    assert set(re.findall(r'<rect class="bar-fill" y="2" width="([^"]*)"', page)) == {"0.0"}


@pytest.mark.parametrize(
    ("language", "summary", "axis", "country"),
    [
        ("ru", "Регистрации за 2 октября 2023 г.: 7.", ">2 окт</text>", "Казахстан"),
        ("kk", "2 қазан 2023 ж. күнгі тіркеулер: 7.", ">2 қаз</text>", "Қазақстан"),
    ],
    ids=["ru", "kk"],
)
def test_the_charts_speak_the_organisers_language(client, mixed, language, summary, axis, country):
    sign_in(client, factories.organiser())
    url = reverse("admin:registration_dashboard")
    page = client.get(url, headers={"Accept-Language": language}).content.decode()
    days, _narrow = drawn(page, "days")
    assert f'aria-label="{summary}"' in days
    assert axis in days
    assert f'<th scope="row">{country}</th><td class="count">3</td>' in page


def test_figures_inside_an_svg_are_never_written_with_a_decimal_comma(client, mixed):
    """Kazakh writes 66,7; an SVG attribute must read 66.7 whatever the language."""
    sign_in(client, factories.organiser())
    page = client.get(reverse("admin:registration_dashboard"), headers={"Accept-Language": "kk"}).content.decode()
    for svg in drawn(page, "days") + drawn(page, "bar"):
        assert not re.search(r'(?:x|y|width|height)="[^"]*,', svg)


# --- the geometry ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("most", "step"),
    [(0, 1), (1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (34, 10), (120, 50), (1000, 200), (1001, 500)],
)
def test_the_scale_steps_by_round_numbers(most, step):
    assert charts.tick_step(most) == step


def test_one_day_is_a_column_not_a_wall():
    chart = charts.day_chart([(date(2023, 10, 2), 7)])
    [column] = chart.columns
    assert column.width == charts.WIDEST_BAR
    assert column.centre == (chart.left + chart.right) / 2
    assert column.labelled
    assert column.height == round((chart.baseline - chart.top) * 7 / 8, 1)  # on a scale up to 8
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8]
    assert chart.ticks[0].y == chart.baseline
    assert chart.ticks[-1].y == chart.top


def test_sixty_days_fit_side_by_side_with_their_dates_thinned():
    start = date(2023, 8, 1)
    chart = charts.day_chart([(start + timedelta(n), n % 13) for n in range(60)])
    columns = chart.columns
    assert len(columns) == 60
    assert columns[0].x >= chart.left
    assert columns[-1].x + columns[-1].width <= chart.right
    assert all(left.x + left.width < right.x for left, right in itertools.pairwise(columns))
    labelled = [column for column in columns if column.labelled]
    assert columns[0].labelled
    assert 4 <= len(labelled) <= (chart.right - chart.left) // charts.LABEL_ROOM
    assert all(b.centre - a.centre >= charts.LABEL_ROOM for a, b in itertools.pairwise(labelled))
    assert [tick.value for tick in chart.ticks] == [0, 5, 10, 15]


def test_a_day_without_registrations_is_shown_as_zero_not_left_out():
    chart = charts.day_chart([(date(2023, 10, 2), 3), (date(2023, 10, 5), 1)])
    assert [(column.day.day, column.count) for column in chart.columns] == [(2, 3), (3, 0), (4, 0), (5, 1)]
    assert [column.height for column in chart.columns][1:3] == [0, 0]


def test_no_registrations_draw_no_columns_on_a_scale_that_still_makes_sense():
    chart = charts.day_chart([])
    assert (chart.columns, chart.total, chart.most) == ([], 0, 0)
    assert [tick.value for tick in chart.ticks] == [0, 1]
    [column] = charts.day_chart([(date(2023, 10, 2), 0)]).columns
    assert column.height == 0


def test_bars_beside_a_table_are_measured_against_its_largest_number():
    assert charts.bar_lengths([4, 2, 0, 1]) == [100.0, 50.0, 0.0, 25.0]
    assert charts.bar_lengths([0, 0]) == [0.0, 0.0]
    assert charts.bar_lengths(["1 to 4", 3]) == [None, 100.0]
    [kz, uz] = charts.bars([("KZ", "Kazakhstan", 3), ("UZ", "Uzbekistan", 1)])
    assert (kz.code, kz.label, kz.count, kz.length) == ("KZ", "Kazakhstan", 3, 100.0)
    assert uz.length == 33.3
    [status] = charts.bars([("Confirmed", 6)])
    assert (status.code, status.label, status.length) == ("", "Confirmed", 100.0)


@pytest.fixture
def delegations(registration_open):
    """Kazakhstan: six seats, five members holding one (three women, two men) and one removed;
    Estonia: three seats, a woman and a man; the OSCE: two seats, nobody yet."""
    from delegations import services as delegation_services
    from delegations.models import Delegation
    from tests.delegation_helpers import add, delegation

    registration_open.capacity = 30
    registration_open.save()
    kazakhstan = delegation(registration_open, quota=6)
    for n, gender in enumerate(["woman", "woman", "woman", "man", "man"]):
        add(kazakhstan, first_name=f"Member{n}", gender=gender)
    removed = add(kazakhstan, first_name="Removed", gender="woman")
    delegation_services.remove_member(removed.delegation_membership)
    estonia = delegation(registration_open, country="EE", quota=3, focal_point_email="focal@example.ee")
    add(estonia, gender="woman", country="EE")
    add(estonia, gender="man", country="EE")
    delegation(
        registration_open,
        country="",
        organisation="OSCE",
        kind=Delegation.Kind.INTERNATIONAL,
        quota=2,
        focal_point_email="f@osce.org",
    )
    return registration_open


def test_each_delegation_shows_its_seats_of_the_quota_and_its_share_of_women(delegations):
    rows = dashboard.by_delegation(delegations)
    assert [(row.delegation.name, row.seats_used, row.delegation.quota) for row in rows] == [
        ("Estonia", 2, 3),
        ("Kazakhstan", 5, 6),
        ("OSCE", 0, 2),
    ]
    estonia, kazakhstan, osce = (row.share for row in rows)
    assert (kazakhstan.women, kazakhstan.declared, kazakhstan.percent, kazakhstan.shown) == (3, 5, 60.0, True)
    assert (estonia.declared, estonia.shown) == (2, False)  # two people: the share would point at them
    assert (osce.declared, osce.percent) == (0, None)
    assert [row.quota_length for row in rows] == [66.7, 83.3, 0.0]


def test_the_dashboard_lists_the_delegations_in_the_organisers_language(organiser_client, delegations):
    page = organiser_client.get(reverse("admin:registration_dashboard")).content.decode()
    section = page[page.index('data-figures="delegations"') : page.index('data-figures="status"')]
    assert section.index("Estonia") < section.index("Kazakhstan") < section.index("OSCE")
    assert "5 / 6" in section
    assert "60.0 %" in section
    assert section.count("Not shown: fewer than 5 people said their gender.") == 2  # Estonia and the OSCE
    assert '<rect class="bar-fill" y="2" width="83.3"' in section
    russian = organiser_client.get(reverse("admin:registration_dashboard"), headers={"Accept-Language": "ru"})
    page = russian.content.decode()
    section = page[page.index('data-figures="delegations"') : page.index('data-figures="status"')]
    assert section.index("Казахстан") < section.index("Эстония") < section.index("OSCE")


def test_a_seat_bar_never_runs_past_its_quota():
    assert charts.part_length(3, 2) == 100.0
    assert charts.part_length(1, 3) == 33.3
    assert charts.part_length(0, 0) == 0.0
