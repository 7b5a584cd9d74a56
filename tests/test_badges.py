"""Badges: the PDF itself, who may download one, and sheets of four for the organisers."""

import io

import pypdf
import pytest
from django.core import mail as outbox
from django.urls import reverse

from registration import badges, services
from registration.models import BadgeSheet, Registration
from tests.factories import apply_for_accreditation, door_staff, register, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(registration_open):
    registration_open.capacity = 20
    registration_open.requires_approval = False
    registration_open.save()
    return registration_open


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def embedded_fonts(pdf: bytes) -> set[str]:
    fonts = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor and "/FontFile2" in descriptor.get_object():
                fonts.add(str(descendant["/BaseFont"]).split("+")[-1])
    return fonts


def test_the_badge_prints_a_kazakh_name_as_itself_in_an_embedded_font(conference):
    aigerim = register(conference, "a@example.org")
    pdf = badges.badge_pdf(aigerim)

    [text] = pages_of(pdf)
    assert "Ms Әйгерім Қасымова" in text
    assert "Parliamentarian" in text
    assert "Senate of the Parliament" in text
    assert aigerim.reference in text
    assert "Please do not photograph" not in text
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= embedded_fonts(pdf)
    assert pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width == pytest.approx(297.6, abs=0.5)  # A6


def test_the_badge_speaks_the_persons_language_and_marks_no_photography(conference):
    aigerim = register(conference, "a@example.org", no_photography=True)
    Registration.objects.filter(pk=aigerim.pk).update(language="ru")
    aigerim.refresh_from_db()
    [text] = pages_of(badges.badge_pdf(aigerim))
    assert "г-жа Әйгерім Қасымова" in text
    assert "Парламентарий" in text
    assert "Просьба не фотографировать" in text


def test_a_media_badge_is_unmistakable_and_carries_the_photo(conference, django_capture_on_commit_callbacks):
    application = apply_for_accreditation(conference)
    pdf = badges.badge_pdf(application.registration)
    [text] = pages_of(pdf)
    assert "PRESS · ПРЕССА · БАСПАСӨЗ" in text
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert [image.image.size for image in page.images] == [(600, 800)]


def test_a_sheet_of_nine_people_has_three_pages_in_order_of_last_name(conference):
    names = ["Юсупова", "Абенова", "Сейтова", "Ким", "Бекова", "Омарова", "Жанова", "Ли", "Иванова"]
    people = [register(conference, f"p{n}@example.org", last_name=name) for n, name in enumerate(names)]

    pdf = badges.badge_sheets(people)

    pages = pages_of(pdf)
    assert len(pages) == 3
    printed = [name for page in pages for name in sorted(names, key=page.find) if name in page]
    assert printed == sorted(names, key=str.casefold)
    assert pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox.height == pytest.approx(841.9, abs=0.5)  # A4


# --- downloads --------------------------------------------------------------------------------------------------


def test_a_confirmed_attendee_downloads_her_badge_from_her_personal_page(client, conference):
    aigerim = register(conference, "a@example.org")
    page = client.get(f"/my/{aigerim.token}/").content.decode()
    badge_url = reverse("registration:badge", args=[aigerim.token])
    assert badge_url in page

    response = client.get(badge_url)
    assert response["Content-Type"] == "application/pdf"
    assert "Әйгерім Қасымова" in pages_of(response.content)[0]


def test_no_badge_before_confirmation_nor_for_media_who_collect_theirs(client, conference):
    conference.requires_approval = True
    conference.save()
    pending = register(conference, "a@example.org")
    assert client.get(reverse("registration:badge", args=[pending.token])).status_code == 404
    media = apply_for_accreditation(conference).registration
    Registration.objects.filter(pk=media.pk).update(status="confirmed")
    assert client.get(reverse("registration:badge", args=[media.token])).status_code == 404


def test_the_confirmation_email_links_to_the_badge(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        aigerim = register(conference, "a@example.org")
    [email] = outbox.outbox
    assert f"/my/{aigerim.token}/badge.pdf" in email.body
    assert f"/my/{aigerim.token}/badge.pdf" in email.alternatives[0][0]


# --- organisers' sheets -----------------------------------------------------------------------------------------


def print_badges(client, people):
    return client.post(
        reverse("admin:registration_registration_changelist"),
        {"action": "print_badges", "_selected_action": [person.pk for person in people]},
        follow=True,
    )


def test_a_few_badges_come_at_once_confirmed_people_only(organiser_client, conference):
    people = [register(conference, f"p{n}@example.org") for n in range(5)]
    services.cancel_registration(people[0])

    response = print_badges(organiser_client, people)

    assert response["Content-Type"] == "application/pdf"
    assert len(pages_of(response.getvalue())) == 1  # four people: one sheet


def test_many_badges_are_drawn_by_a_task_and_the_organiser_gets_a_link(
    organiser_client, conference, organiser, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(badges, "AT_ONCE_UP_TO", 3)
    people = [register(conference, f"p{n}@example.org") for n in range(6)]
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = print_badges(organiser_client, people)

    assert "being drawn" in " ".join(message.message for message in response.context["messages"])
    sheet = BadgeSheet.objects.get()
    assert (sheet.people, sheet.requested_by) == (6, organiser)
    assert sheet.finished_at is not None
    download = reverse("admin:registration_badgesheet_download", args=[sheet.pk])
    [email] = outbox.outbox
    assert email.to == ["olga@example.org"]
    assert download in email.body
    pdf = b"".join(organiser_client.get(download).streaming_content)
    assert len(pages_of(pdf)) == 2


def test_badge_sheets_are_for_organisers_only(client, conference, organiser):
    sign_in(client, organiser)
    sheet = BadgeSheet.objects.create(requested_by=organiser, people=1)
    download = reverse("admin:registration_badgesheet_download", args=[sheet.pk])
    assert client.get(download).status_code == 404  # not drawn yet
    sign_in(client, door_staff())
    assert client.get(download).status_code == 403
    client.logout()
    assert client.get(download).status_code == 302


def test_a_media_badge_without_its_photo_file_still_prints(conference):
    application = apply_for_accreditation(conference)
    application.photo.storage.delete(application.photo.name)
    [text] = pages_of(badges.badge_pdf(application.registration))
    assert "PRESS" in text


def test_an_unreachable_task_queue_leaves_no_sheet_behind(organiser_client, conference, monkeypatch):
    from kombu.exceptions import OperationalError

    from registration import tasks

    def broker_down(*args):
        raise OperationalError("connection refused")

    monkeypatch.setattr(badges, "AT_ONCE_UP_TO", 1)
    monkeypatch.setattr(tasks.print_badge_sheet, "delay", broker_down)
    people = [register(conference, f"p{n}@example.org") for n in range(2)]

    response = print_badges(organiser_client, people)

    assert "cannot be reached" in " ".join(message.message for message in response.context["messages"])
    assert not BadgeSheet.objects.exists()
