"""What the admin's lists offer to filter by, and show, in the organiser's language: languages
by their names, and only the countries people actually come from, by theirs."""

from django.conf import settings
from django.contrib import admin
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from wpsconf.countries import ordered_countries


def language_name(code: str) -> str:
    """One of the site's languages by its name in the active language ("Kazakh", "Казахский")."""
    return str(dict(settings.LANGUAGES).get(code, code))


class LanguageFilter(admin.SimpleListFilter):
    """The site's languages, without reading every row to find which occur."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


class CountriesPresentFilter(CountryFilter):
    """django-countries' filter by a country field, listing not all 250 countries but those the
    people in the list's conferences come from, by their names in the organiser's language, in the
    order of every country list (wpsconf.countries: Central Asia first, then alphabetical)."""

    # Where the list's rows name their conference; None: the rows are not tied to one.
    conference_path: str | None = None

    def lookup_choices(self, changelist):
        rows = changelist.root_queryset
        if self.conference_path:
            # The conferences of the rows listed now, so another conference's countries stay out.
            listed = changelist.queryset.order_by().values(self.conference_path)
            rows = rows.filter(**{f"{self.conference_path}__in": listed})
        present = set(rows.order_by().values_list(self.field_path, flat=True).distinct())
        return [(code, name) for code, name in ordered_countries(translation.get_language()) if code in present]


def countries_present(*, conference: str | None = None) -> type[CountriesPresentFilter]:
    """The filter for a list whose rows reach their conference through `conference`."""
    return type("CountriesPresentFilter", (CountriesPresentFilter,), {"conference_path": conference})
