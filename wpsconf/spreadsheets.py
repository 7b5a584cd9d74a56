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


def csv_lines(headers: list[str], rows: Iterable[list], *, lines_per_chunk: int = 500) -> Iterator[str]:
    """The CSV in chunks of lines: one piece per row would cost the response more than the rows."""
    writer = csv.writer(Line())
    chunk = ["\ufeff", writer.writerow(headers)]  # the byte order mark: Excel then reads Cyrillic as UTF-8
    for row in rows:
        chunk.append(writer.writerow([spreadsheet_safe(cell) for cell in row]))
        if len(chunk) >= lines_per_chunk:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)
