"""What checking one media upload costs: worst-case pictures at the size limits, and a long PDF.

    .venv/bin/python bench/upload_checks.py

Pictures are noise (which compresses worst), as large as the size limits let through,
plus the ones that used to cost most: a small PNG claiming 50 megapixels (refused from its
header now), a plain 48-megapixel JPEG (decoded at a quarter of each side now) and the
largest PNG let through (12 megapixels, decoded whole). The
times are CPU spent in the web process for each upload, before anything is stored; the
memory is the peak the check adds to a fresh process (each row runs in its own).
"""

import multiprocessing
import os
import resource
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
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image  # noqa: E402

from wpsconf import uploads  # noqa: E402

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


def plain(size: tuple[int, int], kind: str) -> bytes:
    output = BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(output, kind)
    return output.getvalue()


def png_bomb(size: tuple[int, int]) -> bytes:
    output = BytesIO()
    Image.new("RGB", size).save(output, "PNG")
    return output.getvalue()


def run_checks(check, data: bytes, answer) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    for _ in range(ROUNDS):
        try:
            result = f"{len(check(SimpleUploadedFile('upload', data)).read()) / 1e6:5.2f} MB stored"
        except ValidationError as error:
            result = f"refused ({error.code})"
    per_check = (time.process_time() - started) / ROUNDS * 1000
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    answer.send((result, per_check, grown))


def measure(label: str, check, data: bytes) -> None:
    receiving, sending = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=run_checks, args=(check, data, sending))
    child.start()
    result, per_check, grown = receiving.recv()
    child.join()
    print(f"{label:36} {len(data) / 1e6:5.2f} MB in  {result:24} {per_check:6.0f} ms CPU  +{grown:4.0f} MB memory")


measure("photo 3000 x 4000 (JPEG)", uploads.badge_photo, noisy_jpeg((3000, 4000), uploads.PHOTO_SIZE_LIMIT))
measure("photo 6000 x 8000 (JPEG, plain)", uploads.badge_photo, plain((6000, 8000), "JPEG"))
measure("photo 5000 x 10000 (PNG bomb)", uploads.badge_photo, png_bomb((5000, 10000)))
measure("press card 4000 x 2600 (JPEG)", uploads.press_card, noisy_jpeg((4000, 2600), uploads.DOCUMENT_SIZE_LIMIT))
measure("press card 4000 x 3000 (PNG, plain)", uploads.press_card, plain((4000, 3000), "PNG"))
measure("assignment letter, 40 pages (PDF)", uploads.assignment_letter, long_pdf(40))
