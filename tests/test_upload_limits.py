"""Uploads cannot exhaust the server, and a document checked for one field is never used for another."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from accreditation import held
from accreditation.models import AccreditationRequest
from registration.models import Registration
from tests.documents import image_bytes, media_files, media_form, pdf_bytes, upload
from wpsconf import request_limits
from wpsconf.storage import private_storage

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def held_tokens(response) -> dict[str, str]:
    return dict(re.findall(r'name="(held_\w+)" value="([^"]+)"', response.content.decode()))


def held_files() -> list[Path]:
    folder = Path(private_storage.location) / "held"
    return list(folder.iterdir()) if folder.exists() else []


def test_a_token_swapped_onto_another_field_holds_nothing(client, registration_open):
    first = client.post("/accreditation/", {**media_form(phone="call me"), **media_files()})
    tokens = held_tokens(first)
    swapped = {"held_photo": tokens["held_assignment_letter"], "held_assignment_letter": tokens["held_photo"]}

    second = client.post("/accreditation/", {**media_form(), "held_press_card": tokens["held_press_card"], **swapped})

    assert second.status_code == 200
    errors = second.context["details"].errors
    assert "photo" in errors
    assert "assignment_letter" in errors
    assert not AccreditationRequest.objects.exists()


def test_a_post_declaring_more_than_the_site_accepts_is_refused_unread(client, registration_open):
    claimed = str(40 * MB)

    response = client.post("/ru/accreditation/", {"phone": "+77012345678"}, CONTENT_LENGTH=claimed)

    assert response.status_code == 413
    assert "16,0" in response.content.decode() or "16.0" in response.content.decode()
    assert response.templates[0].name == "413.html"
    assert not Registration.objects.exists()


def test_the_admin_accepts_larger_posts_than_the_public_forms(client):
    public = request_limits.limits_for("/accreditation/")
    admin = request_limits.limits_for("/admin/agenda/conference/1/change/")

    assert public.file == 5 * MB  # the largest document a public form takes
    assert admin.file == 20 * MB  # an outcome document
    assert public.body < admin.body


def test_a_file_past_the_limit_stops_being_stored_and_gets_its_size_beside_the_field(
    client, registration_open, monkeypatch
):
    stored = []
    receive = TemporaryFileUploadHandler.receive_data_chunk
    monkeypatch.setattr(
        TemporaryFileUploadHandler,
        "receive_data_chunk",
        lambda self, raw_data, start: stored.append(len(raw_data)) or receive(self, raw_data, start),
    )
    large_letter = upload("letter.pdf", pdf_bytes() + bytes(9 * MB), "application/pdf")

    response = client.post(
        "/accreditation/", {**media_form(), **media_files(assignment_letter=large_letter)}, follow=False
    )

    assert response.status_code == 200
    error = " ".join(response.context["details"].errors["assignment_letter"])
    assert "9.0\xa0MB; the limit is 5.0\xa0MB" in error
    assert sum(stored) <= 5 * MB + 64 * 1024  # Django's handlers got no more than the limit (and one chunk)
    assert response.context["person"]["first_name"].value() == "Дана"  # what was typed stays


def test_each_visitor_holds_only_a_few_documents(client, registration_open):
    for _attempt in range(5):  # every post fails on the phone number; its three documents are held
        client.post("/accreditation/", {**media_form(phone="call me"), **media_files()}, REMOTE_ADDR="203.0.113.7")
    from_elsewhere = client.post(
        "/accreditation/", {**media_form(phone="call me"), **media_files()}, REMOTE_ADDR="198.51.100.9"
    )

    assert len(held_files()) == held.MOST_PER_VISITOR + 3
    assert len(held_tokens(from_elsewhere)) == 3  # another visitor is not held back


def test_a_new_file_replaces_the_one_held_for_its_field(client, registration_open):
    first = client.post("/accreditation/", {**media_form(phone="call me"), **media_files()})
    photo = upload("photo.jpg", image_bytes(600, 800), "image/jpeg")

    client.post("/accreditation/", {**media_form(phone="call me"), **held_tokens(first), "photo": photo})

    assert len(held_files()) == 3


def test_the_held_folder_as_a_whole_has_a_ceiling(client, registration_open, monkeypatch):
    monkeypatch.setattr(held, "MOST_BYTES", 1)

    response = client.post("/accreditation/", {**media_form(phone="call me"), **media_files()})

    assert held_tokens(response) == {}
    assert held_files() == []
