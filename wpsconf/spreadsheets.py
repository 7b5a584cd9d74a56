"""Tables for spreadsheets: CSV streamed line by line, with no cell a spreadsheet would run."""

import csv
from collections.abc import Iterable, Iterator

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """The cell as text that no spreadsheet mistakes for a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class Line:
    """What csv.writer writes into: each row comes back as its line, to stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(Line())
    yield "\ufeff"  # the byte order mark tells Excel the file is UTF-8, so Cyrillic names open legibly
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])
