"""Case-insensitive search in every script, on PostgreSQL and on SQLite alike.

SQLite's LIKE and LOWER() fold only the Latin letters A-Z, so "қасымова" would never find
"Қасымова" there. `Folded` lowers a column with the database's own LOWER() on PostgreSQL
and with Python's `str.lower` on SQLite (a function registered on each new connection);
the query is lowered by Python, so both sides fold the same way.
"""

from functools import reduce
from operator import and_, or_

from django.db.models import Func, Q, QuerySet

SQLITE_FUNCTION = "wpsconf_lower"


class Folded(Func):
    function = "LOWER"
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """Receiver of `connection_created`, connected by the registration app when it is ready."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, lower, deterministic=True)


def lower(value):
    return value.lower() if isinstance(value, str) else value


def folded(*fields: str) -> dict[str, Folded]:
    """Aliases for `QuerySet.alias()`: each field lowered, named `<field>_folded`."""
    return {f"{field}_folded": Folded(field) for field in fields}


def every_word(fields: tuple[str, ...], words: list[str]) -> Q:
    """Every word occurs, in any letter case, in at least one of the fields (aliased by `folded`)."""
    each_word = [reduce(or_, (Q(**{f"{field}_folded__contains": word.lower()}) for field in fields)) for word in words]
    return reduce(and_, each_word, Q())


def search(queryset: QuerySet, fields: tuple[str, ...], words: list[str]) -> QuerySet:
    return queryset.alias(**folded(*fields)).filter(every_word(fields, words))
