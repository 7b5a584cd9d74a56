"""The protocol list as a printed document: A4 portrait, one heading per delegation, page X of Y.

Laid out with reportlab's platypus, which flows paragraphs and tables over pages: a long name
or position wraps within its column, never cut. The font is the badges' DejaVu Sans, which has
every Cyrillic letter, Kazakh's included.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus.tables import LongTable

from agenda.models import Conference
from agenda.templatetags.site_tags import long_date
from backoffice.protocol import Section, sections
from registration.badges import BOLD, REGULAR, TEAL, register_fonts

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
MUTED = "#495057"

TITLE = ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19, textColor=HexColor(TEAL), spaceAfter=2 * mm)
LINE = ParagraphStyle("line", fontName=REGULAR, fontSize=10, leading=13, textColor=HexColor(MUTED))
LIST_TITLE = ParagraphStyle("list", fontName=BOLD, fontSize=13, leading=17, spaceBefore=5 * mm, spaceAfter=1 * mm)
# A delegation's heading never stays alone at a page's foot: it goes over with its first members.
HEADING = ParagraphStyle(
    "heading", fontName=BOLD, fontSize=12, leading=15, textColor=HexColor(TEAL), spaceBefore=5 * mm, keepWithNext=1
)
KIND = ParagraphStyle(
    "kind", fontName=REGULAR, fontSize=9, leading=12, textColor=HexColor(MUTED), spaceAfter=1.5 * mm, keepWithNext=1
)
CELL = ParagraphStyle("cell", fontName=REGULAR, fontSize=9.5, leading=12)
HEAD_CELL = ParagraphStyle("head", parent=CELL, fontName=BOLD)
MARK = ParagraphStyle("mark", parent=CELL, fontSize=8, textColor=HexColor(TEAL))


def text(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: a name with "&" or "<" in it is not markup."""
    return Paragraph(escape(value), style)


class NumberedCanvas(Canvas):
    """Writes "page X of Y" at each page's foot once the number of pages is known (after the last)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pages: list[dict] = []
        self.footer = _("Page %(page)d of %(pages)d")

    def showPage(self) -> None:
        self.pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self.pages, start=1):
            self.__dict__.update(state)
            self.setFont(REGULAR, 8)
            self.setFillColor(HexColor(MUTED))
            self.drawCentredString(A4[0] / 2, 10 * mm, self.footer % {"page": number, "pages": len(self.pages)})
            super().showPage()
        super().save()


def member_rows(section: Section) -> list[list[Paragraph]]:
    rows = []
    for member in section.members:
        person = member.registration
        name = [text(person.addressed_name, HEAD_CELL if member.is_head else CELL)]
        if member.is_head:
            name.append(text(_("Head of delegation"), MARK))
        post = ", ".join(part for part in (person.position, person.organisation) if part)
        rows.append([name, text(post, CELL)])
    return rows


def delegation_block(section: Section) -> list:
    table = LongTable(member_rows(section), colWidths=[0.45 * WIDTH, 0.55 * WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, HexColor("#dee2e6")),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [text(section.delegation.name, HEADING), text(section.delegation.get_kind_display(), KIND), table]


def protocol_pdf(conference: Conference, language: str) -> bytes:
    register_fonts()
    output = BytesIO()
    with translation.override(language):
        listed = sections(conference, language)
        starts, ends = conference.local(conference.starts_at), conference.local(conference.ends_at)
        when = long_date(starts) if starts.date() == ends.date() else f"{long_date(starts)} – {long_date(ends)}"
        story = [
            text(conference.title, TITLE),
            text(f"{when} · {conference.city}", LINE),
            text(conference.venue, LINE),
            text(_("List of participants by delegation"), LIST_TITLE),
            text(_("Confirmed participants only. People registered on their own are not listed."), LINE),
            Spacer(0, 2 * mm),
        ]
        if not listed:
            story.append(text(_("No delegation has a confirmed member yet."), CELL))
        for section in listed:
            story.extend(delegation_block(section))
        document = SimpleDocTemplate(
            output,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=_("List of participants by delegation"),
            author=conference.title,
        )
        document.build(story, canvasmaker=NumberedCanvas)
    return output.getvalue()
