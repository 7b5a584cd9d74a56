"""The registrations list as organisers filtered it, for a spreadsheet: CSV streamed, or Excel.

Rows are read in chunks straight from the database, so 50,000 people export with flat
memory. Headers, and the words for stored codes (category, status, language, country…), come
in the organiser's language; each category's own fields have their own columns. Gender is left out: it only ever
feeds anonymous statistics (the privacy notice says so).
"""

from collections.abc import Callable, Iterator
from tempfile import SpooledTemporaryFile

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from registration.models import ALL_CATEGORY_FIELDS, Registration
from wpsconf.spreadsheets import csv_lines, workbook


def field_label(name: str):
    """The model field's own name for a column, in the organiser's language when read."""
    return capfirst(Registration._meta.get_field(name).verbose_name)


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
    # What the person's category asked of them, empty for the other categories.
    *((name, field_label(name)) for name in ALL_CATEGORY_FIELDS),
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


def words_for(name: str) -> dict[str, str]:
    """Each stored code of a field with choices as the word a person reads, in the active language.

    A blank code is an empty cell, never the form's "(none)" or "Not given"."""
    if name == "language":
        choices = settings.LANGUAGES
    else:
        choices = Registration._meta.get_field(name).get_choices(include_blank=False)
    return {code: capfirst(str(label)) for code, label in choices if code} | {"": ""}


def converters() -> list[Callable]:
    """One function per column, turning the stored value into the cell's text (chosen once, not per cell)."""
    zone = timezone.get_current_timezone()
    yes = str(_("yes"))

    def word_of(words: dict[str, str]) -> Callable:
        return lambda value: words.get(value, value)

    def moment(value) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""

    def text(value) -> str:
        return "" if value is None else str(value)

    chosen = []
    for name, _label in COLUMNS:
        field = Registration._meta.get_field(name)
        if field.choices or name == "language":
            chosen.append(word_of(words_for(name)))
        elif name == "no_photography":
            chosen.append(lambda value: yes if value else "")
        elif name.endswith("_at"):
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
    return workbook(str(_("Registrations")), headers(), rows(registrations, converters()))
