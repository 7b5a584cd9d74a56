"""The media accreditation workflow: request, review, and the badge handed over against an ID.

A media applicant is a `Registration` in the media's own pool of seats (see
registration.services), with an `AccreditationRequest` beside it. Every decision locks
the conference and the registration as the registration workflow does, is recorded with
who took it, and mails the applicant in their language.
"""

import contextlib
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accreditation.mail import MediaEmailKind as Kind
from accreditation.models import DOCUMENT_FIELDS, AccreditationDecision, AccreditationRequest
from agenda.models import Conference
from outbox.services import queue_email
from registration import seats
from registration import services as registration_services
from registration.models import EmailKind, Registration
from wpsconf.storage import private_storage, random_name

logger = logging.getLogger(__name__)
Status = AccreditationRequest.Status
Action = AccreditationDecision.Action
FIRST_EMAIL = {Registration.Status.PENDING: Kind.RECEIVED, Registration.Status.WAITLISTED: EmailKind.WAITLISTED}
Decision = AccreditationRequest.Decision


def store(documents: dict) -> dict[str, str]:
    """Write checked documents to private storage, before any lock is taken; their stored names.

    A full or unwritable disk leaves nothing behind: what was written is deleted, and the
    applicant is told on the form, in their language, to try again.
    """
    stored = {}
    try:
        for field, file in documents.items():
            name = random_name("accreditation", file.name)
            stored[field] = name  # before the write: a file half-written when the disk filled is deleted too
            stored[field] = private_storage.save(name, file)
    except OSError as error:
        delete_stored(stored.values())
        logger.error("documents could not be stored: %s", error.strerror or type(error).__name__)
        raise ValidationError(
            _(
                "We could not store your documents just now, so nothing was saved. "
                "Please try again in a few minutes; if it keeps failing, write to us."
            ),
            code="storage_failed",
        ) from error
    return stored


def delete_stored(names) -> None:
    for name in names:
        with contextlib.suppress(OSError):  # on a failing disk, deleting may fail too
            private_storage.delete(name)


def request_accreditation(
    *, conference: Conference, person: dict, accreditation: dict, language: str
) -> registration_services.Outcome:
    """Create the media registration and its request in one transaction (or mail the existing link)."""
    # Megabytes are written before the seat transaction, which every registration waits for.
    stored = store({field: accreditation[field] for field in DOCUMENT_FIELDS if accreditation.get(field)})
    details = {field: value for field, value in accreditation.items() if field not in DOCUMENT_FIELDS}
    try:
        outcome = registration_services.register_attendee(
            conference=conference,
            details={**person, "category": Registration.Category.MEDIA},
            language=language,
            along_with=lambda registration: AccreditationRequest.objects.create(
                registration=registration, submitted_at=registration.created_at, **details, **stored
            ),
            first_email=FIRST_EMAIL,
        )
    except BaseException:
        delete_stored(stored.values())  # nothing refers to them: the transaction did not happen
        raise
    if not outcome.created:
        delete_stored(stored.values())  # a known address: its request stands as it was
    return outcome


def locked_accreditation(accreditation: AccreditationRequest) -> tuple[Conference, AccreditationRequest]:
    conference, registration = seats.locked_registration(accreditation.registration)
    accreditation = AccreditationRequest.objects.select_for_update().get(pk=accreditation.pk)
    accreditation.registration = registration
    return conference, accreditation


def decide(accreditation: AccreditationRequest, status: str, action: str, *, by, message: str = "") -> None:
    accreditation.status = status
    accreditation.reviewer_message = message
    accreditation.reviewed_by = by
    accreditation.reviewed_at = timezone.now()
    audited(accreditation, action, by=by)
    accreditation.save(update_fields=["status", "reviewer_message", "reviewed_by", "reviewed_at"])
    AccreditationDecision.objects.create(accreditation=accreditation, action=action, message=message, decided_by=by)


def audited(accreditation: AccreditationRequest, action: str, *, by=None) -> None:
    """The next save is recorded in the audit history under this action, by this person
    (django-simple-history's documented attributes)."""
    accreditation._change_reason = action
    if by is not None:
        accreditation._history_user = by


def required(text: str, error: str) -> str:
    if not text or not text.strip():
        raise ValidationError(error)
    return text.strip()


def refuse_if_withdrawn(accreditation: AccreditationRequest) -> None:
    if accreditation.registration.is_closed:
        raise ValidationError(_("The applicant has cancelled: there is nothing left to decide."))


def refuse_unless_allowed(accreditation: AccreditationRequest, decision: str) -> None:
    """The same rule the admin's buttons are drawn from, with a reason when it says no."""
    if decision in accreditation.allowed_decisions():
        return
    if decision == Decision.REVOKE and accreditation.status != Status.APPROVED:
        raise ValidationError(_("Only an approved accreditation can be revoked."))
    if decision != Decision.REVOKE and not accreditation.is_under_review:
        raise ValidationError(
            _("This request has been decided already (%(status)s).") % {"status": accreditation.get_status_display()}
        )
    refuse_if_withdrawn(accreditation)


@transaction.atomic
def approve(accreditation: AccreditationRequest, *, by, message: str = "") -> AccreditationRequest:
    """Confirm the applicant's seat; a message, if the reviewer writes one, goes into the email."""
    conference, accreditation = locked_accreditation(accreditation)
    refuse_unless_allowed(accreditation, Decision.APPROVE)
    registration = accreditation.registration
    if registration.status == Registration.Status.WAITLISTED and not seats.has_free_seat(conference, media=True):
        raise ValidationError(_("No media seat is free. Raise the media seats or wait for one to be given up."))
    decide(accreditation, Status.APPROVED, Action.APPROVED, by=by, message=message.strip())
    seats.change_status(registration, Registration.Status.CONFIRMED, kind=Kind.APPROVED, joined_waiting_list_at=None)
    return accreditation


@transaction.atomic
def ask_for_more_information(accreditation: AccreditationRequest, *, message: str, by) -> AccreditationRequest:
    message = required(message, _("Say what the applicant must send or correct."))
    _conference, accreditation = locked_accreditation(accreditation)
    refuse_unless_allowed(accreditation, Decision.MORE_INFO)
    decide(accreditation, Status.MORE_INFO, Action.MORE_INFO, by=by, message=message)
    queue_email(accreditation.registration, Kind.MORE_INFO)
    return accreditation


def close(accreditation: AccreditationRequest, conference: Conference, *, kind: str, reason: str) -> None:
    """The applicant's seat goes to the first media applicant waiting."""
    registration = accreditation.registration
    was_active = registration.is_active
    seats.change_status(
        registration, Registration.Status.DECLINED, kind=kind, decline_reason=reason, joined_waiting_list_at=None
    )
    if was_active:
        seats.fill_free_seats(conference, media=True)


@transaction.atomic
def reject(accreditation: AccreditationRequest, *, reason: str, by) -> AccreditationRequest:
    reason = required(reason, _("Give the reason for the rejection: the applicant reads it."))
    conference, accreditation = locked_accreditation(accreditation)
    refuse_unless_allowed(accreditation, Decision.REJECT)
    decide(accreditation, Status.REJECTED, Action.REJECTED, by=by, message=reason)
    close(accreditation, conference, kind=Kind.REJECTED, reason=reason)
    return accreditation


@transaction.atomic
def revoke(accreditation: AccreditationRequest, *, reason: str, by) -> AccreditationRequest:
    reason = required(reason, _("Give the reason for revoking: the applicant reads it."))
    conference, accreditation = locked_accreditation(accreditation)
    refuse_unless_allowed(accreditation, Decision.REVOKE)
    decide(accreditation, Status.REVOKED, Action.REVOKED, by=by, message=reason)
    close(accreditation, conference, kind=Kind.REVOKED, reason=reason)
    return accreditation


def resubmit_documents(accreditation: AccreditationRequest, documents: dict) -> AccreditationRequest:
    """The applicant answers "more information needed" with new documents: the accreditation is reviewed again."""
    if not documents:
        raise ValidationError(_("Choose at least one document to send."))
    stored = store(documents)
    try:
        return replace_documents(accreditation, stored)
    except BaseException:
        delete_stored(stored.values())
        raise


@transaction.atomic
def replace_documents(accreditation: AccreditationRequest, stored: dict[str, str]) -> AccreditationRequest:
    """The replaced files are deleted once this commits (django-cleanup)."""
    _conference, accreditation = locked_accreditation(accreditation)
    if accreditation.status != Status.MORE_INFO:
        raise ValidationError(_("The press office has not asked you for documents."))
    refuse_if_withdrawn(accreditation)
    for field, name in stored.items():
        setattr(accreditation, field, name)
    accreditation.status = Status.PENDING
    accreditation.submitted_at = timezone.now()
    audited(accreditation, Action.RESUBMITTED)
    accreditation.save(update_fields=[*stored, "status", "submitted_at"])
    AccreditationDecision.objects.create(accreditation=accreditation, action=Action.RESUBMITTED)
    return accreditation


@transaction.atomic
def record_badge_pickup(accreditation: AccreditationRequest, *, identity_document: str, by) -> AccreditationRequest:
    """The press office hands the badge over after checking a valid ID against the applicant."""
    _conference, accreditation = locked_accreditation(accreditation)
    if accreditation.status == Status.REVOKED:
        raise ValidationError(_("This accreditation has been revoked: the badge must not be handed over."))
    if accreditation.status != Status.APPROVED or accreditation.registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(_("Only an approved accreditation has a badge to collect."))
    if accreditation.badge_collected:
        raise ValidationError(
            _("The badge was collected already, on %(when)s.")
            % {
                "when": date_format(
                    accreditation.registration.conference.local(accreditation.badge_collected_at), "DATETIME_FORMAT"
                )
            }
        )
    accreditation.badge_collected_at = timezone.now()
    accreditation.badge_handed_over_by = by
    accreditation.identity_document = identity_document
    audited(accreditation, Action.BADGE_COLLECTED, by=by)
    accreditation.save(update_fields=["badge_collected_at", "badge_handed_over_by", "identity_document"])
    AccreditationDecision.objects.create(
        accreditation=accreditation,
        action=Action.BADGE_COLLECTED,
        message=accreditation.get_identity_document_display(),
        decided_by=by,
    )
    return accreditation
