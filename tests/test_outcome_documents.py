"""Outcome documents: organisers upload PDFs after the event; the conference page lists the published ones."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agenda.admin import OutcomeDocumentForm
from agenda.models import OutcomeDocument
from tests.documents import pdf_bytes

pytestmark = pytest.mark.django_db
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + bytes(2000)


@pytest.fixture
def documents(conference_2023, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    roadmap = OutcomeDocument.objects.create(
        conference=conference_2023,
        kind="roadmap",
        language="ru",
        title="Дорожная карта «Женщины, мир и безопасность»",
        file=ContentFile(pdf_bytes(3), name="roadmap.pdf"),
        is_published=True,
    )
    draft = OutcomeDocument.objects.create(
        conference=conference_2023,
        kind="recommendations",
        language="en",
        title="Recommendations (draft)",
        file=ContentFile(pdf_bytes(), name="draft.pdf"),
    )
    return roadmap, draft


def test_the_conference_page_lists_only_the_published_ones(client, documents):
    roadmap, _draft = documents
    page = client.get("/").content.decode()
    assert reverse("agenda:outcome-document", args=[roadmap.pk]) in page
    assert "Дорожная карта" in page
    assert "Recommendations (draft)" not in page


def test_a_published_document_opens_and_a_draft_does_not_exist(client, documents):
    roadmap, draft = documents
    response = client.get(reverse("agenda:outcome-document", args=[roadmap.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(reverse("agenda:outcome-document", args=[draft.pk])).status_code == 404
    assert client.get(f"/media/{roadmap.file.name}").status_code == 404  # only through the view


@pytest.mark.parametrize(
    ("content", "message"),
    [(ELF_EXECUTABLE, "not a PDF"), (b"%PDF-1.7\n" + bytes(100), "does not open")],
    ids=["executable", "broken"],
)
def test_the_upload_must_be_a_real_pdf(conference_2023, content, message):
    form = OutcomeDocumentForm(
        {"kind": "roadmap", "language": "en", "title": "Roadmap"},
        {"file": SimpleUploadedFile("roadmap.pdf", content)},
    )
    assert not form.is_valid()
    assert message in " ".join(form.errors["file"])
