"""Write the country names django-countries lacks or gets wrong for this region.

- Kazakh: django-countries ships none; they come from pycountry's ISO 3166 catalogue.
- Russian and Kazakh: REGIONAL_NAMES, the names used in Central Asia where a catalogue has
  another (Киргизия for Кыргызстан), a grammatical case or a mistake (Мариотт, the hotel
  chain, for Mayotte).

Their message ids are the English names django-countries shows, so no name changes in
English; these catalogues sit in LOCALE_PATHS, which Django reads before an app's own.

Output: locale_countries/{kk,ru}/LC_MESSAGES/django.po (compiled by `make messages`).
"""

import gettext
from pathlib import Path

import polib
import pycountry
from django.conf import settings

settings.configure(USE_I18N=False)  # the English names are the message ids

from django_countries import countries  # noqa: E402  (needs settings)
from django_countries.data import COUNTRIES  # noqa: E402

OUTPUT = Path(__file__).resolve().parent.parent / "locale_countries"
PLURAL_FORMS = {
    "kk": "nplurals=2; plural=(n!=1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}
# By ISO 3166-1 code, for the name django-countries shows in English.
REGIONAL_NAMES = {
    "ru": {
        "KG": "Кыргызстан",
        "LR": "Либерия",
        "MM": "Мьянма",
        "NC": "Новая Каледония",
        "SM": "Сан-Марино",
        "MF": "Сен-Мартен (французская часть)",
        "SX": "Синт-Мартен (нидерландская часть)",
        "SH": "Остров Святой Елены",
        "CD": "Демократическая Республика Конго",
        "FM": "Микронезия",
        "PS": "Палестина",
        "VA": "Ватикан",
    },
    "kk": {
        "YT": "Майотта",
        "AS": "Америкалық Самоа",
        "TF": "Францияның Оңтүстік аумақтары",
        "SH": "Әулие Елена аралы",
        "LA": "Лаос",
        "SY": "Сирия",
        "US": "Америка Құрама Штаттары",
        "UM": "АҚШ-тың сыртқы кіші аралдары",
        "AW": "Аруба",
        "BV": "Буве аралы",
        "CW": "Кюрасао",
        "GS": "Оңтүстік Георгия және Оңтүстік Сэндвич аралдары",
        "PG": "Папуа — Жаңа Гвинея",
    },
}


def kazakh_name(code: str, iso_kk: gettext.GNUTranslations) -> str | None:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    for english in (getattr(country, "common_name", None), country.name):
        if english and (translated := iso_kk.gettext(english)) != english:
            return translated
    return None


def iso_names(language: str) -> dict[str, tuple[str, str]]:
    """{English name: (translation, code)} from pycountry, by django-countries' official names."""
    if language != "kk":
        return {}
    iso_kk = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["kk"])
    names = {}
    for code, english in sorted(COUNTRIES.items()):
        if translated := kazakh_name(code, iso_kk):
            names[str(english)] = (translated, code)
    return names


def catalogue(language: str) -> polib.POFile:
    names = iso_names(language)
    regional = {str(countries.name(code)): (name, code) for code, name in REGIONAL_NAMES[language].items()}
    po = polib.POFile()
    po.metadata = {
        "Project-Id-Version": "wpsconf country names",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS[language],
    }
    for english, (name, code) in sorted({**names, **regional}.items(), key=lambda item: item[1][1]):
        comment = f"ISO 3166-1 {code}" + (", REGIONAL_NAMES in scripts/country_names.py" if english in regional else "")
        po.append(polib.POEntry(msgid=english, msgstr=name, comment=comment))
    return po


def main() -> None:
    for language in REGIONAL_NAMES:
        po = catalogue(language)
        path = OUTPUT / language / "LC_MESSAGES" / "django.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(path))
        print(f"{len(po)} {language} country names written to {path}")


if __name__ == "__main__":
    main()
