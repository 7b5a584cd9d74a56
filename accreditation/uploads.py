"""Checking what applicants upload: judged by content, size-capped, images re-encoded.

A file's name and the browser's content type are whatever the sender says; only its
bytes count. Images are decoded and saved again with Pillow, which leaves EXIF (camera,
time, GPS position) behind; a PDF must open as one.
"""

from io import BytesIO

import pypdf
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
DOCUMENT_SIZE_LIMIT = 5 * MB
PHOTO_SIZE_LIMIT = 3 * MB
# Far above any camera's picture: a small file claiming more is a decompression bomb.
PIXEL_LIMIT = 50_000_000
# Enough to print a sharp 30 × 40 mm photo on a badge.
PHOTO_MIN_WIDTH, PHOTO_MIN_HEIGHT = 300, 400
# Larger pictures are scaled down on arrival: a badge needs no more (about 800 dpi), and
# sheets of badges stay small. A press card stays legible at this size.
PHOTO_MAX_SIZE = (900, 1200)
PRESS_CARD_MAX_SIZE = (2400, 2400)

PDF, JPEG, PNG = "pdf", "jpeg", "png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}
SIGNATURES = {PDF: b"%PDF-", JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n"}


def sniffed_type(head: bytes) -> str | None:
    """PDF, JPEG or PNG by the file's first bytes; None for anything else."""
    return next((kind for kind, signature in SIGNATURES.items() if head.startswith(signature)), None)


def within_limit(upload: UploadedFile, limit: int) -> bytes:
    if upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s. Please upload a smaller file."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    return upload.read()


def checked_pdf(data: bytes) -> bytes:
    try:
        reader = pypdf.PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(
                _("This PDF is protected by a password. Please upload a copy without one."), code="encrypted"
            )
        if len(reader.pages) < 1:
            raise ValueError("no pages")
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of errors on a broken file; each means the same here
        raise ValidationError(
            _("This file says it is a PDF but does not open as one. Please save it as PDF again and upload it."),
            code="broken_pdf",
        ) from None
    return data


def opened_image(data: bytes) -> Image.Image:
    """The decoded image, turned upright as its EXIF orientation says (the EXIF itself is not kept)."""
    try:
        with Image.open(BytesIO(data)) as image:
            if image.width * image.height > PIXEL_LIMIT:
                raise ValidationError(
                    _("This image has too many pixels. Please upload a smaller picture."), code="too_many_pixels"
                )
            return ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This image could not be read. Please upload it again as a JPEG or PNG file."), code="broken_image"
        ) from None


def reencoded(image: Image.Image, kind: str, *, largest: tuple[int, int]) -> bytes:
    """The pixels saved anew (scaled down to `largest`), with the colour profile and no other metadata."""
    image.thumbnail(largest, Image.Resampling.LANCZOS)
    output = BytesIO()
    profile = image.info.get("icc_profile")
    if kind == JPEG:
        image.convert("RGB").save(output, "JPEG", quality=90, optimize=True, icc_profile=profile)
    else:
        image.save(output, "PNG", optimize=True, icc_profile=profile)
    return output.getvalue()


def content_file(data: bytes, kind: str) -> ContentFile:
    # The stored name is random (wpsconf.storage.random_name); only this extension survives.
    return ContentFile(data, name=f"document{EXTENSIONS[kind]}")


def press_card(upload: UploadedFile) -> ContentFile:
    data = within_limit(upload, DOCUMENT_SIZE_LIMIT)
    kind = sniffed_type(data[:16])
    if kind is None:
        raise ValidationError(
            _("This file is not a PDF, JPEG or PNG, whatever its name says. Please upload your press card as one."),
            code="wrong_type",
        )
    if kind == PDF:
        return content_file(checked_pdf(data), PDF)
    return content_file(reencoded(opened_image(data), kind, largest=PRESS_CARD_MAX_SIZE), kind)


def assignment_letter(upload: UploadedFile) -> ContentFile:
    data = within_limit(upload, DOCUMENT_SIZE_LIMIT)
    if sniffed_type(data[:16]) != PDF:
        raise ValidationError(
            _("This file is not a PDF, whatever its name says. Please upload the letter as a PDF document."),
            code="wrong_type",
        )
    return content_file(checked_pdf(data), PDF)


def badge_photo(upload: UploadedFile) -> ContentFile:
    data = within_limit(upload, PHOTO_SIZE_LIMIT)
    kind = sniffed_type(data[:16])
    if kind not in (JPEG, PNG):
        raise ValidationError(
            _("The photo must be a JPEG or PNG image, whatever the file's name says."), code="wrong_type"
        )
    image = opened_image(data)
    if image.width >= image.height:
        raise ValidationError(
            _(
                "This photo is %(width)d × %(height)d pixels, not taller than it is wide. The badge needs a "
                "portrait photo, like one for a passport: your head and shoulders, taller than wide."
            ),
            code="not_portrait",
            params={"width": image.width, "height": image.height},
        )
    if image.width < PHOTO_MIN_WIDTH or image.height < PHOTO_MIN_HEIGHT:
        raise ValidationError(
            _("This photo is too small to print on a badge: it must be at least %(width)d × %(height)d pixels."),
            code="too_small",
            params={"width": PHOTO_MIN_WIDTH, "height": PHOTO_MIN_HEIGHT},
        )
    return content_file(reencoded(image, JPEG, largest=PHOTO_MAX_SIZE), JPEG)
