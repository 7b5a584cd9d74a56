"""Lookups the admin refuses, whatever a URL asks for.

Django's admin filters a list by any field of its model named in the query string
(`?gender=woman`, `?token__startswith=a`), listed as a filter or not. Gender is promised to
feed anonymous figures only, and a personal link's token must never be found by guessing it
a character at a time: a lookup that touches either field, through any relation, is refused
(Django answers 400, and exports go back to the unfiltered list).
"""

from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.db.models.constants import LOOKUP_SEP

PRIVATE_FIELDS = frozenset({"gender", "token"})


class NoLookupsOnPrivateFields:
    """A ModelAdmin mixin: list filters in URLs never reach PRIVATE_FIELDS."""

    def lookup_allowed(self, lookup, value, request=None):
        if PRIVATE_FIELDS & set(lookup.split(LOOKUP_SEP)):
            raise DisallowedModelAdminLookup(f"Filtering by {lookup} is not allowed.")
        return super().lookup_allowed(lookup, value, request)
