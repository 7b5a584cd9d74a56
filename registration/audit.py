"""Why a registration changed: the reasons recorded in its audit history, and their labels.

A change saved through the ORM is recorded by django-simple-history with the reason set on
the instance (`_change_reason`, its documented way); the few changes made by one UPDATE for
atomicity (a check-in, erasure) are recorded here, after the fact, with the same reasons.
"""

from collections.abc import Iterable

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from outbox import kinds
from registration.models import EmailKind, Registration


class Reason(TextChoices):
    REGISTERED = "registered", _("Registered")
    REGISTERED_ON_BEHALF = "registered_on_behalf", _("Registered by a delegation's focal point")
    REGISTRANT = "registrant", _("Details changed by the registrant")
    CORRECTION_REQUESTED = "correction_requested", _("Correction of identity sent for review")
    CORRECTION_ACCEPTED = "correction_accepted", _("Correction of identity accepted")
    CORRECTION_REFUSED = "correction_refused", _("Correction of identity refused")
    CORRECTION_WITHDRAWN = "correction_withdrawn", _("Correction of identity withdrawn by the registrant")
    CHECKED_IN = "checked_in", _("Checked in at the door")
    CHECK_IN_UNDONE = "check_in_undone", _("Check-in undone")
    ERASED = "erased", _("Personal data erased")


def labels() -> dict[str, str]:
    """A status change is recorded under the email it sends ("Registration confirmed", …)."""
    return {**dict(kinds.choices()), **dict(Reason.choices)}


BY_THE_REGISTRANT = {
    Reason.REGISTERED,
    Reason.REGISTRANT,
    Reason.CORRECTION_REQUESTED,
    Reason.CORRECTION_WITHDRAWN,
    EmailKind.CANCELLED,
}


def record_changes(registrations: Iterable[Registration], reason: str, *, by=None) -> None:
    """Record the current state of rows that one UPDATE changed (the ORM's save was not called)."""
    Registration.history.bulk_history_create(
        list(registrations), update=True, default_user=by, default_change_reason=reason
    )
