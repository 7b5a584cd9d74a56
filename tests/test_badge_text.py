"""Fitting a badge's texts to their boxes: shrink, wrap, and only past all reason an ellipsis after a whole word."""

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from registration.badge_text import ASCENT, DESCENT, ELLIPSIS, fit_text
from registration.badges import BOLD, REGULAR, register_fonts

NAME = "Ms Әйгерім Қасымова"
ORGANISATION = "Senate of the Parliament of the Republic of Kazakhstan"


@pytest.fixture(autouse=True)
def fonts():
    register_fonts()


def widths(fitted) -> list[float]:
    return [stringWidth(line, fitted.font, fitted.size) for line in fitted.lines]


def test_a_text_that_fits_keeps_its_largest_size_on_one_line():
    fitted = fit_text(NAME, BOLD, width=400, largest=24, smallest=10)

    assert (fitted.lines, fitted.size, fitted.complete) == ((NAME,), 24, True)


def test_a_text_too_wide_shrinks_to_the_largest_size_that_fits():
    width = stringWidth(NAME, BOLD, 18)

    fitted = fit_text(NAME, BOLD, width=width, largest=24, smallest=10)

    assert (fitted.lines, fitted.size, fitted.complete) == ((NAME,), 18, True)


def test_a_text_wraps_at_spaces_into_even_lines_before_it_shrinks():
    width = stringWidth(ORGANISATION, REGULAR, 10) * 0.6

    fitted = fit_text(ORGANISATION, REGULAR, width=width, largest=10, smallest=7, most=3)

    assert fitted.size == 10
    assert fitted.lines == ("Senate of the Parliament of", "the Republic of Kazakhstan")  # no word left alone
    assert " ".join(fitted.lines) == ORGANISATION
    assert max(widths(fitted)) <= width


def test_a_hyphenated_name_may_break_after_a_hyphen():
    name = "Әйгерім-Гүлнар-Сәуле-Ақмарал Қасымова"
    width = stringWidth("Әйгерім-Гүлнар-", BOLD, 20) + 1

    fitted = fit_text(name, BOLD, width=width, largest=20, smallest=20, most=3)

    assert fitted.complete
    assert fitted.lines[0].endswith("-")
    assert "".join(line if line.endswith("-") else line + " " for line in fitted.lines).strip() == name
    assert max(widths(fitted)) <= width


def test_past_the_smallest_size_the_text_ends_with_an_ellipsis_after_a_whole_word():
    width = stringWidth(ORGANISATION, REGULAR, 8) / 2.5

    fitted = fit_text(ORGANISATION, REGULAR, width=width, largest=10, smallest=8, most=2)

    assert fitted.size == 8
    assert not fitted.complete
    first, last = fitted.lines
    assert last.endswith(ELLIPSIS)
    shown = f"{first} {last.removesuffix(ELLIPSIS)}"
    assert ORGANISATION.startswith(shown)
    assert ORGANISATION[len(shown)] == " "  # cut between words, never inside one
    assert max(widths(fitted)) <= width


def test_punctuation_is_not_left_dangling_before_the_ellipsis():
    title = "Women, Peace and Security: conference of the Dialogue of Women of Central Asia"
    width = stringWidth("Women, Peace and Security: conf", BOLD, 10)

    fitted = fit_text(title, BOLD, width=width, largest=10, smallest=10)

    assert fitted.lines == (f"Women, Peace and Security{ELLIPSIS}",)


def test_a_single_word_longer_than_the_line_is_cut_inside_only_with_an_ellipsis():
    word = "Қасымова-Тоқтарова-Нұрсұлтанқызы"
    width = stringWidth("Қасымова", BOLD, 10)

    fitted = fit_text(word, BOLD, width=width, largest=12, smallest=10)

    [line] = fitted.lines
    assert line.endswith(ELLIPSIS)
    assert word.startswith(line.removesuffix(ELLIPSIS))
    assert stringWidth(line, BOLD, 10) <= width


def test_the_height_limits_the_lines_and_the_fitted_height_stays_within_it():
    size, leading = 10, 1.17
    height = size * (ASCENT + DESCENT) + size * leading  # room for two lines at 10 pt

    fitted = fit_text(ORGANISATION, REGULAR, width=120, largest=10, smallest=10, most=5, height=height)

    assert len(fitted.lines) == 2
    assert fitted.height <= height
    assert not fitted.complete


def test_no_text_draws_no_lines():
    fitted = fit_text("  ", REGULAR, width=100, largest=10, smallest=7)

    assert (fitted.lines, fitted.height, fitted.complete) == ((), 0, True)
