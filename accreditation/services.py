"""The media accreditation workflow: request, review, and the badge handed over against an ID.

A media applicant is a `Registration` in the media's own pool of seats (see
registration.services), with an `AccreditationRequest` beside it. Every decision locks
the conference and the registration as the registration workflow does, is recorded with
who took it, and mails the applicant in their language.
"""

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

Status = AccreditationRequest.Status
Action = AccreditationDecision.Action
FIRST_EMAIL = {Registration.Status.PENDING: Kind.RECEIVED, Registration.Status.WAITLISTED: EmailKind.WAITLISTED}
UNDER_REVIEW = (Status.PENDING, Status.MORE_INFO)


def store(documents: dict) -> dict[str, str]:
    """Write checked documents to private storage, before any lock is taken; their stored names."""
    return {
        field: private_storage.save(random_name("accreditation", file.name), file) for field, file in documents.items()
    }


def delete_stored(names) -> None:
    for name in names:
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


def locked_request(request: AccreditationRequest) -> tuple[Conference, AccreditationRequest]:
    conference, registration = seats.locked_registration(request.registration)
    request = AccreditationRequest.objects.select_for_update().get(pk=request.pk)
    request.registration = registration
    return conference, request


def decide(request: AccreditationRequest, status: str, action: str, *, by, message: str = "") -> None:
    request.status = status
    request.reviewer_message = message
    request.reviewed_by = by
    request.reviewed_at = timezone.now()
    audited(request, action, by=by)
    request.save(update_fields=["status", "reviewer_message", "reviewed_by", "reviewed_at"])
    AccreditationDecision.objects.create(request=request, action=action, message=message, decided_by=by)


def audited(request: AccreditationRequest, action: str, *, by=None) -> None:
    """The next save is recorded in the audit history under this action, by this person
    (django-simple-history's documented attributes)."""
    request._change_reason = action
    if by is not None:
        request._history_user = by


def required(text: str, error: str) -> str:
    if not text or not text.strip():
        raise ValidationError(error)
    return text.strip()


def refuse_if_withdrawn(request: AccreditationRequest) -> None:
    if request.registration.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED):
        raise ValidationError(_("The applicant has cancelled: there is nothing left to decide."))


def refuse_unless_under_review(request: AccreditationRequest) -> None:
    if request.status not in UNDER_REVIEW:
        raise ValidationError(
            _("This request has been decided already (%(status)s).") % {"status": request.get_status_display()}
        )
    refuse_if_withdrawn(request)


@transaction.atomic
def approve(request: AccreditationRequest, *, by, message: str = "") -> AccreditationRequest:
    """Confirm the applicant's seat; a message, if the reviewer writes one, goes into the email."""
    conference, request = locked_request(request)
    refuse_unless_under_review(request)
    registration = request.registration
    if registration.status == Registration.Status.WAITLISTED and not seats.has_free_seat(conference, media=True):
        raise ValidationError(_("No media seat is free. Raise the media seats or wait for one to be given up."))
    decide(request, Status.APPROVED, Action.APPROVED, by=by, message=message.strip())
    seats.change_status(registration, Registration.Status.CONFIRMED, kind=Kind.APPROVED, joined_waiting_list_at=None)
    return request


@transaction.atomic
def ask_for_more_information(request: AccreditationRequest, *, message: str, by) -> AccreditationRequest:
    message = required(message, _("Say what the applicant must send or correct."))
    _conference, request = locked_request(request)
    refuse_unless_under_review(request)
    decide(request, Status.MORE_INFO, Action.MORE_INFO, by=by, message=message)
    queue_email(request.registration, Kind.MORE_INFO)
    return request


def close(request: AccreditationRequest, conference: Conference, *, kind: str, reason: str) -> None:
    """The applicant's seat goes to the first media applicant waiting."""
    registration = request.registration
    was_active = registration.is_active
    seats.change_status(
        registration, Registration.Status.DECLINED, kind=kind, decline_reason=reason, joined_waiting_list_at=None
    )
    if was_active:
        seats.fill_free_seats(conference, media=True)


@transaction.atomic
def reject(request: AccreditationRequest, *, reason: str, by) -> AccreditationRequest:
    reason = required(reason, _("Give the reason for the rejection: the applicant reads it."))
    conference, request = locked_request(request)
    refuse_unless_under_review(request)
    decide(request, Status.REJECTED, Action.REJECTED, by=by, message=reason)
    close(request, conference, kind=Kind.REJECTED, reason=reason)
    return request


@transaction.atomic
def revoke(request: AccreditationRequest, *, reason: str, by) -> AccreditationRequest:
    reason = required(reason, _("Give the reason for revoking: the applicant reads it."))
    conference, request = locked_request(request)
    if request.status != Status.APPROVED:
        raise ValidationError(_("Only an approved accreditation can be revoked."))
    refuse_if_withdrawn(request)
    decide(request, Status.REVOKED, Action.REVOKED, by=by, message=reason)
    close(request, conference, kind=Kind.REVOKED, reason=reason)
    return request


def resubmit_documents(request: AccreditationRequest, documents: dict) -> AccreditationRequest:
    """The applicant answers "more information needed" with new documents: the request is reviewed again."""
    if not documents:
        raise ValidationError(_("Choose at least one document to send."))
    stored = store(documents)
    try:
        return replace_documents(request, stored)
    except BaseException:
        delete_stored(stored.values())
        raise


@transaction.atomic
def replace_documents(request: AccreditationRequest, stored: dict[str, str]) -> AccreditationRequest:
    """The replaced files are deleted once this commits (django-cleanup)."""
    _conference, request = locked_request(request)
    if request.status != Status.MORE_INFO:
        raise ValidationError(_("The press office has not asked you for documents."))
    refuse_if_withdrawn(request)
    for field, name in stored.items():
        setattr(request, field, name)
    request.status = Status.PENDING
    request.submitted_at = timezone.now()
    audited(request, Action.RESUBMITTED)
    request.save(update_fields=[*stored, "status", "submitted_at"])
    AccreditationDecision.objects.create(request=request, action=Action.RESUBMITTED)
    return request


@transaction.atomic
def record_badge_pickup(request: AccreditationRequest, *, identity_document: str, by) -> AccreditationRequest:
    """The press office hands the badge over after checking a valid ID against the applicant."""
    _conference, request = locked_request(request)
    if request.status == Status.REVOKED:
        raise ValidationError(_("This accreditation has been revoked: the badge must not be handed over."))
    if request.status != Status.APPROVED or request.registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(_("Only an approved accreditation has a badge to collect."))
    if request.badge_collected:
        raise ValidationError(
            _("The badge was collected already, on %(when)s.")
            % {
                "when": date_format(
                    request.registration.conference.local(request.badge_collected_at), "DATETIME_FORMAT"
                )
            }
        )
    request.badge_collected_at = timezone.now()
    request.badge_handed_over_by = by
    request.identity_document = identity_document
    audited(request, Action.BADGE_COLLECTED, by=by)
    request.save(update_fields=["badge_collected_at", "badge_handed_over_by", "identity_document"])
    AccreditationDecision.objects.create(
        request=request, action=Action.BADGE_COLLECTED, message=request.get_identity_document_display(), decided_by=by
    )
    return request
