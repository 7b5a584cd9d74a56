"""Every string a person reads exists in Russian and Kazakh, and what runs is what was written."""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(ROOT.glob("locale*/*/LC_MESSAGES/django.po"))


def entries(catalogue) -> dict:
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr
        for entry in catalogue
        if not entry.obsolete and "fuzzy" not in entry.flags
    }


def test_it_has_russian_and_kazakh_catalogues():
    languages = {path.parts[-3] for path in CATALOGUES if path.parts[-4] == "locale"}

    assert languages == {"ru", "kk"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_it_translates_every_message(path):
    catalogue = polib.pofile(str(path))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_it_ships_compiled_messages_that_match_their_sources(path):
    compiled = path.with_suffix(".mo")

    assert compiled.exists(), f"{compiled} is missing: run make messages"
    mo_entries = entries(polib.mofile(str(compiled)))
    po_entries = entries(polib.pofile(str(path)))
    assert {key: value for key, value in mo_entries.items() if key[1]} == po_entries, "run make messages"


def test_it_keeps_placeholders_in_every_translation():
    placeholder = re.compile(r"%\((\w+)\)s")
    broken = []
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            wanted = set(placeholder.findall(entry.msgid))
            for translated in [entry.msgstr, *entry.msgstr_plural.values()]:
                if translated and set(placeholder.findall(translated)) - wanted:
                    broken.append((path.parts[-3], entry.msgid))
                if translated and not entry.msgid_plural and set(placeholder.findall(translated)) != wanted:
                    broken.append((path.parts[-3], entry.msgid))
    assert broken == []
