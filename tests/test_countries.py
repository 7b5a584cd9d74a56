"""Country lists as the region reads them: Central Asia first, then the rest in the alphabet of the page's language."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import Model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django_countries.data import COUNTRIES
from django_countries.fields import CountryField

from backoffice.dashboard import by_country
from registration.models import Registration
from tests.factories import register
from wpsconf.collation import ALPHABETS, collation_key
from wpsconf.countries import CENTRAL_ASIA, country_choices, ordered_countries

KAZAKH_ALPHABET = list("АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ")
CENTRAL_ASIA_IN = {
    "en": ["KZ", "KG", "TJ", "TM", "UZ"],  # Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan
    "ru": ["KZ", "KG", "TJ", "TM", "UZ"],  # Казахстан, Кыргызстан, Таджикистан, Туркменистан, Узбекистан
    "kk": ["KZ", "KG", "UZ", "TJ", "TM"],  # Қазақстан, Қырғызстан, Өзбекстан, Тәжікстан, Түрікменстан
}
PREFIX = {"en": "", "ru": "/ru", "kk": "/kk"}

pytestmark = pytest.mark.django_db


def alphabetical(words: list[str], language: str) -> list[str]:
    return sorted(words, key=lambda word: collation_key(word, language))


class Selects(HTMLParser):
    """Each <select> of a page as drawn: {name: [(group label or None, value, text), ...]}."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.selects: dict[str, list[tuple[str | None, str, str]]] = {}
        self._options: list | None = None
        self._group: str | None = None
        self._option: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._options = self.selects.setdefault(attrs["name"], [])
        elif tag == "optgroup":
            self._group = attrs["label"]
        elif tag == "option" and self._options is not None:
            self._option = {"group": self._group, "value": attrs["value"], "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self._options.append((self._option["group"], self._option["value"], self._option["text"].strip()))
            self._option = None
        elif tag == "optgroup":
            self._group = None
        elif tag == "select":
            self._options = None


def country_select(html: str, name: str = "country") -> tuple[list[tuple[str, str]], list[tuple[str, str]], list]:
    """(Central Asia, the others, the group labels) of one country <select>, as (code, name) pairs."""
    options = Selects(html).selects[name]
    labels = list(dict.fromkeys(group for group, _value, _text in options if group))
    assert options[0] == (None, "", "---------")
    first = [(value, text) for group, value, text in options if group == labels[0]]
    rest = [(value, text) for group, value, text in options if group == labels[1]]
    return first, rest, labels


# --- the order of one language's words ----------------------------------------------------------------------


def test_kazakh_letters_come_in_the_kazakh_alphabets_order():
    by_code_point = sorted(KAZAKH_ALPHABET)  # Python's own order: Ә, Ғ, Қ… after Я

    assert by_code_point != KAZAKH_ALPHABET
    assert alphabetical(by_code_point, "kk") == KAZAKH_ALPHABET
    assert "".join(KAZAKH_ALPHABET).lower() == ALPHABETS["kk"]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        # Kazakh: Ё is a letter of its own after Е; Russian sorts it as Е, first only between equal words.
        ("kk", ["Еж", "Ежа", "Ёж", "Жа"]),
        ("ru", ["Еж", "Ёж", "Ежа", "Жа"]),
        # Kazakh letters after their Russian neighbours, before the next letter.
        ("kk", ["Ая", "Әа", "Ба"]),
        ("kk", ["Гя", "Ға", "Да"]),
        ("kk", ["Кя", "Қа", "Ла"]),
        ("kk", ["Ня", "Ңа", "Оа"]),
        ("kk", ["Оя", "Өа", "Па"]),
        ("kk", ["Уя", "Ұа", "Үа", "Фа"]),
        ("kk", ["Хя", "Һа", "Ца"]),
        ("kk", ["Ыя", "Іа", "Ьа"]),
        ("kk", ["Кения", "Кюрасао", "Қазақстан", "Қытай", "Лаос"]),
        ("ru", ["Иордания", "Казахстан", "Камерун", "Кения", "Кыргызстан"]),
        # Letter case and accents only break ties; a space or hyphen comes before any letter.
        ("ru", ["абв", "Абг", "абд"]),
        ("ru", ["ала", "Ала"]),
        ("ru", ["Гвинея", "Гвинея Экваториальная", "Гвинея-Бисау", "Гвинеяа"]),
        ("ru", ["Кабо-Верде", "Кабовер"]),
        ("en", ["Afghanistan", "Åland Islands", "Albania"]),
        ("en", ["Réunion", "Romania", "Rwanda"]),
        ("en", ["Cuba", "Curaçao", "Cyprus"]),
        # The page's own script first, then the others.
        ("ru", ["Ясно", "Zeta"]),
        ("ru-ru", ["Еж", "Ёж", "Ежа"]),
    ],
)
def test_words_sort_as_their_languages_readers_expect(language, words):
    assert alphabetical(list(reversed(words)), language) == words


# --- one list for every form ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_every_country_is_offered_once_with_central_asia_first(language):
    codes = [code for code, _name in ordered_countries(language)]

    assert codes[:5] == CENTRAL_ASIA_IN[language]
    assert sorted(codes) == sorted(COUNTRIES)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_list_is_built_once_per_language(language):
    assert country_choices(language) is country_choices(language)
    assert country_choices(language) is not country_choices("kk" if language != "kk" else "ru")


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
@pytest.mark.parametrize("path", ["/register/", "/accreditation/"])
def test_the_public_forms_offer_central_asia_then_the_rest_in_alphabetical_order(
    client, registration_open, language, path
):
    html = client.get(PREFIX[language] + path).content.decode()

    first, rest, labels = country_select(html)
    assert [code for code, _name in first] == CENTRAL_ASIA_IN[language]
    assert len(labels) == 2
    assert not {code for code, _name in rest} & set(CENTRAL_ASIA)
    names_of_the_rest = [name for _code, name in rest]
    assert names_of_the_rest == alphabetical(names_of_the_rest, language)
    assert len(first) + len(rest) == len(COUNTRIES)


def test_the_accreditation_form_offers_the_same_list_for_every_country_field(client, registration_open):
    selects = Selects(client.get("/kk/accreditation/").content.decode()).selects

    country_fields = [name for name, options in selects.items() if any(value == "KZ" for _g, value, _t in options)]
    assert {"country", "nationality", "outlet_country"} <= set(country_fields)
    assert all(selects[name] == selects["country"] for name in country_fields)


def test_kazakh_puts_the_kazakh_letters_where_the_alphabet_has_them(client, registration_open):
    first, rest, _labels = country_select(client.get("/kk/register/").content.decode())

    names = [name for _code, name in rest]
    assert [name for _code, name in first] == ["Қазақстан", "Қырғызстан", "Өзбекстан", "Тәжікстан", "Түрікменстан"]
    # Қытай (China) after every К… country and before Л; Ұлыбритания after У…, Үндістан after Ұ….
    assert names.index("Кюрасао") < names.index("Қытай") < names.index("Лаос")
    assert names.index("Уругвай") < names.index("Ұлыбритания") < names.index("Үндістан") < names.index("Фиджи")
    assert names.index("Ауғанстан") < names.index("Әзірбайжан") < names.index("Бангладеш")


def test_russian_lists_kazakhstan_among_the_k_countries_in_the_region_and_the_rest_alphabetically(
    client, registration_open
):
    first, rest, _labels = country_select(client.get("/ru/register/").content.decode())

    names = [name for _code, name in rest]
    assert [name for _code, name in first] == ["Казахстан", "Кыргызстан", "Таджикистан", "Туркменистан", "Узбекистан"]
    assert names.index("Иордания") < names.index("Кабо-Верде") < names.index("Камерун") < names.index("Кения")
    assert alphabetical(["Кения", "Казахстан", "Камерун", "Кабо-Верде", "Иордания"], "ru") == [
        "Иордания",
        "Кабо-Верде",
        "Казахстан",
        "Камерун",
        "Кения",
    ]


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        ("ru", ["Кыргызстан", "Майотта", "Либерия", "Мьянма", "Беларусь", "Молдова"], ["Киргизия", "Либерии"]),
        ("kk", ["Қырғызстан", "Майотта", "Америкалық Самоа", "Беларусь", "Молдова"], ["Мариотт", "Шығыс Самоа"]),
    ],
)
def test_countries_have_the_names_the_region_uses(client, registration_open, language, shown, not_shown):
    first, rest, _labels = country_select(client.get(f"/{language}/register/").content.decode())

    names = {name for _code, name in first + rest}
    assert set(shown) <= names
    assert not set(not_shown) & names


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["Central Asia", "Other countries"]),
        ("ru", ["Центральная Азия", "Другие страны"]),  # needs these msgids translated in locale/ru
        ("kk", ["Орталық Азия", "Басқа елдер"]),  # and in locale/kk
    ],
)
def test_the_two_groups_are_named_in_the_pages_language(client, registration_open, language, labels):
    _first, _rest, shown = country_select(client.get(PREFIX[language] + "/register/").content.decode())

    assert shown == labels


# --- the back office ---------------------------------------------------------------------------------------


def models_with_a_country_field() -> list[tuple[type[Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, CountryField) and admin.site.is_registered(model)
    ]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_admin_form_offers_the_shared_list(organiser, language):
    request = RequestFactory().get("/admin/")
    request.user = organiser
    checked = []
    with translation.override(language):
        for model, name in models_with_a_country_field():
            form = admin.site.get_model_admin(model).get_form(request)
            if name in form.base_fields:
                assert list(form.base_fields[name].choices) == country_choices(language), (model, name)
                checked.append(f"{model._meta.label}.{name}")
    assert {"registration.Registration.country", "agenda.Speaker.country", "agenda.Conference.country"} <= set(checked)


def test_the_registration_change_form_in_kazakh_has_central_asia_first(organiser_client, registration_open):
    registration = register(registration_open, "aigerim@example.org")
    url = reverse("admin:registration_registration_change", args=[registration.pk])

    html = organiser_client.get(url, HTTP_ACCEPT_LANGUAGE="kk").content.decode()

    first, rest, _labels = country_select(html)
    assert [code for code, _name in first] == CENTRAL_ASIA_IN["kk"]
    assert [name for _code, name in rest] == [name for _code, name in ordered_countries("kk")[5:]]


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_admin_country_filter_lists_the_countries_present_central_asia_first(
    organiser_client, registration_open, language
):
    for n, country in enumerate(["DE", "UZ", "AT", "KZ", "RU", "KZ"]):
        register(registration_open, f"p{n}@example.org", country=country)
    url = reverse("admin:registration_registration_changelist")

    html = organiser_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    codes = re.findall(r'href="\?country=([A-Z]{2})"', html)
    present = {"DE", "UZ", "AT", "KZ", "RU"}
    assert codes == [code for code, _name in ordered_countries(language) if code in present]
    assert codes[:2] == [code for code in CENTRAL_ASIA_IN[language] if code in present]


def test_the_admin_country_filter_filters(organiser_client, registration_open):
    register(registration_open, "aigerim@example.org", country="KZ")
    register(registration_open, "gulnara@example.org", country="KG")
    url = reverse("admin:registration_registration_changelist")

    filtered = organiser_client.get(url, {"country": "KG"}, HTTP_ACCEPT_LANGUAGE="ru")
    bookmarked = organiser_client.get(url, {"country__exact": "KG"}, HTTP_ACCEPT_LANGUAGE="ru")

    assert filtered.context["cl"].result_count == bookmarked.context["cl"].result_count == 1
    assert "Кыргызстан" in filtered.content.decode()
    assert "Таджикистан" not in filtered.content.decode()


def test_the_dashboard_lists_central_asia_in_the_pages_order_then_the_rest_by_count(registration_open):
    for n, country in enumerate(["DE", "AT", "RU", "RU", "UZ"]):
        register(registration_open, f"p{n}@example.org", country=country)

    with translation.override("kk"):
        rows = by_country(Registration.objects.all())

    assert [code for code, _name, _n in rows] == [*CENTRAL_ASIA_IN["kk"], "RU", "AT", "DE"]
    assert rows[2] == ("UZ", "Өзбекстан", 1)
