"""Removing personal data: a finished conference's, all at once, or one person's on request.

What identifies a person (names, contact details, free text, documents, the personal
link) is replaced by placeholders or deleted; what the participation dashboard counts
(status, category, country, gender, language, dates, check-in, the media's outlet type)
stays, so its figures are the same afterwards. Logs name only row numbers and slugs.
"""

import logging

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accreditation.models import DOCUMENT_FIELDS, AccreditationDecision, AccreditationRequest
from agenda.models import Conference
from registration import services
from registration.models import BadgeSheet, OutgoingEmail, Registration, new_token

logger = logging.getLogger(__name__)

PERSONAL_TEXT = (
    "first_name",
    "phone",
    "organisation",
    "position",
    "parliament",
    "ministry",
    "mission",
    "accessibility_needs",
    "dietary_needs",
    "decline_reason",
)
REQUEST_TEXT = (
    "outlet_website",
    "press_card_number",
    "press_card_issuer",
    "crew",
    "technical_needs",
    "interview_requests",
    "reviewer_message",
)


def anonymise(registrations: QuerySet) -> int:
    """Replace the personal data of these registrations; delete their documents. How many."""
    ids = list(registrations.values_list("pk", flat=True))
    for registration in Registration.objects.filter(pk__in=ids).only("pk"):
        Registration.objects.filter(pk=registration.pk).update(
            **dict.fromkeys(PERSONAL_TEXT, ""),
            honorific="",
            last_name=f"#{registration.pk}",
            email=f"anonymised-{registration.pk}@invalid.example",
            token=new_token(),  # the old personal link leads nowhere
        )
    OutgoingEmail.objects.filter(registration_id__in=ids).update(
        to="anonymised@invalid.example", subject="", body_text="", body_html="", calendar="", last_error=""
    )
    for request in AccreditationRequest.objects.filter(registration_id__in=ids):
        for field in DOCUMENT_FIELDS:
            setattr(request, field, "")  # django-cleanup deletes the files once this commits
        for field in REQUEST_TEXT:
            setattr(request, field, "")
        request.save(update_fields=[*DOCUMENT_FIELDS, *REQUEST_TEXT])
    AccreditationDecision.objects.filter(request__registration_id__in=ids).update(message="")
    return len(ids)


def anonymise_conference(conference: Conference, *, dry_run: bool = False) -> dict[str, int]:
    """A finished conference's personal data, gone; the caller checks that it has ended."""
    people = conference.registrations.all()
    sheets = BadgeSheet.objects.filter(created_at__lte=conference.ends_at)
    counts = {
        "registrations": people.count(),
        "documents": sum(
            1
            for request in AccreditationRequest.objects.filter(registration__conference=conference)
            for field in DOCUMENT_FIELDS
            if getattr(request, field)
        ),
        "badge_sheets": sheets.count(),
    }
    if not dry_run:
        with transaction.atomic():
            anonymise(people)
            for sheet in sheets:
                sheet.delete()  # its PDF goes with it (django-cleanup)
        logger.info("anonymised conference %s: %s", conference.slug, counts)
    return counts


def has_ended(conference: Conference) -> bool:
    return conference.ends_at <= timezone.now()


@transaction.atomic
def erase_on_request(registration: Registration) -> None:
    """The registrant's own "erase my data": their seat is given up first, without an email
    to an address about to disappear, then everything personal goes."""
    conference, registration = services.locked_registration(registration)
    if registration.status not in (Registration.Status.CANCELLED, Registration.Status.DECLINED):
        Registration.objects.filter(pk=registration.pk).update(
            status=Registration.Status.CANCELLED, status_changed_at=timezone.now(), queued_at=None
        )
        if registration.is_active:
            services.fill_free_seats(conference, media=registration.is_media)
    anonymise(Registration.objects.filter(pk=registration.pk))
    logger.info("registration %s erased at its registrant's request", registration.pk)
