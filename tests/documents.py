"""Files and form data a media applicant sends, made in memory for the tests."""

from io import BytesIO

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accreditation.forms import AccreditationForm
from registration.forms import MediaApplicantForm

GPS_IFD = 0x8825


def pdf_bytes(pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def image_bytes(width: int = 600, height: int = 800, *, kind: str = "JPEG", gps: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (120, 80, 200))
    output = BytesIO()
    options = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # camera make
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (43.0, 14.0, 16.0), 3: "E", 4: (76.0, 53.0, 45.0)})
        options["exif"] = exif.tobytes()
    image.save(output, kind, **options)
    return output.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def media_files(**overrides) -> dict:
    return {
        "press_card": upload("press-card.png", image_bytes(800, 500, kind="PNG"), "image/png"),
        "assignment_letter": upload("letter.pdf", pdf_bytes(), "application/pdf"),
        "photo": upload("photo.jpg", image_bytes(600, 800, gps=True), "image/jpeg"),
    } | overrides


def media_form(**overrides) -> dict:
    """A complete, valid accreditation form as a Kazakh TV reporter would fill it in."""
    return {
        "email": "dana@example.org",
        "honorific": "ms",
        "first_name": "Дана",
        "last_name": "Әбенова",
        "gender": "woman",
        "phone": "+7 701 555 0101",
        "country": "KZ",
        "organisation": "Qazaqstan TV",
        "position": "Senior correspondent",
        "nationality": "KZ",
        "outlet_type": "tv",
        "outlet_country": "KZ",
        "outlet_website": "https://qazaqstan.tv",
        "role": "reporter",
        "press_card_number": "KZ-PR-2023-0417",
        "press_card_issuer": "Ministry of Information and Social Development",
        "working_languages": ["kk", "ru"],
        "equipment": ["camera", "tripod"],
        "interpretation_language": "kk",
        "consent": "on",
    } | overrides


def person_and_accreditation(**overrides) -> tuple[dict, dict]:
    """The same applicant as the services take it, cleaned by the real forms: the person's fields and the request's."""
    data = media_form(**overrides)
    person, details = MediaApplicantForm(data), AccreditationForm(data, media_files())
    assert person.is_valid(), person.errors
    assert details.is_valid(), details.errors
    return person.registration_details(), details.accreditation_details()
