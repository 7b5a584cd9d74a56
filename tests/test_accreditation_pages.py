"""/accreditation/, the applicant's documents page, and the press office's admin: access and errors."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail as outbox
from django.core import signing
from django.urls import reverse

from accreditation import held, services
from accreditation.models import AccreditationRequest
from registration.models import Registration
from tests.documents import image_bytes, media_files, media_form, pdf_bytes, upload
from tests.factories import apply_for_accreditation, register, registration_details, sign_in, staff_member
from wpsconf.storage import private_storage

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + bytes(2000)


def post_application(client, capture, path="/accreditation/", files=None, **overrides):
    with capture(execute=True):
        return client.post(path, {**media_form(**overrides), **media_files(**(files or {}))})


def errors_of(response, form: str, field: str) -> str:
    return " ".join(response.context[form].errors.get(field, []))


@pytest.fixture
def applied(registration_open, django_capture_on_commit_callbacks) -> AccreditationRequest:
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_for_accreditation(registration_open)
    outbox.outbox.clear()
    return application


# --- applying -------------------------------------------------------------------------------------------------


def test_the_form_has_a_visible_label_for_every_field(client, registration_open):
    page = client.get("/accreditation/").content.decode()
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]* id="(id_[a-z_]+(?:_\d+)?)"', page):
        assert f'for="{field_id}"' in page, field_id


def test_an_application_creates_both_records_and_one_email(
    client, registration_open, django_capture_on_commit_callbacks
):
    response = post_application(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    application = AccreditationRequest.objects.select_related("registration").get()
    assert application.registration.category == "media"
    assert application.registration.organisation == "Qazaqstan TV"
    assert application.equipment == ["camera", "tripod"]
    assert all(private_storage.exists(file.name) for file in application.documents.values())
    [email] = outbox.outbox
    assert application.registration.reference in email.subject
    assert client.get(response["Location"]).context["reference"] == application.registration.reference


@pytest.mark.parametrize(
    ("files", "field", "message"),
    [
        ({"assignment_letter": upload("letter.pdf", ELF_EXECUTABLE)}, "assignment_letter", "not a PDF"),
        ({"press_card": upload("card.pdf", ELF_EXECUTABLE)}, "press_card", "not a PDF, JPEG or PNG"),
        ({"assignment_letter": upload("letter.pdf", bytes(6 * 1024 * 1024))}, "assignment_letter", "the limit is 5.0"),
        ({"photo": upload("photo.jpg", image_bytes(800, 600))}, "photo", "not taller than it is wide"),
    ],
    ids=["executable-letter", "executable-card", "oversized", "landscape"],
)
def test_a_bad_file_is_refused_beside_its_field_and_the_rest_is_kept(
    client, registration_open, django_capture_on_commit_callbacks, files, field, message
):
    response = post_application(client, django_capture_on_commit_callbacks, files=files)

    assert response.status_code == 200
    assert message in errors_of(response, "details", field)
    page = response.content.decode()
    assert f'id="error_1_id_{field}"' in page  # crispy puts it right under the field
    assert 'value="Qazaqstan TV"' in page  # what was typed stays
    kept = set(re.findall(r'data-held="(\w+)"', page))
    assert kept == {"press_card", "assignment_letter", "photo"} - {field}  # the good ones need not be chosen again
    assert not Registration.objects.exists()
    assert not outbox.outbox


def test_documents_that_passed_are_kept_while_another_field_is_corrected(
    client, registration_open, django_capture_on_commit_callbacks
):
    first = post_application(client, django_capture_on_commit_callbacks, phone="call me")
    assert "international format" in errors_of(first, "person", "phone")
    tokens = dict(re.findall(r'name="(held_\w+)" value="([^"]+)"', first.content.decode()))
    assert set(tokens) == {"held_press_card", "held_assignment_letter", "held_photo"}
    held_files = list((Path(private_storage.location) / "held").iterdir())
    assert len(held_files) == 3

    with django_capture_on_commit_callbacks(execute=True):
        second = client.post("/accreditation/", {**media_form(), **tokens})

    assert second.status_code == 302
    application = AccreditationRequest.objects.get()
    assert all(private_storage.exists(file.name) for file in application.documents.values())
    assert application.photo.name.startswith("accreditation/")
    assert not any(path.exists() for path in held_files)  # the kept copies went once stored for good


def test_a_forged_or_foreign_token_holds_nothing(client, registration_open, django_capture_on_commit_callbacks):
    forged = {"held_photo": "accreditation/someone-elses.jpg", "held_press_card": signing.dumps("registration/x.jpg")}
    response = client.post("/accreditation/", {**media_form(), **media_files(photo=""), **forged})
    assert "required" in errors_of(response, "details", "photo")
    assert not Registration.objects.exists()


def test_held_documents_nobody_came_back_for_are_swept(client, registration_open, django_capture_on_commit_callbacks):
    post_application(client, django_capture_on_commit_callbacks, phone="call me")
    _folders, files = private_storage.listdir("held")
    written = max(private_storage.get_modified_time(f"held/{name}") for name in files)
    assert held.sweep(now=written + timedelta(minutes=1)) == 0  # someone may still be correcting the form
    assert held.sweep(now=written + held.HELD_FOR + timedelta(minutes=1)) == 3
    assert not list((Path(private_storage.location) / "held").iterdir())


def test_the_file_errors_come_in_the_visitors_language(client, registration_open, django_capture_on_commit_callbacks):
    response = post_application(
        client,
        django_capture_on_commit_callbacks,
        path="/ru/accreditation/",
        files={"photo": upload("p.jpg", pdf_bytes())},
    )
    assert "JPEG" in errors_of(response, "details", "photo")
    assert "The photo must be" not in errors_of(response, "details", "photo")


def test_an_outlet_needs_its_website_but_a_freelancer_does_not(
    client, registration_open, django_capture_on_commit_callbacks
):
    response = post_application(client, django_capture_on_commit_callbacks, outlet_website="")
    assert "only freelancers" in errors_of(response, "details", "outlet_website")

    response = post_application(client, django_capture_on_commit_callbacks, outlet_website="", outlet_type="freelance")
    assert response.status_code == 302


def test_a_freelancer_may_apply_without_a_press_card_but_a_staff_reporter_may_not(
    client, registration_open, django_capture_on_commit_callbacks
):
    without_card = {"press_card_number": "", "press_card_issuer": ""}
    files = {"press_card": ""}
    staff_reporter = post_application(client, django_capture_on_commit_callbacks, files=files, **without_card)
    assert set(staff_reporter.context["details"].errors) == {"press_card_number", "press_card_issuer", "press_card"}

    freelancer = post_application(
        client, django_capture_on_commit_callbacks, files=files, outlet_type="freelance", **without_card
    )
    assert freelancer.status_code == 302
    assert not AccreditationRequest.objects.get().press_card


def test_working_languages_and_documents_are_required(client, registration_open):
    data = media_form()
    del data["working_languages"]
    response = client.post("/accreditation/", data)
    assert set(response.context["details"].errors) == {
        "working_languages",
        "press_card",
        "assignment_letter",
        "photo",
    }


def test_a_known_address_gets_the_same_page_and_nothing_new(client, applied, django_capture_on_commit_callbacks):
    response = post_application(client, django_capture_on_commit_callbacks, email="DANA@EXAMPLE.ORG")

    assert response.status_code == 302
    assert AccreditationRequest.objects.count() == 1
    assert client.get(response["Location"]).context["reference"] != applied.registration.reference
    [email] = outbox.outbox
    assert applied.registration.token in email.body  # the existing link, mailed


def test_the_form_is_closed_outside_the_window_and_without_media_seats(client, conference_2023):
    assert "Media accreditation has closed" in client.get("/accreditation/").content.decode()  # 2026: long past

    conference_2023.media_capacity = 0
    conference_2023.save()
    assert "Media accreditation is not open" in client.get("/accreditation/").content.decode()


def test_the_rate_limit_answers_429_counting_registrations_too(
    client, registration_open, settings, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    registered = client.post("/register/", registration_details(email="attendee@example.org"))
    statuses = [
        post_application(client, django_capture_on_commit_callbacks, email=f"media{n}@example.org").status_code
        for n in range(2)
    ]
    assert [registered.status_code, *statuses] == [302, 302, 429]


def test_a_filled_honeypot_creates_nothing(client, registration_open, django_capture_on_commit_callbacks):
    response = post_application(client, django_capture_on_commit_callbacks, website="http://spam.example")
    assert response.status_code == 302
    assert not Registration.objects.exists()


# --- documents: who can read them -----------------------------------------------------------------------------


def document_url(application: AccreditationRequest, name: str = "photo") -> str:
    return reverse("admin:accreditation_document", args=[application.pk, name])


def test_an_anonymous_visitor_is_sent_to_log_in(client, applied):
    response = client.get(document_url(applied))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_applicant_with_their_personal_link_cannot_download(client, applied):
    assert client.get(f"/my/{applied.registration.token}/").status_code == 200
    for name in ("photo", "press_card", "assignment_letter"):
        assert client.get(document_url(applied, name)).status_code == 302


def test_staff_outside_the_reviewers_and_organisers_cannot_download(client, applied):
    door = staff_member("door")
    door.user_permissions.add(Permission.objects.get(codename="view_registration"))
    sign_in(client, door)
    assert client.get(document_url(applied)).status_code == 403


@pytest.mark.parametrize("group", ["Accreditation reviewers", "Organisers"])
def test_reviewers_and_organisers_read_the_documents(client, applied, group):
    sign_in(client, staff_member("reader", group))

    photo = client.get(document_url(applied, "photo"))
    letter = client.get(document_url(applied, "assignment_letter"))

    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content).startswith(b"\xff\xd8\xff")
    assert "private" in photo["Cache-Control"]
    assert "no-store" in photo["Cache-Control"]
    assert letter["Content-Type"] == "application/pdf"
    assert letter["Content-Disposition"].startswith("attachment;")
    assert client.get(document_url(applied, "registration")).status_code == 404


def test_a_guessed_path_under_media_is_404(client, applied, django_user_model):
    sign_in(client, django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD))
    stored = applied.photo.name
    assert client.get(f"/media/{stored}").status_code == 404
    assert client.get("/media/accreditation/0000000000000000000000000000000.jpg").status_code == 404
    assert client.get(f"/private/{stored}").status_code == 404
    with pytest.raises(ValueError, match="no URL"):
        private_storage.url(stored)


# --- roles ----------------------------------------------------------------------------------------------------


def test_the_reviewers_group_holds_exactly_the_press_offices_permissions():
    codenames = set(Group.objects.get(name="Accreditation reviewers").permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_accreditationrequest",
        "review_accreditationrequest",
        "record_badge_pickup",
        "view_accreditationdecision",
        # the corrections of identity of the media they accredited
        "view_identitycorrection",
        "review_identitycorrection",
    }


def test_reviewers_see_media_only(reviewer_client, applied):
    assert reviewer_client.get(reverse("admin:accreditation_accreditationrequest_changelist")).status_code == 200
    assert reviewer_client.get(reverse("admin:registration_registration_changelist")).status_code == 403
    assert reviewer_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_organisers_hold_every_event_permission_and_none_over_users(db):
    organisers = set(
        Group.objects.get(name="Organisers").permissions.values_list("content_type__app_label", "codename")
    )
    for app in ("agenda", "registration", "accreditation"):
        for permission in Permission.objects.filter(content_type__app_label=app):
            assert (app, permission.codename) in organisers, permission.codename
    assert not {app for app, _codename in organisers} & {"auth", "axes", "admin", "sessions", "contenttypes"}


def test_organisers_cannot_manage_users(organiser_client, applied):
    assert organiser_client.get(reverse("admin:accreditation_accreditationrequest_changelist")).status_code == 200
    assert organiser_client.get(reverse("admin:registration_registration_changelist")).status_code == 200
    assert organiser_client.get(reverse("admin:auth_user_changelist")).status_code == 403


# --- review in the admin --------------------------------------------------------------------------------------


def review(client, capture, application, decision: str, message: str = ""):
    with capture(execute=True):
        return client.post(
            reverse("admin:accreditation_review", args=[application.pk]), {"decision": decision, "message": message}
        )


def test_the_change_page_shows_the_documents_beside_the_decision_buttons(reviewer_client, applied):
    page = reviewer_client.get(reverse("admin:accreditation_accreditationrequest_change", args=[applied.pk]))
    html = page.content.decode()
    assert f'<img src="{document_url(applied, "photo")}"' in html
    assert f'href="{document_url(applied, "assignment_letter")}" download' in html
    assert 'name="decision" value="approve"' in html
    assert 'name="decision" value="revoke"' not in html  # nothing to revoke yet
    assert "Qazaqstan TV" in html


def test_a_reviewer_approves_in_the_admin(reviewer_client, applied, django_capture_on_commit_callbacks):
    response = review(reviewer_client, django_capture_on_commit_callbacks, applied, "approve")

    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.status == "approved"
    assert applied.reviewed_by.username == "rita"
    assert len(outbox.outbox) == 1


def test_a_rejection_without_a_reason_shows_the_error_beside_the_message(
    reviewer_client, applied, django_capture_on_commit_callbacks
):
    response = review(reviewer_client, django_capture_on_commit_callbacks, applied, "reject", "  ")

    assert response.status_code == 200
    assert 'id="message-errors"' in response.content.decode()
    assert "reason" in " ".join(response.context["review_form"].errors["message"])
    applied.refresh_from_db()
    assert applied.status == "pending"
    assert not outbox.outbox


def test_a_reviewer_asks_for_more_information_and_the_applicant_sends_it(
    reviewer_client, applied, django_capture_on_commit_callbacks
):
    review(reviewer_client, django_capture_on_commit_callbacks, applied, "more_info", "The letter is unsigned.")
    applied.refresh_from_db()
    assert applied.status == "more_info"

    applicant = reviewer_client.__class__()
    page = applicant.get(f"/my/{applied.registration.token}/").content.decode()
    assert "The letter is unsigned." in page
    documents_url = reverse("accreditation:send-documents", args=[applied.registration.token])
    assert documents_url in page

    nothing = applicant.post(documents_url, {})
    assert "at least one document" in nothing.content.decode()
    landscape = applicant.post(documents_url, {"photo": upload("p.jpg", image_bytes(900, 600))})
    assert "not taller than it is wide" in " ".join(landscape.context["form"].errors["photo"])

    sent = applicant.post(documents_url, {"assignment_letter": upload("signed.pdf", pdf_bytes())})

    assert sent.status_code == 302
    applied.refresh_from_db()
    assert applied.status == "pending"


def test_the_documents_page_is_only_for_media_asked_for_more(client, applied, registration_open):
    documents_url = reverse("accreditation:send-documents", args=[applied.registration.token])
    assert client.get(documents_url).status_code == 302  # nothing asked: back to the personal page
    attendee = register(registration_open)
    attendee_url = reverse("accreditation:send-documents", args=[attendee.token])
    assert client.get(attendee_url).status_code == 404


# --- pickup and the press office ------------------------------------------------------------------------------


def test_the_pickup_action_records_the_id_and_refuses_a_revoked_badge(
    reviewer_client, reviewer, applied, registration_open
):
    services.approve(applied, by=reviewer)
    revoked = apply_for_accreditation(registration_open, "second@example.org")
    services.approve(revoked, by=reviewer)
    services.revoke(revoked, reason="Press card withdrawn.", by=reviewer)
    changelist = reverse("admin:accreditation_accreditationrequest_changelist")

    def hand_over(*applications, **data):
        selected = {
            "action": "record_badge_pickup",
            "_selected_action": [application.pk for application in applications],
        }
        return reviewer_client.post(changelist, {**selected, **data}, follow=True)

    both = hand_over(applied, revoked, apply="1", identity_document="passport")
    assert "one person at a time" in " ".join(message.message for message in both.context["messages"])
    assert "Identity document shown" in hand_over(applied).content.decode()
    hand_over(applied, apply="1", identity_document="national_id")
    refused = hand_over(revoked, apply="1", identity_document="passport")

    applied.refresh_from_db()
    revoked.refresh_from_db()
    assert applied.badge_handed_over_by == reviewer
    assert applied.identity_document == "national_id"
    assert revoked.badge_collected_at is None
    assert "revoked" in " ".join(message.message for message in refused.context["messages"])


def test_the_press_office_lists_and_their_csv(reviewer_client, reviewer, applied, registration_open):
    services.approve(applied, by=reviewer)
    register(
        registration_open, "quiet@example.org", honorific="", first_name='=HYPERLINK("http://x")', no_photography=True
    )
    url = reverse("admin:accreditation_press_office")

    page = reviewer_client.get(url).content.decode()
    assert "Qazaqstan TV" in page
    assert "Video or photo camera, Tripod" in page
    assert "Қасымова" in page

    media = reviewer_client.get(url, {"download": "media"})
    rows = list(csv.reader(io.StringIO(b"".join(media.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Outlet", "Type of outlet", "Role", "Equipment", "Working languages"]
    assert rows[1][:4] == ["Ms Дана Әбенова", "Qazaqstan TV", "Television", "Reporter"]
    quiet = reviewer_client.get(url, {"download": "no-photo"})
    rows = list(csv.reader(io.StringIO(b"".join(quiet.streaming_content).decode("utf-8-sig"))))
    assert rows[1][0].startswith("'")  # a spreadsheet reads it as text, not as a formula
    assert len(rows) == 2


def test_nobody_deletes_a_request_apart_from_its_registration(client, applied, django_user_model):
    sign_in(client, django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD))
    assert client.get(reverse("admin:accreditation_accreditationrequest_delete", args=[applied.pk])).status_code == 403


def test_deleting_a_media_registration_deletes_its_documents(applied, django_capture_on_commit_callbacks):
    stored = [file.name for file in applied.documents.values()]
    with django_capture_on_commit_callbacks(execute=True):
        applied.registration.delete()
    assert not any(private_storage.exists(name) for name in stored)


def test_the_documents_are_readable_by_the_application_only(applied):
    path = Path(private_storage.path(applied.photo.name))
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_organisers_cannot_move_a_registration_between_seat_pools(client, applied, django_user_model):
    sign_in(client, django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD))
    page = client.get(reverse("admin:registration_registration_change", args=[applied.registration.pk]))
    assert page.status_code == 200
    assert 'name="category"' not in page.content.decode()
    request_url = reverse("admin:accreditation_accreditationrequest_change", args=[applied.pk])
    assert f'<a href="{request_url}">Awaiting review</a>' in page.content.decode()


def test_the_press_office_page_is_closed_to_staff_without_the_permission(client, applied):
    sign_in(client, staff_member("door"))
    assert client.get(reverse("admin:accreditation_press_office")).status_code == 403
