"""The admin filters a list only by the filters it offers, whatever a URL asks for.

Django's admin filters a list by any field of its model named in the query string
(`?gender=woman`, `?token__startswith=a`, `?body_text__regex=/my/a`), listed as a filter or
not: enough to list people by gender, which is promised to feed anonymous figures only, or
to find a personal link's token a character at a time in the email bodies. Here a lookup is
allowed only along a filter the list shows (its `list_filter` and `date_hierarchy`), never
through the gender or a token, and only with a value the database can take. Anything else
is refused: Django answers 400, and exports go back to the unfiltered list.
"""

from django.contrib.admin import SimpleListFilter
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.db.models.constants import LOOKUP_SEP

PRIVATE_FIELDS = frozenset({"gender", "token"})
# What a date drill-down may ask for, and the values a database date can hold.
DATE_PARTS = {"year": range(1, 10_000), "month": range(1, 13), "day": range(1, 32)}


class OnlyTheListsOwnFilters:
    """A ModelAdmin mixin: see the module's docstring."""

    def lookup_allowed(self, lookup, value, request=None):
        parts = lookup.split(LOOKUP_SEP)
        if PRIVATE_FIELDS & set(parts) or "\x00" in str(value):
            raise DisallowedModelAdminLookup(f"Filtering by {lookup} is not allowed.")
        if not any(lookup == path or lookup.startswith(path + LOOKUP_SEP) for path in self.filter_paths(request)):
            raise DisallowedModelAdminLookup(f"Filtering by {lookup} is not allowed.")
        if self.date_hierarchy and lookup.startswith(self.date_hierarchy + LOOKUP_SEP):
            part = lookup.removeprefix(self.date_hierarchy + LOOKUP_SEP)
            if part not in DATE_PARTS or not str(value).isdigit() or int(value) not in DATE_PARTS[part]:
                raise DisallowedModelAdminLookup(f"Filtering by {lookup}={value} is not allowed.")
        return super().lookup_allowed(lookup, value, request)

    def filter_paths(self, request) -> set[str]:
        paths = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                paths.add(item.parameter_name)
            else:
                paths.add(item[0] if isinstance(item, (list, tuple)) else item)
        return paths
