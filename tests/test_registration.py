"""Registering at /register/: rules of the form, duplicates, the one email, the personal page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail as outbox
from django.utils import timezone

from outbox.models import OutgoingEmail
from registration.models import ALL_CATEGORY_FIELDS, REFERENCE_ALPHABET, Registration
from tests.factories import registration_details

pytestmark = pytest.mark.django_db


def post_registration(client, django_capture_on_commit_callbacks, path="/register/", **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(path, registration_details(**overrides), follow=True)


def test_it_registers_a_person_and_sends_exactly_one_email(
    client, registration_open, django_capture_on_commit_callbacks
):
    response = post_registration(client, django_capture_on_commit_callbacks)

    registration = Registration.objects.get()
    assert response.status_code == 200
    assert registration.reference in response.content.decode()
    assert len(registration.reference) == 8
    assert set(registration.reference) <= set(REFERENCE_ALPHABET)
    assert registration.status == "pending"  # the 2023 conference approves registrations
    assert registration.language == "en"
    assert registration.phone == "+77012345678"
    assert len(outbox.outbox) == 1
    message = outbox.outbox[0]
    assert message.to == ["aigerim@example.org"]
    assert registration.reference in message.subject
    assert f"/my/{registration.token}/" in message.body
    assert "Әйгерім Қасымова" in message.body
    assert "16 October 2023, 10:00–17:15 (Almaty, UTC+06:00)" in message.body
    assert OutgoingEmail.objects.get().status == "sent"


def test_it_writes_in_the_language_the_person_registered_in(
    client, registration_open, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks, path="/ru/register/")

    registration = Registration.objects.get()
    message = outbox.outbox[0]
    assert registration.language == "ru"
    assert f"/ru/my/{registration.token}/" in message.body
    assert "16 октября 2023" in message.body
    assert message.body.startswith("Здравствуйте, г-жа Әйгерім Қасымова!")
    html = message.alternatives[0].content
    assert '<html lang="ru">' in html


def test_it_addresses_a_kazakh_reader_with_the_honorific_after_the_name(
    client, registration_open, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks, path="/kk/register/")

    registration = Registration.objects.get()
    assert outbox.outbox[0].body.startswith("Сәлеметсіз бе, Әйгерім Қасымова ханым!")
    page = client.get(f"/kk/my/{registration.token}/").content.decode()
    assert "Әйгерім Қасымова ханым" in page
    english_page = client.get(f"/my/{registration.token}/").content.decode()
    assert "Ms Әйгерім Қасымова" in english_page


def test_it_confirms_at_once_when_the_conference_needs_no_approval(
    client, registration_open, django_capture_on_commit_callbacks
):
    registration_open.requires_approval = False
    registration_open.save()

    post_registration(client, django_capture_on_commit_callbacks)

    assert Registration.objects.get().status == "confirmed"
    message = outbox.outbox[0]
    assert [attachment[0] for attachment in message.attachments] == ["invitation.ics"]
    assert "DTSTART:20231016T040000Z" in message.attachments[0][1]


def test_it_does_not_reveal_an_address_already_registered(
    client, registration_open, django_capture_on_commit_callbacks
):
    first = post_registration(client, django_capture_on_commit_callbacks)
    original = Registration.objects.get()
    outbox.outbox.clear()

    second = post_registration(client, django_capture_on_commit_callbacks, email="AIGERIM@Example.ORG", first_name="X")

    assert Registration.objects.count() == 1
    assert second.templates[0].name == first.templates[0].name == "registration/done.html"
    assert original.reference not in second.content.decode()
    assert len(outbox.outbox) == 1
    assert outbox.outbox[0].to == ["aigerim@example.org"]
    assert f"/my/{original.token}/" in outbox.outbox[0].body
    assert OutgoingEmail.objects.filter(kind="link_resent").count() == 1


@pytest.mark.parametrize(
    ("category", "required"),
    [
        ("parliamentarian", {"parliament", "chamber"}),
        ("government", {"ministry"}),
        ("diplomatic", {"mission", "represented_country"}),
        ("international", {"organisation_country"}),
        ("civil_society", {"organisation_country"}),
        ("expert", set()),
    ],
)
def test_it_requires_each_categorys_own_fields(client, registration_open, category, required):
    blank = dict.fromkeys(("parliament", "chamber", "ministry", "mission", "represented_country"), "")
    response = client.post("/register/", registration_details(category=category, **blank))

    if required:
        assert response.status_code == 200
        assert set(response.context["form"].errors) == required
        assert not Registration.objects.exists()
    else:
        assert response.status_code == 302
        assert Registration.objects.get().category == "expert"


def test_it_keeps_only_the_chosen_categorys_answers(client, registration_open):
    client.post("/register/", registration_details(category="government", ministry="Ministry of Foreign Affairs"))

    registration = Registration.objects.get()
    assert registration.ministry == "Ministry of Foreign Affairs"
    assert registration.parliament == ""
    assert registration.chamber == ""


STAR = '<span class="asteriskField">*</span>'


def label_and_control(html: str, name: str) -> tuple[str, str]:
    """The text of a field's <label> and its <input> or <select> tag, as the page draws them."""
    label = re.search(rf'<label\s+for="id_{name}"[^>]*>(.*?)</label>', html, re.DOTALL)
    control = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="id_{name}"[^>]*>', html)
    assert label, name
    assert control, name
    return label.group(1), control.group(0)


@pytest.mark.parametrize("name", ALL_CATEGORY_FIELDS)
def test_it_marks_each_categorys_own_fields_required_before_anyone_submits(client, registration_open, name):
    label, control = label_and_control(client.get("/register/").content.decode(), name)

    assert STAR in label
    # register.js tells the browser, for the group of the chosen category only; without
    # JavaScript every group shows, and the browser must not demand all of them.
    assert not re.search(r"\srequired\b", control)


def test_the_personal_page_marks_the_categorys_own_fields_required(client, registration_open):
    client.post("/register/", registration_details(category="diplomatic", mission="Embassy", represented_country="UZ"))
    registration = Registration.objects.get()

    html = client.get(f"/my/{registration.token}/").content.decode()

    for name in ("mission", "represented_country"):
        label, control = label_and_control(html, name)
        assert STAR in label
        assert re.search(r"\srequired\b", control)
    assert 'id="id_parliament"' not in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "8 701 234 56 78", "Enter the number in international format"),
        ("email", "not-an-address", "Enter a valid email address."),
        ("consent", "", "This field is required."),
        ("category", "media", "Select a valid choice."),
        ("first_name", "", "This field is required."),
        ("country", "XX", "Select a valid choice."),
    ],
)
def test_it_shows_an_error_beside_the_field(client, registration_open, field, value, message):
    response = client.post("/register/", registration_details(**{field: value}))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'id="form-errors"' in response.content.decode()
    assert not Registration.objects.exists()


def test_it_shows_errors_in_russian_on_the_russian_form(client, registration_open):
    response = client.post("/ru/register/", registration_details(first_name=""))

    assert "Обязательное поле." in response.context["form"].errors["first_name"]


def test_it_pretends_success_to_a_bot_that_fills_the_trap(
    client, registration_open, django_capture_on_commit_callbacks
):
    response = post_registration(client, django_capture_on_commit_callbacks, website="http://spam.example")

    assert response.templates[0].name == "registration/done.html"
    assert not Registration.objects.exists()
    assert outbox.outbox == []


def test_it_answers_429_with_a_clear_page_past_the_rate_limit(client, registration_open, settings):
    settings.REGISTRATION_RATE_LIMIT = "2/m"

    statuses = [
        client.post("/register/", registration_details(email=f"person{n}@example.org")).status_code for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert Registration.objects.count() == 2


@pytest.mark.parametrize(
    ("moment", "heading"),
    [
        ("2023-08-20T06:00:00+00:00", "Registration has not opened yet"),
        ("2023-10-14T06:00:00+00:00", "Registration is closed"),
    ],
)
def test_it_shows_a_clear_page_outside_the_registration_window(client, conference_2023, moment, heading):
    import time_machine

    with time_machine.travel(moment, tick=False):
        response = client.get("/register/")
        posted = client.post("/register/", registration_details())

    assert heading in response.content.decode()
    assert "form" not in response.context
    assert posted.status_code == 200
    assert not Registration.objects.exists()


def test_it_escapes_markup_in_names_on_pages_and_in_html_email(
    client, registration_open, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks, first_name="<script>alert(1)</script>")
    registration = Registration.objects.get()

    page = client.get(f"/my/{registration.token}/").content.decode()
    html = outbox.outbox[0].alternatives[0].content

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_it_lets_a_person_correct_details_but_not_email_or_category(client, registration_open):
    client.post("/register/", registration_details())
    registration = Registration.objects.get()

    response = client.post(
        f"/my/{registration.token}/",
        registration_details(position="Deputy Chair", email="other@example.org", category="government"),
    )

    registration.refresh_from_db()
    assert response.status_code == 302
    assert registration.position == "Deputy Chair"
    assert registration.email == "aigerim@example.org"
    assert registration.category == "parliamentarian"


def test_it_cancels_only_after_a_confirmation_step(client, registration_open, django_capture_on_commit_callbacks):
    post_registration(client, django_capture_on_commit_callbacks)
    registration = Registration.objects.get()

    confirm_page = client.get(f"/my/{registration.token}/cancel/")
    registration.refresh_from_db()
    assert confirm_page.status_code == 200
    assert registration.status == "pending"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/my/{registration.token}/cancel/")
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert outbox.outbox[-1].subject.startswith("Registration cancelled")


def test_it_answers_404_for_a_guessed_or_changed_token(client, registration_open):
    client.post("/register/", registration_details())
    token = Registration.objects.get().token

    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    assert client.get(f"/my/{token[:-1]}x/").status_code == 404
    assert client.get("/my/1/").status_code == 404


def test_it_mails_a_lost_link_without_saying_whether_the_address_is_known(
    client, registration_open, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks)
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/my/", {"email": "Aigerim@example.org"})
        unknown = client.post("/my/", {"email": "nobody@example.org"})

    assert known.content == unknown.content
    assert [message.to for message in outbox.outbox] == [["aigerim@example.org"]]


def test_it_mails_one_person_only_a_few_links_an_hour_however_often_it_is_asked(
    client, registration_open, django_capture_on_commit_callbacks
):
    """Anyone can ask for a registrant's link; nobody may flood her inbox with it."""
    post_registration(client, django_capture_on_commit_callbacks)
    outbox.outbox.clear()
    unknown = client.post("/my/", {"email": "nobody@example.org"})

    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post("/my/", {"email": "aigerim@example.org"}) for _ in range(3)]
        client.post("/register/", registration_details(email="AIGERIM@example.org"))  # registering again
        answers.append(client.post("/my/", {"email": "aigerim@example.org"}))

    assert len(outbox.outbox) == 3
    assert {answer.content for answer in answers} == {unknown.content}  # still nothing given away
    assert Registration.objects.count() == 1

    an_hour_later = time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False)
    with an_hour_later, django_capture_on_commit_callbacks(execute=True):
        client.post("/my/", {"email": "aigerim@example.org"})
    assert len(outbox.outbox) == 4  # an hour later, she can have it again


def test_it_keeps_the_registration_when_the_broker_is_down(
    client, registration_open, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError

    from outbox.tasks import send_email

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_email, "delay", broker_down)

    response = post_registration(client, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.templates[0].name == "registration/done.html"
    assert Registration.objects.count() == 1
    assert OutgoingEmail.objects.get().status == "queued"  # the beat sweep sends it once the broker is back
    assert outbox.outbox == []


def test_it_refuses_a_done_page_with_a_forged_reference(client, registration_open):
    from django.core import signing

    forged = signing.dumps("AAAAAAAA", salt="another-purpose")

    response = client.get(f"/register/done/{forged}/")

    assert response.status_code == 302
    assert response["Location"] == "/register/"


def test_it_lets_a_person_who_cancelled_register_again(client, registration_open, django_capture_on_commit_callbacks):
    post_registration(client, django_capture_on_commit_callbacks)
    first = Registration.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/my/{first.token}/cancel/")

    response = post_registration(client, django_capture_on_commit_callbacks, email="Aigerim@example.org")

    again = Registration.objects.exclude(pk=first.pk).get()
    assert again.status == "pending"
    assert again.reference in response.content.decode()


def test_it_answers_404_for_a_token_with_a_nul_byte(client, registration_open):
    assert client.get("/my/%00/").status_code == 404
    assert client.get("/my/%00/cancel/").status_code == 404


def test_it_keeps_a_status_changed_while_the_person_edited_their_details(
    client, registration_open, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    from registration import services
    from registration.forms import DetailsForm

    post_registration(client, django_capture_on_commit_callbacks)
    loaded_by_the_page = Registration.objects.get()  # the person's request has loaded the row…
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_registration(Registration.objects.get())  # …an organiser confirms them meanwhile…

    form = DetailsForm(
        registration_details(position="Deputy Chair", dietary_needs="Vegan"), instance=loaded_by_the_page
    )
    assert form.is_valid(), form.errors
    with pytest.raises(ValidationError, match="send a correction"):
        services.save_own_details(loaded_by_the_page, form.changed_values())  # …and the person's save lands

    registration = Registration.objects.get()
    assert registration.status == "confirmed"
    assert registration.position == "Senator"  # who she is was vetted: it changes only through a correction
    services.save_own_details(loaded_by_the_page, {"dietary_needs": "Vegan"})
    registration.refresh_from_db()
    assert (registration.status, registration.dietary_needs) == ("confirmed", "Vegan")


@pytest.mark.parametrize(
    ("prefix", "months", "promise"),
    [
        ("", 1, "at most 1 month after it"),
        ("", 6, "at most 6 months after it"),
        ("/ru", 21, "не более 21 месяца после её проведения"),
        ("/ru", 6, "не более 6 месяцев после её проведения"),
        ("/kk", 6, "6 айдан аспайтын мерзімде"),
    ],
)
def test_the_privacy_notice_says_how_long_this_conference_keeps_personal_data(
    client, conference_2023, prefix, months, promise
):
    conference_2023.personal_data_kept_months = months
    conference_2023.save()

    page = client.get(f"{prefix}/privacy/").content.decode()

    assert promise in " ".join(page.split())


@pytest.mark.parametrize("months", [0, 61])
def test_organisers_cannot_promise_to_keep_personal_data_for_ever(conference_2023, months):
    from django.core.exceptions import ValidationError

    conference_2023.personal_data_kept_months = months

    with pytest.raises(ValidationError) as refusal:
        conference_2023.full_clean()

    assert list(refusal.value.message_dict) == ["personal_data_kept_months"]  # shown beside that field
