"""Every change to a person's record is kept: who, when, why, and each field from what to what."""

import pytest
from django.urls import reverse

from accreditation import services as accreditation_services
from registration import checkin, services
from registration.models import Registration
from tests.factories import apply_for_accreditation, details_form, register
from wpsconf.audit import history_of

pytestmark = pytest.mark.django_db


def history(registration: Registration):
    from registration import audit

    return history_of(registration, reasons=audit.labels(), by_the_registrant=audit.BY_THE_REGISTRANT)


def test_a_registrants_life_is_recorded_with_who_did_what(organiser_client, registration_open, organiser, door_staff):
    aigerim = register(registration_open)
    organiser_client.post(
        reverse("admin:registration_registration_changelist"),
        {"action": "approve", "_selected_action": [aigerim.pk]},
    )
    checkin.check_in(checkin.badge_code(aigerim), conference=registration_open, by=door_staff)
    checkin.undo_check_ins(Registration.objects.filter(pk=aigerim.pk), by=organiser)

    entries = history(aigerim)

    assert [(entry.who, entry.what) for entry in entries] == [
        ("olga", "Check-in undone"),
        ("dina", "Checked in at the door"),
        ("olga", "Registration confirmed"),
        ("the registrant (personal link)", "Registered"),
    ]
    approved = entries[2]
    assert ("status", "Pending approval", "Confirmed") in [(c.field, c.old, c.new) for c in approved.changes]


def test_the_registrants_own_corrections_are_recorded_old_and_new(client, registration_open):
    aigerim = register(registration_open)
    form = details_form(phone="+7 701 000 0000", interpretation_language="ru", gender="prefer_not")

    client.post(f"/my/{aigerim.token}/", form)

    latest = history(aigerim)[0]
    changes = {change.field: (change.old, change.new) for change in latest.changes}
    assert latest.who == "the registrant (personal link)"
    assert changes["phone"] == ("+7 701 234 5678", "+77010000000")
    assert changes["preferred interpretation language"] == ("Kazakh", "Russian")
    assert "gender" not in changes  # never beside a name, not even here


def test_neither_the_token_nor_the_gender_is_kept_in_the_history(registration_open):
    aigerim = register(registration_open)
    record = aigerim.history.get()

    assert not hasattr(record, "token")
    assert not hasattr(record, "gender")


def test_the_admin_page_shows_the_audit_history(organiser_client, registration_open):
    aigerim = register(registration_open)
    services.approve_registration(aigerim)

    page = organiser_client.get(reverse("admin:registration_registration_change", args=[aigerim.pk])).content.decode()

    assert "data-audit-history" in page
    assert "<del>Pending approval</del> → <ins>Confirmed</ins>" in page


def test_a_media_requests_review_is_recorded_with_the_reviewer(
    reviewer_client, reviewer, registration_open, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_for_accreditation(registration_open)
    accreditation_services.approve(application, by=reviewer)

    page = reviewer_client.get(
        reverse("admin:accreditation_accreditationrequest_change", args=[application.pk])
    ).content.decode()

    entries = history_of(application, reasons={"approved": "Approved"})
    assert (entries[0].who, entries[0].what) == ("rita", "Approved")
    assert "<del>Awaiting review</del> → <ins>Approved</ins>" in page
