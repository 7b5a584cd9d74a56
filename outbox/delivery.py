"""Sending one email, and finding those to send again.

`deliver` claims a row with one conditional UPDATE (queued, due, and no earlier email to
the same person still unsent: it becomes "sending"), commits, sends with no transaction
open, then marks the row sent, failed, or due again later. A row claimed twice is sent
once; a person reads their emails in the order they were written. There is one retry
path: the row's `next_attempt_at`, which Celery beat's sweep (`emails_to_send_again`)
honours every minute.
"""

import logging
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone

from outbox import kinds
from outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status

# Mail is retried while the mail server may come back; only a permanent refusal (5xx)
# or this long a time fails it for the organisers to look at.
GIVE_UP_AFTER = timedelta(days=3)
# The sweep runs every minute by default (SWEEP_SECONDS), so no wait is shorter.
FIRST_RETRY_SECONDS = 60
LONGEST_WAIT_SECONDS = 300
WRITTEN_FIELDS = ("subject", "body_text", "body_html", "calendar", "reply_to")


def lost_after() -> timedelta:
    """A task normally picks a row up within seconds; older untouched rows lost theirs."""
    return timedelta(seconds=settings.TASK_LOST_AFTER_SECONDS)


def stuck_after() -> timedelta:
    """Far longer than one SMTP conversation: a row "sending" this long belonged to a worker
    that died; it is sent again (with the same Message-ID)."""
    return timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)


def retry_delay(attempts: int) -> int:
    """1 minute, 2, 4, then every 5 minutes."""
    return min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), LONGEST_WAIT_SECONDS)


def write_into(email: OutgoingEmail, recipient=None) -> None:
    """Fill in what the email says, in its recipient's language (kept as the record of what was sent)."""
    for field, value in kinds.write(recipient or email.recipient, email.kind).items():
        setattr(email, field, value)


def due(now) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def claim(email_id: int, now) -> bool:
    """Mark the row in flight if it is queued, due, and first in its recipient's line."""
    # The same person: the same recipient row, or, for an addressee with none, the same address.
    same_person = Q(recipient_id=OuterRef("recipient_id")) | Q(recipient__isnull=True, to=OuterRef("to"))
    earlier_unsent = OutgoingEmail.objects.filter(
        same_person, pk__lt=OuterRef("pk"), status__in=(Status.QUEUED, Status.SENDING)
    )
    claimed = (
        OutgoingEmail.objects.filter(due(now), pk=email_id, status=Status.QUEUED)
        .exclude(Exists(earlier_unsent))
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def deliver(email_id: int) -> int | None:
    """Send one queued email if it is due; return the id of its recipient's next email to send, if any.

    Call with no transaction open: the claim must commit before the mail server is reached.
    """
    now = timezone.now()
    if not claim(email_id, now):
        return None  # sent already, failed for good, not due yet, held by another worker, or not first in line
    email = OutgoingEmail.objects.select_related("recipient").get(pk=email_id)
    try:
        if not email.subject:
            write_into(email)
        message = build_message(email)
    except Exception as error:
        # A message that cannot be written fails the same way every time: it is marked
        # failed for organisers to see, instead of coming back every minute and holding
        # back the person's later emails.
        logger.exception("email %s could not be written", email.pk)
        return finish(email, Status.FAILED, error=error)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if is_permanent(error) or now - email.created_at >= GIVE_UP_AFTER:
            return finish(email, Status.FAILED, error=error)
        return finish(
            email, Status.QUEUED, error=error, retry_at=timezone.now() + timedelta(seconds=retry_delay(email.attempts))
        )
    return finish(email, Status.SENT)


def finish(email: OutgoingEmail, status: str, *, error: Exception | None = None, retry_at=None) -> int | None:
    """Record the attempt (unless the sweep gave the row to another worker meanwhile); the next to send."""
    fields = {field: getattr(email, field) for field in WRITTEN_FIELDS}
    if error is not None:
        fields["last_error"] = describe_failure(error)
    if status == Status.SENT:
        fields["sent_at"] = timezone.now()
    OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING, claimed_at=email.claimed_at).update(
        status=status, next_attempt_at=retry_at, claimed_at=None, **fields
    )
    if status == Status.QUEUED:
        logger.warning("email %s deferred after attempt %s: %s", email.pk, email.attempts, fields["last_error"])
        return None  # the person's later emails wait for this one
    if status == Status.FAILED:
        logger.error("email %s failed after %s attempts: %s", email.pk, email.attempts, fields["last_error"])
    else:
        logger.info("email %s sent (%s)", email.pk, email.kind)
    same_person = Q(recipient_id=email.recipient_id) if email.recipient_id else Q(recipient__isnull=True, to=email.to)
    return (
        OutgoingEmail.objects.filter(same_person, due(timezone.now()), status=Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        email.subject,
        email.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
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
    return OutgoingEmail.objects.filter(status=Status.QUEUED).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=now - lost_after())
    )


# An email still unsent this long after it was written is worth an organiser's attention.
OVERDUE_AFTER = timedelta(minutes=15)


def backlog(now=None) -> dict[str, int]:
    """For monitoring: rows not sent yet (queued or being sent), and the age of the oldest in seconds."""
    now = now or timezone.now()
    unsent = OutgoingEmail.objects.filter(status__in=(Status.QUEUED, Status.SENDING)).aggregate(
        due=Count("pk"), oldest=Min("created_at")
    )
    oldest = unsent["oldest"]
    return {"due": unsent["due"], "oldest_seconds": int((now - oldest).total_seconds()) if oldest else 0}


def overdue_count(now=None) -> int:
    """Rows written more than `OVERDUE_AFTER` ago and still not sent."""
    now = now or timezone.now()
    unsent = OutgoingEmail.objects.filter(status__in=(Status.QUEUED, Status.SENDING))
    return unsent.filter(created_at__lte=now - OVERDUE_AFTER).count()


def emails_to_send_again(now=None) -> list[int]:
    """The sweep: rows left by a worker that died come back; when the mail server answers again,
    deferred rows are due at once. The ids of the rows due, oldest first."""
    now = now or timezone.now()
    OutgoingEmail.objects.filter(status=Status.SENDING, claimed_at__lte=now - stuck_after()).update(
        status=Status.QUEUED, next_attempt_at=now, claimed_at=None
    )
    waiting = OutgoingEmail.objects.filter(status=Status.QUEUED, next_attempt_at__gt=now)
    if waiting.exists() and mail_server_reachable():
        waiting.update(next_attempt_at=now)
    return list(due_emails(now).order_by("pk").values_list("pk", flat=True))
