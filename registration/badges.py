"""Badges as PDF: one A6 badge per person, or A4 sheets of four for printing.

Laid out as a printed badge is: the conference, its date and venue on a sand header
under the site's accent rule; the name with its form of address large in the middle, the
position, organisation and country under it; the QR code of the signed badge code
(registration.checkin) with the reference under it for typing, beside the photo on a
media badge; and the category on a colour band at the foot (media in red, named in three
languages). Every text is fitted to its box (registration.badge_text): it shrinks and
wraps, and is shortened with "…" only past all reason, never cut off. People who asked not
to be photographed get a small crossed-circle mark. The font is DejaVu Sans, embedded,
which has every Cyrillic letter, Kazakh's included (fonts/LICENSE).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from agenda.templatetags.site_tags import long_date
from registration.badge_text import ASCENT, Fitted, fit_text
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
# The site's colours (static/css/site.css), so the badge looks like the conference's own.
TEAL, SAND, ACCENT = "#00536b", "#f6f1e7", "#b4004e"
INK, MUTED, MARK = "#212529", "#495057", "#6c757d"
WHITE = "#ffffff"

WIDTH, HEIGHT = A6
SHEET_SLOTS = [(0, HEIGHT), (WIDTH, HEIGHT), (0, 0), (WIDTH, 0)]  # 2 × 2 on A4, reading order
MARGIN = 7 * mm
INNER = WIDTH - 2 * MARGIN
# An office printer leaves up to about 4 mm of an A4 sheet's edge blank, and the outer badges
# of a sheet touch it: no text comes closer to a badge's edge than this.
SAFE = 5 * mm
HEADER = 27 * mm
RULE = 1.2 * mm
BAND = 17 * mm
# The QR code's drawn square includes its quiet zone of four modules: about 1 mm a module,
# which handheld door scanners read at arm's length.
QR_SIZE = 36 * mm
QR_BOTTOM = BAND + 6.5 * mm
PHOTO_WIDTH, PHOTO_HEIGHT = 27 * mm, 36 * mm
PHOTO_GAP = 5 * mm
MARK_RADIUS = 1.7 * mm


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.bottom + self.height


# Lines other apps add under the person's country (a delegation's name, "Head of delegation"),
# each provider called in the person's language: registration never imports those apps.
BadgeLines = Callable[[Registration], tuple[str, ...]]
BADGE_LINES: list[BadgeLines] = []


def register_badge_lines(provider: BadgeLines) -> None:
    """Called from an app's `ready()`."""
    BADGE_LINES.append(provider)


@dataclass(frozen=True)
class BadgeText:
    """What the badge says, in the person's language."""

    band: str
    name: str
    position: str
    organisation: str
    country: str
    title: str
    when: str
    where: str
    reference: str
    no_photography: str
    extra: tuple[str, ...] = ()


def register_fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, FONTS / "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSans-Bold.ttf"))


def by_last_name(registrations: Iterable[Registration]) -> list[Registration]:
    return sorted(registrations, key=lambda person: (person.last_name.casefold(), person.first_name.casefold()))


def relative_luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    return WHITE if contrast(WHITE, background) >= contrast(INK, background) else INK


def badge_text(registration: Registration) -> BadgeText:
    conference = registration.conference
    with translation.override(registration.language):
        starts, ends = conference.local(conference.starts_at), conference.local(conference.ends_at)
        when = long_date(starts) if starts.date() == ends.date() else f"{long_date(starts)} – {long_date(ends)}"
        return BadgeText(
            band=MEDIA_BAND if registration.is_media else registration.get_category_display(),
            name=registration.addressed_name,
            position=registration.position,
            organisation=registration.organisation,
            country=str(registration.country.name) if registration.country else "",
            title=conference.title,
            when=f"{when} · {conference.city}",
            where=conference.venue,
            reference=registration.reference,
            no_photography=_("Please do not photograph") if registration.no_photography else "",
            extra=tuple(line for provider in BADGE_LINES for line in provider(registration) if line),
        )


@dataclass(frozen=True)
class Block:
    """A text in a stack: its colour, the space above it, and whether the no-photography mark leads it."""

    fitted: Fitted
    colour: str
    space_before: float = 0
    mark: bool = False

    @property
    def height(self) -> float:
        return max(self.fitted.height, 2 * MARK_RADIUS) if self.mark else self.fitted.height


def draw_text(canvas: Canvas, fitted: Fitted, *, left: float, top: float, width: float, colour: str) -> None:
    """The fitted lines centred in `width`, the first line's accents at `top`."""
    canvas.setFont(fitted.font, fitted.size)
    canvas.setFillColor(HexColor(colour))
    baseline = top - fitted.size * ASCENT
    for line in fitted.lines:
        canvas.drawString(left + (width - stringWidth(line, fitted.font, fitted.size)) / 2, baseline, line)
        baseline -= fitted.line_height


def draw_stack(canvas: Canvas, blocks: list[Block], box: Box) -> None:
    """Texts one under the other, centred across and down the box; empty ones take no room."""
    shown = [block for block in blocks if block.fitted.lines]
    if not shown:
        return
    total = sum(block.height + block.space_before for block in shown) - shown[0].space_before
    top = box.top - max(0.0, box.height - total) / 2 + shown[0].space_before
    for block in shown:
        top -= block.space_before
        if block.mark:
            draw_marked(canvas, block, top=top, box=box)
        else:
            draw_text(canvas, block.fitted, left=box.left, top=top, width=box.width, colour=block.colour)
        top -= block.height


def draw_marked(canvas: Canvas, block: Block, *, top: float, box: Box) -> None:
    """The crossed circle and its words side by side, the pair centred in the box."""
    fitted = block.fitted
    lead = 2 * MARK_RADIUS + 1.2 * mm
    draw_text(
        canvas,
        fitted,
        left=box.left + lead,
        top=top - (block.height - fitted.height) / 2,
        width=box.width - lead,
        colour=block.colour,
    )
    text_left = box.left + lead + (box.width - lead - stringWidth(fitted.lines[0], fitted.font, fitted.size)) / 2
    draw_no_photography_mark(canvas, text_left - lead, top - block.height / 2 - MARK_RADIUS)


def fit_name(name: str, height: float) -> Fitted:
    """One line while the name stays large; a longer name takes two lines before it shrinks further."""
    one_line = fit_text(name, BOLD, width=INNER, largest=24, smallest=18, most=1, height=height)
    if one_line.complete:
        return one_line
    return fit_text(name, BOLD, width=INNER, largest=24, smallest=10, most=2, height=height)


def draw_badge(canvas: Canvas, registration: Registration) -> None:
    """One badge, its lower-left corner at the canvas's origin, in the person's language."""
    text = badge_text(registration)
    edge = canvas.beginPath()
    edge.rect(0, 0, WIDTH, HEIGHT)
    canvas.clipPath(edge, stroke=0, fill=0)  # nothing spills onto the next badge of a sheet

    draw_header(canvas, text)
    photo_left = (WIDTH - PHOTO_WIDTH - PHOTO_GAP - QR_SIZE) / 2
    qr_left = photo_left + PHOTO_WIDTH + PHOTO_GAP if registration.is_media else (WIDTH - QR_SIZE) / 2
    quiet_zone = draw_qr(canvas, badge_code(registration), qr_left, QR_BOTTOM, QR_SIZE)
    photo = media_photo(registration)
    if photo is not None:
        # Level with the code's dark top edge, not with its white margin.
        photo_bottom = QR_BOTTOM + QR_SIZE - quiet_zone - PHOTO_HEIGHT
        canvas.drawImage(
            photo, photo_left, photo_bottom, PHOTO_WIDTH, PHOTO_HEIGHT, preserveAspectRatio=True, anchor="c"
        )
    under_code = Box(qr_left, BAND + 1.5 * mm, QR_SIZE, QR_BOTTOM - 0.3 * mm - BAND - 1.5 * mm)
    reference = fit_text(text.reference, BOLD, width=under_code.width, largest=10, smallest=7, height=under_code.height)
    draw_stack(canvas, [Block(reference, INK)], under_code)

    person_bottom = QR_BOTTOM + QR_SIZE + 0.5 * mm  # the code's quiet zone is white room enough
    draw_person(canvas, text, Box(MARGIN, person_bottom, INNER, HEIGHT - HEADER - RULE - 3 * mm - person_bottom))
    draw_band(canvas, text.band, BAND_COLOURS[registration.category])


def draw_header(canvas: Canvas, text: BadgeText) -> None:
    canvas.setFillColor(HexColor(SAND))
    canvas.rect(0, HEIGHT - HEADER, WIDTH, HEADER, stroke=0, fill=1)
    canvas.setFillColor(HexColor(ACCENT))
    canvas.rect(0, HEIGHT - HEADER - RULE, WIDTH, RULE, stroke=0, fill=1)
    box = Box(MARGIN, HEIGHT - HEADER + 3 * mm, INNER, HEADER - 3 * mm - SAFE)
    when = Block(fit_text(text.when, BOLD, width=box.width, largest=9, smallest=6.5), INK, 2 * mm)
    where = Block(fit_text(text.where, REGULAR, width=box.width, largest=8.5, smallest=6.5), MUTED, 0.8 * mm)
    room = box.height - when.space_before - when.height - where.space_before - where.height
    title = fit_text(text.title, BOLD, width=box.width, largest=11, smallest=7, most=2, height=room)
    draw_stack(canvas, [Block(title, TEAL), when, where], box)


def draw_person(canvas: Canvas, text: BadgeText, box: Box) -> None:
    """The name as large as the room left by the rest allows."""
    rest = [
        Block(fit_text(text.position, REGULAR, width=box.width, largest=10, smallest=7.5, most=2), MUTED, 2.5 * mm),
        Block(fit_text(text.organisation, BOLD, width=box.width, largest=10.5, smallest=7.5, most=3), INK, 1.2 * mm),
        Block(fit_text(text.country, REGULAR, width=box.width, largest=9.5, smallest=7.5), MUTED, 1.2 * mm),
        *(
            Block(fit_text(line, BOLD, width=box.width, largest=9.5, smallest=7, most=2), TEAL, 1.2 * mm)
            for line in text.extra
        ),
    ]
    if text.no_photography:
        lead = 2 * MARK_RADIUS + 1.2 * mm
        label = fit_text(text.no_photography, REGULAR, width=box.width - lead, largest=7.5, smallest=6)
        rest.append(Block(label, MARK, 2 * mm, mark=True))
    name = fit_name(text.name, box.height - sum(block.space_before + block.height for block in rest))
    draw_stack(canvas, [Block(name, INK), *rest], box)


def draw_band(canvas: Canvas, label: str, colour: str) -> None:
    canvas.setFillColor(HexColor(colour))
    canvas.rect(0, 0, WIDTH, BAND, stroke=0, fill=1)
    box = Box(MARGIN, SAFE, INNER, BAND - SAFE - 1.5 * mm)
    fitted = fit_text(label, BOLD, width=box.width, largest=16, smallest=8, most=2, height=box.height)
    draw_stack(canvas, [Block(fitted, text_colour_on(colour))], box)


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> float:
    """The code with its quiet zone in a `size` square; answers the quiet zone's width."""
    widget = QrCodeWidget(payload, barLevel="M", barWidth=size, barHeight=size)
    drawing = Drawing(size, size)
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)
    return size * widget.barBorder / (widget.qr.getModuleCount() + 2 * widget.barBorder)


def draw_no_photography_mark(canvas: Canvas, x: float, y: float) -> None:
    """Small and discreet: a crossed circle that photographers are told about (its words beside it)."""
    canvas.setStrokeColor(HexColor(MARK))
    canvas.setLineWidth(0.7)
    canvas.circle(x + MARK_RADIUS, y + MARK_RADIUS, MARK_RADIUS, stroke=1, fill=0)
    inset = MARK_RADIUS * 0.3
    canvas.line(x + inset, y + inset, x + 2 * MARK_RADIUS - inset, y + 2 * MARK_RADIUS - inset)


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
