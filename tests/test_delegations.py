"""Delegations: the quota, the head of delegation, members without an address, one person per address,
the list's review, and what the focal point and the organisers are told."""

import pytest
from django.core import mail as sent_mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from delegations import services
from delegations.mail import Kind
from delegations.models import Delegation, DelegationMember
from outbox.models import OutgoingEmail
from registration import seats
from registration.models import EmailKind, Registration
from tests.delegation_helpers import add, delegation
from tests.documents import pdf_bytes
from tests.factories import register, register_outcome

pytestmark = pytest.mark.django_db
Status = Delegation.Status


def with_letter(delegation_: Delegation) -> Delegation:
    services.replace_letter(delegation_, ContentFile(pdf_bytes(), name="letter.pdf"))
    delegation_.refresh_from_db()
    return delegation_


def submitted(conference, members: int = 2) -> Delegation:
    kazakhstan = delegation(conference)
    for n in range(members):
        add(kazakhstan, f"member{n}@example.kz", first_name=f"Member{n}")
    with_letter(kazakhstan)
    return services.submit(kazakhstan)


def emails(kind: str, to: str | None = None):
    rows = OutgoingEmail.objects.filter(kind=kind)
    return rows.filter(to=to) if to else rows


# --- the quota and the conference's seats -----------------------------------------------------------------------


def test_it_adds_members_up_to_the_quota_and_refuses_one_more(conference_2023):
    kazakhstan = delegation(conference_2023, quota=2)
    add(kazakhstan)
    add(kazakhstan, first_name="Second")

    with pytest.raises(ValidationError) as refused:
        add(kazakhstan, first_name="Third")

    assert refused.value.code == "quota"
    assert "quota of 2 seats is reached" in refused.value.messages[0]
    assert services.seats_used(kazakhstan) == 2
    assert Registration.objects.count() == 2


def test_members_hold_pending_seats_of_the_conference_even_where_everyone_else_is_confirmed_at_once(conference_2023):
    conference_2023.requires_approval = False
    conference_2023.save()
    kazakhstan = delegation(conference_2023)

    member = add(kazakhstan)

    assert member.status == Registration.Status.PENDING
    assert seats.seats_taken(conference_2023) == 1
    assert member.delegation_membership.delegation == kazakhstan


def test_a_member_is_refused_when_the_conference_is_full_and_nobody_goes_to_the_waiting_list(conference_2023):
    conference_2023.capacity = 1
    conference_2023.save()
    register(conference_2023, "first@example.org")
    kazakhstan = delegation(conference_2023)

    with pytest.raises(ValidationError) as refused:
        add(kazakhstan)

    assert refused.value.code == "full"
    assert not DelegationMember.objects.exists()
    assert not conference_2023.registrations.filter(status=Registration.Status.WAITLISTED).exists()


def test_removing_a_member_cancels_their_registration_and_frees_both_seats(conference_2023):
    kazakhstan = delegation(conference_2023, quota=1)
    member = add(kazakhstan)

    services.remove_member(member.delegation_membership)

    member.refresh_from_db()
    assert member.status == Registration.Status.CANCELLED
    assert services.seats_used(kazakhstan) == 0
    assert seats.seats_taken(conference_2023) == 0
    add(kazakhstan, first_name="Replacement")  # the quota's seat is free again
    assert not emails(EmailKind.CANCELLED).exists()  # never written to, not written to now


# --- head of delegation --------------------------------------------------------------------------------------------


def test_there_is_at_most_one_head_of_delegation(conference_2023):
    kazakhstan = delegation(conference_2023)
    first = add(kazakhstan, is_head=True)
    second = add(kazakhstan, first_name="Second", is_head=True)

    heads = list(kazakhstan.members.filter(is_head=True).values_list("registration", flat=True))
    assert heads == [second.pk]

    services.update_member(first.delegation_membership, values={}, is_head=True)
    heads = list(kazakhstan.members.filter(is_head=True).values_list("registration", flat=True))
    assert heads == [first.pk]


def test_the_database_refuses_a_second_head(conference_2023):
    kazakhstan = delegation(conference_2023)
    add(kazakhstan, is_head=True)
    second = add(kazakhstan, first_name="Second")

    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationMember.objects.filter(pk=second.delegation_membership.pk).update(is_head=True)


# --- addresses -----------------------------------------------------------------------------------------------------


def test_members_without_an_address_are_many_and_get_no_email(conference_2023, django_capture_on_commit_callbacks):
    kazakhstan = delegation(conference_2023)
    with django_capture_on_commit_callbacks(execute=True):
        first, second = add(kazakhstan), add(kazakhstan, first_name="Second")
        services.replace_letter(kazakhstan, ContentFile(pdf_bytes(), name="letter.pdf"))
        services.submit(kazakhstan)
        services.approve(kazakhstan)

    for member in (first, second):
        member.refresh_from_db()
        assert member.email == ""
        assert member.status == Registration.Status.CONFIRMED
        assert not member.emails.exists()
    approved = emails(Kind.APPROVED, "focal@example.kz").get()
    assert first.reference in approved.body_text
    assert second.reference in approved.body_text
    assert not [message for message in sent_mail.outbox if not message.to or message.to == [""]]


def test_one_person_per_address_across_individual_and_delegation_registrations(conference_2023):
    register(conference_2023, "aigerim@example.org")
    kazakhstan = delegation(conference_2023)

    with pytest.raises(ValidationError) as refused:
        add(kazakhstan, "AIGERIM@example.org")
    assert refused.value.code == "address_taken"

    add(kazakhstan, "member@example.kz")
    again = register_outcome(conference_2023, "Member@Example.kz")
    assert not again.created
    assert again.registration.delegation_membership.delegation == kazakhstan


def test_the_same_address_twice_on_a_list_is_refused(conference_2023):
    kazakhstan = delegation(conference_2023)
    add(kazakhstan, "member@example.kz")

    with pytest.raises(ValidationError):
        add(kazakhstan, "member@example.kz", first_name="Other")
    assert services.seats_used(kazakhstan) == 1


# --- the list's review ---------------------------------------------------------------------------------------------


def test_a_list_is_submitted_only_with_a_member_and_the_letter(conference_2023):
    kazakhstan = delegation(conference_2023)
    with pytest.raises(ValidationError) as refused:
        services.submit(kazakhstan)
    assert refused.value.code == "empty"
    add(kazakhstan)
    with pytest.raises(ValidationError) as refused:
        services.submit(kazakhstan)
    assert refused.value.code == "no_letter"

    with_letter(kazakhstan)
    services.submit(kazakhstan)

    kazakhstan.refresh_from_db()
    assert kazakhstan.status == Status.SUBMITTED
    assert kazakhstan.submitted_at is not None
    to_organisers = emails(Kind.SUBMITTED).get()
    assert to_organisers.to == conference_2023.contact_email
    assert to_organisers.recipient is None
    assert "Kazakhstan" in to_organisers.subject
    with pytest.raises(ValidationError):
        services.submit(kazakhstan)  # once


def test_approving_confirms_each_member_and_mails_them_their_personal_link(conference_2023):
    kazakhstan = submitted(conference_2023, members=2)

    services.approve(kazakhstan)

    kazakhstan.refresh_from_db()
    assert kazakhstan.status == Status.APPROVED
    for member in kazakhstan.members.select_related("registration"):
        registration = member.registration
        assert registration.status == Registration.Status.CONFIRMED
        confirmed = registration.emails.get()
        assert confirmed.kind == EmailKind.CONFIRMED
    assert emails(Kind.APPROVED, "focal@example.kz").count() == 1
    with pytest.raises(ValidationError):
        services.approve(kazakhstan)  # not submitted any more


def test_returning_needs_a_reason_and_the_focal_point_submits_again(conference_2023):
    kazakhstan = submitted(conference_2023)
    with pytest.raises(ValidationError):
        services.return_to_focal_point(kazakhstan, reason="  ")

    services.return_to_focal_point(kazakhstan, reason="The letter is not signed.")

    kazakhstan.refresh_from_db()
    assert kazakhstan.status == Status.RETURNED
    returned = emails(Kind.RETURNED, "focal@example.kz").get()
    assert "The letter is not signed." in returned.body_text
    assert kazakhstan.token in returned.body_text
    assert all(m.registration.status == "pending" for m in kazakhstan.members.select_related("registration"))
    with_letter(kazakhstan)
    services.submit(kazakhstan)
    kazakhstan.refresh_from_db()
    assert kazakhstan.status == Status.SUBMITTED


def test_a_member_added_after_approval_is_pending_and_the_list_goes_back_to_review(conference_2023):
    kazakhstan = services.approve(submitted(conference_2023, members=1))
    kazakhstan.quota = 3
    kazakhstan.save()

    late = add(kazakhstan, "late@example.kz", first_name="Late")

    kazakhstan.refresh_from_db()
    assert kazakhstan.status == Status.SUBMITTED
    assert late.status == Registration.Status.PENDING
    assert emails(Kind.SUBMITTED).count() == 2
    added = emails(Kind.MEMBER_ADDED, "focal@example.kz").filter(body_text__contains=late.reference)
    assert added.count() == 1


def test_removing_a_member_after_approval_goes_back_to_review_and_tells_them(conference_2023):
    kazakhstan = services.approve(submitted(conference_2023, members=2))
    member = kazakhstan.members.select_related("registration").first()

    services.remove_member(member)

    kazakhstan.refresh_from_db()
    assert kazakhstan.status == Status.SUBMITTED
    assert member.registration.emails.filter(kind=EmailKind.CANCELLED).count() == 1


def test_a_request_is_invited_with_a_quota_or_declined(conference_2023):
    asked = services.request_delegation(
        conference=conference_2023,
        details={
            "organisation": "UN Women",
            "kind": Delegation.Kind.INTERNATIONAL,
            "seats_requested": 4,
            "focal_point_name": "Anna Berg",
            "focal_point_email": "anna@example.org",
            "focal_point_phone": "+41221234567",
            "focal_point_position": "Programme officer",
        },
        language="ru",
    )
    assert asked.status == Status.REQUESTED
    with pytest.raises(ValidationError) as refused:
        services.invite(asked)
    assert refused.value.code == "no_quota"

    asked.quota = 3
    asked.save()
    services.invite(asked)

    asked.refresh_from_db()
    assert asked.status == Status.INVITED
    invitation = emails(Kind.INVITED, "anna@example.org").get()
    assert invitation.language == "ru"
    assert f"/ru/delegation/{asked.token}/" in invitation.body_text
    other = delegation(conference_2023, country="", organisation="OSCE", status=Status.REQUESTED)
    services.decline_request(other)
    other.refresh_from_db()
    assert other.status == Status.DECLINED
    assert other.token not in emails(Kind.DECLINED).get().body_text


def test_a_country_or_an_organisation_never_both(conference_2023):
    with pytest.raises(IntegrityError), transaction.atomic():
        delegation(conference_2023, country="KZ", organisation="UN Women")
    with pytest.raises(IntegrityError), transaction.atomic():
        delegation(conference_2023, country="", organisation="")


def test_a_closed_list_cannot_change(conference_2023):
    declined = delegation(conference_2023, status=Status.DECLINED)
    with pytest.raises(ValidationError):
        add(declined)


# --- the outbox's addressees ---------------------------------------------------------------------------------------


def test_a_focal_point_reads_their_emails_in_their_language_and_in_order(
    conference_2023, django_capture_on_commit_callbacks
):
    kazakhstan = delegation(conference_2023, language="kk")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(kazakhstan)
        add(kazakhstan)

    to_focal_point = [message for message in sent_mail.outbox if message.to == ["focal@example.kz"]]
    assert len(to_focal_point) == 2
    assert f"/kk/delegation/{kazakhstan.token}/" in to_focal_point[0].body
    assert OutgoingEmail.objects.filter(to="focal@example.kz", status="sent").count() == 2


def test_the_audit_history_says_who_registered_a_member(conference_2023):
    member = add(delegation(conference_2023))

    assert member.history.get().history_change_reason == "registered_on_behalf"
