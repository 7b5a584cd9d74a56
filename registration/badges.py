"""Badges as PDF: one A6 badge per person, or A4 sheets of four for printing.

Each badge carries the category on a colour band (media in red, named in three
languages), the name with its form of address in any script, the organisation and
country, the media photo, and a QR code of the signed badge code (registration.checkin)
with the reference printed under it for typing. People who asked not to be
photographed get a small crossed-circle mark. The font is DejaVu Sans, embedded, which
has every Cyrillic letter, Kazakh's included (fonts/LICENSE).
"""

import logging
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from agenda.templatetags.site_tags import long_date
from registration.checkin import badge_code
from registration.models import BadgeSheet, Registration

logger = logging.getLogger(__name__)
FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
Category = Registration.Category
BAND_COLOURS = {
    Category.PARLIAMENTARIAN: "#00536b",
    Category.GOVERNMENT: "#1d4e89",
    Category.CIVIL_SOCIETY: "#2e7d32",
    Category.INTERNATIONAL: "#5e35b1",
    Category.DIPLOMATIC: "#8d6e00",
    Category.EXPERT: "#455a64",
    Category.MEDIA: "#c62828",
}
# Media must be told apart at a glance by anyone, whatever language they read.
MEDIA_BAND = "PRESS · ПРЕССА · БАСПАСӨЗ"
WIDTH, HEIGHT = A6
SHEET_SLOTS = [(0, HEIGHT), (WIDTH, HEIGHT), (0, 0), (WIDTH, 0)]  # 2 × 2 on A4, reading order


def register_fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, FONTS / "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSans-Bold.ttf"))


def by_last_name(registrations: Iterable[Registration]) -> list[Registration]:
    return sorted(registrations, key=lambda person: (person.last_name.casefold(), person.first_name.casefold()))


def lines(text: str, font: str, size: float, width: float, most: int) -> list[str]:
    wrapped = simpleSplit(text, font, size, width)
    return wrapped[:most]


def fitted(text: str, font: str, *, largest: int, smallest: int, width: float, most: int) -> tuple[int, list[str]]:
    """The largest size at which the text fits in `most` lines; a long name shrinks rather than loses words."""
    for size in range(largest, smallest - 1, -1):
        wrapped = simpleSplit(text, font, size, width)
        if len(wrapped) <= most and all(stringWidth(line, font, size) <= width for line in wrapped):
            return size, wrapped
    return smallest, simpleSplit(text, font, smallest, width)[:most]  # past all reason: the badge's edge cuts it


def draw_badge(canvas: Canvas, registration: Registration) -> None:
    """One badge, its lower-left corner at the canvas's origin, in the person's language."""
    conference = registration.conference
    margin = 7 * mm
    with translation.override(registration.language):
        band = MEDIA_BAND if registration.is_media else registration.get_category_display()
        name = registration.addressed_name
        country = str(registration.country.name) if registration.country else ""
        when = long_date(conference.local(conference.starts_at))
        footer = f"{conference.title} · {conference.city} · {when}"
        no_photography = _("Please do not photograph")

    edge = canvas.beginPath()
    edge.rect(0, 0, WIDTH, HEIGHT)
    canvas.clipPath(edge, stroke=0, fill=0)  # nothing spills onto the next badge of a sheet

    canvas.setFillColor(HexColor(BAND_COLOURS[registration.category]))
    canvas.rect(0, HEIGHT - 24 * mm, WIDTH, 24 * mm, stroke=0, fill=1)
    canvas.setFillColor(white)
    band_size = 13 if registration.is_media else 15
    for index, line in enumerate(lines(band, BOLD, band_size, WIDTH - 2 * margin, 2)):
        canvas.setFont(BOLD, band_size)
        canvas.drawCentredString(WIDTH / 2, HEIGHT - 11 * mm - index * 6 * mm, line)

    canvas.setFillColor(HexColor("#212529"))
    y = HEIGHT - 35 * mm
    size, name_lines = fitted(name, BOLD, largest=17, smallest=10, width=WIDTH - 2 * margin, most=3)
    canvas.setFont(BOLD, size)
    for line in name_lines:
        canvas.drawString(margin, y, line)
        y -= size * 0.45 * mm
    size, organisation_lines = fitted(
        registration.organisation, REGULAR, largest=10, smallest=7, width=WIDTH - 2 * margin, most=3
    )
    canvas.setFont(REGULAR, size)
    for line in organisation_lines:
        canvas.drawString(margin, y, line)
        y -= size * 0.48 * mm
    canvas.drawString(margin, y, country)

    code_size = 38 * mm
    code_x = WIDTH - margin - code_size
    code_y = 17 * mm
    draw_qr(canvas, badge_code(registration), code_x, code_y, code_size)
    canvas.setFont(REGULAR, 9)
    canvas.drawCentredString(code_x + code_size / 2, code_y - 3.5 * mm, registration.reference)

    photo = media_photo(registration)
    if photo is not None:
        canvas.drawImage(photo, margin, code_y, width=30 * mm, height=40 * mm, preserveAspectRatio=True, anchor="sw")

    if registration.no_photography:
        draw_no_photography_mark(canvas, margin, 9 * mm, no_photography)

    canvas.setFont(REGULAR, 7)
    canvas.setFillColor(HexColor("#495057"))
    canvas.drawCentredString(WIDTH / 2, 4 * mm, lines(footer, REGULAR, 7, WIDTH - 2 * margin, 1)[0])


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(payload, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def draw_no_photography_mark(canvas: Canvas, x: float, y: float, label: str) -> None:
    """Small and discreet: a crossed circle that photographers are told about, with its words in tiny print."""
    radius = 2.2 * mm
    canvas.setStrokeColor(HexColor("#6c757d"))
    canvas.setLineWidth(0.8)
    canvas.circle(x + radius, y + radius, radius, stroke=1, fill=0)
    canvas.line(x + 0.6 * mm, y + 0.6 * mm, x + 2 * radius - 0.6 * mm, y + 2 * radius - 0.6 * mm)
    canvas.setFont(REGULAR, 5.5)
    canvas.setFillColor(HexColor("#6c757d"))
    canvas.drawString(x + 2 * radius + 1.5 * mm, y + radius - 1 * mm, label)


def media_photo(registration: Registration) -> ImageReader | None:
    accreditation = getattr(registration, "accreditation", None) if registration.is_media else None
    if accreditation is None or not accreditation.photo:
        return None
    try:
        with accreditation.photo.open("rb") as photo:
            return ImageReader(BytesIO(photo.read()))
    except OSError:
        # A badge without its photo still gets the person in; the press office checks the ID.
        logger.warning("badge photo missing for registration %s", registration.pk)
        return None


def badge_pdf(registration: Registration) -> bytes:
    """One person's badge on an A6 page."""
    register_fonts()
    output = BytesIO()
    canvas = Canvas(output, pagesize=A6, pageCompression=1)
    canvas.setTitle(f"{registration.conference.title}: {registration.full_name}")
    draw_badge(canvas, registration)
    canvas.showPage()
    canvas.save()
    return output.getvalue()


# Up to this many, organisers get the PDF at once; more are drawn by a Celery task.
AT_ONCE_UP_TO = 50


def gets_a_badge(registration: Registration) -> bool:
    return registration.status == Registration.Status.CONFIRMED


def printable(registrations):
    """Who gets a badge: confirmed people (media too: the door asks for their pickup); `gets_a_badge` for one."""
    return (
        registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("conference", "accreditation")
        .order_by("last_name", "first_name")
    )


def print_sheet(sheet_id: int, registration_ids: list[int], *, notify: bool = True) -> BadgeSheet:
    """Draw a large batch into its BadgeSheet row, and tell the organiser who asked (unless it is redrawn)."""
    sheet = BadgeSheet.objects.select_related("requested_by").get(pk=sheet_id)
    people = printable(Registration.objects.filter(pk__in=registration_ids))
    sheet.file.save("badges.pdf", ContentFile(badge_sheets(people, title=str(sheet))), save=False)
    sheet.finished_at = timezone.now()
    sheet.save(update_fields=["file", "finished_at"])
    organiser = sheet.requested_by
    if notify and organiser and organiser.email:
        url = settings.SITE_URL + reverse("admin:registration_badgesheet_download", args=[sheet.pk])
        send_mail(
            _("Your badges are ready"),
            _("The badges for %(count)d people are ready to print: %(url)s") % {"count": sheet.people, "url": url},
            settings.DEFAULT_FROM_EMAIL,
            [organiser.email],
        )
    return sheet


def badge_sheets(registrations: Iterable[Registration], *, title: str = "") -> bytes:
    """Four A6 badges on each A4 sheet, in order of last name, with thin cutting lines."""
    register_fonts()
    output = BytesIO()
    canvas = Canvas(output, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    people = by_last_name(registrations)
    for start in range(0, len(people), len(SHEET_SLOTS)):
        canvas.setStrokeColor(HexColor("#ced4da"))
        canvas.setLineWidth(0.3)
        canvas.line(WIDTH, 0, WIDTH, 2 * HEIGHT)
        canvas.line(0, HEIGHT, 2 * WIDTH, HEIGHT)
        for person, (x, y) in zip(people[start : start + len(SHEET_SLOTS)], SHEET_SLOTS, strict=False):
            canvas.saveState()
            canvas.translate(x, y)
            draw_badge(canvas, person)
            canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return output.getvalue()
