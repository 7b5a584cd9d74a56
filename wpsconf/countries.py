"""Every list of countries the site offers, in one order: the five Central Asian states first, then
all the others, each group alphabetical in the language on screen (wpsconf.collation).

A list is built once per language and process: a form, an admin page or a filter reuses it
instead of translating and sorting 250 names again.
"""

import functools

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django_countries import countries
from django_countries.fields import CountryField

from wpsconf.collation import collation_key

CENTRAL_ASIA = ("KZ", "KG", "TJ", "TM", "UZ")

Choices = tuple[tuple[str, str], ...]


@functools.cache
def central_asia_and_the_rest(language: str | None) -> tuple[Choices, Choices]:
    """(code, name) pairs of the Central Asian states and of the others, each sorted in `language`."""
    with translation.override(language):
        named = [(code, str(name)) for code, name in countries]
    named.sort(key=lambda pair: collation_key(pair[1], language))
    return (
        tuple(pair for pair in named if pair[0] in CENTRAL_ASIA),
        tuple(pair for pair in named if pair[0] not in CENTRAL_ASIA),
    )


@functools.cache
def ordered_countries(language: str | None) -> Choices:
    """The countries one after the other, as a list without groups shows them (the admin's filters)."""
    first, rest = central_asia_and_the_rest(language)
    return first + rest


@functools.cache
def country_choices(language: str | None) -> list:
    """A country field's choices: the blank one, then Central Asia and the others as two groups."""
    first, rest = central_asia_and_the_rest(language)
    with translation.override(language):
        return [*BLANK_CHOICE_DASH, (_("Central Asia"), list(first)), (_("Other countries"), list(rest))]


def current_country_choices() -> list:
    return country_choices(translation.get_language())


# A lazy list (django.utils.functional.lazy) is an iterable Django keeps as it is: each
# form reads the cached list of the language active when it is drawn or checked. A plain
# callable would be normalised, all 250 entries, every time the list is read.
country_list = lazy(current_country_choices, list)()


def with_cached_country_lists(model_field, **kwargs) -> forms.Field | None:
    """A model form's fields as Django makes them, but a country field's list is the shared one.

    Each form neither copies nor builds a 250-name list of its own.
    """
    form_field = model_field.formfield(**kwargs)
    if isinstance(model_field, CountryField):
        form_field.choices = country_list
    return form_field


class CountryListsAdmin:
    """A ModelAdmin mixin: its country fields offer the shared list (filters: wpsconf.admin_filters)."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if isinstance(db_field, CountryField):
            kwargs.setdefault("choices", country_list)
        return super().formfield_for_choice_field(db_field, request, **kwargs)
