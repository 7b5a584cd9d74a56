"""Exports of the registrations list as filtered: exactly those rows, formulas neutralised."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from registration.models import Registration
from tests.factories import register

pytestmark = pytest.mark.django_db
HYPERLINK = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def people(registration_open):
    registration_open.capacity = 50
    registration_open.save()
    made = []
    for n, (country, first_name) in enumerate(
        [("KZ", "Әйгерім"), ("KZ", HYPERLINK), ("UZ", "Dilnoza"), ("KG", "Aida"), ("KZ", "+Bota")]
    ):
        made.append(register(registration_open, f"p{n}@example.org", country=country, first_name=first_name))
    return made


def export(client, kind: str, **filters):
    return client.get(reverse("admin:registration_registration_export", args=[kind]), filters)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_csv_has_exactly_the_filtered_rows(organiser_client, people):
    rows = csv_rows(export(organiser_client, "csv", country__exact="KZ"))
    assert rows[0][:4] == ["Reference", "Honorific", "First name", "Last name"]
    assert len(rows) == 1 + 3
    assert {row[8] for row in rows[1:]} == {"Kazakhstan"}
    searched = csv_rows(export(organiser_client, "csv", q="Dilnoza"))
    assert [row[2] for row in searched[1:]] == ["Dilnoza"]


def test_a_formula_is_written_as_text_in_csv_and_excel(organiser_client, people):
    first_names = [row[2] for row in csv_rows(export(organiser_client, "csv"))[1:]]
    assert f"'{HYPERLINK}" in first_names
    assert "'+Bota" in first_names

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(export(organiser_client, "xlsx").streaming_content)))
    cells = [row[2] for row in workbook.active.iter_rows(min_row=2)]
    hyperlink = next(cell for cell in cells if cell.value == HYPERLINK)
    assert hyperlink.data_type == "s"  # text, never run


def test_headers_come_in_the_organisers_language(organiser_client, people):
    url = reverse("admin:registration_registration_export", args=["csv"])
    response = organiser_client.get(url, headers={"Accept-Language": "ru"})
    assert csv_rows(response)[0][:4] == ["Номер регистрации", "Обращение", "Имя", "Фамилия"]
    assert (
        "Служебный раздел"  # the index's title, "Back office"
        in organiser_client.get(reverse("admin:index"), headers={"Accept-Language": "ru"}).content.decode()
    )


def test_exports_are_for_staff_who_may_see_registrations(door_client, people):
    assert export(door_client, "csv").status_code == 403
    door_client.logout()
    assert export(door_client, "csv").status_code == 302


def test_a_filter_the_list_cannot_apply_sends_back_to_the_list(organiser_client, people):
    for bad in ({"no_photography__exact": "maybe"}, {"checked_in_at__isempty": "zz"}):
        response = export(organiser_client, "csv", **bad)
        assert response.status_code in (302, 400)


def test_control_characters_do_not_stop_the_excel_export(organiser_client, people):
    Registration.objects.filter(pk=people[0].pk).update(dietary_needs="no nuts\x0bno gluten")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(export(organiser_client, "xlsx").streaming_content)))
    assert any(cell.value == "no nutsno gluten" for row in workbook.active.iter_rows() for cell in row)


def test_csv_and_excel_give_the_same_times(organiser_client, people):
    csv_times = sorted(row[16] for row in csv_rows(export(organiser_client, "csv"))[1:])
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(export(organiser_client, "xlsx").streaming_content)))
    xlsx_times = sorted(row[16].value for row in workbook.active.iter_rows(min_row=2))
    assert csv_times == xlsx_times


def test_odd_conference_numbers_on_the_dashboard_are_ignored(organiser_client, people):
    assert organiser_client.get(reverse("admin:registration_dashboard"), {"conference": "²"}).status_code == 200
