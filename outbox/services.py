"""Queuing email: the row is written in the caller's transaction, its send task queued once that commits."""

import logging
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from outbox import kinds
from outbox.delivery import write_into
from outbox.models import OutgoingEmail
from outbox.tasks import send_email

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status
ANONYMISED_ADDRESS = "anonymised@invalid.example"


@dataclass(frozen=True)
class Addressee:
    """Someone who is not a row of OUTBOX_RECIPIENT_MODEL: an address, a language, and what the
    email is about (handed to the kind's writer, which runs when the email is queued)."""

    email: str
    language: str
    about: object = None


def queue_email(recipient, kind: str, *, once: str = "") -> OutgoingEmail | None:
    """The row says who gets which email; it is written when it is sent, so the transaction
    (which may hold the conference's seat lock) stays short, except for the kinds written at once
    and the emails to an `Addressee`, which are written now.

    `once`: a name under which this recipient gets at most one email (a reminder); a second
    raises IntegrityError. Someone with no address (a delegation member who has none) gets
    nothing, and None is returned.
    """
    if not recipient.email:
        return None
    is_row = isinstance(recipient, apps.get_model(settings.OUTBOX_RECIPIENT_MODEL))
    email = OutgoingEmail(
        recipient=recipient if is_row else None,
        kind=kind,
        to=recipient.email,
        language=recipient.language,
        once=once,
    )
    if not is_row or kinds.is_written_at_once(kind):
        write_into(email, recipient)
    email.save()
    schedule_send(email.pk)
    return email


def queue_copy(email: OutgoingEmail) -> OutgoingEmail:
    """The same message once more, as a new row (the organisers' "resend"), to the same address:
    it carries the personal link, which must not follow an address changed since."""
    copy = OutgoingEmail.objects.create(
        recipient_id=email.recipient_id,
        kind=email.kind,
        to=email.to,
        language=email.language,
        subject=email.subject,
        body_text=email.body_text,
        body_html=email.body_html,
        calendar=email.calendar,
        reply_to=email.reply_to,
    )
    schedule_send(copy.pk)
    return copy


def schedule_send(email_id: int) -> None:
    # After the commit, which stands whatever happens to the task (robust).
    transaction.on_commit(lambda: publish(email_id), robust=True)


def publish(email_id: int) -> None:
    """Queue the send task; with the broker unreachable, the row is due at once for the sweep instead
    (which otherwise waits a minute before it takes a row's task for lost)."""
    try:
        send_email.delay(email_id)
    except OperationalError:
        logger.warning("email %s: the task queue is unreachable; the sweep sends it once it is back", email_id)
        OutgoingEmail.objects.filter(pk=email_id, status=Status.QUEUED, next_attempt_at__isnull=True).update(
            next_attempt_at=timezone.now()
        )


def retry_failed(emails) -> int:
    """Organisers' retry: failed rows go back to the queue with a fresh count."""
    ids = list(emails.filter(status=Status.FAILED).values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids).update(
        status=Status.QUEUED, attempts=0, next_attempt_at=None, last_error=""
    )
    for email_id in ids:
        schedule_send(email_id)
    return len(ids)


def forget_emails_to(recipient_ids=(), *, addresses=()) -> None:
    """Erasure: nothing more goes to these people (or these addressees), and what was sent keeps no personal data."""
    emails = OutgoingEmail.objects.filter(recipient_id__in=recipient_ids) | OutgoingEmail.objects.filter(
        recipient__isnull=True, to__in=addresses
    )
    emails.filter(status=Status.QUEUED).update(status=Status.FAILED, next_attempt_at=None)
    emails.update(
        to=ANONYMISED_ADDRESS, subject="", body_text="", body_html="", calendar="", reply_to="", last_error="anonymised"
    )
