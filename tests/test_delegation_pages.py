"""The focal point's page, the request form, "Lost your link?" for focal points, and the organisers' admin."""

import pytest
from django.core import mail as sent_mail
from django.core.files.base import ContentFile

from delegations import services
from delegations.mail import Kind
from delegations.models import Delegation, FocalPointLinkRequest
from outbox.models import OutgoingEmail
from registration.models import Registration
from tests.delegation_helpers import add, delegation
from tests.documents import pdf_bytes, upload
from tests.factories import registration_details

pytestmark = pytest.mark.django_db
Status = Delegation.Status


def page_of(kazakhstan: Delegation, language: str = "") -> str:
    return f"{'/' + language if language else ''}/delegation/{kazakhstan.token}/"


def member_post(**overrides) -> dict:
    return {"form": "member", **registration_details(**{"email": "", **overrides})}


def test_the_page_opens_only_with_the_right_link_and_once_invited(client, conference_2023):
    kazakhstan = delegation(conference_2023)
    response = client.get(page_of(kazakhstan))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert "Delegation: Kazakhstan" in response.text

    assert client.get(f"/delegation/{kazakhstan.token[:-1]}x/").status_code == 404
    requested = delegation(conference_2023, country="UZ", status=Status.REQUESTED)
    assert client.get(page_of(requested)).status_code == 404


def test_the_page_speaks_russian_and_kazakh(client, conference_2023):
    kazakhstan = delegation(conference_2023)
    assert client.get(page_of(kazakhstan, "ru")).status_code == 200
    assert client.get(page_of(kazakhstan, "kk")).status_code == 200


def test_the_focal_point_adds_a_member_without_an_address(client, conference_2023):
    kazakhstan = delegation(conference_2023)

    response = client.post(page_of(kazakhstan), member_post(first_name="Сәуле", is_head="on"))

    assert response.status_code == 302
    member = kazakhstan.members.select_related("registration").get()
    assert member.is_head
    assert member.registration.first_name == "Сәуле"
    assert member.registration.email == ""
    assert member.registration.status == Registration.Status.PENDING
    shown = client.get(page_of(kazakhstan)).text
    assert "Сәуле" in shown
    assert "Head of delegation" in shown


def test_past_the_quota_the_form_says_so_beside_it_and_keeps_what_was_typed(client, conference_2023):
    kazakhstan = delegation(conference_2023, quota=1)
    add(kazakhstan)

    response = client.post(page_of(kazakhstan), member_post(first_name="Fourth"))

    assert response.status_code == 200
    assert "The delegation&#x27;s quota of 1 seat is reached" in response.text
    assert 'value="Fourth"' in response.text
    assert services.seats_used(kazakhstan) == 1


def test_a_category_field_is_required_as_on_the_registration_form(client, conference_2023):
    kazakhstan = delegation(conference_2023)

    response = client.post(page_of(kazakhstan), member_post(parliament=""))

    assert response.status_code == 200
    assert "Please fill this in for your category." in response.text
    assert not kazakhstan.members.exists()


def test_a_known_address_is_refused_beside_the_email_field(client, conference_2023):
    kazakhstan = delegation(conference_2023)
    add(kazakhstan, "member@example.kz")

    response = client.post(page_of(kazakhstan), member_post(email="MEMBER@example.kz", first_name="Other"))

    assert response.status_code == 200
    assert "already registered for the conference with this email address" in response.text
    assert services.seats_used(kazakhstan) == 1


def test_the_letter_is_judged_by_its_content(client, conference_2023):
    kazakhstan = delegation(conference_2023)

    fake = client.post(page_of(kazakhstan), {"form": "letter", "letter": upload("letter.pdf", b"not a pdf at all")})
    assert fake.status_code == 200
    assert "This file is not a PDF, whatever its name says." in fake.text
    kazakhstan.refresh_from_db()
    assert not kazakhstan.letter

    real = client.post(page_of(kazakhstan), {"form": "letter", "letter": upload("letter.pdf", pdf_bytes())})
    assert real.status_code == 302
    kazakhstan.refresh_from_db()
    assert kazakhstan.letter.name.startswith("delegations/")
    assert kazakhstan.letter.read().startswith(b"%PDF-")


def test_submitting_an_incomplete_list_says_what_is_missing(client, conference_2023):
    kazakhstan = delegation(conference_2023)

    response = client.post(f"{page_of(kazakhstan)}submit/", follow=True)

    assert "Add at least one member before submitting the list." in response.text
    kazakhstan.refresh_from_db()
    assert kazakhstan.status == Status.INVITED


def test_the_focal_point_edits_and_removes_a_member(client, conference_2023):
    kazakhstan = delegation(conference_2023)
    member = add(kazakhstan)
    edit = f"{page_of(kazakhstan)}members/{member.reference}/"
    assert client.get(edit).status_code == 200

    fields = {
        k: v for k, v in registration_details(position="Deputy").items() if k not in ("category", "email", "consent")
    }
    response = client.post(edit, {**fields, "is_head": "on"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.position == "Deputy"
    assert member.delegation_membership.is_head

    client.post(f"{edit}remove/")
    member.refresh_from_db()
    assert member.status == Registration.Status.CANCELLED
    assert not kazakhstan.members.exists()


def test_another_delegations_member_is_not_reachable(client, conference_2023):
    kazakhstan = delegation(conference_2023)
    uzbekistan = delegation(conference_2023, country="UZ", focal_point_email="focal@example.uz")
    theirs = add(uzbekistan)
    assert client.get(f"{page_of(kazakhstan)}members/{theirs.reference}/").status_code == 404
    client.post(f"{page_of(kazakhstan)}members/{theirs.reference}/remove/")
    theirs.refresh_from_db()
    assert theirs.status == Registration.Status.PENDING


# --- request and lost link -----------------------------------------------------------------------------------------


REQUEST = {
    "country": "",
    "organisation": "UN Women",
    "kind": "international",
    "seats_requested": "4",
    "focal_point_name": "Anna Berg",
    "focal_point_position": "Programme officer",
    "focal_point_email": "anna@example.org",
    "focal_point_phone": "+41 22 123 45 67",
    "consent": "on",
}


def test_a_focal_point_requests_a_delegation(client, conference_2023):
    response = client.post("/ru/delegations/request/", REQUEST)

    assert response.status_code == 200
    asked = Delegation.objects.get()
    assert asked.status == Status.REQUESTED
    assert asked.language == "ru"
    assert asked.quota == 0
    assert asked.seats_requested == 4
    assert asked.focal_point_phone == "+41221234567"
    assert not OutgoingEmail.objects.exists()


def test_a_request_names_a_country_or_an_organisation(client, conference_2023):
    response = client.post("/delegations/request/", {**REQUEST, "country": "KZ"})

    assert response.status_code == 200
    assert "Give either a country or an organisation, not both." in response.text
    assert not Delegation.objects.exists()


def test_lost_link_answers_the_same_and_mails_only_a_focal_point(
    client, conference_2023, django_capture_on_commit_callbacks
):
    kazakhstan = delegation(conference_2023)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/delegation/", {"email": "FOCAL@example.kz"})
        unknown = client.post("/delegation/", {"email": "nobody@example.kz"})

    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    assert [message.to for message in sent_mail.outbox] == [["focal@example.kz"]]
    assert kazakhstan.token in sent_mail.outbox[0].body
    assert not FocalPointLinkRequest.objects.exists()
    assert OutgoingEmail.objects.filter(kind=Kind.LINK_RESENT).count() == 1


def test_lost_link_mails_a_focal_point_a_few_times_an_hour_at_most(conference_2023):
    kazakhstan = delegation(conference_2023)
    for _ in range(services.LINK_EMAILS_PER_HOUR + 2):
        services.answer_link_request(
            FocalPointLinkRequest.objects.create(conference=conference_2023, email="focal@example.kz").pk
        )
    assert OutgoingEmail.objects.filter(kind=Kind.LINK_RESENT).count() == services.LINK_EMAILS_PER_HOUR
    assert kazakhstan.focal_point_email == "focal@example.kz"


# --- the organisers' admin ----------------------------------------------------------------------------------------


def test_organisers_see_seats_used_and_open_the_letter(organiser_client, conference_2023):
    kazakhstan = delegation(conference_2023, quota=3)
    add(kazakhstan)
    services.replace_letter(kazakhstan, ContentFile(pdf_bytes(), name="letter.pdf"))

    listing = organiser_client.get("/admin/delegations/delegation/")
    assert listing.status_code == 200
    assert "1 / 3" in listing.text
    change = organiser_client.get(f"/admin/delegations/delegation/{kazakhstan.pk}/change/")
    assert change.status_code == 200
    assert kazakhstan.token not in change.text
    letter = organiser_client.get(f"/admin/delegations/delegation/{kazakhstan.pk}/letter/")
    assert letter.status_code == 200
    assert "no-store" in letter["Cache-Control"]
    assert b"".join(letter.streaming_content).startswith(b"%PDF-")


def test_nobody_else_opens_the_letter(client, door_client, conference_2023):
    kazakhstan = delegation(conference_2023)
    services.replace_letter(kazakhstan, ContentFile(pdf_bytes(), name="letter.pdf"))
    url = f"/admin/delegations/delegation/{kazakhstan.pk}/letter/"
    assert door_client.get(url).status_code in (302, 403)
    door_client.logout()
    assert client.get(url).status_code == 302


def test_organisers_create_invite_approve_and_return_in_the_admin(organiser_client, conference_2023):
    response = organiser_client.post(
        "/admin/delegations/delegation/add/",
        {
            "conference": conference_2023.pk,
            "country": "KG",
            "organisation": "",
            "kind": "parliament",
            "quota": "3",
            "focal_point_name": "Aida Bekova",
            "focal_point_position": "Protocol",
            "focal_point_email": "aida@example.kg",
            "focal_point_phone": "+996 555 123 456",
            "language": "ru",
            "notes": "",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    kyrgyzstan = Delegation.objects.get()
    assert kyrgyzstan.status == Status.INVITED
    changelist = "/admin/delegations/delegation/"
    organiser_client.post(changelist, {"action": "invite", "_selected_action": [kyrgyzstan.pk]})
    assert OutgoingEmail.objects.filter(kind=Kind.INVITED, to="aida@example.kg", language="ru").count() == 1

    add(kyrgyzstan, "m@example.kg")
    services.replace_letter(kyrgyzstan, ContentFile(pdf_bytes(), name="letter.pdf"))
    services.submit(kyrgyzstan)
    organiser_client.post(changelist, {"action": "return_to_focal_point", "_selected_action": [kyrgyzstan.pk]})
    kyrgyzstan.refresh_from_db()
    assert kyrgyzstan.status == Status.SUBMITTED  # the reason is asked for first
    organiser_client.post(
        changelist,
        {"action": "return_to_focal_point", "_selected_action": [kyrgyzstan.pk], "apply": "1", "reason": "Unsigned"},
    )
    kyrgyzstan.refresh_from_db()
    assert kyrgyzstan.status == Status.RETURNED
    services.submit(kyrgyzstan)
    organiser_client.post(changelist, {"action": "approve", "_selected_action": [kyrgyzstan.pk]})
    kyrgyzstan.refresh_from_db()
    assert kyrgyzstan.status == Status.APPROVED
    assert kyrgyzstan.members.get().registration.status == Registration.Status.CONFIRMED


def test_the_quota_cannot_go_below_the_seats_held(organiser_client, conference_2023):
    kazakhstan = delegation(conference_2023, quota=3)
    add(kazakhstan)
    add(kazakhstan, first_name="Second")
    form = organiser_client.get(f"/admin/delegations/delegation/{kazakhstan.pk}/change/").context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {"conference": conference_2023.pk, "quota": "1", "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "2"}
    )

    response = organiser_client.post(f"/admin/delegations/delegation/{kazakhstan.pk}/change/", data)

    assert response.status_code == 200
    assert "2 members hold a seat" in response.text
    kazakhstan.refresh_from_db()
    assert kazakhstan.quota == 3


def test_who_a_confirmed_member_is_changes_through_a_reviewed_correction(client, conference_2023):
    kazakhstan = delegation(conference_2023)
    member = add(kazakhstan)
    services.replace_letter(kazakhstan, ContentFile(pdf_bytes(), name="letter.pdf"))
    services.approve(services.submit(kazakhstan))
    page = f"{page_of(kazakhstan)}members/{member.reference}/"
    assert "correction/" in client.get(page).text

    details = registration_details(last_name="Қасымқызы")
    fields = {name: details[name] for name in ("honorific", "first_name", "last_name", "organisation", "position")}
    response = client.post(
        f"{page}correction/", {**fields, "country": "KZ", "parliament": details["parliament"], "chamber": "upper"}
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.last_name == "Қасымова"  # unchanged until the organisers accept it
    assert member.status == Registration.Status.PENDING
    correction = member.corrections.get()
    assert correction.after == {"last_name": "Қасымқызы"}


def test_organisers_see_the_focal_points_emails_in_the_outbox(organiser_client, conference_2023):
    kazakhstan = delegation(conference_2023)
    services.invite(kazakhstan)
    email = OutgoingEmail.objects.get(kind=Kind.INVITED)

    listing = organiser_client.get("/admin/outbox/outgoingemail/")
    shown = organiser_client.get(f"/admin/outbox/outgoingemail/{email.pk}/change/")

    assert listing.status_code == 200
    assert "Delegation: invitation to the focal point" in listing.text
    assert shown.status_code == 200
    assert kazakhstan.token not in shown.text  # the link is blanked out for staff, as personal links are
