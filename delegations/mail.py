"""The delegations' emails: to a focal point in their language, or to the organisers' contact address.

Neither is a registration, the outbox's recipient model: each is an `outbox.services.Addressee`,
and its email is written when it is queued, from what it says at that moment.
"""

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from delegations.models import Delegation
from outbox.models import OutgoingEmail
from outbox.services import Addressee, queue_email
from registration.models import Registration


class DelegationEmailKind(models.TextChoices):
    INVITED = "delegation_invited", _("Delegation: invitation to the focal point")
    SUBMITTED = "delegation_submitted", _("Delegation: list submitted (to the organisers)")
    APPROVED = "delegation_approved", _("Delegation approved")
    RETURNED = "delegation_returned", _("Delegation returned for changes")
    MEMBER_ADDED = "delegation_member_added", _("Delegation: member added")
    DECLINED = "delegation_declined", _("Delegation request declined")
    LINK_RESENT = "delegation_link_resent", _("Delegation: focal point's link sent again")


Kind = DelegationEmailKind


def focal_point_url(delegation: Delegation) -> str:
    with translation.override(delegation.language):
        return settings.SITE_URL + reverse("delegations:focal-point", args=[delegation.token])


def admin_url(delegation: Delegation) -> str:
    return settings.SITE_URL + reverse("admin:delegations_delegation_change", args=[delegation.pk])


def write(addressee: Addressee, kind: str) -> dict[str, str]:
    """Subject and bodies from templates/emails/<kind>-…, in the addressee's language."""
    context = dict(addressee.about)
    delegation = context["delegation"]
    conference = delegation.conference
    context.update(
        conference=conference,
        focal_point_url=focal_point_url(delegation),
        admin_url=admin_url(delegation),
        site_url=settings.SITE_URL,
    )
    with translation.override(addressee.language), timezone.override(conference.tzinfo):
        return {
            "subject": " ".join(render_to_string(f"emails/{kind}-subject.txt", context).split()),
            "body_text": render_to_string(f"emails/{kind}-body.txt", context),
            "body_html": render_to_string(f"emails/{kind}-body.html", context),
            "reply_to": conference.contact_email,
        }


def to_focal_point(delegation: Delegation, kind: str, **context) -> OutgoingEmail | None:
    about = {"delegation": delegation, **context}
    return queue_email(Addressee(delegation.focal_point_email, delegation.language, about=about), kind)


def to_organisers(delegation: Delegation, kind: str) -> OutgoingEmail | None:
    """To the conference's contact address, in the site's default language."""
    addressee = Addressee(delegation.conference.contact_email, settings.LANGUAGE_CODE, about={"delegation": delegation})
    return queue_email(addressee, kind)


def without_address(delegation: Delegation) -> list[Registration]:
    """Members with no address of their own: the focal point hands them their badges."""
    return [
        member.registration
        for member in delegation.members.select_related("registration").filter(registration__email="")
    ]
