"""The email outbox: a row written with the change that needs it, sent once by a Celery task.

`queue_email` writes the row inside the caller's transaction and queues the send task
only when that transaction commits. `deliver` claims the row under a lock, so a row
queued twice is sent once, renders it in the registrant's language, and sends the emails
to one person in the order they were written; SMTP trouble defers it with backoff, and
`requeue_due_emails` (Celery beat) picks up whatever is left.
"""

import logging
import math
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from agenda.feeds import conference_invitation
from registration.models import OutgoingEmail, Registration

logger = logging.getLogger(__name__)

# Mail is retried while the mail server may come back; only a permanent refusal (5xx)
# or this long a time fails it for the organisers to look at.
GIVE_UP_AFTER = timedelta(days=3)
FIRST_RETRY_SECONDS = 5
LONGEST_WAIT_SECONDS = 300
# A task normally picks a row up within seconds; older untouched rows lost theirs.
LOST_AFTER = timedelta(seconds=60)
# How long an email waits, at least, for an earlier one to the same person to go first.
IN_ORDER_WAIT_SECONDS = 3
Kind = OutgoingEmail.Kind
# These carry a reviewer's message, written into them when they are queued: a later
# decision must not change what an earlier email says.
WRITTEN_AT_ONCE = {
    Kind.MEDIA_APPROVED,
    Kind.MEDIA_MORE_INFO,
    Kind.MEDIA_REJECTED,
    Kind.MEDIA_REVOKED,
    Kind.CORRECTION_ACCEPTED,
    Kind.CORRECTION_REFUSED,
}
WITH_CALENDAR = {Kind.CONFIRMED, Kind.PROMOTED, Kind.MEDIA_APPROVED}
CORRECTION_KINDS = {Kind.CORRECTION_ACCEPTED, Kind.CORRECTION_REFUSED}
RENDERED_FIELDS = ("subject", "body_text", "body_html", "calendar")


def retry_delay(attempts: int) -> int:
    """5 s, 15 s, 45 s, 135 s, then every 5 minutes."""
    return min(FIRST_RETRY_SECONDS * 3 ** (attempts - 1), LONGEST_WAIT_SECONDS)


def personal_url(registration: Registration, page: str = "registration:personal-page") -> str:
    with translation.override(registration.language):
        return settings.SITE_URL + reverse(page, args=[registration.token])


def render_email(registration: Registration, kind: str) -> dict[str, str]:
    conference = registration.conference
    context = {
        "registration": registration,
        "accreditation": getattr(registration, "accreditation", None) if registration.is_media else None,
        "correction": registration.corrections.order_by("-pk").first() if kind in CORRECTION_KINDS else None,
        "conference": conference,
        "personal_url": personal_url(registration),
        "badge_url": personal_url(registration, "registration:badge"),
        "site_url": settings.SITE_URL,
    }
    with translation.override(registration.language), timezone.override(conference.tzinfo):
        return {
            "subject": " ".join(render_to_string(f"emails/{kind}-subject.txt", context).split()),
            "body_text": render_to_string(f"emails/{kind}-body.txt", context),
            "body_html": render_to_string(f"emails/{kind}-body.html", context),
        }


def queue_email(registration: Registration, kind: str) -> OutgoingEmail:
    """Write the email in the current transaction; the send task is queued once it commits.

    The row says who gets which email; the message is rendered when it is sent, so the
    transaction (which may hold the conference's seat lock) stays short. Only the press
    office's decisions are written at once (WRITTEN_AT_ONCE).
    """
    email = OutgoingEmail(registration=registration, kind=kind, to=registration.email, language=registration.language)
    if kind in WRITTEN_AT_ONCE:
        render_into(email)
    email.save()
    schedule_send(email.pk)
    return email


def render_into(email: OutgoingEmail) -> None:
    """Fill in subject, bodies and calendar in the registrant's language (kept as the record of what was sent)."""
    registration = email.registration
    for field, value in render_email(registration, email.kind).items():
        setattr(email, field, value)
    if registration.status == Registration.Status.CONFIRMED and email.kind in WITH_CALENDAR:
        with translation.override(registration.language):
            email.calendar = conference_invitation(registration.conference, url=personal_url(registration)).decode()


def queue_copy(email: OutgoingEmail) -> OutgoingEmail:
    """The same message once more, as a new row (the organisers' "resend"), to the same address:
    it carries the personal link, which must not follow an address changed since."""
    copy = OutgoingEmail.objects.create(
        registration=email.registration,
        kind=email.kind,
        to=email.to,
        language=email.language,
        subject=email.subject,
        body_text=email.body_text,
        body_html=email.body_html,
        calendar=email.calendar,
    )
    schedule_send(copy.pk)
    return copy


def schedule_send(email_id: int) -> None:
    from registration.tasks import send_email

    # robust: with the broker down the commit stands, the failure is logged, and the
    # beat sweep sends the row later; the registrant never sees an error for it.
    transaction.on_commit(lambda: send_email.delay(email_id), robust=True)


def build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        email.subject,
        email.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [email.to],
        reply_to=[email.registration.conference.contact_email],  # answers reach the secretariat
        # One Message-ID per outbox row: should a send be repeated (a worker died after the
        # server accepted it), mail clients show it once.
        headers={"Message-ID": f"<outbox-{email.pk}@{urlsplit(settings.SITE_URL).hostname or 'wpsconf'}>"},
    )
    message.attach_alternative(email.body_html, "text/html")
    if email.calendar:
        message.attach("invitation.ics", email.calendar, "text/calendar; charset=utf-8; method=PUBLISH")
    return message


def describe_failure(error: Exception) -> str:
    """What went wrong, without the addresses some SMTP errors carry."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"


def is_permanent(error: Exception) -> bool:
    """A 5xx answer will not change by trying again; connection trouble and 4xx answers may."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def deliver(email_id: int) -> int | None:
    """Send one queued email. Returns the seconds to wait before trying again, or None when done."""
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("registration__conference")
            .filter(pk=email_id, status=OutgoingEmail.Status.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if email is None:
            return None  # sent already, failed for good, not due yet, or another worker holds it
        wait = wait_for_earlier_email(email, now)
        if wait:
            email.next_attempt_at = now + timedelta(seconds=wait)
            email.save(update_fields=["next_attempt_at"])
            return wait
        email.attempts += 1
        try:
            if not email.subject:
                render_into(email)
            message = build_message(email)
        except DatabaseError:
            raise
        except Exception as error:
            # A message that cannot be built fails the same way every time: it is marked
            # failed for organisers to see, instead of coming back every minute and holding
            # back the person's later emails.
            logger.exception("email %s could not be built", email.pk)
            return give_up(email, error)
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            if is_permanent(error) or now - email.created_at >= GIVE_UP_AFTER:
                return give_up(email, error)
            delay = retry_delay(email.attempts)
            email.last_error = describe_failure(error)
            email.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            email.save(update_fields=["attempts", "last_error", "next_attempt_at", *RENDERED_FIELDS])
            logger.warning("email %s deferred after attempt %s: %s", email.pk, email.attempts, email.last_error)
            return delay
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = timezone.now()
        email.next_attempt_at = None
        email.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", *RENDERED_FIELDS])
    logger.info("email %s sent (%s)", email.pk, email.kind)
    return None


def wait_for_earlier_email(email: OutgoingEmail, now) -> int:
    """Seconds to wait while an earlier email to the same person is unsent; 0 to send now.

    A person reads "confirmed" before "cancelled", even when the first was held up.
    """
    earlier = (
        OutgoingEmail.objects.filter(
            registration_id=email.registration_id, status=OutgoingEmail.Status.QUEUED, pk__lt=email.pk
        )
        .order_by("pk")
        .values("next_attempt_at", "created_at")
        .first()
    )
    if earlier is None:
        return 0
    due = earlier["next_attempt_at"]
    if due is not None and due > now:
        return max(IN_ORDER_WAIT_SECONDS, math.ceil((due - now).total_seconds()) + 1)  # deferred: until it is due
    if due is None and now - earlier["created_at"] >= LOST_AFTER:
        return int(LOST_AFTER.total_seconds())  # its task was lost: the sweep queues it again
    return IN_ORDER_WAIT_SECONDS  # it is being sent, or about to be


def give_up(email: OutgoingEmail, error: Exception) -> None:
    email.status = OutgoingEmail.Status.FAILED
    email.last_error = describe_failure(error)
    email.next_attempt_at = None
    email.save(update_fields=["attempts", "status", "last_error", "next_attempt_at", *RENDERED_FIELDS])
    logger.error("email %s failed after %s attempts: %s", email.pk, email.attempts, email.last_error)


def mail_server_reachable() -> bool:
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
        connection.close()
    except (smtplib.SMTPException, OSError):
        return False
    return True


def due_emails(now=None):
    """Queued rows whose task is overdue or was lost (broker down, worker died)."""
    now = now or timezone.now()
    return OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=now - LOST_AFTER)
    )


def requeue_due_emails() -> int:
    """Queue a send for every overdue row; when the mail server answers again, for deferred rows too."""
    from registration.tasks import send_email

    now = timezone.now()
    waiting = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__gt=now)
    if waiting.exists() and mail_server_reachable():
        waiting.update(next_attempt_at=now)  # due now: the server answers again
    ids = list(due_emails(now).order_by("pk").values_list("pk", flat=True))
    for email_id in ids:
        send_email.delay(email_id)
    if ids:
        logger.info("re-queued %s unsent emails", len(ids))
    return len(ids)


def retry_failed(emails) -> int:
    """Organisers' retry: failed rows go back to the queue with a fresh count."""
    ids = list(emails.filter(status=OutgoingEmail.Status.FAILED).values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids).update(
        status=OutgoingEmail.Status.QUEUED, attempts=0, next_attempt_at=None, last_error=""
    )
    for email_id in ids:
        schedule_send(email_id)
    return len(ids)
