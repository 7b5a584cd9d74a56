"""Write Kazakh country names for django-countries, which ships none, from pycountry's ISO 3166 catalogue.

Output: locale_countries/kk/LC_MESSAGES/django.po (compiled by `make messages`).
"""

import gettext
from pathlib import Path

import polib
import pycountry
from django.conf import settings

settings.configure(USE_I18N=False)  # the English names are the message ids

from django_countries.data import COUNTRIES  # noqa: E402  (needs settings)

OUTPUT = Path(__file__).resolve().parent.parent / "locale_countries" / "kk" / "LC_MESSAGES" / "django.po"


def kazakh_name(code: str, iso_kk: gettext.GNUTranslations) -> str | None:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    for english in (getattr(country, "common_name", None), country.name):
        if english and (translated := iso_kk.gettext(english)) != english:
            return translated
    return None


def main() -> None:
    iso_kk = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["kk"])
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Project-Id-Version": "wpsconf country names",
        "Language": "kk",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n!=1);",
    }
    for code, english in sorted(COUNTRIES.items()):
        translated = kazakh_name(code, iso_kk)
        if translated:
            catalogue.append(polib.POEntry(msgid=str(english), msgstr=translated, comment=f"ISO 3166-1 {code}"))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(OUTPUT))
    print(f"{len(catalogue)} of {len(COUNTRIES)} country names written to {OUTPUT}")


if __name__ == "__main__":
    main()
