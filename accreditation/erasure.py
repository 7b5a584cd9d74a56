"""What accreditation keeps about a person, forgotten with them (registered with `registration.erasure`)."""

from accreditation.models import DOCUMENT_FIELDS, AccreditationDecision, AccreditationRequest
from agenda.models import Conference
from registration.audit import Reason
from registration.erasure import forget_in_admin_history

REQUEST_TEXT = (
    "nationality",
    "outlet_country",
    "outlet_website",
    "press_card_number",
    "press_card_issuer",
    "crew",
    "technical_needs",
    "interview_requests",
    "reviewer_message",
    "identity_document",
)


def forget(registration_ids: list[int]) -> None:
    """Documents, free text and the reviewers' messages go; the outlet type stays for the figures."""
    accreditations = list(AccreditationRequest.objects.filter(registration_id__in=registration_ids))
    for accreditation in accreditations:
        for field in DOCUMENT_FIELDS:
            setattr(accreditation, field, "")  # django-cleanup deletes the files once this commits
        for field in REQUEST_TEXT:
            setattr(accreditation, field, "")
        accreditation.working_languages, accreditation.equipment = [], []
        accreditation.save(update_fields=[*DOCUMENT_FIELDS, *REQUEST_TEXT, "working_languages", "equipment"])
    AccreditationDecision.objects.filter(accreditation__registration_id__in=registration_ids).update(message="")
    forget_in_admin_history(AccreditationRequest, [accreditation.pk for accreditation in accreditations])
    # The audit history keeps each old version whole: those go, and one record says the data was erased.
    AccreditationRequest.history.filter(id__in=[accreditation.pk for accreditation in accreditations]).delete()
    AccreditationRequest.history.bulk_history_create(accreditations, update=True, default_change_reason=Reason.ERASED)


def count_documents(conference: Conference) -> int:
    return sum(
        1
        for accreditation in AccreditationRequest.objects.filter(registration__conference=conference)
        for field in DOCUMENT_FIELDS
        if getattr(accreditation, field)
    )
