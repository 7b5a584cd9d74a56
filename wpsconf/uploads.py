"""Checking what applicants upload: judged by content, size-capped, images re-encoded.

A file's name and the browser's content type are whatever the sender says; only its
bytes count. A picture's size is read from its header and refused before anything is
decoded; JPEGs are decoded at a reduced scale when they are larger than needed. Images
are saved again from their pixels alone, in sRGB: no EXIF (camera, time, GPS position),
no comment, no colour profile, nothing else. A PDF must open as one.
"""

from io import BytesIO

import pypdf
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
DOCUMENT_SIZE_LIMIT = 5 * MB
PHOTO_SIZE_LIMIT = 3 * MB
# Far above any camera's picture: a small file claiming more is a decompression bomb. A
# JPEG is decoded at a reduced scale (1/2 to 1/8), so even the largest costs little; a PNG
# is decoded whole (4 bytes a pixel), so its limit is lower.
PIXEL_LIMITS = {"JPEG": 50_000_000, "PNG": 12_000_000}
# Enough to print a sharp 30 × 40 mm photo on a badge.
PHOTO_MIN_WIDTH, PHOTO_MIN_HEIGHT = 300, 400
# Larger pictures are scaled down on arrival: a badge needs no more (about 800 dpi), and
# sheets of badges stay small. A press card stays legible at this size.
PHOTO_MAX_SIZE = (900, 1200)
PRESS_CARD_MAX_SIZE = (2400, 2400)
SRGB = ImageCms.createProfile("sRGB")

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


def opened_image(data: bytes, *, largest: tuple[int, int]) -> tuple[Image.Image, tuple[int, int]]:
    """The decoded image, turned upright as its EXIF orientation says, and its full upright size.

    The size is read from the header and checked before any pixel is decoded. A JPEG larger
    than `largest` is decoded at the smallest scale that still covers it either way up.
    """
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format not in PIXEL_LIMITS or image.width * image.height > PIXEL_LIMITS[image.format]:
                raise ValidationError(
                    _("This image has too many pixels. Please upload a smaller picture."), code="too_many_pixels"
                )
            size = upright_size(image)
            if image.format == "JPEG":
                side = max(largest)
                image.draft("RGB", (side, side))
            return ImageOps.exif_transpose(image), size
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This image could not be read. Please upload it again as a JPEG or PNG file."), code="broken_image"
        ) from None


def upright_size(image: Image.Image) -> tuple[int, int]:
    """Width and height as the picture is seen: EXIF orientations 5 to 8 turn it a quarter."""
    quarter_turned = image.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8)
    return (image.height, image.width) if quarter_turned else (image.width, image.height)


def in_srgb(image: Image.Image) -> Image.Image:
    """The pixels converted from the picture's own colour profile to sRGB, so the profile can go."""
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    profile = image.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(profile))
            return ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a profile that cannot be read: the pixels as they are
    return image.convert(mode)


def reencoded(image: Image.Image, kind: str, *, largest: tuple[int, int]) -> bytes:
    """The pixels alone, in sRGB, scaled down to `largest`, saved anew: no metadata of any kind."""
    image = in_srgb(image)
    image.thumbnail(largest, Image.Resampling.LANCZOS)
    pixels = Image.new(image.mode, image.size)  # a fresh image: nothing of the original's info comes along
    pixels.paste(image)
    output = BytesIO()
    if kind == JPEG:
        pixels.convert("RGB").save(output, "JPEG", quality=90, optimize=True)
    else:
        pixels.save(output, "PNG", optimize=True)
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
    image, _size = opened_image(data, largest=PRESS_CARD_MAX_SIZE)
    return content_file(reencoded(image, kind, largest=PRESS_CARD_MAX_SIZE), kind)


def pdf_document(
    upload: UploadedFile, *, limit: int = DOCUMENT_SIZE_LIMIT, not_a_pdf: str | None = None
) -> ContentFile:
    """A PDF judged by its content: within the size limit, opening as one, without a password."""
    data = within_limit(upload, limit)
    if sniffed_type(data[:16]) != PDF:
        raise ValidationError(not_a_pdf or _("This file is not a PDF, whatever its name says."), code="wrong_type")
    return content_file(checked_pdf(data), PDF)


def assignment_letter(upload: UploadedFile) -> ContentFile:
    return pdf_document(
        upload,
        not_a_pdf=_("This file is not a PDF, whatever its name says. Please upload the letter as a PDF document."),
    )


def badge_photo(upload: UploadedFile) -> ContentFile:
    data = within_limit(upload, PHOTO_SIZE_LIMIT)
    kind = sniffed_type(data[:16])
    if kind not in (JPEG, PNG):
        raise ValidationError(
            _("The photo must be a JPEG or PNG image, whatever the file's name says."), code="wrong_type"
        )
    image, (width, height) = opened_image(data, largest=PHOTO_MAX_SIZE)
    if width >= height:
        raise ValidationError(
            _(
                "This photo is %(width)d × %(height)d pixels, not taller than it is wide. The badge needs a "
                "portrait photo, like one for a passport: your head and shoulders, taller than wide."
            ),
            code="not_portrait",
            params={"width": width, "height": height},
        )
    if width < PHOTO_MIN_WIDTH or height < PHOTO_MIN_HEIGHT:
        raise ValidationError(
            _("This photo is too small to print on a badge: it must be at least %(width)d × %(height)d pixels."),
            code="too_small",
            params={"width": PHOTO_MIN_WIDTH, "height": PHOTO_MIN_HEIGHT},
        )
    return content_file(reencoded(image, JPEG, largest=PHOTO_MAX_SIZE), JPEG)
