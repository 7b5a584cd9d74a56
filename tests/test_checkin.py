"""The door: signed codes, who may come in, one green for two simultaneous scans, and who may use it."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accreditation import services as accreditation_services
from registration import checkin, corrections, erasure, services
from registration.models import DoorCount, Registration, counted_at_the_door
from tests import factories
from tests.concurrency import run_together
from tests.factories import apply_for_accreditation, register, sign_in, staff_member

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
Light = checkin.Light


@pytest.fixture
def conference(registration_open):
    registration_open.capacity = 3
    registration_open.requires_approval = False
    registration_open.media_capacity = 2
    registration_open.save()
    return registration_open


def test_a_genuine_code_checks_a_confirmed_person_in_once(conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    code = checkin.badge_code(aigerim)

    first = checkin.check_in(code, conference=conference, by=door_staff)
    second = checkin.check_in(code, conference=conference, by=door_staff)

    assert first.light == Light.GREEN
    assert first.registration == aigerim
    assert second.light == Light.AMBER
    assert "by dina" in second.message
    aigerim.refresh_from_db()
    assert aigerim.checked_in_by == door_staff
    assert second.message.startswith(f"Already checked in at {conference.local(aigerim.checked_in_at):%H:%M} by dina.")
    assert "check their ID" in second.message  # a copy of the badge may have come first


def test_a_code_with_one_changed_character_is_red_and_names_nobody(conference, door_staff):
    code = checkin.badge_code(register(conference, "aigerim@example.org"))
    for position in (0, len(code) // 2, len(code) - 1):
        changed = code[:position] + ("A" if code[position] != "A" else "B") + code[position + 1 :]
        answer = checkin.check_in(changed, conference=conference, by=door_staff)
        assert answer.light == Light.RED
        assert answer.registration is None
        assert "forged" in answer.message
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_a_typed_reference_works_in_any_letter_case(conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    asked = checkin.check_in(f" {aigerim.reference.lower()} ", conference=conference, by=door_staff)
    assert asked.light == Light.CHECK_ID
    assert checkin.confirm_id_checked(asked.confirmation, conference=conference, by=door_staff).light == Light.GREEN


def test_a_cancelled_persons_genuine_code_is_red(conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    services.cancel_registration(aigerim)
    answer = checkin.check_in(checkin.badge_code(aigerim), conference=conference, by=door_staff)
    assert (answer.light, answer.message) == (Light.RED, "Registration cancelled.")
    assert answer.registration == aigerim  # a genuine badge: the person is named


def test_a_waitlisted_persons_genuine_code_is_red(conference, door_staff):
    for n in range(3):
        register(conference, f"seat{n}@example.org")
    waiting = register(conference, "waiting@example.org")
    assert waiting.status == "waitlisted"
    answer = checkin.check_in(checkin.badge_code(waiting), conference=conference, by=door_staff)
    assert (answer.light, answer.message) == (Light.RED, "On the waiting list, not confirmed.")


def test_media_come_in_only_with_a_collected_badge_and_never_once_revoked(conference, door_staff):
    application = apply_for_accreditation(conference)
    code = checkin.badge_code(application.registration)
    assert "Not confirmed yet." in checkin.check_in(code, conference=conference, by=door_staff).message
    accreditation_services.approve(application, by=door_staff)
    not_collected = checkin.check_in(code, conference=conference, by=door_staff)
    assert not_collected.light == Light.RED
    assert "accreditation desk" in not_collected.message
    accreditation_services.record_badge_pickup(application, identity_document="passport", by=door_staff)
    assert checkin.check_in(code, conference=conference, by=door_staff).light == Light.GREEN
    accreditation_services.revoke(application, reason="Misconduct.", by=door_staff)
    assert checkin.check_in(code, conference=conference, by=door_staff).message == "Accreditation revoked."


def test_a_badge_of_another_conference_is_unknown_here(conference, door_staff, django_user_model):
    aigerim = register(conference, "aigerim@example.org")
    other = type(conference).objects.get(pk=conference.pk)
    other.pk, other.slug = None, "wps-2024"
    other.save()
    assert checkin.check_in(checkin.badge_code(aigerim), conference=other, by=door_staff).light == Light.RED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_doors_scanning_one_badge_at_once_give_one_green_and_one_amber(conference, roles):
    door_one = User.objects.create_user("door1", password=PASSWORD)
    door_two = User.objects.create_user("door2", password=PASSWORD)
    code = checkin.badge_code(register(conference, "aigerim@example.org"))

    for _round in range(5):
        checkin.undo_check_ins(Registration.objects.all(), by=None)
        answers = run_together(
            [lambda by=by: checkin.check_in(code, conference=conference, by=by) for by in (door_one, door_two)]
        )
        assert sorted(answer.light for answer in answers) == [Light.AMBER, Light.GREEN]
        assert checkin.counts(conference)["checked_in"] == 1


def test_the_count_and_the_search(conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    register(conference, "dana@example.org", first_name="Дана", last_name="Әбенова")
    checkin.check_in(checkin.badge_code(aigerim), conference=conference, by=door_staff)
    assert checkin.counts(conference) == {"checked_in": 1, "expected": 2}
    assert [person.email for person in checkin.search(conference, "әбен")] == ["dana@example.org"]
    assert [person.email for person in checkin.search(conference, "Дана Әбенова")] == ["dana@example.org"]
    assert [person.email for person in checkin.search(conference, "AIGERIM@example.org")] == ["aigerim@example.org"]
    assert [person.email for person in checkin.search(conference, aigerim.reference.lower())] == ["aigerim@example.org"]
    assert checkin.search(conference, "Дана Қасымова") == []
    assert checkin.search(conference, "a") == []


# --- the page and who may use it ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, conference):
    response = client.get("/checkin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/checkin/")


def test_staff_without_the_permission_get_403(client, conference):
    sign_in(client, staff_member("sam"))
    assert client.get("/checkin/").status_code == 403


def test_door_staff_check_in_but_cannot_open_the_registrations_admin(client, conference, door_staff):
    sign_in(client, door_staff)
    aigerim = register(conference, "aigerim@example.org")
    assert client.get(reverse("admin:registration_registration_changelist")).status_code == 403
    assert client.get(reverse("admin:accreditation_accreditationrequest_changelist")).status_code == 403
    assert set(Group.objects.get(name="Door staff").permissions.values_list("codename", flat=True)) == {
        "check_in_registration"
    }

    page = client.post("/checkin/", {"code": checkin.badge_code(aigerim)})
    assert page.context["answer"].light == Light.GREEN
    assert 'data-light="green"' in page.content.decode()
    answer = client.post("/checkin/", {"code": "garbage"}, headers={"Accept": "application/json"}).json()
    assert answer["light"] == "red"
    assert answer["name"] == ""
    assert answer["count_text"] == "1 checked in of 1 expected"
    assert client.get("/checkin/count/").json()["checked_in"] == 1


def test_organisers_check_in_and_undo_it_in_the_admin(organiser_client, conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    assert (
        organiser_client.post("/checkin/", {"code": checkin.badge_code(aigerim)}).context["answer"].light == Light.GREEN
    )

    organiser_client.post(
        reverse("admin:registration_registration_changelist"),
        {"action": "undo_check_in", "_selected_action": [aigerim.pk]},
    )

    aigerim.refresh_from_db()
    assert aigerim.checked_in_at is None
    assert checkin.check_in(checkin.badge_code(aigerim), conference=conference, by=door_staff).light == Light.GREEN


@pytest.mark.parametrize("scanned", ["typed", "a QR code holding only the reference"])
def test_a_bare_reference_checks_nobody_in_until_the_door_confirms_the_id(conference, door_staff, scanned):
    aigerim = register(conference, "aigerim@example.org")

    answer = checkin.check_in(aigerim.reference, conference=conference, by=door_staff)

    assert answer.light == Light.CHECK_ID
    assert answer.registration == aigerim  # the door sees whom to compare the ID with
    assert "check their ID" in answer.message
    aigerim.refresh_from_db()
    assert aigerim.checked_in_at is None
    confirmed = checkin.confirm_id_checked(answer.confirmation, conference=conference, by=door_staff)
    assert (confirmed.light, confirmed.message) == (Light.GREEN, "Checked in after an ID check. Welcome!")
    aigerim.refresh_from_db()
    assert aigerim.checked_in_by == door_staff


def test_a_confirmation_is_for_the_door_that_asked_and_only_for_a_while(conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    answer = checkin.check_in(aigerim.reference, conference=conference, by=door_staff)
    other_door = factories.door_staff("daniyar")

    assert checkin.confirm_id_checked(answer.confirmation, conference=conference, by=other_door).light == Light.RED
    assert checkin.confirm_id_checked("forged", conference=conference, by=door_staff).light == Light.RED
    with time_machine.travel(timezone.now() + timedelta(seconds=checkin.ID_CHECK_SECONDS + 1)):
        assert checkin.confirm_id_checked(answer.confirmation, conference=conference, by=door_staff).light == Light.RED
    assert checkin.counts(conference)["checked_in"] == 0


def test_the_door_confirms_an_id_check_through_the_page(client, conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    sign_in(client, door_staff)

    asked = client.post("/checkin/", {"code": aigerim.reference}, headers={"Accept": "application/json"}).json()
    page = client.post("/checkin/", {"confirmation": asked["confirmation"]})

    assert asked["light"] == "check-id"
    assert asked["name"] == "Ms Әйгерім Қасымова"
    assert page.context["answer"].light == Light.GREEN
    assert checkin.counts(conference)["checked_in"] == 1


def test_a_search_with_a_nul_character_finds_nothing_and_breaks_nothing(door_client, conference):
    response = door_client.post("/checkin/", {"q": "Қасы\x00мова"})
    assert response.status_code == 200
    assert response.context["found"] == []


def test_the_count_leaves_out_people_who_cancelled_after_coming_in(conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    checkin.check_in(checkin.badge_code(aigerim), conference=conference, by=door_staff)
    services.cancel_registration(aigerim)
    assert checkin.counts(conference) == {"checked_in": 0, "expected": 0}


def test_the_door_sees_the_badge_photo_of_the_person_in_front_of_it_only(client, conference, door_staff):
    application = apply_for_accreditation(conference)
    accreditation_services.approve(application, by=door_staff)
    accreditation_services.record_badge_pickup(application, identity_document="passport", by=door_staff)
    sign_in(client, door_staff)

    answer = client.post(
        "/checkin/", {"code": checkin.badge_code(application.registration)}, headers={"Accept": "application/json"}
    ).json()
    photo = client.get(answer["photo"])

    assert answer["light"] == "green"
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert "no-store" in photo["Cache-Control"]
    assert client.get(reverse("registration:checkin-photo", args=[str(application.registration.pk)])).status_code == 404
    client.logout()
    assert client.get(answer["photo"]).status_code == 302  # to the login page


def test_the_door_search_finds_only_confirmed_people_and_wants_real_words(conference, door_staff):
    register(conference, "aigerim@example.org")
    register(conference, "dana@example.org", first_name="Дана", last_name="Әбенова")
    cancelled = register(conference, "erik@example.org", first_name="Ерік", last_name="Әбенов")
    services.cancel_registration(cancelled)

    assert [person.email for person in checkin.search(conference, "әбен")] == ["dana@example.org"]
    assert checkin.search(conference, "erik@example.org") == []
    assert checkin.search(conference, "е е") == []  # one letter a word would list everyone
    assert checkin.search(conference, "әб") == []


def test_a_refused_answer_shows_no_photo(client, conference, door_staff):
    application = apply_for_accreditation(conference)
    sign_in(client, door_staff)

    answer = client.post(
        "/checkin/", {"code": application.registration.reference}, headers={"Accept": "application/json"}
    ).json()

    assert answer["light"] == "red"  # not approved yet
    assert answer["photo"] == ""


# --- the count the door shows, kept rather than counted at each scan ------------------------------------------


def kept_count(conference) -> int:
    """How many the door shows checked in, after checking both its counts against the registrations."""
    shown = checkin.counts(conference)
    assert shown == counted_at_the_door(conference.pk)
    return shown["checked_in"]


def test_the_kept_count_follows_check_ins_and_their_undo(organiser_client, conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    dana = register(conference, "dana@example.org")
    assert kept_count(conference) == 0

    checkin.check_in(checkin.badge_code(aigerim), conference=conference, by=door_staff)
    checkin.check_in(checkin.badge_code(aigerim), conference=conference, by=door_staff)  # amber: counted once
    asked = checkin.check_in(dana.reference, conference=conference, by=door_staff)
    assert kept_count(conference) == 1
    checkin.confirm_id_checked(asked.confirmation, conference=conference, by=door_staff)
    assert kept_count(conference) == 2

    organiser_client.post(
        reverse("admin:registration_registration_changelist"),
        {"action": "undo_check_in", "_selected_action": [aigerim.pk]},
    )
    assert kept_count(conference) == 1
    assert checkin.undo_check_ins(Registration.objects.filter(pk=aigerim.pk), by=None) == 0  # nothing left to undo
    assert kept_count(conference) == 1


def test_the_kept_count_follows_a_checked_in_persons_status(conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    dana = register(conference, "dana@example.org")
    for person in (aigerim, dana):
        checkin.check_in(checkin.badge_code(person), conference=conference, by=door_staff)
    assert checkin.counts(conference) == {"checked_in": 2, "expected": 2}

    correction = corrections.request_correction(Registration.objects.get(pk=dana.pk), proposed={"position": "Speaker"})
    assert checkin.counts(conference) == {"checked_in": 1, "expected": 1}  # back in review: not confirmed
    corrections.accept_correction(correction, by=None)
    assert checkin.counts(conference) == {"checked_in": 2, "expected": 2}

    services.cancel_registration(Registration.objects.get(pk=aigerim.pk))
    assert checkin.counts(conference) == {"checked_in": 1, "expected": 1}
    assert kept_count(conference) == 1


def test_the_expected_count_follows_approval_and_the_waiting_list(conference):
    conference.requires_approval = True
    conference.save()
    aigerim = register(conference, "aigerim@example.org")
    assert checkin.counts(conference) == {"checked_in": 0, "expected": 0}  # pending: not expected yet

    services.approve_registration(aigerim)
    assert checkin.counts(conference) == {"checked_in": 0, "expected": 1}
    services.waitlist_registration(Registration.objects.get(pk=aigerim.pk))
    assert checkin.counts(conference) == {"checked_in": 0, "expected": 0}
    assert kept_count(conference) == 0


def test_erasure_before_the_conference_takes_the_person_off_the_count(conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    checkin.check_in(checkin.badge_code(aigerim), conference=conference, by=door_staff)
    assert kept_count(conference) == 1

    erasure.erase_on_request(Registration.objects.get(pk=aigerim.pk))

    assert kept_count(conference) == 0


def test_a_missing_count_starts_from_the_registrations_and_the_command_repairs_one(conference, door_staff):
    aigerim = register(conference, "aigerim@example.org")
    register(conference, "dana@example.org")
    checkin.check_in(checkin.badge_code(aigerim), conference=conference, by=door_staff)
    DoorCount.objects.all().delete()  # as after the migration, with people already checked in

    assert checkin.counts(conference) == {"checked_in": 1, "expected": 2}

    register(conference, "erik@example.org")
    assert checkin.counts(conference) == {"checked_in": 1, "expected": 3}
    DoorCount.objects.update(checked_in=7, expected=9)  # changed behind the site's back
    call_command("recount_door", conference.slug, stdout=io.StringIO())
    assert kept_count(conference) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_doors_scanning_different_badges_at_once_keep_the_count_exact(conference, roles):
    conference.capacity = 40
    conference.save()
    doors = [User.objects.create_user(f"door{n}", password=PASSWORD) for n in range(4)]
    codes = [checkin.badge_code(register(conference, f"guest{n}@example.org")) for n in range(40)]
    DoorCount.objects.all().delete()  # the first scans also race to create the count

    for start in range(0, 40, 4):
        answers = run_together(
            [
                lambda by=by, code=code: checkin.check_in(code, conference=conference, by=by)
                for by, code in zip(doors, codes[start : start + 4], strict=True)
            ]
        )
        assert [answer.light for answer in answers] == [Light.GREEN] * 4
        assert checkin.counts(conference) == {"checked_in": start + 4, "expected": 40}
    assert counted_at_the_door(conference.pk) == {"checked_in": 40, "expected": 40}
