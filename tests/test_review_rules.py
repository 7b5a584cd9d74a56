"""The rules behind the admin's buttons: which decisions a media request can take, and badges on request."""

import pytest
from django.core.exceptions import ValidationError

from accreditation import services
from accreditation.admin import available_decisions
from accreditation.models import AccreditationRequest
from registration import badge_requests, badges
from registration import services as registration_services
from registration.models import BadgeSheet
from tests.factories import apply_for_accreditation, confirmed, register

Status = AccreditationRequest.Status
Decision = AccreditationRequest.Decision


@pytest.fixture
def application(registration_open):
    return apply_for_accreditation(registration_open)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Status.PENDING, [Decision.APPROVE, Decision.MORE_INFO, Decision.REJECT]),
        (Status.MORE_INFO, [Decision.APPROVE, Decision.MORE_INFO, Decision.REJECT]),
        (Status.APPROVED, [Decision.REVOKE]),
        (Status.REJECTED, []),
        (Status.REVOKED, []),
    ],
)
def test_each_status_allows_its_own_decisions_and_the_buttons_show_exactly_those(application, status, allowed):
    application.status = status

    assert list(application.allowed_decisions()) == allowed
    assert [value for value, _label, _style in available_decisions(application)] == allowed


def test_a_withdrawn_applicant_allows_no_decision_at_all(application, reviewer):
    registration_services.cancel_registration(application.registration)
    application.refresh_from_db()

    assert application.allowed_decisions() == ()
    assert available_decisions(application) == []


@pytest.mark.parametrize("decision", list(Decision))
def test_a_service_refuses_what_the_rule_does_not_allow(application, reviewer, decision):
    services.reject(application, reason="Not a journalist.", by=reviewer)
    application.refresh_from_db()
    act = {
        Decision.APPROVE: lambda: services.approve(application, by=reviewer),
        Decision.MORE_INFO: lambda: services.ask_for_more_information(application, message="Why?", by=reviewer),
        Decision.REJECT: lambda: services.reject(application, reason="Again.", by=reviewer),
        Decision.REVOKE: lambda: services.revoke(application, reason="Again.", by=reviewer),
    }[decision]

    with pytest.raises(ValidationError):
        act()
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert list(application.decisions.values_list("action", flat=True)) == ["rejected"]


# --- badges on request ------------------------------------------------------------------------------------------


def test_a_few_badges_are_drawn_at_once_for_confirmed_people_only(registration_open, organiser):
    people = [confirmed(registration_open, "a@example.org"), register(registration_open, "b@example.org")]
    selected = type(people[0]).objects.filter(pk__in=[person.pk for person in people])

    outcome = badge_requests.request_badges(selected, by=organiser)

    assert outcome.left_out == 1
    assert outcome.pdf.startswith(b"%PDF")
    assert outcome.sheet is None
    assert not BadgeSheet.objects.exists()


def test_nobody_confirmed_means_no_badges_and_no_sheet(registration_open, organiser):
    register(registration_open, "b@example.org")

    outcome = badge_requests.request_badges(type(registration_open.registrations.get()).objects.all(), by=organiser)

    assert (outcome.left_out, outcome.pdf, outcome.sheet, outcome.queue_unreachable) == (1, None, None, False)


def test_a_large_batch_becomes_a_sheet_drawn_by_the_worker(registration_open, organiser, monkeypatch):
    monkeypatch.setattr(badges, "AT_ONCE_UP_TO", 1)
    people = [confirmed(registration_open, f"p{n}@example.org") for n in range(2)]

    outcome = badge_requests.request_badges(registration_open.registrations.all(), by=organiser)

    assert outcome.pdf is None
    assert outcome.sheet.people == 2
    assert outcome.sheet.requested_by == organiser
    assert set(outcome.sheet.registrations.all()) == set(people)
    outcome.sheet.refresh_from_db()
    assert outcome.sheet.file.name  # drawn (the tests run tasks in process)
