"""The press office's emails: written for the outbox with registration's `write_email`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registration.mail import write_email
from registration.models import Registration


class MediaEmailKind(models.TextChoices):
    RECEIVED = "media_received", _("Accreditation request received")
    APPROVED = "media_approved", _("Accreditation approved")
    MORE_INFO = "media_more_info", _("More information needed for accreditation")
    REJECTED = "media_rejected", _("Accreditation rejected")
    REVOKED = "media_revoked", _("Accreditation revoked")


# These carry a reviewer's message, written into them when they are queued: a later
# decision must not change what an earlier email says.
WRITTEN_AT_ONCE = {MediaEmailKind.APPROVED, MediaEmailKind.MORE_INFO, MediaEmailKind.REJECTED, MediaEmailKind.REVOKED}


def write(registration: Registration, kind: str) -> dict[str, str]:
    return write_email(
        registration,
        kind,
        with_calendar=kind == MediaEmailKind.APPROVED,
        accreditation=getattr(registration, "accreditation", None),
    )
