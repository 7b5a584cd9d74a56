"""What checking one media upload costs: worst-case pictures at the size limits, and a long PDF.

    .venv/bin/python bench/upload_checks.py

Pictures are noise (which compresses worst), as large as the size limits let through.
The times are CPU spent in the web process for each upload, before anything is stored.
"""

import os
import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wpsconf.settings")
os.environ.setdefault("DEBUG", "on")

import django

django.setup()

import pypdf  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image  # noqa: E402

from accreditation import uploads  # noqa: E402

ROUNDS = 5


def noisy_jpeg(size: tuple[int, int], limit: int) -> bytes:
    """The best-quality JPEG of noise that still fits under the limit."""
    image = Image.effect_noise(size, 60).convert("RGB")
    for quality in range(95, 10, -5):
        output = BytesIO()
        image.save(output, "JPEG", quality=quality)
        if output.tell() < limit:
            return output.getvalue()
    raise ValueError("no quality fits")


def long_pdf(pages: int) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def measure(label: str, check, data: bytes) -> None:
    started = time.process_time()
    for _ in range(ROUNDS):
        result = check(SimpleUploadedFile("upload", data))
    per_check = (time.process_time() - started) / ROUNDS * 1000
    stored = len(result.read())
    print(f"{label:34} {len(data) / 1e6:5.2f} MB in  {stored / 1e6:5.2f} MB stored  {per_check:6.0f} ms CPU")


measure("photo 3000 x 4000 (JPEG)", uploads.badge_photo, noisy_jpeg((3000, 4000), uploads.PHOTO_SIZE_LIMIT))
measure("press card 4000 x 2600 (JPEG)", uploads.press_card, noisy_jpeg((4000, 2600), uploads.DOCUMENT_SIZE_LIMIT))
measure("assignment letter, 40 pages (PDF)", uploads.assignment_letter, long_pdf(40))
