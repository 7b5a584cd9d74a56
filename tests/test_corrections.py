"""After vetting, who a person is changes only through a correction that organisers review."""

import io

import pypdf
import pytest
from django.core import mail as outbox
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from accreditation import services as accreditation_services
from outbox.models import OutgoingEmail
from registration import badges, checkin, corrections, seats, services
from registration.models import IdentityCorrection, Registration
from tests import factories
from tests.documents import image_bytes, upload
from tests.factories import apply_for_accreditation, confirmed, details_form, register, sign_in
from wpsconf.storage import private_storage

pytestmark = pytest.mark.django_db
PENDING = IdentityCorrection.Status.PENDING


@pytest.fixture
def aigerim(registration_open, django_capture_on_commit_callbacks) -> Registration:
    with django_capture_on_commit_callbacks(execute=True):
        registration = confirmed(registration_open)
    outbox.outbox.clear()
    return registration


def badge_text(registration: Registration) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(badges.badge_pdf(registration))).pages)


# --- the hole --------------------------------------------------------------------------------------------------


def test_a_confirmed_registrant_cannot_swap_who_they_are_on_the_personal_page(client, aigerim):
    response = client.post(
        f"/my/{aigerim.token}/",
        details_form(
            first_name="Someone", last_name="Else", organisation="Another body", country="RU", chamber="lower"
        ),
    )

    aigerim.refresh_from_db()
    assert response.status_code == 302
    assert (aigerim.first_name, aigerim.last_name, aigerim.organisation, aigerim.country.code, aigerim.chamber) == (
        "Әйгерім",
        "Қасымова",
        "Senate of the Parliament of the Republic of Kazakhstan",
        "KZ",
        "upper",
    )
    assert aigerim.status == Registration.Status.CONFIRMED
    assert "Қасымова" in badge_text(aigerim)
    assert (
        "Else"
        not in checkin.check_in(
            checkin.badge_code(aigerim), conference=aigerim.conference, by=None
        ).registration.full_name
    )


def test_needs_and_contact_details_stay_freely_editable(client, aigerim):
    client.post(
        f"/my/{aigerim.token}/",
        details_form(phone="+7 777 000 1111", interpretation_language="en", dietary_needs="Halal", no_photography="on"),
    )

    aigerim.refresh_from_db()
    assert (aigerim.phone, aigerim.interpretation_language, aigerim.dietary_needs, aigerim.no_photography) == (
        "+77770001111",
        "en",
        "Halal",
        True,
    )
    assert aigerim.status == Registration.Status.CONFIRMED


def test_before_vetting_the_registrant_still_corrects_everything_directly(client, registration_open):
    pending = register(registration_open)

    client.post(f"/my/{pending.token}/", details_form(last_name="Қасымова-Әлиева"))

    pending.refresh_from_db()
    assert pending.last_name == "Қасымова-Әлиева"
    assert pending.status == Registration.Status.PENDING


# --- sending a correction --------------------------------------------------------------------------------------


def test_a_correction_goes_back_to_review_keeping_the_seat_and_withholding_the_badge(client, aigerim):
    taken = seats.seats_taken(aigerim.conference)

    response = client.post(
        f"/my/{aigerim.token}/correction/", details_form(last_name="Қасымова-Әлиева", position="Deputy Speaker")
    )

    assert response.status_code == 302
    aigerim.refresh_from_db()
    correction = aigerim.corrections.get()
    assert correction.status == PENDING
    assert correction.after == {"last_name": "Қасымова-Әлиева", "position": "Deputy Speaker"}
    assert correction.before == {"last_name": "Қасымова", "position": "Senator"}
    assert aigerim.last_name == "Қасымова"  # nothing changes before the review
    assert aigerim.status == Registration.Status.PENDING
    assert seats.seats_taken(aigerim.conference) == taken
    assert client.get(f"/my/{aigerim.token}/badge.pdf").status_code == 404
    door = checkin.check_in(checkin.badge_code(aigerim), conference=aigerim.conference, by=None)
    assert door.light == checkin.Light.RED
    assert "correction" in door.message
    page = client.get(f"/my/{aigerim.token}/").content.decode()
    assert "Your correction is being reviewed" in page
    assert "Қасымова-Әлиева" in page


def test_a_correction_that_changes_nothing_is_refused_beside_the_form(client, aigerim):
    response = client.post(f"/my/{aigerim.token}/correction/", details_form())

    assert response.status_code == 200
    assert "Change at least one detail" in response.content.decode()
    assert not aigerim.corrections.exists()


def test_bad_input_in_a_correction_comes_back_beside_its_field(client, aigerim):
    response = client.post(f"/my/{aigerim.token}/correction/", details_form(first_name="", parliament=""))

    form = response.context["form"]
    assert "first_name" in form.errors
    assert "parliament" in form.errors
    assert not aigerim.corrections.exists()


def test_one_correction_at_a_time_and_the_registrant_may_withdraw_it(client, aigerim):
    corrections.request_correction(aigerim, proposed={"position": "Deputy Speaker"})
    with pytest.raises(ValidationError, match="still being reviewed"):
        corrections.request_correction(aigerim, proposed={"position": "Speaker"})

    client.post(f"/my/{aigerim.token}/correction/withdraw/")

    aigerim.refresh_from_db()
    assert aigerim.status == Registration.Status.CONFIRMED
    assert aigerim.position == "Senator"
    assert aigerim.corrections.get().status == IdentityCorrection.Status.WITHDRAWN
    assert outbox.outbox == []


def test_cancelling_closes_a_waiting_correction(aigerim):
    corrections.request_correction(aigerim, proposed={"position": "Deputy Speaker"})

    services.cancel_registration(aigerim)

    assert aigerim.corrections.get().status == IdentityCorrection.Status.WITHDRAWN


def test_the_plain_approve_action_does_not_skip_the_correction(aigerim):
    corrections.request_correction(aigerim, proposed={"position": "Deputy Speaker"})

    with pytest.raises(ValidationError, match="correction of identity awaits review"):
        services.approve_registration(Registration.objects.get(pk=aigerim.pk))


# --- the organisers' review ------------------------------------------------------------------------------------


def decide(client, correction: IdentityCorrection, decision: str, reason: str = ""):
    return client.post(
        reverse("admin:registration_identitycorrection_decide", args=[correction.pk]),
        {"decision": decision, "reason": reason},
    )


def test_organisers_see_old_and_new_side_by_side_and_accept(
    organiser_client, aigerim, django_capture_on_commit_callbacks
):
    correction = corrections.request_correction(aigerim, proposed={"last_name": "Қасымова-Әлиева", "country": "KG"})
    page = organiser_client.get(reverse("admin:registration_identitycorrection_change", args=[correction.pk]))
    body = page.content.decode()
    assert "<del>Қасымова</del>" in body
    assert "<ins>Қасымова-Әлиева</ins>" in body
    assert "<del>Kazakhstan</del>" in body

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(organiser_client, correction, "accept")

    assert response.status_code == 302
    aigerim.refresh_from_db()
    assert (aigerim.last_name, aigerim.country.code, aigerim.status) == ("Қасымова-Әлиева", "KG", "confirmed")
    assert "Қасымова-Әлиева" in badge_text(aigerim)
    [email] = outbox.outbox
    assert "accepted" in email.subject
    assert f"/my/{aigerim.token}/badge.pdf" in email.body
    assert aigerim.history.first().history_user.username == "olga"


def test_a_refusal_needs_a_reason_and_mails_it_in_the_registrants_language(
    organiser_client, registration_open, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dana = confirmed(registration_open, "dana@example.org")
    Registration.objects.filter(pk=dana.pk).update(language="kk")
    correction = corrections.request_correction(dana, proposed={"organisation": "Unknown body"})
    outbox.outbox.clear()

    without = decide(organiser_client, correction, "refuse")
    with django_capture_on_commit_callbacks(execute=True):
        decide(organiser_client, correction, "refuse", "The Senate confirms no such change.")

    assert without.status_code == 200
    assert "Give the reason" in without.content.decode()
    dana.refresh_from_db()
    assert (dana.organisation, dana.status) == ("Senate of the Parliament of the Republic of Kazakhstan", "confirmed")
    [email] = outbox.outbox
    assert "The Senate confirms no such change." in email.body
    assert OutgoingEmail.objects.filter(recipient=dana, kind="correction_refused", language="kk").exists()


def test_registration_admin_keeps_a_vetted_identity_read_only(organiser_client, aigerim):
    page = organiser_client.get(reverse("admin:registration_registration_change", args=[aigerim.pk])).content.decode()

    assert 'name="last_name"' not in page
    assert 'name="dietary_needs"' in page


# --- media ------------------------------------------------------------------------------------------------------


@pytest.fixture
def journalist(registration_open, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_for_accreditation(registration_open)
        accreditation_services.approve(application, by=None)
    outbox.outbox.clear()
    return application.registration


def test_a_journalist_sends_a_new_photo_and_the_press_office_accepts_it(
    client, journalist, django_capture_on_commit_callbacks
):
    old_photo = journalist.accreditation.photo.name
    new_photo = upload("photo.jpg", image_bytes(660, 880), "image/jpeg")
    response = client.post(
        f"/my/{journalist.token}/correction/",
        {
            "honorific": "ms",
            "first_name": "Дана",
            "last_name": "Әбенова",
            "country": "KZ",
            "organisation": "Qazaqstan TV",
            "position": "Senior correspondent",
            "photo": new_photo,
        },
    )
    assert response.status_code == 302
    correction = journalist.corrections.get()
    assert correction.after == {}
    assert correction.photo

    rita = sign_in(client, factories.reviewer())
    shown = rita.get(reverse("admin:registration_identitycorrection_photo", args=[correction.pk]))
    assert shown.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        decide(rita, correction, "accept")

    journalist.accreditation.refresh_from_db()
    assert journalist.accreditation.photo.name != old_photo
    assert Image.open(journalist.accreditation.photo.open("rb")).size == (660, 880)
    assert not private_storage.exists(old_photo)
    assert not private_storage.exists(correction.photo.name)
    journalist.refresh_from_db()
    assert journalist.status == Registration.Status.CONFIRMED


def test_the_press_office_sees_only_the_medias_corrections(reviewer_client, aigerim, journalist):
    attendee_correction = corrections.request_correction(aigerim, proposed={"position": "Deputy Speaker"})
    media_correction = corrections.request_correction(journalist, proposed={"position": "Editor"})

    listed = reviewer_client.get(reverse("admin:registration_identitycorrection_changelist"))

    assert [c.pk for c in listed.context["cl"].result_list] == [media_correction.pk]
    change = reverse("admin:registration_identitycorrection_change", args=[attendee_correction.pk])
    assert reviewer_client.get(change).status_code == 302  # the admin's "does not exist" answer
    assert decide(reviewer_client, attendee_correction, "accept").status_code == 404


def test_door_staff_see_no_corrections(door_client, aigerim):
    correction = corrections.request_correction(aigerim, proposed={"position": "Deputy Speaker"})

    assert (
        door_client.get(reverse("admin:registration_identitycorrection_change", args=[correction.pk])).status_code
        == 403
    )
    assert decide(door_client, correction, "accept").status_code == 403


def test_the_admin_front_page_says_how_many_corrections_wait(client, aigerim, journalist):
    corrections.request_correction(aigerim, proposed={"position": "Deputy Speaker"})
    corrections.request_correction(journalist, proposed={"position": "Editor"})

    organisers_page = sign_in(client, factories.organiser()).get("/admin/").content.decode()
    client.logout()
    press_office_page = sign_in(client, factories.reviewer()).get("/admin/").content.decode()

    assert 'data-corrections-waiting="2"' in organisers_page
    assert "2 corrections of identity await your review" in organisers_page
    assert 'data-corrections-waiting="1"' in press_office_page
