"""Tables for spreadsheets: CSV streamed line by line and Excel workbooks, with no cell a spreadsheet would run."""

import csv
import re
from collections.abc import Iterable, Iterator
from tempfile import SpooledTemporaryFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A spreadsheet runs a cell starting with one of these as a formula, spaces before it or not.
FORMULA = re.compile(r"[^\S\t\r]*[=+\-@\t\r]")
# A phone number in international format ("+7 701 234 5678", "+44 (20) 7946-0958"): digits and
# separators only, so no function, reference or command a spreadsheet could run, at worst sums.
INTERNATIONAL_PHONE = re.compile(r"\+[0-9][0-9 ()\-]{5,}")


def spreadsheet_safe(value) -> str:
    """The cell as text that no spreadsheet mistakes for a formula; a phone number stays as written."""
    text = str(value)
    if FORMULA.match(text) and not INTERNATIONAL_PHONE.fullmatch(text):
        return f"'{text}"
    return text


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


def workbook(title: str, headers: list[str], rows: Iterable[list]) -> SpooledTemporaryFile:
    """An Excel workbook written row by row; every cell text, so a name like =HYPERLINK(…) stays a name."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])  # a sheet's name is 31 characters at most
    sheet.append(headers)
    for row in rows:
        cells = []
        for value in row:
            # Control characters (a pasted vertical tab, say) are not allowed in a workbook's XML.
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    output = SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115  (the response closes it)
    book.save(output)
    output.seek(0)
    return output
