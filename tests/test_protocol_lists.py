"""Protocol lists: the confirmed participants by delegation, in protocol order, as PDF, CSV and Excel."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from backoffice import protocol
from backoffice.protocol_pdf import protocol_pdf
from delegations.models import Delegation, DelegationMember
from registration.models import Registration
from tests.delegation_helpers import add, delegation

Kind = Delegation.Kind


def names_in_order(members: list[DelegationMember], language: str) -> list[str]:
    return [m.registration.last_name for m in sorted(members, key=lambda m: protocol.member_key(m, language))]


def member(last_name: str, honorific: str, *, is_head: bool = False) -> DelegationMember:
    person = Registration(last_name=last_name, first_name="A", honorific=honorific)
    return DelegationMember(registration=person, is_head=is_head)


MEMBERS = [
    member("Abenov", "mr"),
    member("Әбілов", "dr"),
    member("Ахметова", "ms"),
    member("Сейітов", "he"),
    member("Әлиева", ""),
    member("Бекова", "ms"),
    member("Яковлева", "ms", is_head=True),
    member("Бақытов", "hon"),
    member("Үсенов", "prof"),
]
RANKED = ["Яковлева", "Сейітов", "Бақытов", "Үсенов", "Әбілов"]


@pytest.mark.parametrize(
    ("language", "unranked"),
    [
        # Kazakh: Ә is a letter after А; Cyrillic before Latin in a Cyrillic alphabet.
        ("kk", ["Ахметова", "Әлиева", "Бекова", "Abenov"]),
        # Russian has no Ә: it comes after every Russian letter, and after Latin (by code point).
        ("ru", ["Ахметова", "Бекова", "Abenov", "Әлиева"]),
        # English: Latin first, then the Cyrillic letters by code point.
        ("en", ["Abenov", "Ахметова", "Бекова", "Әлиева"]),
    ],
)
def test_the_head_comes_first_then_by_honorific_then_by_last_name(language, unranked):
    assert names_in_order(MEMBERS, language) == RANKED + unranked


def test_the_protocol_order_of_honorifics_is_explicit():
    ranks = {code: protocol.honorific_rank(code) for code in ("he", "hon", "prof", "dr", "ms", "mr", "")}
    assert ranks["he"] < ranks["hon"] < ranks["prof"] < ranks["dr"] < ranks["ms"]
    assert ranks["ms"] == ranks["mr"] == ranks[""]


DELEGATIONS = [
    Delegation(country="KZ"),
    Delegation(country="EE"),
    Delegation(country="GB"),
    Delegation(country="IN"),
    Delegation(organisation="OSCE"),
    Delegation(organisation="Ассамблея народа Казахстана"),
]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["EE", "IN", "KZ", "GB", "OSCE", "Ассамблея народа Казахстана"]),
        ("ru", ["GB", "IN", "KZ", "EE", "Ассамблея народа Казахстана", "OSCE"]),
        # Қазақстан, Ұлыбритания, Үндістан, Эстония: Ұ before Ү, both after Қ.
        ("kk", ["KZ", "GB", "IN", "EE", "Ассамблея народа Казахстана", "OSCE"]),
    ],
)
def test_countries_in_the_lists_language_then_organisations(language, expected):
    ordered = sorted(DELEGATIONS, key=lambda d: protocol.delegation_key(d, language))
    assert [d.country.code or d.organisation for d in ordered] == expected


@pytest.fixture
def delegations(registration_open):
    registration_open.capacity = 50
    registration_open.save()
    kazakhstan = delegation(registration_open, quota=5)
    estonia = delegation(registration_open, country="EE", focal_point_email="focal@example.ee")
    osce = delegation(
        registration_open, country="", organisation="OSCE", kind=Kind.INTERNATIONAL, focal_point_email="f@osce.org"
    )
    add(kazakhstan, first_name="Нұрлан", last_name="Сейітов", honorific="he")
    add(kazakhstan, first_name="Дана", last_name="Яковлева", honorific="ms", is_head=True)
    add(kazakhstan, first_name="Ерлан", last_name="Әбілов", honorific="dr")
    add(estonia, first_name="Kadri", last_name='=HYPERLINK("http://x")', honorific="ms", country="EE")
    add(osce, first_name="Maria", last_name="Rossi", honorific="", category="international", country="IT")
    pending = add(kazakhstan, first_name="Pending", last_name="Person", honorific="mr")
    Registration.objects.filter(conference=registration_open).exclude(pk=pending.pk).update(status="confirmed")
    return registration_open


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    ("language", "headings", "head"),
    [
        ("en", ["Estonia", "Kazakhstan", "OSCE"], "Head of delegation"),
        ("ru", ["Казахстан", "Эстония", "OSCE"], "Глава делегации"),
        ("kk", ["Қазақстан", "Эстония", "OSCE"], "Делегация басшысы"),
    ],
)
def test_the_pdf_has_a_heading_per_delegation_in_order(delegations, language, headings, head):
    text = pdf_text(protocol_pdf(delegations, language))
    places = [text.index(heading) for heading in headings]
    assert places == sorted(places)
    assert head in text
    assert text.index("Яковлева") < text.index("Сейітов") < text.index("Әбілов")
    assert "Person" not in text  # only confirmed members


def test_the_pdf_numbers_its_pages_and_wraps_long_names(delegations):
    kazakhstan = Delegation.objects.get(country="KZ")
    kazakhstan.quota = 60
    kazakhstan.save()
    long_name = "Абылайханова-Жұбанышбаева-Нұрсұлтанқызы-Қалдыбайқызы"
    for n in range(40):
        add(kazakhstan, first_name=f"Member{n}", last_name=long_name, honorific="ms")
    Registration.objects.filter(conference=delegations).update(status="confirmed")
    reader = PdfReader(io.BytesIO(protocol_pdf(delegations, "en")))
    pages = len(reader.pages)
    assert pages > 1
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
    assert f"Page 1 of {pages}" in reader.pages[0].extract_text()
    assert long_name in pdf_text(protocol_pdf(delegations, "en")).replace("\n", "")


def download(client, language: str, kind: str, conference=None):
    params = {"language": language, "format": kind}
    if conference is not None:
        params["conference"] = conference.pk
    return client.get(reverse("admin:delegations_protocol_list"), params)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_is_formula_safe_and_in_protocol_order(organiser_client, delegations):
    rows = csv_rows(download(organiser_client, "en", "csv", delegations))
    assert rows[0] == [
        "Delegation",
        "Kind of delegation",
        "Head of delegation",
        "Name",
        "Honorific",
        "First name",
        "Last name",
        "Position",
        "Organisation",
        "Category",
    ]
    assert [row[0] for row in rows[1:]] == ["Estonia"] + ["Kazakhstan"] * 3 + ["OSCE"]
    assert rows[1][6] == '\'=HYPERLINK("http://x")'
    assert [row[6] for row in rows[2:5]] == ["Яковлева", "Сейітов", "Әбілов"]
    assert rows[2][2] == "yes"
    assert rows[3][2] == ""
    assert rows[2][1] == "Parliament"
    assert rows[5][1] == "International organisation"
    assert rows[3][3] == "H.E. Нұрлан Сейітов"
    assert rows[3][4] == "H.E."


def test_the_csv_headers_and_words_come_in_the_lists_language(organiser_client, delegations):
    rows = csv_rows(download(organiser_client, "ru", "csv", delegations))
    assert rows[0][:4] == ["Делегация", "Вид делегации", "Глава делегации", "Имя и фамилия"]
    assert [row[0] for row in rows[1:]] == ["Казахстан"] * 3 + ["Эстония", "OSCE"]
    assert rows[1][2] == "да"
    assert rows[1][6] == "Яковлева"
    assert rows[1][1] == "Парламент"


def test_the_excel_list_keeps_a_formula_as_text(organiser_client, delegations):
    response = download(organiser_client, "en", "xlsx", delegations)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Delegation", "Kind of delegation", "Head of delegation")
    assert rows[1][0] == "Estonia"
    assert rows[1][6] == '=HYPERLINK("http://x")'
    assert sheet.cell(row=2, column=7).data_type == "s"


def test_the_pdf_is_downloaded_in_the_language_asked_for(organiser_client, delegations):
    response = download(organiser_client, "kk", "pdf", delegations)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Қазақстан" in pdf_text(response.content)


def test_an_unknown_language_or_format_is_not_found(organiser_client, delegations):
    assert download(organiser_client, "de", "pdf").status_code == 404
    assert download(organiser_client, "en", "docx").status_code == 404


def test_protocol_lists_are_for_organisers(door_client, delegations):
    assert download(door_client, "en", "pdf").status_code == 403


def test_reviewers_may_not_download_protocol_lists(reviewer_client, delegations):
    assert download(reviewer_client, "en", "csv").status_code == 403


def test_the_delegations_list_offers_the_protocol_lists(organiser_client, delegations):
    page = organiser_client.get(reverse("admin:delegations_delegation_changelist")).content.decode()
    assert "data-protocol-list" in page
    assert reverse("admin:delegations_protocol_list") in page
