"""The badge's layout: every text inside its box for the longest texts there are, the date and venue in the
person's language, readable colours, and a QR code the door can scan."""

import io
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from agenda.seed import CONFERENCE, SPEAKERS
from registration import badges, checkin
from registration.badge_text import ASCENT, DESCENT, ELLIPSIS
from registration.models import Registration
from tests.factories import apply_for_accreditation, register

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ru", "kk"]
EPSILON = 0.01  # points; lines of one paragraph touch, they must not overlap


@dataclass(frozen=True)
class Rect:
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: "Rect") -> bool:
        return (
            self.left < other.right - EPSILON
            and other.left < self.right - EPSILON
            and self.bottom < other.top - EPSILON
            and other.bottom < self.top - EPSILON
        )

    def within(self, other: "Rect") -> bool:
        return (
            self.left >= other.left - EPSILON
            and self.right <= other.right + EPSILON
            and self.bottom >= other.bottom - EPSILON
            and self.top <= other.top + EPSILON
        )


@dataclass(frozen=True)
class Text:
    text: str
    rect: Rect


class RecordingCanvas(Canvas):
    """A canvas that notes where each string and picture lands, with the font's own widths."""

    def __init__(self):
        super().__init__(io.BytesIO(), pagesize=A6)
        self.texts: list[Text] = []
        self.images: list[Rect] = []
        self.font = ("", 0.0)

    def setFont(self, psfontname, size, leading=None):
        self.font = (psfontname, size)
        super().setFont(psfontname, size, leading)

    def note(self, left: float, baseline: float, text: str) -> float:
        font, size = self.font
        width = stringWidth(text, font, size)
        self.texts.append(Text(text, Rect(left, baseline - DESCENT * size, left + width, baseline + ASCENT * size)))
        return width

    def drawString(self, x, y, text, *args, **kwargs):
        self.note(x, y, text)
        super().drawString(x, y, text, *args, **kwargs)

    def drawCentredString(self, x, y, text, *args, **kwargs):
        self.note(x - stringWidth(text, *self.font) / 2, y, text)
        super().drawCentredString(x, y, text, *args, **kwargs)

    def drawRightString(self, x, y, text, *args, **kwargs):
        self.note(x - stringWidth(text, *self.font), y, text)
        super().drawRightString(x, y, text, *args, **kwargs)

    def drawImage(self, image, x, y, width=None, height=None, *args, **kwargs):
        self.images.append(Rect(x, y, x + width, y + height))
        return super().drawImage(image, x, y, width, height, *args, **kwargs)


@dataclass(frozen=True)
class Layout:
    texts: list[Text]
    images: list[Rect]
    codes: list[tuple[str, Rect]]

    @property
    def words(self) -> str:
        """All the texts in the order drawn, a word broken after its hyphen joined again."""
        return re.sub(r"-\n", "-", "\n".join(text.text for text in self.texts)).replace("\n", " ")


@pytest.fixture
def lay_out(monkeypatch):
    badges.register_fonts()

    def laid_out(registration: Registration) -> Layout:
        codes = []
        draw_qr = badges.draw_qr

        def noting_qr(canvas, payload, x, y, size):
            codes.append((payload, Rect(x, y, x + size, y + size)))
            return draw_qr(canvas, payload, x, y, size)

        monkeypatch.setattr(badges, "draw_qr", noting_qr)
        canvas = RecordingCanvas()
        badges.draw_badge(canvas, registration)
        return Layout(canvas.texts, canvas.images, codes)

    return laid_out


def assert_everything_in_its_place(layout: Layout) -> None:
    safe = Rect(badges.SAFE, badges.SAFE, badges.WIDTH - badges.SAFE, badges.HEIGHT - badges.SAFE)
    header = Rect(0, badges.HEIGHT - badges.HEADER, badges.WIDTH, badges.HEIGHT)
    white = Rect(0, badges.BAND, badges.WIDTH, badges.HEIGHT - badges.HEADER - badges.RULE)
    band = Rect(0, 0, badges.WIDTH, badges.BAND)
    [(_payload, code)] = layout.codes
    page = Rect(0, 0, badges.WIDTH, badges.HEIGHT)
    assert code.within(page)
    for image in layout.images:
        assert image.within(white)
        assert not image.overlaps(code)
    for index, text in enumerate(layout.texts):
        assert text.rect.within(safe), f"{text.text!r} comes closer to the edge than the printer can print"
        assert any(text.rect.within(area) for area in (header, white, band)), f"{text.text!r} straddles a colour edge"
        assert not text.rect.overlaps(code), f"{text.text!r} is on the QR code or its quiet zone"
        assert not any(text.rect.overlaps(image) for image in layout.images), f"{text.text!r} is on the photo"
        for other in layout.texts[index + 1 :]:
            assert not text.rect.overlaps(other.rect), f"{text.text!r} overlaps {other.text!r}"


def longest(texts) -> str:
    return max(texts, key=len)


def seeded_organisations(language: str) -> list[str]:
    lines = [line for field in ("organisers", "supporters") for line in CONFERENCE[f"{field}_{language}"].splitlines()]
    return lines + [speaker[f"organisation_{language}"] for speaker in SPEAKERS.values()]


def in_words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_longest_seeded_texts_fit_whole_in_every_category(registration_open, lay_out, language):
    organisation = longest(seeded_organisations(language))
    position = longest(speaker[f"name_{language}"] for speaker in SPEAKERS.values())
    people = [
        register(registration_open, "a@example.org", honorific="he", organisation=organisation, position=position),
        apply_for_accreditation(registration_open, honorific="he").registration,
    ]
    for person in people:
        person.language, person.organisation, person.position, person.no_photography = (
            language,
            organisation,
            position,
            True,
        )
        for category in [Registration.Category.MEDIA] if person.is_media else badges.BAND_COLOURS:
            person.category = category

            layout = lay_out(person)

            assert_everything_in_its_place(layout)
            assert not any(ELLIPSIS in text.text for text in layout.texts)
            title, venue = (getattr(registration_open, f"{field}_{language}") for field in ("title", "venue"))
            for whole in (organisation, position, person.full_name, title, venue):
                assert all(word in layout.words for word in whole.split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_made_up_worst_case_fits_whole_too(registration_open, lay_out, language):
    organisation = (
        "Қазақстан Республикасы Президентінің жанындағы Әйелдер істері және отбасылық-демографиялық саясат комиссиясы"
    )
    organisation = f"{organisation} {'Ұ' * (119 - len(organisation))}"
    person = apply_for_accreditation(registration_open).registration
    person.language, person.honorific, person.no_photography = language, "he", True
    person.first_name = "Әйгерім-Гүлнар Нұрсұлтанқызы"
    person.last_name = "Қасымова-Тоқтарова"
    person.organisation, person.position = organisation, "Бас редактордың бірінші орынбасары, саяси шолушы"

    layout = lay_out(person)

    assert len(organisation) == 120
    assert_everything_in_its_place(layout)
    assert not any(ELLIPSIS in text.text for text in layout.texts), [text.text for text in layout.texts]
    assert len(layout.images) == 1  # the press photo beside the code
    for word in (*person.full_name.split(), *organisation.split()):
        assert word in layout.words


def test_texts_past_all_reason_end_in_an_ellipsis_and_still_stay_inside(registration_open, lay_out):
    person = register(registration_open, "a@example.org", honorific="he", language="kk")
    person.first_name = "Ә" * 100
    person.last_name = " ".join(["Қасымова"] * 11)
    person.organisation = " ".join(["Ұйым"] * 40)
    person.position = " ".join(["Орынбасар"] * 20)

    layout = lay_out(person)

    assert_everything_in_its_place(layout)
    shortened = [text.text for text in layout.texts if text.text.endswith(ELLIPSIS)]
    assert len(shortened) == 3  # the name, the position and the organisation
    assert all(text.removesuffix(ELLIPSIS).split()[-1] in ("Ұйым", "Орынбасар") for text in shortened[1:])


@pytest.mark.parametrize(
    ("language", "date", "city", "venue"),
    [
        ("en", "16 October 2023", "Almaty", "Venue to be announced"),
        ("ru", "16 октября 2023 г.", "Алматы", "Место проведения уточняется"),
        ("kk", "16 қазан 2023 ж.", "Алматы", "Өтетін орны нақтыланады"),
    ],
)
def test_the_badge_gives_the_date_and_venue_in_the_persons_language(registration_open, language, date, city, venue):
    person = register(registration_open, "a@example.org", language=language)

    [page] = pypdf.PdfReader(io.BytesIO(badges.badge_pdf(person))).pages
    text = in_words(page.extract_text())

    assert f"{date} · {city}" in text
    assert venue in text
    with_title = {"en": "Women, Peace and Security:", "ru": "«Женщины, мир и безопасность»:"}
    assert with_title.get(language, "«Әйелдер, бейбітшілік және қауіпсіздік»:") in text


def test_the_date_is_the_conferences_own_day_not_utcs(registration_open):
    person = register(registration_open, "a@example.org")
    almaty = ZoneInfo("Asia/Almaty")
    # 00:30 in Almaty on the 17th is still the 16th in UTC.
    person.conference.starts_at = datetime(2023, 10, 17, 0, 30, tzinfo=almaty)
    person.conference.ends_at = datetime(2023, 10, 17, 17, 0, tzinfo=almaty)

    assert badges.badge_text(person).when == "17 October 2023 · Almaty"


def test_the_qr_code_carries_the_signed_badge_code_at_a_size_door_scanners_read(registration_open, lay_out):
    person = register(registration_open, "a@example.org")

    [(payload, code)] = lay_out(person).codes

    assert payload == checkin.badge_code(person)
    assert checkin.reference_in(payload) == (person.reference, False)
    widget = QrCodeWidget(payload, barLevel="M")
    widget.qr.make()
    modules = widget.qr.getModuleCount() + 2 * widget.barBorder
    assert (code.right - code.left) / modules >= 0.8 * mm


@pytest.mark.parametrize("category", list(badges.BAND_COLOURS))
def test_the_band_text_is_readable_on_its_colour(category):
    colour = badges.BAND_COLOURS[category]

    assert badges.contrast(badges.text_colour_on(colour), colour) >= 4.5  # WCAG AA


def test_the_other_colours_of_the_badge_are_readable():
    assert badges.contrast(badges.TEAL, badges.SAND) >= 4.5
    assert badges.contrast(badges.INK, badges.SAND) >= 4.5
    assert badges.contrast(badges.MUTED, badges.SAND) >= 4.5
    assert badges.contrast(badges.MARK, badges.WHITE) >= 4.5
    assert badges.contrast("#000000", "#ffffff") == pytest.approx(21)
