"""Checking people in at the door: signed badge codes, and one atomic check-in per person.

A badge's QR code carries the reference signed with SECRET_KEY, so a code with one
character changed, or made up, is refused without naming anyone. What was scanned or
typed is told apart by its content: a signed code checks the person in at once; a bare
8-character reference (typed from the badge, or a QR code holding nothing more) proves
nothing by itself, so the door is shown the person (with their badge photo, where there
is one) and checks them in only once the staff member confirms the ID matches. Two doors
scanning one badge at the same moment: one conditional UPDATE succeeds (green), the other
finds it done (amber).
"""

import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Conference
from registration.audit import Reason, record_changes
from registration.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, DoorCount, IdentityCorrection, Registration
from wpsconf import clock
from wpsconf.search import every_word, folded

SALT = "registration.badge"
ID_CHECKED_SALT = "registration.id-checked"
# Long enough to look at a passport; short enough that a confirmation is not kept for later.
ID_CHECK_SECONDS = 10 * 60
TYPED_REFERENCE = re.compile(rf"[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}}")
Status = Registration.Status


def badge_code(registration: Registration) -> str:
    """What the badge's QR code says: the reference and its signature."""
    return signing.Signer(salt=SALT).sign(registration.reference)


def reference_in(code: str) -> tuple[str | None, bool]:
    """The reference a scanned code or a typed reference names (None for a forged or garbled
    code), and whether it was a bare reference: that proves nothing, the person's ID does."""
    code = code.strip()
    if TYPED_REFERENCE.fullmatch(code.upper()):
        return code.upper(), True
    try:
        return signing.Signer(salt=SALT).unsign(code), False
    except signing.BadSignature:
        return None, False


class Light(StrEnum):
    GREEN = "green"
    CHECK_ID = "check-id"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class Answer:
    light: Light
    message: str
    registration: Registration | None = None
    # With CHECK_ID: what the door posts back once the ID has been checked (`confirm_id_checked`).
    confirmation: str = ""


def refusal(registration: Registration) -> str | None:
    """Why this person may not come in, or None."""
    accreditation = getattr(registration, "accreditation", None) if registration.is_media else None
    if accreditation is not None and accreditation.status == accreditation.Status.REVOKED:
        return _("Accreditation revoked.")
    if (
        registration.status == Status.PENDING
        and registration.identity_is_frozen
        and registration.corrections.filter(status=IdentityCorrection.Status.PENDING).exists()
    ):
        return _("A correction of this person's identity is under review: the badge is not valid until it is decided.")
    reasons = {
        Status.CANCELLED: _("Registration cancelled."),
        Status.DECLINED: _("Registration declined."),
        Status.WAITLISTED: _("On the waiting list, not confirmed."),
        Status.PENDING: _("Not confirmed yet."),
    }
    if registration.status in reasons:
        return reasons[registration.status]
    if accreditation is not None and not accreditation.badge_collected:
        return _("Media badge not collected yet: send the person to the accreditation desk with their ID.")
    return None


def already_in(registration: Registration, conference: Conference) -> str:
    by = registration.checked_in_by.get_username() if registration.checked_in_by else "—"
    when = conference.local(registration.checked_in_at)
    today = conference.local(clock.now()).date()
    return _(
        "Already checked in at %(time)s by %(by)s. If this is not the same person, check their ID: "
        "a badge may have been copied."
    ) % {
        "time": when.strftime("%H:%M" if when.date() == today else "%d.%m %H:%M"),
        "by": by,
    }


def people(conference: Conference) -> QuerySet:
    return conference.registrations.select_related("accreditation", "checked_in_by")


def check_in(code: str, *, conference: Conference, by) -> Answer:
    reference, bare = reference_in(code)
    registration = people(conference).filter(reference=reference).first() if reference else None
    if registration is None:
        return Answer(Light.RED, _("Unknown or forged code. Ask for the person's reference or search by name."))
    if reason := refusal(registration):
        return Answer(Light.RED, reason, registration)
    if bare and not registration.checked_in_at:
        return Answer(
            Light.CHECK_ID,
            _("A reference alone proves nothing: check their ID against this name, then confirm."),
            registration,
            confirmation=signing.dumps([registration.reference, by.pk], salt=ID_CHECKED_SALT),
        )
    return admit(registration, conference, by=by, welcome=_("Checked in. Welcome!"))


def confirm_id_checked(confirmation: str, *, conference: Conference, by) -> Answer:
    """The door checked the ID of the person a bare reference named: check them in."""
    try:
        reference, checked_by = signing.loads(confirmation, salt=ID_CHECKED_SALT, max_age=ID_CHECK_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        return Answer(Light.RED, _("This confirmation has expired: scan or type the code again."))
    registration = people(conference).filter(reference=reference).first() if checked_by == by.pk else None
    if registration is None:
        return Answer(Light.RED, _("This confirmation has expired: scan or type the code again."))
    if reason := refusal(registration):
        return Answer(Light.RED, reason, registration)
    return admit(registration, conference, by=by, welcome=_("Checked in after an ID check. Welcome!"))


def admit(registration: Registration, conference: Conference, *, by, welcome: str) -> Answer:
    # The condition makes it atomic: of two simultaneous scans, one updates the row.
    with transaction.atomic():
        checked = Registration.objects.filter(
            pk=registration.pk, status=Status.CONFIRMED, checked_in_at__isnull=True
        ).update(checked_in_at=timezone.now(), checked_in_by=by)
        DoorCount.objects.add(conference.pk, checked_in=checked)
    registration = people(conference).get(pk=registration.pk)
    if checked:
        record_changes([registration], Reason.CHECKED_IN, by=by)
        return Answer(Light.GREEN, welcome, registration)
    if registration.checked_in_at:
        return Answer(Light.AMBER, already_in(registration, conference), registration)
    return Answer(Light.RED, refusal(registration) or _("Not confirmed yet."), registration)


@transaction.atomic
def undo_check_ins(registrations: QuerySet, *, by) -> int:
    """Organisers' undo, for a mistaken scan; how many were undone."""
    # Locked first: of two organisers undoing the same check-in at once, one takes it off the count.
    undone = list(
        Registration.objects.filter(pk__in=registrations.filter(checked_in_at__isnull=False).values("pk"))
        .select_for_update()
        .filter(checked_in_at__isnull=False)
        .order_by()
        .values_list("pk", "conference_id", "status")
    )
    ids = [pk for pk, _conference, _status in undone]
    Registration.objects.filter(pk__in=ids).update(checked_in_at=None, checked_in_by=None)
    counted = Counter(conference for _pk, conference, status in undone if status == Status.CONFIRMED)
    for conference_id, people in counted.items():
        DoorCount.objects.add(conference_id, checked_in=-people)
    record_changes(Registration.objects.filter(pk__in=ids), Reason.CHECK_IN_UNDONE, by=by)
    return len(ids)


def counts(conference: Conference) -> dict[str, int]:
    """Checked in, out of the people expected (everyone confirmed): kept, not counted at each scan."""
    return DoorCount.objects.counts(conference)


# Door staff sign in without a second factor, on shared phones: a search finds someone they
# can name, among the people who may come in, not a list of everyone who ever registered.
SHORTEST_WORD = 2
SHORTEST_QUERY = 3


def search(conference: Conference, query: str, *, limit: int = 20) -> list[Registration]:
    """Confirmed people without their badge: by name (each word at least two letters), email or reference."""
    query = query.replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL in text
    words = query.split()[:5]
    if len(query.replace(" ", "")) < SHORTEST_QUERY or any(len(word) < SHORTEST_WORD for word in words):
        return []
    name = ("first_name", "last_name")
    matches = Q(reference=query.upper()) | Q(email_folded=query.lower()) | every_word(name, words)
    found = people(conference).filter(status=Status.CONFIRMED).alias(**folded("email", *name)).filter(matches)
    return list(found.order_by("last_name", "first_name")[:limit])
