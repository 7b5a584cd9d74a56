"""Corrections of identity: after vetting, who a person is changes only with organisers' review.

A registrant whose place was confirmed (or whose accreditation was approved) sends a
correction of their names, organisation, position, country, category details or badge
photo. The registration goes back under review with its seat kept (pending counts as a
seat), so its badge is withheld and the door turns it away, until an organiser, seeing the
old and new values side by side, accepts it (the new values are written) or refuses it
(with a reason). Either way the place is confirmed again and the person is emailed the
outcome. Needs and contact details stay freely editable; they say nothing of who one is.
"""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries.fields import Country, CountryField

from outbox.services import queue_email
from registration.audit import Reason
from registration.models import EmailKind, IdentityCorrection, Registration
from registration.seats import count_at_the_door, door_counts, locked_registration
from wpsconf.storage import private_storage, random_name

Status = IdentityCorrection.Status


def as_stored(value) -> str:
    """A value as the correction keeps it in JSON (a country by its code)."""
    return getattr(value, "code", value) or ""


def readable(field: str, value: str) -> str:
    """A value as kept in a correction, as people read it (a country by its name, a choice by its label)."""
    model_field = Registration._meta.get_field(field)
    if not value:
        return "—"
    if isinstance(model_field, CountryField):
        return str(Country(code=value).name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return value


# For the press, the organisation is their outlet and the position their job title, as on their form.
MEDIA_LABELS = {"organisation": _lazy("media outlet"), "position": _lazy("job title")}


def label(field: str, registration: Registration) -> str:
    if registration.is_media and field in MEDIA_LABELS:
        return str(MEDIA_LABELS[field])
    return str(Registration._meta.get_field(field).verbose_name)


def side_by_side(correction: IdentityCorrection) -> list[tuple[str, str, str]]:
    """(field, before, proposed) for each field the correction changes, as people read them."""
    return [
        (
            label(field, correction.registration),
            readable(field, correction.before.get(field, "")),
            readable(field, value),
        )
        for field, value in correction.after.items()
    ]


def changed_identity(registration: Registration, proposed: dict) -> dict[str, str]:
    """The identity fields whose proposed value differs from the registration's."""
    return {
        field: as_stored(value)
        for field, value in proposed.items()
        if field in registration.identity_fields() and as_stored(value) != as_stored(getattr(registration, field))
    }


def pending_correction(registration: Registration) -> IdentityCorrection | None:
    return registration.corrections.filter(status=Status.PENDING).first()


def request_correction(registration: Registration, *, proposed: dict, photo: File | None = None) -> IdentityCorrection:
    """The registrant's correction, for review; the photo (already checked) is stored before any lock."""
    photo_name = private_storage.save(random_name("corrections", photo.name), photo) if photo else ""
    try:
        return write_correction(registration, proposed, photo_name)
    except BaseException:
        if photo_name:
            private_storage.delete(photo_name)  # nothing refers to it: the transaction did not happen
        raise


@transaction.atomic
def write_correction(registration: Registration, proposed: dict, photo_name: str) -> IdentityCorrection:
    _conference, registration = locked_registration(registration)
    if registration.is_closed:
        raise ValidationError(_("This registration is closed: there is nothing left to correct."))
    if not registration.identity_is_frozen:
        raise ValidationError(_("Your details can still be changed directly on your page."))
    if pending_correction(registration):
        raise ValidationError(_("Your previous correction is still being reviewed. Withdraw it to send another."))
    changes = changed_identity(registration, proposed)
    if not changes and not photo_name:
        raise ValidationError(_("Change at least one detail, or choose a new photo, before sending."))
    returned = registration.status == Registration.Status.CONFIRMED
    correction = IdentityCorrection.objects.create(
        registration=registration,
        before={field: as_stored(getattr(registration, field)) for field in changes},
        after=changes,
        photo=photo_name,
        returned_to_review=returned,
    )
    if returned:
        was = door_counts(registration)
        registration.status = Registration.Status.PENDING  # the seat stays taken; the badge waits
        registration.status_changed_at = timezone.now()
        registration._change_reason = Reason.CORRECTION_REQUESTED  # django-simple-history's way
        registration.save(update_fields=["status", "status_changed_at"])
        count_at_the_door(registration, was)
    return correction


def locked_correction(correction: IdentityCorrection) -> tuple[Registration, IdentityCorrection]:
    _conference, registration = locked_registration(correction.registration)
    correction = IdentityCorrection.objects.select_for_update().get(pk=correction.pk)
    if correction.status != Status.PENDING:
        raise ValidationError(
            _("This correction has been closed already (%(status)s).") % {"status": correction.get_status_display()}
        )
    correction.registration = registration
    return registration, correction


@transaction.atomic
def accept_correction(correction: IdentityCorrection, *, by) -> IdentityCorrection:
    registration, correction = locked_correction(correction)
    for field, value in correction.after.items():
        setattr(registration, field, value)
    if correction.photo:
        replace_badge_photo(registration, correction, by=by)
    close(correction, registration, Status.ACCEPTED, by=by, reason=Reason.CORRECTION_ACCEPTED)
    queue_email(registration, EmailKind.CORRECTION_ACCEPTED)
    return correction


@transaction.atomic
def refuse_correction(correction: IdentityCorrection, *, reason: str, by) -> IdentityCorrection:
    if not reason.strip():
        raise ValidationError(_("Give the reason for refusing: the registrant reads it."))
    registration, correction = locked_correction(correction)
    correction.reason = reason.strip()
    close(correction, registration, Status.REFUSED, by=by, reason=Reason.CORRECTION_REFUSED)
    queue_email(registration, EmailKind.CORRECTION_REFUSED)
    return correction


@transaction.atomic
def withdraw_correction(correction: IdentityCorrection) -> IdentityCorrection:
    """The registrant takes their correction back; their place is as it was."""
    registration, correction = locked_correction(correction)
    close(correction, registration, Status.WITHDRAWN, by=None, reason=Reason.CORRECTION_WITHDRAWN)
    return correction


def close(correction: IdentityCorrection, registration: Registration, status: str, *, by, reason: str) -> None:
    now = timezone.now()
    correction.status = status
    correction.decided_at = now
    correction.decided_by = by
    correction.photo = ""  # a photo not taken over is deleted once this commits (django-cleanup)
    correction.save(update_fields=["status", "decided_at", "decided_by", "reason", "photo"])
    was = door_counts(registration)
    if correction.returned_to_review and registration.status == Registration.Status.PENDING:
        registration.status = Registration.Status.CONFIRMED
        registration.status_changed_at = now
    registration._change_reason = reason
    if by is not None:
        registration._history_user = by
    registration.save()
    count_at_the_door(registration, was)


def replace_badge_photo(registration: Registration, correction: IdentityCorrection, *, by) -> None:
    """A copy of the accepted photo becomes the badge photo; the old one is deleted on commit."""
    accreditation = getattr(registration, "accreditation", None)
    if accreditation is None:
        return
    with correction.photo.open("rb") as photo:
        accreditation.photo = private_storage.save(random_name("accreditation", correction.photo.name), File(photo))
    accreditation._change_reason = Reason.CORRECTION_ACCEPTED
    accreditation._history_user = by
    accreditation.save(update_fields=["photo"])
