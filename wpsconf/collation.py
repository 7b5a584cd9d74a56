"""Alphabetical order as a reader of each of the site's languages expects it.

Python compares strings by code point: the Kazakh Қ (U+049A) would come after Я, and Ё
(U+0401) before А. ICU, which knows every language's order, needs a compiler and the ICU
headers (PyICU) or a wheel for each platform; pyuca, pure Python, knows only the Unicode
default order, which puts the Kazakh І, Ү and Ұ where Kazakh does not. So each language
lists its alphabet here, in the order CLDR (and so ICU) gives it:

- Kazakh: Ё is a letter of its own after Е, Ұ comes before Ү, and І after Ы;
- Russian: Ё sorts as Е, ahead of it only between words otherwise the same;
- English, and a script a language does not list: the unaccented letter's Unicode order
  (A to Z for Latin).

As in ICU, letter case and accents only break ties, and spaces and punctuation come before
any letter ("Кабо-Верде" before "Кабовер…"). The letters a language lists come before the
letters of other scripts.
"""

import unicodedata
from functools import cache

ALPHABETS = {
    "ru": "абвгдежзийклмнопрстуфхцчшщъыьэюя",
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
}

# Groups in CLDR's order: whatever is in a lower group sorts first.
SPACE, PUNCTUATION, SYMBOL, DIGIT, ALPHABET, OTHER_LETTER = range(6)
GROUP_OF_CATEGORY = {"Z": SPACE, "P": PUNCTUATION, "S": SYMBOL, "N": DIGIT, "L": OTHER_LETTER}
GROUP_SIZE = 0x110000  # one more than the highest code point


@cache
def alphabet(language: str | None) -> dict[str, int]:
    """A language's letters and their places ("ru-RU" is "ru"); none for English and unknown languages."""
    base = (language or "").split("-")[0].lower()
    return {letter: place for place, letter in enumerate(ALPHABETS.get(base, ""))}


def collation_key(text: str, language: str | None) -> tuple[tuple[int, ...], tuple[str, ...], tuple[bool, ...]]:
    """What `sorted` compares for `text` in `language`: the letters, then the accents, then the case."""
    letters = alphabet(language)
    primary: list[int] = []
    accents: list[str] = []
    capitals: list[bool] = []
    for character in unicodedata.normalize("NFC", text):
        lower = character.lower()
        if lower in letters:
            primary.append(ALPHABET * GROUP_SIZE + letters[lower])
            accents.append("")
            capitals.append(character != lower)
            continue
        for part in unicodedata.normalize("NFKD", lower):
            if unicodedata.combining(part):
                if accents:
                    accents[-1] += part
                continue
            if part in letters:
                weight = ALPHABET * GROUP_SIZE + letters[part]
            else:
                group = GROUP_OF_CATEGORY.get(unicodedata.category(part)[0])
                if group is None:
                    continue  # control and format characters do not count
                weight = group * GROUP_SIZE + ord(part)
            primary.append(weight)
            accents.append("")
            capitals.append(character != lower)
    return tuple(primary), tuple(accents), tuple(capitals)
