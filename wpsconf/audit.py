"""The audit history of a record, as organisers read it: when, who, why, and each field from what to what.

The records are django-simple-history's. Each carries a reason code (`history_change_reason`)
that the app which made the change names; the app passes its labels in, so this module
knows no app above it. A change nobody signed in made is the registrant's own (through the
personal link) when its reason says so, and the system's otherwise (a promotion, a worker).
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CREATED, DELETED = "+", "-"


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    when: str
    who: str
    what: str
    changes: list[Change]


def shown(record, field: models.Field) -> str:
    """A field's value in a historical record, as the admin would show it."""
    if field.is_relation:
        related = getattr(record, field.name, None)
        return str(related) if related is not None else "—"
    value = getattr(record, field.attname)
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "tzinfo"):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return str(value)


def history_of(
    instance: models.Model,
    *,
    reasons: Mapping[str, str],
    by_the_registrant: Collection[str] = (),
    hidden: Collection[str] = (),
) -> list[Entry]:
    """Newest first. `hidden` fields are left out of what is shown (they may still be recorded)."""
    records = list(instance.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {field.name: field for field in instance.history.model.tracked_fields}
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=hidden)
            changes = [
                Change(str(fields[name].verbose_name), shown(previous, fields[name]), shown(record, fields[name]))
                for name in delta.changed_fields
                if name in fields
            ]
        if previous is None or changes or record.history_change_reason:
            entries.append(
                Entry(
                    when=formats.date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT"),
                    who=who(record, by_the_registrant),
                    what=what(record, reasons),
                    changes=changes,
                )
            )
        previous = record
    return entries[::-1]


def who(record, by_the_registrant: Collection[str]) -> str:
    if record.history_user is not None:
        return record.history_user.get_username()
    if record.history_change_reason in by_the_registrant:
        return str(REGISTRANT)
    return str(SYSTEM)


def what(record, reasons: Mapping[str, str]) -> str:
    if record.history_change_reason in reasons:
        return str(reasons[record.history_change_reason])
    return str({CREATED: CREATED_LABEL, DELETED: DELETED_LABEL}.get(record.history_type, CHANGED_LABEL))


REGISTRANT = gettext_lazy("the registrant (personal link)")
SYSTEM = gettext_lazy("the system")
CREATED_LABEL = gettext_lazy("Created")
CHANGED_LABEL = gettext_lazy("Changed")
DELETED_LABEL = gettext_lazy("Deleted")
