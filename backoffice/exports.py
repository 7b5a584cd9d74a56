"""The registrations list as organisers filtered it, for a spreadsheet: CSV streamed, or Excel.

Rows are read in chunks straight from the database, so 50,000 people export with flat
memory. Headers come in the organiser's language. Gender is left out: it only ever
feeds anonymous statistics (the privacy notice says so).
"""

from collections.abc import Iterator
from tempfile import SpooledTemporaryFile

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from agenda.models import Honorific, InterpretationLanguage
from registration.models import Registration
from wpsconf.spreadsheets import csv_lines

COLUMNS = [
    ("reference", _("Reference")),
    ("honorific", _("Honorific")),
    ("first_name", _("First name")),
    ("last_name", _("Last name")),
    ("category", _("Category")),
    ("status", _("Status")),
    ("email", _("Email")),
    ("phone", _("Phone")),
    ("country", _("Country")),
    ("organisation", _("Organisation")),
    ("position", _("Position")),
    ("interpretation_language", _("Interpretation")),
    ("accessibility_needs", _("Accessibility needs")),
    ("dietary_needs", _("Dietary needs")),
    ("no_photography", _("Not to be photographed")),
    ("language", _("Language")),
    ("created_at", _("Registered at")),
    ("checked_in_at", _("Checked in at")),
]
CHUNK = 2000


def headers() -> list[str]:
    return [str(label) for _field, label in COLUMNS]


def converters() -> list:
    """One function per column, turning the stored value into the cell's text (chosen once, not per cell)."""
    zone = timezone.get_current_timezone()
    labels = {
        "honorific": dict(Honorific.choices),
        "category": dict(Registration.Category.choices),
        "status": dict(Registration.Status.choices),
        "interpretation_language": dict(InterpretationLanguage.choices),
        "country": dict(Registration._meta.get_field("country").get_choices(include_blank=False)),
    }
    yes = str(_("yes"))

    def label_of(choices: dict):
        choices = {value: str(label) for value, label in choices.items()}
        return lambda value: choices.get(value, value)

    def moment(value) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""

    def text(value) -> str:
        return "" if value is None else str(value)

    chosen = []
    for field, _label in COLUMNS:
        if field in labels:
            chosen.append(label_of(labels[field]))
        elif field == "no_photography":
            chosen.append(lambda value: yes if value else "")
        elif field.endswith("_at"):
            chosen.append(moment)
        else:
            chosen.append(text)
    return chosen


def rows(registrations: QuerySet, convert: list) -> Iterator[list[str]]:
    """Each registration as the cells of one row, through converters made while the request's
    language and time zone were active (a streamed CSV is written after the request's middleware)."""
    fields = [field for field, _label in COLUMNS]
    for values in registrations.values_list(*fields).iterator(chunk_size=CHUNK):
        yield [to_text(value) for to_text, value in zip(convert, values, strict=True)]


def csv_export(registrations: QuerySet) -> Iterator[str]:
    return csv_lines(headers(), rows(registrations, converters()))


def xlsx_export(registrations: QuerySet) -> SpooledTemporaryFile:
    """The workbook, written row by row; every cell text, so a name like =HYPERLINK(…) stays a name."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Registrations")))
    sheet.append(headers())
    for row in rows(registrations, converters()):
        cells = []
        for value in row:
            # Control characters (a pasted vertical tab, say) are not allowed in a workbook's XML.
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    output = SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115  (the response closes it)
    workbook.save(output)
    output.seek(0)
    return output
