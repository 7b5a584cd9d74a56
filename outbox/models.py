from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outbox.kinds import label


class OutgoingEmail(models.Model):
    """One email to one person: written with the change that causes it, sent by a Celery task.

    The person is a row of the model OUTBOX_RECIPIENT_MODEL names (a registration), which has
    `email` and `language`; the outbox reads nothing else of it. Someone who is no such row
    (a delegation's focal point, the organisers' own address) gets emails with no recipient
    row, written when they are queued (`services.Addressee`); their order is kept by address.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.OUTBOX_RECIPIENT_MODEL,
        on_delete=models.CASCADE,
        related_name="emails",
        null=True,
        blank=True,
        db_column="registration_id",  # the table's column from before the outbox was an app of its own
        verbose_name=_("to whom"),
    )
    kind = models.CharField(_("kind"), max_length=24)
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8)
    # Written at the first attempt to send (or when queued, for kinds "written at once"),
    # and kept as the record of what was sent.
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    calendar = models.TextField(_("calendar attachment"), blank=True)
    reply_to = models.EmailField(_("reply to"), blank=True)
    # Set for an email that goes once per person (a reminder): the database keeps it once.
    once = models.CharField(_("once per person as"), max_length=24, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        db_table = "registration_outgoingemail"
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outgoing_email_due_idx"),
            # An addressee's earlier emails, found by address: only the few rows with no recipient.
            models.Index(fields=["to"], condition=Q(recipient__isnull=True), name="outgoing_email_addressee_idx"),
        ]
        constraints = [
            # However often the run that queues it fires, such an email goes once to each person.
            models.UniqueConstraint(
                fields=["recipient", "once"], condition=~Q(once=""), name="outgoing_email_once_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def get_kind_display(self) -> str:
        return label(self.kind)
