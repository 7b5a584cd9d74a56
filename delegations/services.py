"""Delegations: a focal point's list of members within a quota, the official letter, and the review.

Members are registrations, made and changed through registration's published functions, so
each holds a seat of the conference's capacity like anyone else. Lock order, everywhere: the
delegation's row first, then the conference's (taken inside registration's services), then a
registration's. Registration's own actions on one member (the admin's approve, decline,
cancel) take only the last two, so no two transactions ever wait for each other in a cycle.
"""

import contextlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agenda.models import Conference
from delegations import mail
from delegations.mail import Kind
from delegations.models import Delegation, DelegationMember, FocalPointLinkRequest
from outbox.models import OutgoingEmail
from registration import corrections
from registration import services as registration_services
from registration.models import Registration
from wpsconf.storage import private_storage, random_name

logger = logging.getLogger(__name__)
Status = Delegation.Status


def locked(delegation: Delegation) -> Delegation:
    return Delegation.objects.select_for_update().select_related("conference").get(pk=delegation.pk)


def seats_used(delegation: Delegation) -> int:
    """Members holding a seat (pending or confirmed)."""
    return delegation.members.filter(registration__status__in=Registration.ACTIVE_STATUSES).count()


def refuse_unless_open(delegation: Delegation) -> None:
    if not delegation.is_open:
        raise ValidationError(_("This delegation's list cannot be changed."), code="closed")


def back_to_review(delegation: Delegation) -> None:
    """A change to an approved list goes back to the organisers, as a registrant's correction does."""
    if delegation.status == Status.APPROVED:
        delegation.status = Status.SUBMITTED
        delegation.submitted_at = timezone.now()
        delegation._change_reason = "changed after approval"
        delegation.save(update_fields=["status", "submitted_at"])
        mail.to_organisers(delegation, Kind.SUBMITTED)


def make_head(delegation: Delegation, member: DelegationMember | None) -> None:
    """At most one head of delegation: naming one unmarks the other."""
    delegation.members.filter(is_head=True).exclude(pk=member.pk if member else None).update(is_head=False)
    if member is not None and not member.is_head:
        member.is_head = True
        member.save(update_fields=["is_head"])


@transaction.atomic
def add_member(delegation: Delegation, *, details: dict, language: str, is_head: bool = False) -> Registration:
    """A new member within the quota: a registration holding a seat, pending the list's review."""
    delegation = locked(delegation)
    refuse_unless_open(delegation)
    if seats_used(delegation) >= delegation.quota:
        raise ValidationError(quota_reached(delegation.quota), code="quota")
    if is_head:
        make_head(delegation, None)
    registration = registration_services.register_on_behalf(
        conference=delegation.conference,
        details=details,
        language=language,
        along_with=lambda registration: DelegationMember.objects.create(
            delegation=delegation, registration=registration, is_head=is_head
        ),
    )
    back_to_review(delegation)
    mail.to_focal_point(delegation, Kind.MEMBER_ADDED, member=registration)
    return registration


def quota_reached(quota: int) -> str:
    return ngettext(
        "The delegation's quota of %(quota)d seat is reached: remove a member first, "
        "or ask the organisers for more seats.",
        "The delegation's quota of %(quota)d seats is reached: remove a member first, "
        "or ask the organisers for more seats.",
        quota,
    ) % {"quota": quota}


@transaction.atomic
def update_member(member: DelegationMember, *, values: dict, is_head: bool) -> None:
    """The focal point's changes to a member's details (what registration lets them change) and the head's mark."""
    delegation = locked(member.delegation)
    refuse_unless_open(delegation)
    member = DelegationMember.objects.select_for_update().select_related("registration").get(pk=member.pk)
    if member.registration.is_closed:
        raise ValidationError(_("This member's registration is closed."), code="closed")
    if values:
        registration_services.save_own_details(member.registration, values)
    if is_head != member.is_head:
        if is_head:
            make_head(delegation, member)
        else:
            member.is_head = False
            member.save(update_fields=["is_head"])
        back_to_review(delegation)  # the badge says who heads the delegation


@transaction.atomic
def correct_member(member: DelegationMember, *, proposed: dict) -> None:
    """Who a confirmed member is changes as a registrant's correction does: organisers review it,
    and the member's place is back under review meanwhile (registration.corrections)."""
    delegation = locked(member.delegation)
    refuse_unless_open(delegation)
    corrections.request_correction(member.registration, proposed=proposed)


@transaction.atomic
def remove_member(member: DelegationMember) -> None:
    """Off the list, and their registration cancelled: the seat is free again (and the quota's)."""
    delegation = locked(member.delegation)
    refuse_unless_open(delegation)
    registration = member.registration
    member.delete()
    if not registration.is_closed:
        # Someone who was never written to is not written to now.
        registration_services.cancel_registration(registration, notify=registration.emails.exists())
    back_to_review(delegation)


def store_letter(letter: ContentFile) -> str:
    """Written before any lock is taken; the stored name."""
    return private_storage.save(random_name("delegations", letter.name), letter)


def replace_letter(delegation: Delegation, letter: ContentFile) -> None:
    """The official letter, checked by the form (wpsconf.uploads.pdf_document); the old one is deleted."""
    name = store_letter(letter)
    try:
        with transaction.atomic():
            delegation = locked(delegation)
            refuse_unless_open(delegation)
            delegation.letter = name  # django-cleanup deletes the old file once this commits
            delegation._change_reason = "letter"
            delegation.save(update_fields=["letter"])
            back_to_review(delegation)
    except BaseException:
        with contextlib.suppress(OSError):
            private_storage.delete(name)
        raise


@transaction.atomic
def submit(delegation: Delegation) -> Delegation:
    delegation = locked(delegation)
    if delegation.status not in (Status.INVITED, Status.RETURNED):
        raise ValidationError(_("This list has been submitted already."), code="submitted")
    if not delegation.members.exists():
        raise ValidationError(_("Add at least one member before submitting the list."), code="empty")
    if not delegation.letter:
        raise ValidationError(_("Upload the official letter before submitting the list."), code="no_letter")
    delegation.status = Status.SUBMITTED
    delegation.submitted_at = timezone.now()
    delegation._change_reason = "submitted"
    delegation.save(update_fields=["status", "submitted_at"])
    mail.to_organisers(delegation, Kind.SUBMITTED)
    return delegation


def decided(delegation: Delegation, status: str, *, by, **fields) -> None:
    delegation.status = status
    delegation.decided_at = timezone.now()
    delegation.decided_by = by
    for name, value in fields.items():
        setattr(delegation, name, value)
    delegation._change_reason = status
    if by is not None:
        delegation._history_user = by
    delegation.save(update_fields=["status", "decided_at", "decided_by", *fields])


@transaction.atomic
def approve(delegation: Delegation, *, by=None) -> Delegation:
    """The list as a whole: each member waiting for it is confirmed and mailed their personal link."""
    delegation = locked(delegation)
    if delegation.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted delegation can be approved."), code="not_submitted")
    for member in delegation.members.select_related("registration", "registration__conference"):
        if member.registration.status == Registration.Status.PENDING:
            try:
                registration_services.approve_registration(member.registration)
            except ValidationError as error:
                raise ValidationError(f"{member.registration.reference}: {' '.join(error.messages)}") from None
    decided(delegation, Status.APPROVED, by=by, return_reason="")
    mail.to_focal_point(delegation, Kind.APPROVED, without_address=mail.without_address(delegation))
    return delegation


@transaction.atomic
def return_to_focal_point(delegation: Delegation, *, reason: str, by=None) -> Delegation:
    """Back to the focal point with the organisers' reason; they correct the list and submit it again."""
    if not reason.strip():
        raise ValidationError(_("Give the focal point a reason for returning the list."), code="no_reason")
    delegation = locked(delegation)
    if delegation.status not in (Status.SUBMITTED, Status.APPROVED):
        raise ValidationError(_("Only a submitted or approved delegation can be returned."), code="not_submitted")
    decided(delegation, Status.RETURNED, by=by, return_reason=reason.strip())
    mail.to_focal_point(delegation, Kind.RETURNED)
    return delegation


@transaction.atomic
def invite(delegation: Delegation, *, by=None) -> Delegation:
    """Mail the focal point their link: a request accepted, or an invitation sent again."""
    delegation = locked(delegation)
    if delegation.status not in (Status.REQUESTED, Status.INVITED):
        raise ValidationError(_("Only a requested or invited delegation can be invited."), code="not_invitable")
    if delegation.quota < 1:
        raise ValidationError(_("Set the delegation's seat quota before inviting it."), code="no_quota")
    if delegation.status == Status.REQUESTED:
        decided(delegation, Status.INVITED, by=by)
    mail.to_focal_point(delegation, Kind.INVITED)
    return delegation


@transaction.atomic
def decline_request(delegation: Delegation, *, by=None) -> Delegation:
    delegation = locked(delegation)
    if delegation.status != Status.REQUESTED:
        raise ValidationError(_("Only a request can be declined."), code="not_requested")
    decided(delegation, Status.DECLINED, by=by)
    mail.to_focal_point(delegation, Kind.DECLINED)
    return delegation


def request_delegation(*, conference: Conference, details: dict, language: str) -> Delegation:
    """A focal point's request, for the organisers to accept (setting the quota) or decline."""
    delegation = Delegation(conference=conference, status=Status.REQUESTED, language=language, quota=0, **details)
    delegation._change_reason = "requested"
    delegation.save()
    return delegation


# "Lost your link": a focal point gets it a few times an hour at most, however often it is asked for.
LINK_EMAILS_PER_HOUR = 3


def mail_link_again(delegation: Delegation) -> bool:
    """Call in a transaction with the delegation locked; counted by address, whatever delegations it holds."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    recent = OutgoingEmail.objects.filter(
        recipient__isnull=True,
        to=delegation.focal_point_email,
        kind=Kind.LINK_RESENT,
        created_at__gte=an_hour_ago,
    ).count()
    if recent >= LINK_EMAILS_PER_HOUR:
        return False
    mail.to_focal_point(delegation, Kind.LINK_RESENT)
    return True


def answer_link_request(link_request_id: int) -> None:
    """The worker's half of the focal points' "Lost your link?": their open delegations' links, or nothing."""
    with transaction.atomic():
        link_request = (
            FocalPointLinkRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("conference")
            .filter(pk=link_request_id)
            .first()
        )
        if link_request is None:
            return
        delegations = Delegation.objects.select_for_update().filter(
            conference=link_request.conference,
            focal_point_email__iexact=link_request.email,
            status__in=Delegation.OPEN_STATUSES,
        )
        link_request.delete()  # the address is kept no longer than it takes to answer
        for delegation in delegations.select_related("conference"):
            mail_link_again(delegation)


def answer_waiting_link_requests(now=None) -> int:
    """Celery beat's sweep: answer the requests whose task never came."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.TASK_LOST_AFTER_SECONDS)
    waiting = list(
        FocalPointLinkRequest.objects.filter(created_at__lte=cutoff).order_by("pk").values_list("pk", flat=True)
    )
    for link_request_id in waiting:
        answer_link_request(link_request_id)
    return len(waiting)
