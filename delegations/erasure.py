"""What delegations keep about people, forgotten with them (registered with `registration.erasure`).

Members are registrations, erased by registration's rules. A delegation keeps its focal
point's details, the official letter and the organisers' words: these go when the
conference is anonymised, or when organisers erase one delegation's, and the letter's file
is deleted (django-cleanup, once the transaction commits).
"""

from django.db import transaction
from django.db.models import QuerySet

from agenda.models import Conference
from delegations.models import Delegation, DelegationMember, FocalPointLinkRequest
from outbox.services import forget_emails_to
from registration.erasure import forget_in_admin_history
from registration.models import Registration, new_token

FOCAL_POINT_TEXT = ("focal_point_phone", "focal_point_position", "return_reason", "notes", "letter")


def forget_members(registration_ids: list[int]) -> None:
    """Someone erased whose place was given up leaves their delegation's list; one who took part
    stays on it, anonymous, and in the delegation's figures."""
    DelegationMember.objects.filter(
        registration_id__in=registration_ids,
        registration__status__in=(Registration.Status.CANCELLED, Registration.Status.DECLINED),
    ).delete()


@transaction.atomic
def anonymise_delegations(delegations: QuerySet) -> int:
    """The focal points' details, the letters and the organisers' words, gone; country, kind and quota stay."""
    rows = list(delegations.select_for_update())
    forget_emails_to(addresses=[delegation.focal_point_email for delegation in rows])
    FocalPointLinkRequest.objects.filter(email__in=[delegation.focal_point_email for delegation in rows]).delete()
    for delegation in rows:
        for field in FOCAL_POINT_TEXT:
            setattr(delegation, field, "")
        delegation.focal_point_name = f"#{delegation.pk}"
        delegation.focal_point_email = f"anonymised-delegation-{delegation.pk}@invalid.example"
        delegation.token = new_token()  # the old link opens nothing any more
        delegation.save(update_fields=[*FOCAL_POINT_TEXT, "focal_point_name", "focal_point_email", "token"])
    ids = [delegation.pk for delegation in rows]
    forget_in_admin_history(Delegation, ids)
    # The audit history keeps each old version whole: those go, and one record says the data was erased.
    Delegation.history.filter(id__in=ids).delete()
    Delegation.history.bulk_history_create(rows, update=True, default_change_reason="erased")
    return len(rows)


def forget_conference(conference: Conference) -> None:
    anonymise_delegations(Delegation.objects.filter(conference=conference))


def count_documents(conference: Conference) -> int:
    return Delegation.objects.filter(conference=conference).exclude(letter="").count()
