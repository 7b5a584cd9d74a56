"""Text that fits its box on a badge.

A text is wrapped at spaces (and after a hyphen inside a word, as in Әйгерім-Гүлнар)
onto at most so many lines, at the largest size that fits. Only when even the smallest
size cannot hold it all does it end with "…", after the last whole word that fits; a
single word too long for a line at any size is the one thing cut inside, and then it
ends with "…" too. Widths come from the font's own metrics, as the PDF will draw them.
"""

import math
import re
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

ELLIPSIS = "…"
# DejaVu's line box per em, from its hhea table: accented capitals (Й, Å) reach 0.93,
# descenders (у, Қ) 0.24. reportlab's own ascent (0.76) would let Й touch the line above.
ASCENT, DESCENT = 0.93, 0.24
AFTER_HYPHEN = re.compile(r"(?<=-)(?=\w)")
# Left at the end of a shortened line, these would read oddly before the ellipsis.
TRAILING = " ,;:·-–—"


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    font: str
    size: float
    leading: float
    complete: bool  # False when the text was shortened with an ellipsis

    @property
    def line_height(self) -> float:
        return self.size * self.leading

    @property
    def height(self) -> float:
        """From the top of the first line's accents to the bottom of the last line's descenders."""
        if not self.lines:
            return 0.0
        return self.size * (ASCENT + DESCENT) + (len(self.lines) - 1) * self.line_height


@dataclass(frozen=True)
class Piece:
    text: str
    width: float  # at 1 pt
    joined: bool  # to the piece before it, with no space (the rest of a hyphenated word)


def lines_within(height: float | None, size: float, leading: float, most: int) -> int:
    if height is None:
        return most
    room = (height - size * (ASCENT + DESCENT)) / (size * leading)
    return min(most, math.floor(room + 1e-9) + 1) if room >= -1e-9 else 0


def fit_text(
    text: str,
    font: str,
    *,
    width: float,
    largest: float,
    smallest: float,
    most: int = 1,
    height: float | None = None,
    leading: float = 1.17,
    step: float = 0.5,
) -> Fitted:
    """The text at the largest size (down to `smallest`, in `step`s) at which it fits
    `width` on at most `most` lines, and within `height` when one is given."""
    pieces = pieces_of(text, font)
    if not pieces:
        return Fitted((), font, largest, leading, complete=True)
    space = stringWidth(" ", font, 1)
    for size in sizes(largest, smallest, step):
        most_here = lines_within(height, size, leading, most)
        wrapped = wrap(pieces, width / size, space)
        if 0 < len(wrapped) <= most_here and all(line_width(line, space) * size <= width for line in wrapped):
            balanced = balance(pieces, width / size, space, len(wrapped))
            return Fitted(tuple(joined(line) for line in balanced), font, size, leading, complete=True)
    size = smallest
    most_here = max(1, lines_within(height, size, leading, most))
    return Fitted(shortened(pieces, font, size, width, most_here, space), font, size, leading, complete=False)


def sizes(largest: float, smallest: float, step: float) -> list[float]:
    count = max(0, math.ceil((largest - smallest) / step - 1e-9))
    return [round(largest - index * step, 4) for index in range(count)] + [smallest]


def pieces_of(text: str, font: str) -> list[Piece]:
    pieces = []
    for word in text.split():
        for index, part in enumerate(AFTER_HYPHEN.split(word)):
            pieces.append(Piece(part, stringWidth(part, font, 1), joined=index > 0))
    return pieces


def wrap(pieces: list[Piece], limit: float, space: float) -> list[list[Piece]]:
    """Greedy, as a typesetter fills lines: as much on each line as `limit` (at 1 pt) allows."""
    lines: list[list[Piece]] = []
    current: list[Piece] = []
    used = 0.0
    for piece in pieces:
        extra = piece.width + (0 if piece.joined else space)
        if current and used + extra > limit:
            lines.append(current)
            current, used = [piece], piece.width
        else:
            current.append(piece)
            used += extra if len(current) > 1 else piece.width
    lines.append(current)
    return lines


def balance(pieces: list[Piece], limit: float, space: float, count: int) -> list[list[Piece]]:
    """The same number of lines, as even as they come: no lone word left hanging under a full line."""
    if count == 1:
        return [pieces]
    narrowest, widest = max(piece.width for piece in pieces), limit
    for _ in range(12):
        middle = (narrowest + widest) / 2
        if len(wrap(pieces, middle, space)) <= count:
            widest = middle
        else:
            narrowest = middle
    return wrap(pieces, widest, space)


def line_width(line: list[Piece], space: float) -> float:
    return sum(piece.width for piece in line) + space * sum(1 for piece in line[1:] if not piece.joined)


def joined(line: list[Piece]) -> str:
    return "".join(piece.text if index == 0 or piece.joined else f" {piece.text}" for index, piece in enumerate(line))


def shortened(pieces: list[Piece], font: str, size: float, width: float, most: int, space: float) -> tuple[str, ...]:
    """What fits at the smallest size: whole lines, then one ending in an ellipsis, nothing after it."""
    wrapped = wrap(pieces, width / size, space)
    kept: list[str] = []
    for index, line in enumerate(wrapped):
        overflows = line_width(line, space) * size > width
        if not overflows and (index < most - 1 or index == len(wrapped) - 1):
            kept.append(joined(line))
            continue
        kept.append(with_ellipsis(line, font, size, width))
        break
    return tuple(kept)


def with_ellipsis(line: list[Piece], font: str, size: float, width: float) -> str:
    """The line's words that fit before "…"; a lone word too long for the line is cut inside."""
    for end in range(len(line), 0, -1):
        text = joined(line[:end]).rstrip(TRAILING) + ELLIPSIS
        if stringWidth(text, font, size) <= width:
            return text
    word = line[0].text
    for end in range(len(word) - 1, 0, -1):
        text = word[:end].rstrip(TRAILING) + ELLIPSIS
        if stringWidth(text, font, size) <= width:
            return text
    return ELLIPSIS
