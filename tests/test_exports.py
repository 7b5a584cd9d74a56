"""Exports of the registrations list as filtered: exactly those rows, in words, formulas neutralised."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from registration.models import Registration
from tests.factories import register
from wpsconf.spreadsheets import spreadsheet_safe

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


def csv_records(response) -> list[dict[str, str]]:
    """Each row as {header: cell}, so that a test names the column it reads."""
    header, *rows = csv_rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def xlsx_records(response) -> list[dict[str, str]]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, *rows = workbook.active.iter_rows(values_only=True)
    return [{name: value or "" for name, value in zip(header, row, strict=True)} for row in rows]


def test_the_csv_has_exactly_the_filtered_rows(organiser_client, people):
    rows = csv_rows(export(organiser_client, "csv", country__exact="KZ"))
    assert rows[0][:4] == ["Reference", "Honorific", "First name", "Last name"]
    assert len(rows) == 1 + 3
    assert {row[rows[0].index("Country")] for row in rows[1:]} == {"Kazakhstan"}
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
    csv_times = sorted(row["Registered at"] for row in csv_records(export(organiser_client, "csv")))
    xlsx_times = sorted(row["Registered at"] for row in xlsx_records(export(organiser_client, "xlsx")))
    assert csv_times == xlsx_times
    assert csv_times[0].startswith("2023-10-02 ")


def test_odd_conference_numbers_on_the_dashboard_are_ignored(organiser_client, people):
    assert organiser_client.get(reverse("admin:registration_dashboard"), {"conference": "²"}).status_code == 200


def test_a_phone_number_in_international_format_is_written_as_it_was_given(organiser_client, people):
    Registration.objects.filter(pk=people[1].pk).update(phone="+44 (20) 7946-0958")
    for records in (csv_records(export(organiser_client, "csv")), xlsx_records(export(organiser_client, "xlsx"))):
        assert {row["Phone"] for row in records} == {"+7 701 234 5678", "+44 (20) 7946-0958"}


ATTACKS = [
    HYPERLINK,
    "+1+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "=1+1",
    "  =1+1",  # spaces first: some spreadsheets skip them and still run the formula
    "\t=1+1",
    "\r=1+1",
    "+7 701 234 5678 =1",  # a phone number with more after it is not a phone number
    "+1-2+3",
    "+7(701)A1",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_anything_a_spreadsheet_would_run_is_written_as_text(attack):
    assert spreadsheet_safe(attack) == f"'{attack}"


@pytest.mark.parametrize("phone", ["+7 701 234 5678", "+77012345678", "+44 (20) 7946-0958", "+1-202-555-0143"])
def test_a_phone_number_alone_is_left_as_it_is(phone):
    assert spreadsheet_safe(phone) == phone


@pytest.mark.parametrize("harmless", ["Әйгерім", "Dr Aida", "2023-10-16", "a=b", "", "O'Brien"])
def test_ordinary_text_is_left_as_it_is(harmless):
    assert spreadsheet_safe(harmless) == harmless


def test_a_payload_in_the_phone_or_any_other_column_is_guarded_in_the_csv(organiser_client, people):
    Registration.objects.filter(pk=people[0].pk).update(phone="+1+cmd|' /C calc'!A0", organisation="@SUM(1)")
    Registration.objects.filter(pk=people[2].pk).update(phone="-2+3", position="  =1+1")
    records = csv_records(export(organiser_client, "csv"))
    assert {row["Phone"] for row in records} >= {"'+1+cmd|' /C calc'!A0", "'-2+3"}
    assert {row["Organisation"] for row in records} >= {"'@SUM(1)"}
    assert {row["Position"] for row in records} >= {"'  =1+1"}
    # Excel's cells are text whatever they start with, so the text needs no quote there.
    xlsx = xlsx_records(export(organiser_client, "xlsx"))
    assert {row["Phone"] for row in xlsx} >= {"+1+cmd|' /C calc'!A0", "-2+3"}


@pytest.fixture
def one_of_each(registration_open):
    """People of each category with their category's own fields filled in, registered in each language."""
    registration_open.capacity = 50
    registration_open.save()
    return {
        "mp": register(
            registration_open,
            "mp@example.org",
            language="kk",
            honorific="",
            parliament="Parliament of the Republic of Kazakhstan",
            chamber="upper",
        ),
        "minister": register(
            registration_open,
            "gov@example.org",
            language="ru",
            category="government",
            ministry="Ministry of Foreign Affairs",
            parliament="",
            chamber="",
            interpretation_language="ru",
        ),
        "ambassador": register(
            registration_open,
            "dip@example.org",
            honorific="he",
            category="diplomatic",
            mission="Embassy of Mongolia",
            represented_country="MN",
            parliament="",
            chamber="",
            interpretation_language="en",
        ),
        "un": register(
            registration_open,
            "un@example.org",
            category="international",
            organisation="UN Women",
            organisation_country="US",
            parliament="",
            chamber="",
        ),
    }


def by_email(records: list[dict[str, str]], column: str = "Email") -> dict[str, dict[str, str]]:
    return {row[column]: row for row in records}


def test_codes_are_written_as_words_and_each_category_has_its_columns(organiser_client, one_of_each):
    for records in (csv_records(export(organiser_client, "csv")), xlsx_records(export(organiser_client, "xlsx"))):
        people = by_email(records)
        mp, minister = people["mp@example.org"], people["gov@example.org"]
        ambassador, un = people["dip@example.org"], people["un@example.org"]
        assert mp["Honorific"] == ""  # not "(none)"
        assert (mp["Language"], minister["Language"], ambassador["Language"]) == ("Kazakh", "Russian", "English")
        assert (mp["Category"], minister["Category"]) == ("Parliamentarian", "Government official")
        assert mp["Status"] == "Pending approval"
        assert (mp["Interpretation"], minister["Interpretation"]) == ("Kazakh", "Russian")
        assert mp["Country"] == "Kazakhstan"
        assert mp["Parliament"] == "Parliament of the Republic of Kazakhstan"
        assert mp["Chamber"] == "Upper chamber (e.g. Senate)"
        assert minister["Ministry or agency"] == "Ministry of Foreign Affairs"
        assert ambassador["Honorific"] == "H.E."
        assert ambassador["Diplomatic mission"] == "Embassy of Mongolia"
        assert ambassador["Country represented"] == "Mongolia"
        assert un["Country of the organisation"] == "United States of America"
        # The fields of another category stay empty.
        assert (un["Parliament"], un["Chamber"], un["Ministry or agency"], mp["Country represented"]) == ("",) * 4


def test_the_words_come_in_the_organisers_language(organiser_client, one_of_each):
    for kind, records in (("csv", csv_records), ("xlsx", xlsx_records)):
        url = reverse("admin:registration_registration_export", args=[kind])
        people = by_email(records(organiser_client.get(url, headers={"Accept-Language": "ru"})), "Электронная почта")
        mp, ambassador = people["mp@example.org"], people["dip@example.org"]
        assert mp["Язык"] == "Казахский"
        assert mp["Обращение"] == ""
        assert mp["Категория"] == "Парламентарий"
        assert mp["Статус"] == "Ожидает подтверждения"
        assert mp["Страна"] == "Казахстан"
        assert mp["Синхронный перевод"] == "Казахский"  # a word on its own, so with a capital
        assert mp["Палата"] == "Верхняя палата (например, Сенат)"
        assert ambassador["Представляемая страна"] == "Монголия"
        assert ambassador["Обращение"] == "Е. П."
