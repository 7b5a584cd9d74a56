"""Removing personal data: a finished conference's, all at once, or one person's on request.

What identifies a person (names, contact details, free text, documents, the personal
link, corrections, the old versions kept by the audit history, the badge sheets that print
them) is replaced by placeholders, deleted or drawn again without them; what the participation dashboard counts
(status, category, country, gender, language, dates, check-in, the media's outlet type)
stays, so its figures are the same afterwards. Logs name only row numbers and slugs.

Erasure lives with the people it erases (the personal page offers it). The apps above
registration that keep more about a person register how they forget it (`register`, the
shape of pretix's data shredders): registration never imports them.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet

from agenda.models import Conference
from outbox.services import forget_emails_to
from registration import services, tasks
from registration.audit import Reason, record_changes
from registration.models import (
    BadgeSheet,
    IdentityCorrection,
    LinkRequest,
    Registration,
    new_reference,
    new_token,
)
from wpsconf import clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PersonalDataElsewhere:
    """What another app keeps about registrants: how it forgets them, and counts their documents."""

    forget: Callable[[list[int]], None]  # registration ids, in the erasure's transaction
    count_documents: Callable[[Conference], int]
    # What the app keeps about a conference's people who are not registrants (a delegation's focal point).
    forget_conference: Callable[[Conference], None] | None = None


ELSEWHERE: list[PersonalDataElsewhere] = []


def register(
    forget: Callable[[list[int]], None],
    *,
    count_documents: Callable[[Conference], int],
    forget_conference: Callable[[Conference], None] | None = None,
) -> None:
    """Called from an app's `ready()`."""
    ELSEWHERE.append(
        PersonalDataElsewhere(forget=forget, count_documents=count_documents, forget_conference=forget_conference)
    )


PERSONAL_TEXT = (
    "first_name",
    "phone",
    "organisation",
    "position",
    "parliament",
    "chamber",
    "ministry",
    "mission",
    "represented_country",
    "organisation_country",
    "accessibility_needs",
    "dietary_needs",
    "decline_reason",
)


def anonymise(registrations: QuerySet) -> int:
    """Replace the personal data of these registrations; delete their documents. How many."""
    ids = list(registrations.values_list("pk", flat=True))
    addresses = set(Registration.objects.filter(pk__in=ids).values_list("conference_id", "email"))
    for registration_id in ids:
        Registration.objects.filter(pk=registration_id).update(
            **dict.fromkeys(PERSONAL_TEXT, ""),
            honorific="",
            last_name=f"#{registration_id}",
            email=f"anonymised-{registration_id}@invalid.example",
            # A new reference and link: old exports and printed lists no longer lead back to the row.
            reference=new_reference(),
            token=new_token(),
        )
    forget_emails_to(ids)
    IdentityCorrection.objects.filter(registration_id__in=ids).delete()  # a new photo goes too (django-cleanup)
    for conference_id, email in addresses:
        LinkRequest.objects.filter(conference_id=conference_id, email__iexact=email).delete()
    forget_in_admin_history(Registration, ids)
    forget_in_audit_history(ids)
    for elsewhere in ELSEWHERE:
        elsewhere.forget(ids)
    redraw_badge_sheets(ids, conferences={conference_id for conference_id, _email in addresses})
    return len(ids)


def forget_in_audit_history(ids: list[int]) -> None:
    """The audit history keeps each old version whole: those go, and one record says the data was erased."""
    Registration.history.filter(id__in=ids).delete()
    record_changes(Registration.objects.filter(pk__in=ids), Reason.ERASED)


def redraw_badge_sheets(ids: list[int], *, conferences: set[int]) -> None:
    """Every stored sheet that prints these people is drawn again without them, or deleted if
    nobody else is on it. Sheets from before we recorded who is on them are deleted."""
    unknown = BadgeSheet.objects.filter(registrations__isnull=True).filter(
        Q(conference_id__in=conferences) | Q(conference__isnull=True)
    )
    for sheet in unknown:
        sheet.delete()  # its PDF goes with it (django-cleanup)
    for sheet in BadgeSheet.objects.filter(registrations__in=ids).distinct():
        sheet.registrations.remove(*ids)
        remaining = list(sheet.registrations.values_list("pk", flat=True))
        if not remaining:
            sheet.delete()
            continue
        sheet.file = ""  # the old PDF is deleted once this commits (django-cleanup)
        sheet.people, sheet.finished_at = len(remaining), None
        sheet.save(update_fields=["file", "people", "finished_at"])
        transaction.on_commit(
            lambda sheet_id=sheet.pk, people=remaining: tasks.print_badge_sheet.delay(sheet_id, people, notify=False),
            robust=True,  # with the queue down, the sheet stays "being drawn" and holds nobody erased
        )


def forget_in_admin_history(model, rows) -> None:
    """The admin's change log names each object as it was ("REF First Last"): keep the entry, not the name."""
    ids = [str(pk) for pk in (rows if isinstance(rows, list) else rows.values_list("pk", flat=True))]
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids).update(
        object_repr="", change_message=""
    )


def anonymise_conference(conference: Conference, *, dry_run: bool = False) -> dict[str, int]:
    """A finished conference's personal data, gone; the caller checks that it has ended."""
    people = conference.registrations.all()
    sheets = BadgeSheet.objects.filter(conference=conference)
    counts = {
        "registrations": people.count(),
        "documents": sum(elsewhere.count_documents(conference) for elsewhere in ELSEWHERE),
        "badge_sheets": sheets.count(),
    }
    if not dry_run:
        with transaction.atomic():
            for sheet in sheets:
                sheet.delete()  # its PDF goes with it (django-cleanup)
            anonymise(people)
            for elsewhere in ELSEWHERE:
                if elsewhere.forget_conference:
                    elsewhere.forget_conference(conference)
        logger.info("anonymised conference %s: %s", conference.slug, counts)
    return counts


@transaction.atomic
def erase_on_request(registration: Registration) -> None:
    """The registrant's own "erase my data": their seat is given up first, without an email
    to an address about to disappear, then everything personal goes."""
    # Once the conference has begun, seats and figures stand as they were; only the person goes.
    if registration.conference.starts_at > clock.now() and not registration.is_closed:
        services.cancel_registration(registration, notify=False)
    anonymise(Registration.objects.filter(pk=registration.pk))
    logger.info("registration %s erased at its registrant's request", registration.pk)
