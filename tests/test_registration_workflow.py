"""The registration status workflow (registration/services.py) and the organisers' admin for it."""

import re
from datetime import timedelta

import pytest
from django.contrib import messages
from django.core import mail as outbox
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox.models import OutgoingEmail
from registration import seats, services
from registration.models import Registration
from tests.concurrency import run_together
from tests.factories import register, register_outcome

pytestmark = pytest.mark.django_db


def register_many(conference, capture, count: int, **overrides) -> list[Registration]:
    with capture(execute=True):
        return [register(conference, f"person{n}@example.org", **overrides) for n in range(count)]


def active_count(conference) -> int:
    return conference.registrations.filter(status__in=Registration.ACTIVE_STATUSES).count()


def fresh(registration: Registration) -> Registration:
    registration.refresh_from_db()
    return registration


def messages_to(registration: Registration) -> list:
    return [message for message in outbox.outbox if message.to == [registration.email]]


def waiting_list(conference) -> list[str]:
    return list(
        conference.registrations.filter(status="waitlisted")
        .order_by("joined_waiting_list_at", "pk")
        .values_list("email", flat=True)
    )


@pytest.fixture
def small_conference(registration_open):
    """Two seats, and the organisers approve each registration."""
    registration_open.capacity = 2
    registration_open.requires_approval = True
    registration_open.save()
    return registration_open


# --- capacity -------------------------------------------------------------------------------------------------


def test_it_puts_the_registration_past_capacity_on_the_waiting_list(
    small_conference, django_capture_on_commit_callbacks
):
    first, second, third = register_many(small_conference, django_capture_on_commit_callbacks, 3)

    assert [first.status, second.status, third.status] == ["pending", "pending", "waitlisted"]
    assert first.joined_waiting_list_at is None
    assert second.joined_waiting_list_at is None
    assert third.joined_waiting_list_at is not None
    assert active_count(small_conference) == 2
    assert [message.subject for message in messages_to(third)] == [f"You are on the waiting list ({third.reference})"]
    assert OutgoingEmail.objects.get(recipient=third).kind == "waitlisted"
    assert [message.subject for message in messages_to(first)] == [f"Registration received ({first.reference})"]


@pytest.mark.parametrize("requires_approval", [True, False])
def test_it_never_lets_pending_and_confirmed_exceed_capacity(
    small_conference, django_capture_on_commit_callbacks, requires_approval
):
    small_conference.requires_approval = requires_approval
    small_conference.save()
    seen = []

    def step(action, *args, **kwargs):
        try:
            with django_capture_on_commit_callbacks(execute=True):
                action(*args, **kwargs)
        except ValidationError:
            pass
        seen.append(active_count(small_conference))

    people = []
    for n in range(5):
        step(lambda n=n: people.append(register(small_conference, f"person{n}@example.org")))
    step(services.approve_registration, people[3])  # waiting, no seat free: refused
    step(services.decline_registration, people[0], reason="Not a delegate")
    step(services.waitlist_registration, people[1])
    step(services.cancel_registration, people[2])
    step(services.approve_registration, people[1])
    step(services.cancel_registration, people[4])
    for n in range(5, 8):
        step(lambda n=n: people.append(register(small_conference, f"person{n}@example.org")))

    assert max(seen) == 2
    assert seen[-1] == 2
    assert Registration.objects.filter(status="waitlisted").count() >= 1


# --- approve --------------------------------------------------------------------------------------------------


def test_it_confirms_a_pending_registration_with_a_calendar_invitation(
    small_conference, django_capture_on_commit_callbacks
):
    (registration,) = register_many(small_conference, django_capture_on_commit_callbacks, 1)
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_registration(registration)

    assert fresh(registration).status == "confirmed"
    (message,) = outbox.outbox
    assert message.subject == f"Your place is confirmed ({registration.reference})"
    assert [attachment[0] for attachment in message.attachments] == ["invitation.ics"]
    assert "BEGIN:VCALENDAR" in message.attachments[0][1]
    email = registration.emails.get(kind="confirmed")
    assert email.status == "sent"
    assert email.calendar


def test_it_refuses_to_approve_a_cancelled_registration(small_conference, django_capture_on_commit_callbacks):
    (registration,) = register_many(small_conference, django_capture_on_commit_callbacks, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration)
    emails_before = OutgoingEmail.objects.count()

    with pytest.raises(ValidationError):
        services.approve_registration(registration)

    assert fresh(registration).status == "cancelled"
    assert OutgoingEmail.objects.count() == emails_before


def test_it_refuses_to_approve_a_waitlisted_person_when_no_seat_is_free(
    small_conference, django_capture_on_commit_callbacks
):
    *_, waiting = register_many(small_conference, django_capture_on_commit_callbacks, 3)

    with pytest.raises(ValidationError, match="No seat is free"):
        services.approve_registration(waiting)

    assert fresh(waiting).status == "waitlisted"
    assert waiting.joined_waiting_list_at is not None
    assert active_count(small_conference) == 2


def test_it_approves_a_waitlisted_person_once_a_seat_is_free(small_conference, django_capture_on_commit_callbacks):
    first, _ = register_many(small_conference, django_capture_on_commit_callbacks, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.waitlist_registration(first)  # nobody else waits, so the seat stays free
    assert fresh(first).status == "waitlisted"
    assert active_count(small_conference) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_registration(first)

    assert fresh(first).status == "confirmed"
    assert first.joined_waiting_list_at is None
    assert active_count(small_conference) == 2


# --- decline --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_it_needs_a_reason_to_decline(small_conference, django_capture_on_commit_callbacks, reason):
    (registration,) = register_many(small_conference, django_capture_on_commit_callbacks, 1)
    emails_before = OutgoingEmail.objects.count()

    with pytest.raises(ValidationError, match="Give a reason"):
        services.decline_registration(registration, reason=reason)

    assert fresh(registration).status == "pending"
    assert OutgoingEmail.objects.count() == emails_before


@pytest.mark.parametrize(("requires_approval", "promoted_status"), [(True, "pending"), (False, "confirmed")])
def test_it_gives_a_declined_seat_to_the_first_in_line(
    small_conference, django_capture_on_commit_callbacks, requires_approval, promoted_status
):
    small_conference.requires_approval = requires_approval
    small_conference.save()
    declined, _, later, earlier = register_many(small_conference, django_capture_on_commit_callbacks, 4)
    # The queue is served by joined_waiting_list_at, not by the order of the rows.
    Registration.objects.filter(pk=earlier.pk).update(
        joined_waiting_list_at=later.joined_waiting_list_at - timedelta(minutes=5)
    )
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.decline_registration(declined, reason="  Only members of parliament this year.  ")

    assert fresh(declined).status == "declined"
    assert declined.decline_reason == "Only members of parliament this year."
    assert fresh(earlier).status == promoted_status
    assert earlier.joined_waiting_list_at is None
    assert fresh(later).status == "waitlisted"
    assert active_count(small_conference) == 2

    (declined_message,) = messages_to(declined)
    assert declined_message.subject == f"Your registration ({declined.reference})"
    assert "Only members of parliament this year." in declined_message.body
    (promoted_message,) = messages_to(earlier)
    assert promoted_message.subject == f"A seat is free for you ({earlier.reference})"
    has_invitation = [attachment[0] for attachment in promoted_message.attachments] == ["invitation.ics"]
    assert has_invitation is (promoted_status == "confirmed")
    assert messages_to(later) == []


def test_it_promotes_nobody_when_a_waitlisted_person_is_declined(small_conference, django_capture_on_commit_callbacks):
    *_, declined, still_waiting = register_many(small_conference, django_capture_on_commit_callbacks, 4)

    with django_capture_on_commit_callbacks(execute=True):
        services.decline_registration(declined, reason="Duplicate")

    assert fresh(declined).status == "declined"
    assert fresh(still_waiting).status == "waitlisted"
    assert active_count(small_conference) == 2


# --- cancel ---------------------------------------------------------------------------------------------------


def test_it_promotes_nobody_when_a_waitlisted_person_cancels(small_conference, django_capture_on_commit_callbacks):
    *_, cancelling, still_waiting = register_many(small_conference, django_capture_on_commit_callbacks, 4)
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(cancelling)

    assert fresh(cancelling).status == "cancelled"
    assert cancelling.joined_waiting_list_at is None
    assert fresh(still_waiting).status == "waitlisted"
    assert active_count(small_conference) == 2
    assert [message.subject for message in outbox.outbox] == [f"Registration cancelled ({cancelling.reference})"]


def test_it_gives_a_cancelled_seat_to_the_first_in_line(small_conference, django_capture_on_commit_callbacks):
    cancelling, _, first_in_line, second_in_line = register_many(
        small_conference, django_capture_on_commit_callbacks, 4
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(cancelling)

    assert fresh(first_in_line).status == "pending"
    assert fresh(second_in_line).status == "waitlisted"
    assert active_count(small_conference) == 2


def test_it_refuses_to_cancel_twice(small_conference, django_capture_on_commit_callbacks):
    (registration,) = register_many(small_conference, django_capture_on_commit_callbacks, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration)

    with pytest.raises(ValidationError, match="already closed"):
        services.cancel_registration(registration)

    assert fresh(registration).status == "cancelled"
    assert registration.emails.filter(kind="cancelled").count() == 1


# --- waitlist -------------------------------------------------------------------------------------------------


def test_it_sends_a_person_moved_to_the_waiting_list_to_the_end_of_the_queue(
    small_conference, django_capture_on_commit_callbacks
):
    small_conference.requires_approval = False
    small_conference.save()
    moved, _, first_waiting, second_waiting = register_many(small_conference, django_capture_on_commit_callbacks, 4)
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.waitlist_registration(moved)

    assert fresh(moved).status == "waitlisted"
    assert moved.joined_waiting_list_at > fresh(second_waiting).joined_waiting_list_at
    assert fresh(first_waiting).status == "confirmed"
    assert waiting_list(small_conference) == [second_waiting.email, moved.email]
    assert active_count(small_conference) == 2
    assert [message.subject for message in messages_to(moved)] == [f"You are on the waiting list ({moved.reference})"]
    assert [message.subject for message in messages_to(first_waiting)] == [
        f"A seat is free for you ({first_waiting.reference})"
    ]


def test_it_refuses_to_waitlist_someone_already_waiting(small_conference, django_capture_on_commit_callbacks):
    *_, waiting = register_many(small_conference, django_capture_on_commit_callbacks, 3)
    joined_waiting_list_at = waiting.joined_waiting_list_at

    with pytest.raises(ValidationError):
        services.waitlist_registration(waiting)

    assert fresh(waiting).joined_waiting_list_at == joined_waiting_list_at


# --- resend ---------------------------------------------------------------------------------------------------


def test_it_resends_a_copy_of_the_last_email(small_conference, django_capture_on_commit_callbacks):
    (registration,) = register_many(small_conference, django_capture_on_commit_callbacks, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_registration(registration)
    last = registration.emails.get(kind="confirmed")
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        copy = services.resend_last_email(registration)

    assert copy.pk != last.pk
    assert registration.emails.count() == 3
    copy.refresh_from_db()
    assert (copy.kind, copy.subject, copy.body_text, copy.body_html, copy.calendar) == (
        last.kind,
        last.subject,
        last.body_text,
        last.body_html,
        last.calendar,
    )
    assert copy.status == "sent"
    (message,) = outbox.outbox
    assert message.subject == f"Your place is confirmed ({registration.reference})"
    assert message.to == [registration.email]
    assert [attachment[0] for attachment in message.attachments] == ["invitation.ics"]


def test_a_resent_email_goes_where_it_went_first_not_to_a_changed_address(
    small_conference, django_capture_on_commit_callbacks
):
    """It carries the personal link: changing the address in the admin must not redirect it."""
    (registration,) = register_many(small_conference, django_capture_on_commit_callbacks, 1)
    first_address = registration.email
    Registration.objects.filter(pk=registration.pk).update(email="someone-else@example.org")
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.resend_last_email(Registration.objects.get(pk=registration.pk))

    assert [message.to for message in outbox.outbox] == [[first_address]]


def test_it_refuses_to_resend_when_no_email_was_written(small_conference, django_capture_on_commit_callbacks):
    (registration,) = register_many(small_conference, django_capture_on_commit_callbacks, 1)
    registration.emails.all().delete()

    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        services.resend_last_email(registration)

    assert not OutgoingEmail.objects.exists()


# --- language -------------------------------------------------------------------------------------------------


def test_it_writes_every_email_in_the_registrants_language(small_conference, django_capture_on_commit_callbacks):
    small_conference.capacity = 1
    small_conference.save()
    with django_capture_on_commit_callbacks(execute=True):
        seated = register(small_conference, "seated@example.org", language="kk")
        waiting = register(small_conference, "waiting@example.org", language="kk")
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_registration(seated, reason="Reason")
        services.approve_registration(waiting)

    emails = OutgoingEmail.objects.order_by("pk")
    assert [email.kind for email in emails] == ["received", "waitlisted", "declined", "promoted", "confirmed"]
    for email in emails:
        registration = email.recipient
        assert email.language == "kk"
        assert f"/kk/my/{registration.token}/" in email.body_text
        assert "2023 ж." in email.body_text  # the Kazakh date format
        with translation.override("kk"):
            expected = render_to_string(f"emails/{email.kind}-subject.txt", {"registration": registration})
        assert email.subject == " ".join(expected.split())
    assert {message.subject for message in outbox.outbox} == {email.subject for email in emails}


# --- concurrency (PostgreSQL row locks) -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_keeps_to_capacity_when_registrations_arrive_at_once(registration_open):
    registration_open.capacity = 3
    registration_open.save()
    run_together(
        [lambda n=n: register_outcome(registration_open, f"rush{n}@example.org") for n in range(8)]
    )  # re-raises

    assert active_count(registration_open) == 3
    assert Registration.objects.filter(status="waitlisted").count() == 5


# --- admin ----------------------------------------------------------------------------------------------------


CHANGELIST = "admin:registration_registration_changelist"


def run_action(client, capture, action: str, registrations, url_name: str = CHANGELIST, **data):
    with capture(execute=True):
        return client.post(
            reverse(url_name),
            {"action": action, "_selected_action": [registration.pk for registration in registrations], **data},
        )


def flashed(response) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in response.context["messages"]]


def test_it_opens_the_registration_and_email_admin_pages(
    organiser_client, small_conference, django_capture_on_commit_callbacks
):
    (registration,) = register_many(small_conference, django_capture_on_commit_callbacks, 1)

    changelist = organiser_client.get(reverse(CHANGELIST))
    change = organiser_client.get(reverse("admin:registration_registration_change", args=[registration.pk]))
    emails = organiser_client.get(reverse("admin:outbox_outgoingemail_changelist"))

    assert [changelist.status_code, change.status_code, emails.status_code] == [200, 200, 200]
    assert registration.reference in changelist.content.decode()
    page = change.content.decode()
    assert "Email history" in page
    assert '<h2 id="emails-heading" class="inline-heading">' in page
    assert re.search(r'<td class="field-kind_shown">\s*<p>Registration received</p>', page)
    assert re.search(r'<td class="field-status">\s*<p>Sent</p>', page)
    assert re.search(r'<td class="field-attempts">\s*<p>1</p>', page)
    assert emails.context["cl"].result_count == 1


def test_it_finds_a_registration_by_reference_and_filters_by_status(
    organiser_client, small_conference, django_capture_on_commit_callbacks
):
    first, _, waiting = register_many(small_conference, django_capture_on_commit_callbacks, 3)

    found = organiser_client.get(reverse(CHANGELIST), {"q": first.reference})
    waitlisted = organiser_client.get(reverse(CHANGELIST), {"status__exact": "waitlisted"})
    pending = organiser_client.get(reverse(CHANGELIST), {"status__exact": "pending"})

    assert [registration.pk for registration in found.context["cl"].result_list] == [first.pk]
    assert [registration.pk for registration in waitlisted.context["cl"].result_list] == [waiting.pk]
    assert pending.context["cl"].result_count == 2


def test_it_approves_in_bulk_and_reports_the_refusals(
    organiser_client, small_conference, django_capture_on_commit_callbacks
):
    first, second, waiting = register_many(small_conference, django_capture_on_commit_callbacks, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(second)  # its seat goes to `waiting`
    closed = second
    outbox.outbox.clear()

    response = run_action(organiser_client, django_capture_on_commit_callbacks, "approve", [first, waiting, closed])
    followed = organiser_client.get(response["Location"])

    assert response.status_code == 302
    assert [fresh(first).status, fresh(waiting).status, fresh(closed).status] == ["confirmed", "confirmed", "cancelled"]
    notes = flashed(followed)
    assert (messages.SUCCESS, "2 registrations approved.") in notes
    warnings = [text for level, text in notes if level == messages.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{closed.reference}: ")
    assert sorted(message.to[0] for message in outbox.outbox) == sorted([first.email, waiting.email])


def test_it_reports_a_full_conference_when_approving_from_the_waiting_list(
    organiser_client, small_conference, django_capture_on_commit_callbacks
):
    *_, waiting = register_many(small_conference, django_capture_on_commit_callbacks, 3)

    response = run_action(organiser_client, django_capture_on_commit_callbacks, "approve", [waiting])
    notes = flashed(organiser_client.get(response["Location"]))

    assert fresh(waiting).status == "waitlisted"
    assert len(notes) == 1
    assert notes[0][0] == messages.WARNING
    assert "No seat is free" in notes[0][1]


def test_it_asks_for_a_reason_before_declining(organiser_client, small_conference, django_capture_on_commit_callbacks):
    first, second = register_many(small_conference, django_capture_on_commit_callbacks, 2)
    outbox.outbox.clear()

    asked = run_action(organiser_client, django_capture_on_commit_callbacks, "decline", [first, second])

    assert asked.status_code == 200
    assert "admin/registration/decline.html" in [template.name for template in asked.templates]
    page = asked.content.decode()
    assert 'name="reason"' in page
    assert first.reference in page
    assert second.reference in page
    assert not asked.context["form"].is_bound
    assert [fresh(first).status, fresh(second).status] == ["pending", "pending"]
    assert outbox.outbox == []


def test_it_shows_the_decline_page_again_without_a_reason(
    organiser_client, small_conference, django_capture_on_commit_callbacks
):
    first, second = register_many(small_conference, django_capture_on_commit_callbacks, 2)
    outbox.outbox.clear()

    response = run_action(
        organiser_client, django_capture_on_commit_callbacks, "decline", [first, second], apply="1", reason="  "
    )

    assert response.status_code == 200
    assert "admin/registration/decline.html" in [template.name for template in response.templates]
    assert "reason" in response.context["form"].errors
    assert "This field is required." in response.content.decode()
    assert [fresh(first).status, fresh(second).status] == ["pending", "pending"]
    assert outbox.outbox == []


def test_it_declines_every_selected_registration_with_the_reason(
    organiser_client, small_conference, django_capture_on_commit_callbacks
):
    first, second = register_many(small_conference, django_capture_on_commit_callbacks, 2)
    outbox.outbox.clear()

    response = run_action(
        organiser_client,
        django_capture_on_commit_callbacks,
        "decline",
        [first, second],
        apply="1",
        reason="The delegation is complete.",
    )

    assert response.status_code == 302
    for registration in (first, second):
        assert fresh(registration).status == "declined"
        assert registration.decline_reason == "The delegation is complete."
        (message,) = messages_to(registration)
        assert message.subject == f"Your registration ({registration.reference})"
        assert "The delegation is complete." in message.body
    assert len(outbox.outbox) == 2
    assert (messages.SUCCESS, "2 registrations declined.") in flashed(organiser_client.get(response["Location"]))


def test_it_moves_people_to_the_waiting_list_from_the_admin(
    organiser_client, small_conference, django_capture_on_commit_callbacks
):
    moved, _, waiting = register_many(small_conference, django_capture_on_commit_callbacks, 3)

    response = run_action(organiser_client, django_capture_on_commit_callbacks, "waitlist", [moved])

    assert response.status_code == 302
    assert fresh(moved).status == "waitlisted"
    assert fresh(waiting).status == "pending"
    assert waiting_list(small_conference) == [moved.email]


def test_it_moves_every_selected_person_to_the_waiting_list_from_the_admin(
    organiser_client, small_conference, django_capture_on_commit_callbacks
):
    small_conference.requires_approval = False
    small_conference.save()
    first, second = register_many(small_conference, django_capture_on_commit_callbacks, 2)
    outbox.outbox.clear()

    response = run_action(organiser_client, django_capture_on_commit_callbacks, "waitlist", [first, second])

    assert response.status_code == 302
    assert [fresh(first).status, fresh(second).status] == ["waitlisted", "waitlisted"]
    assert active_count(small_conference) == 0
    assert sorted(message.subject for message in outbox.outbox) == sorted(
        f"You are on the waiting list ({registration.reference})" for registration in (first, second)
    )


def test_it_resends_the_last_email_from_the_admin(
    organiser_client, small_conference, django_capture_on_commit_callbacks
):
    first, second = register_many(small_conference, django_capture_on_commit_callbacks, 2)
    outbox.outbox.clear()

    response = run_action(organiser_client, django_capture_on_commit_callbacks, "resend_last_email", [first, second])

    assert response.status_code == 302
    assert OutgoingEmail.objects.count() == 4
    assert sorted(message.subject for message in outbox.outbox) == sorted(
        f"Registration received ({registration.reference})" for registration in (first, second)
    )
    assert (messages.SUCCESS, "2 emails queued again.") in flashed(organiser_client.get(response["Location"]))


def test_it_retries_only_the_failed_emails(organiser_client, small_conference, django_capture_on_commit_callbacks):
    first, second = register_many(small_conference, django_capture_on_commit_callbacks, 2)
    failed = first.emails.get()
    sent = second.emails.get()
    OutgoingEmail.objects.filter(pk=failed.pk).update(
        status="failed", attempts=10, last_error="SMTPServerDisconnected", sent_at=None
    )
    sent.refresh_from_db()
    outbox.outbox.clear()

    response = run_action(
        organiser_client,
        django_capture_on_commit_callbacks,
        "retry",
        [failed, sent],
        url_name="admin:outbox_outgoingemail_changelist",
    )

    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("sent", 1, "")
    assert failed.sent_at is not None
    unchanged = OutgoingEmail.objects.get(pk=sent.pk)
    assert (unchanged.status, unchanged.attempts, unchanged.sent_at) == ("sent", 1, sent.sent_at)
    assert [message.to for message in outbox.outbox] == [[first.email]]
    assert [text for _, text in flashed(organiser_client.get(response["Location"]))] == ["1 email queued again."]


def test_it_offers_no_way_to_add_a_registration_in_the_admin(organiser_client, small_conference):
    response = organiser_client.get(reverse("admin:registration_registration_add"))

    assert response.status_code == 403


def test_it_serves_the_waiting_list_before_a_newcomer_when_capacity_is_raised(
    small_conference, django_capture_on_commit_callbacks
):
    *_seated, waiting = register_many(small_conference, django_capture_on_commit_callbacks, 3)
    small_conference.capacity = 3
    small_conference.save()

    with django_capture_on_commit_callbacks(execute=True):
        newcomer = register(small_conference, "newcomer@example.org")

    assert fresh(waiting).status == "pending"
    assert newcomer.status == "waitlisted"
    assert any("A seat is free for you" in message.subject for message in messages_to(waiting))


def test_it_refuses_a_capacity_below_the_seats_already_held(small_conference, django_capture_on_commit_callbacks):
    register_many(small_conference, django_capture_on_commit_callbacks, 2)

    assert seats.capacity_errors(small_conference, 1).startswith("2 people hold a seat")
    assert seats.capacity_errors(small_conference, 2) is None


def test_it_gives_new_seats_to_the_waiting_list_when_organisers_raise_the_capacity(
    rf, small_conference, django_capture_on_commit_callbacks
):
    from types import SimpleNamespace

    from django.contrib.admin.sites import site

    from agenda.models import Conference

    *_seated, waiting = register_many(small_conference, django_capture_on_commit_callbacks, 3)
    small_conference.capacity = 3
    conference_admin = site._registry[Conference]

    with django_capture_on_commit_callbacks(execute=True):
        conference_admin.save_model(rf.post("/"), small_conference, SimpleNamespace(changed_data=["capacity"]), True)

    assert fresh(waiting).status == "pending"
    assert any("A seat is free for you" in message.subject for message in messages_to(waiting))


def test_it_never_shows_gender_beside_a_name_in_the_admin(
    organiser_client, small_conference, django_capture_on_commit_callbacks
):
    (person,) = register_many(small_conference, django_capture_on_commit_callbacks, 1)

    change_page = organiser_client.get(reverse("admin:registration_registration_change", args=[person.pk]))
    listing = organiser_client.get(reverse("admin:registration_registration_changelist"))

    assert 'name="gender"' not in change_page.content.decode()
    assert "gender" not in listing.context["cl"].list_filter
    assert 'name="conference"' not in change_page.content.decode()  # moving people would bypass seat counts


# --- the personal page: place in line, calendar -----------------------------------------------------------


def test_it_tells_each_waiting_person_their_place_in_line(client, small_conference, django_capture_on_commit_callbacks):
    first_seated, _second_seated, *waiting = register_many(small_conference, django_capture_on_commit_callbacks, 5)

    assert [seats.waiting_list_position(person) for person in waiting] == [1, 2, 3]
    assert seats.waiting_list_position(first_seated) is None

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(first_seated)  # the first in line takes the seat

    assert [seats.waiting_list_position(fresh(person)) for person in waiting] == [None, 1, 2]
    page = client.get(f"/ru/my/{waiting[2].token}/").content.decode()
    assert 'data-waiting-position="2"' in page
    assert "Ваш номер в очереди: 2." in page


def test_a_confirmed_person_downloads_the_conference_for_their_calendar(
    client, small_conference, django_capture_on_commit_callbacks
):
    seated, pending, waiting = register_many(small_conference, django_capture_on_commit_callbacks, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_registration(seated)

    page = client.get(f"/my/{seated.token}/").content.decode()
    response = client.get(f"/my/{seated.token}/invitation.ics")

    assert f'href="/my/{seated.token}/invitation.ics"' in page
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wps-2023.ics"'
    calendar = response.content.decode()
    assert "DTSTART:20231016T040000Z" in calendar
    assert f"/my/{seated.token}/" in calendar
    for not_confirmed in (pending, waiting):
        assert client.get(f"/my/{not_confirmed.token}/invitation.ics").status_code == 404
        assert "invitation.ics" not in client.get(f"/my/{not_confirmed.token}/").content.decode()
