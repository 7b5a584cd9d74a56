"""Media accreditation rules: own seats and waiting list, review decisions with their emails, pickup."""

import re
from pathlib import Path

import pytest
from django.core import mail as outbox
from django.core.exceptions import ValidationError
from django.utils import translation

from accreditation import services
from accreditation.mail import MediaEmailKind
from accreditation.models import AccreditationDecision, AccreditationRequest
from registration import seats
from registration import services as registration_services
from registration.models import EmailKind, Registration
from tests.documents import image_bytes, pdf_bytes, upload
from tests.factories import accreditation_outcome, apply_for_accreditation, register
from wpsconf import uploads
from wpsconf.storage import private_storage

pytestmark = pytest.mark.django_db
Status = AccreditationRequest.Status


@pytest.fixture
def conference(registration_open):
    """Two media seats, apart from the attendees' two."""
    registration_open.capacity = 2
    registration_open.media_capacity = 2
    registration_open.save()
    return registration_open


def subject_in(language: str, subject: str, registration: Registration) -> str:
    """The subject as the applicant's language writes it; it must be translated, not left in English."""
    with translation.override(language):
        translated = translation.gettext(subject)
    assert translated != subject, f"not translated into {language}: {subject}"
    return translated % {"reference": registration.reference}


def fresh(application: AccreditationRequest) -> AccreditationRequest:
    application.refresh_from_db()
    application.registration.refresh_from_db()
    return application


def emails_to(application: AccreditationRequest) -> list:
    return [message for message in outbox.outbox if message.to == [application.registration.email]]


@pytest.fixture
def applied(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_for_accreditation(conference, "dana@example.org", language="ru")
    outbox.outbox.clear()
    return application


# --- the application ----------------------------------------------------------------------------------------------


def test_it_creates_the_media_registration_and_its_request_together(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_for_accreditation(conference, "dana@example.org", language="kk")

    registration = application.registration
    assert registration.category == Registration.Category.MEDIA
    assert registration.status == Registration.Status.PENDING  # every accreditation is reviewed
    assert application.status == Status.PENDING
    assert application.working_languages == ["kk", "ru"]
    for document in application.documents.values():
        assert private_storage.exists(document.name)
        assert re.fullmatch(r"accreditation/[\w-]{32}\.(png|pdf|jpg)", document.name)  # random, not the sender's
    [email] = emails_to(application)
    assert email.subject == subject_in("kk", "Accreditation request received (%(reference)s)", registration)
    assert list(registration.emails.values_list("kind", flat=True)) == [MediaEmailKind.RECEIVED]


def test_it_creates_nothing_for_a_known_address_and_mails_the_link(applied, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = accreditation_outcome(applied.registration.conference, "DANA@example.org")

    assert not outcome.created
    assert AccreditationRequest.objects.count() == 1
    assert [email.kind for email in applied.registration.emails.order_by("pk")][-1] == EmailKind.LINK_RESENT
    stored = [path for path in Path(private_storage.location).rglob("*") if path.is_file()]
    assert len(stored) == 3  # the refused second set of documents was never written


def test_media_have_their_own_seats_and_waiting_list(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            register(conference, f"attendee{n}@example.org")
        media = [apply_for_accreditation(conference, f"media{n}@example.org") for n in range(3)]

    # The attendees filled their two seats; the media still had two of their own.
    assert [fresh(application).registration.status for application in media] == ["pending", "pending", "waitlisted"]
    assert seats.seats_taken(conference, media=True) == 2
    assert seats.seats_taken(conference, media=False) == 2
    assert seats.waiting_list_position(media[2].registration) == 1
    assert media[2].registration.emails.get().kind == EmailKind.WAITLISTED


def test_an_attendee_never_takes_a_media_seat(conference, django_capture_on_commit_callbacks):
    conference.media_capacity = 5
    conference.save()
    with django_capture_on_commit_callbacks(execute=True):
        attendees = [register(conference, f"attendee{n}@example.org") for n in range(3)]
    assert [attendee.status for attendee in attendees] == ["pending", "pending", "waitlisted"]


# --- decisions ------------------------------------------------------------------------------------------------


def test_approval_confirms_the_seat_and_sends_one_email_in_the_applicants_language(
    applied, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(applied, by=reviewer)

    application = fresh(applied)
    assert application.status == Status.APPROVED
    assert application.registration.status == Registration.Status.CONFIRMED
    assert application.reviewed_by == reviewer
    [email] = emails_to(application)
    assert email.subject == subject_in(
        "ru", "Your media accreditation is approved (%(reference)s)", application.registration
    )
    assert any(name == "invitation.ics" for name, _content, _type in email.attachments)
    assert list(application.decisions.values_list("action", "decided_by")) == [("approved", reviewer.pk)]


def test_asking_for_more_information_mails_the_message_and_keeps_the_seat(
    applied, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_for_more_information(applied, message="Please send the letter signed by your editor.", by=reviewer)

    application = fresh(applied)
    assert application.status == Status.MORE_INFO
    assert application.registration.status == Registration.Status.PENDING
    [email] = emails_to(application)
    assert "Please send the letter signed by your editor." in email.body
    assert email.subject == subject_in(
        "ru", "More information needed for your accreditation (%(reference)s)", application.registration
    )


def test_each_email_keeps_the_message_it_was_written_with(applied, reviewer, django_capture_on_commit_callbacks):
    """Queued but not yet sent, the first request must not show the second's words."""
    services.ask_for_more_information(applied, message="First: the press card's back side.", by=reviewer)
    services.ask_for_more_information(applied, message="Second: a sharper photo.", by=reviewer)
    first, second = applied.registration.emails.filter(kind=MediaEmailKind.MORE_INFO).order_by("pk")
    assert "First: the press card" in first.body_text
    assert "Second" not in first.body_text
    assert "Second: a sharper photo." in second.body_text


@pytest.mark.parametrize("message", ["", "   "])
def test_more_information_needs_a_message(applied, reviewer, message):
    with pytest.raises(ValidationError, match="Say what the applicant"):
        services.ask_for_more_information(applied, message=message, by=reviewer)
    assert fresh(applied).status == Status.PENDING
    assert not applied.registration.emails.filter(kind=MediaEmailKind.MORE_INFO).exists()


def test_new_documents_through_the_personal_link_put_the_request_back_to_pending(
    applied, reviewer, django_capture_on_commit_callbacks
):
    old_letter = applied.assignment_letter.name
    services.ask_for_more_information(applied, message="The letter is not signed.", by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.resubmit_documents(
            fresh(applied), {"assignment_letter": uploads.assignment_letter(upload("signed.pdf", pdf_bytes(2)))}
        )

    application = fresh(applied)
    assert application.status == Status.PENDING
    assert application.assignment_letter.name != old_letter
    assert private_storage.exists(application.assignment_letter.name)
    assert not private_storage.exists(old_letter)  # the replaced document is gone
    assert list(application.decisions.values_list("action", flat=True)) == ["more_info", "resubmitted"]


def test_documents_are_taken_only_when_the_press_office_asked(applied):
    with pytest.raises(ValidationError, match="has not asked"):
        services.resubmit_documents(applied, {"photo": uploads.badge_photo(upload("p.jpg", image_bytes()))})


@pytest.mark.parametrize("reason", ["", "  "])
def test_rejection_needs_a_reason(applied, reviewer, reason):
    with pytest.raises(ValidationError, match="reason"):
        services.reject(applied, reason=reason, by=reviewer)
    assert fresh(applied).status == Status.PENDING


def test_rejection_frees_the_media_seat_for_the_first_in_line(conference, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, _second, waiting = [apply_for_accreditation(conference, f"media{n}@example.org") for n in range(3)]
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.reject(first, reason="No assignment letter from a recognised outlet.", by=reviewer)

    assert fresh(first).registration.status == Registration.Status.DECLINED
    assert fresh(waiting).registration.status == Registration.Status.PENDING  # promoted, still to be reviewed
    [rejection] = emails_to(first)
    assert "No assignment letter from a recognised outlet." in rejection.body
    assert [email.kind for email in waiting.registration.emails.order_by("pk")][-1] == "promoted"


def test_revoking_needs_an_approval_first_and_a_reason(applied, reviewer, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError, match="Only an approved"):
        services.revoke(applied, reason="Misconduct", by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(applied, by=reviewer)
    with pytest.raises(ValidationError, match="reason"):
        services.revoke(fresh(applied), reason=" ", by=reviewer)
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.revoke(fresh(applied), reason="Filming in a closed session.", by=reviewer)

    application = fresh(applied)
    assert application.status == Status.REVOKED
    assert application.registration.status == Registration.Status.DECLINED
    [email] = emails_to(application)
    assert "Filming in a closed session." in email.body


def test_an_approved_applicant_who_cancelled_is_not_revoked(applied, reviewer):
    services.approve(applied, by=reviewer)
    registration_services.cancel_registration(fresh(applied).registration)
    with pytest.raises(ValidationError, match="cancelled"):
        services.revoke(fresh(applied), reason="Too late", by=reviewer)
    assert fresh(applied).registration.status == Registration.Status.CANCELLED


def test_an_applicant_who_cancelled_cannot_send_documents(applied, reviewer):
    services.ask_for_more_information(applied, message="Send the letter.", by=reviewer)
    registration_services.cancel_registration(applied.registration)
    stored_before = sorted(path.name for path in Path(private_storage.location).rglob("*") if path.is_file())
    letter = uploads.assignment_letter(upload("l.pdf", pdf_bytes()))
    with pytest.raises(ValidationError, match="cancelled"):
        services.resubmit_documents(fresh(applied), {"assignment_letter": letter})
    assert fresh(applied).status == Status.MORE_INFO
    assert sorted(path.name for path in Path(private_storage.location).rglob("*") if path.is_file()) == stored_before


def test_an_approval_may_carry_a_message_into_its_email(applied, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(applied, message="Your position is camera platform B.", by=reviewer)
    [email] = emails_to(applied)
    assert "Your position is camera platform B." in email.body


def test_media_are_not_moved_to_the_waiting_list_from_the_registrations(applied):
    with pytest.raises(ValidationError, match="Accreditation requests"):
        registration_services.waitlist_registration(applied.registration)


def test_a_decided_request_cannot_be_decided_again(applied, reviewer):
    services.reject(applied, reason="Not a journalist.", by=reviewer)
    with pytest.raises(ValidationError, match="decided already"):
        services.approve(fresh(applied), by=reviewer)


def test_a_cancelled_applicant_cannot_be_approved(applied, reviewer):
    registration_services.cancel_registration(applied.registration)
    with pytest.raises(ValidationError, match="cancelled"):
        services.approve(fresh(applied), by=reviewer)


def test_a_waitlisted_applicant_is_approved_only_when_a_media_seat_is_free(
    conference, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, _second, waiting = [apply_for_accreditation(conference, f"media{n}@example.org") for n in range(3)]
    with pytest.raises(ValidationError, match="No media seat"):
        services.approve(waiting, by=reviewer)
    registration_services.cancel_registration(first.registration)  # promotes the waiting applicant
    services.approve(fresh(waiting), by=reviewer)
    assert fresh(waiting).registration.status == Registration.Status.CONFIRMED


def test_the_registration_workflow_refuses_to_decide_on_media(applied):
    with pytest.raises(ValidationError, match="Accreditation requests"):
        registration_services.approve_registration(applied.registration)
    with pytest.raises(ValidationError, match="Accreditation requests"):
        registration_services.decline_registration(applied.registration, reason="No")


def test_raising_the_media_seats_promotes_the_media_waiting_list(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        *_, waiting = [apply_for_accreditation(conference, f"media{n}@example.org") for n in range(3)]
    conference.media_capacity = 3
    conference.save()
    promoted = seats.give_free_seats(conference)
    assert [registration.pk for registration in promoted] == [waiting.registration.pk]


def test_lowering_the_media_seats_below_those_taken_is_refused(applied):
    conference = applied.registration.conference
    assert seats.capacity_errors(conference, 0, media=True).startswith("1 people")
    assert seats.capacity_errors(conference, 1, media=True) is None


# --- pickup ---------------------------------------------------------------------------------------------------


def test_pickup_records_who_checked_which_id_and_when(applied, reviewer):
    services.approve(applied, by=reviewer)
    services.record_badge_pickup(fresh(applied), identity_document="passport", by=reviewer)

    application = fresh(applied)
    assert application.badge_collected
    assert application.badge_handed_over_by == reviewer
    assert application.identity_document == "passport"
    assert application.decisions.filter(action=AccreditationDecision.Action.BADGE_COLLECTED).count() == 1
    with pytest.raises(ValidationError, match="collected already"):
        services.record_badge_pickup(application, identity_document="passport", by=reviewer)


def test_a_revoked_accreditation_cannot_be_collected(applied, reviewer):
    services.approve(applied, by=reviewer)
    services.revoke(fresh(applied), reason="Press card withdrawn by its issuer.", by=reviewer)
    with pytest.raises(ValidationError, match="revoked"):
        services.record_badge_pickup(fresh(applied), identity_document="passport", by=reviewer)
    assert not fresh(applied).badge_collected


def test_a_pending_accreditation_has_no_badge_to_collect(applied, reviewer):
    with pytest.raises(ValidationError, match="Only an approved"):
        services.record_badge_pickup(applied, identity_document="passport", by=reviewer)
