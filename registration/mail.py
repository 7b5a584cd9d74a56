"""What registration's emails say: written for the outbox, in the registrant's language.

The outbox (`outbox.queue_email`) keeps, sends and retries them; this module only writes
them (`write`, registered for each `EmailKind` when the app is ready) and builds the
personal links they carry.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from agenda.feeds import conference_invitation
from registration.models import EmailKind, Registration

WITH_CALENDAR = {EmailKind.CONFIRMED, EmailKind.PROMOTED}
CORRECTION_KINDS = {EmailKind.CORRECTION_ACCEPTED, EmailKind.CORRECTION_REFUSED}
# These carry a reviewer's decision, written into them when they are queued: a later
# decision must not change what an earlier email says.
WRITTEN_AT_ONCE = CORRECTION_KINDS


def personal_url(registration: Registration, page: str = "registration:personal-page") -> str:
    with translation.override(registration.language):
        return settings.SITE_URL + reverse(page, args=[registration.token])


def write_email(registration: Registration, kind: str, *, with_calendar: bool = False, **context) -> dict[str, str]:
    """Subject, bodies (templates/emails/<kind>-…), reply-to, and for a confirmed person the invitation."""
    conference = registration.conference
    context = {
        "registration": registration,
        "conference": conference,
        "personal_url": personal_url(registration),
        "badge_url": personal_url(registration, "registration:badge"),
        "site_url": settings.SITE_URL,
        **context,
    }
    with translation.override(registration.language), timezone.override(conference.tzinfo):
        written = {
            "subject": " ".join(render_to_string(f"emails/{kind}-subject.txt", context).split()),
            "body_text": render_to_string(f"emails/{kind}-body.txt", context),
            "body_html": render_to_string(f"emails/{kind}-body.html", context),
            "reply_to": conference.contact_email,  # answers reach the secretariat
        }
        if with_calendar and registration.status == Registration.Status.CONFIRMED:
            written["calendar"] = conference_invitation(conference, url=personal_url(registration)).decode()
    return written


def write(registration: Registration, kind: str) -> dict[str, str]:
    correction = registration.corrections.order_by("-pk").first() if kind in CORRECTION_KINDS else None
    return write_email(registration, kind, with_calendar=kind in WITH_CALENDAR, correction=correction)
