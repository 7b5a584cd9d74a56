"""People for tests, made through the real services: registrants by status, media applicants, staff by role.

Staff accounts come with everything needed to sign them in: on the test client (`sign_in`) and in
Chromium through the admin's login page (`log_in`).
"""

from datetime import datetime
from urllib.parse import urlsplit

from accreditation import services as accreditation_services
from accreditation.models import AccreditationRequest
from agenda.models import Conference
from registration import services
from registration.models import Registration
from tests.documents import person_and_accreditation

# --- registrants ------------------------------------------------------------------------------------------------


def registration_details(**overrides) -> dict:
    """A complete, valid form as a parliamentarian would fill it in."""
    return {
        "category": "parliamentarian",
        "email": "aigerim@example.org",
        "honorific": "ms",
        "first_name": "Әйгерім",
        "last_name": "Қасымова",
        "gender": "woman",
        "phone": "+7 701 234 5678",
        "country": "KZ",
        "organisation": "Senate of the Parliament of the Republic of Kazakhstan",
        "position": "Senator",
        "parliament": "Parliament of the Republic of Kazakhstan",
        "chamber": "upper",
        "interpretation_language": "kk",
        "consent": "on",
    } | overrides


def register_outcome(
    conference: Conference, email: str = "aigerim@example.org", *, language: str = "en", **overrides
) -> services.Outcome:
    """What the service answers for a registration form (a new registrant or a known address)."""
    details = registration_details(email=email, **overrides)
    del details["consent"]  # the form's box, not a field of the registration
    return services.register_attendee(conference=conference, details=details, language=language)


def register(
    conference: Conference, email: str = "aigerim@example.org", *, language: str = "en", **overrides
) -> Registration:
    """A new registrant as the form would create them (a parliamentarian unless told otherwise)."""
    outcome = register_outcome(conference, email, language=language, **overrides)
    assert outcome.created, f"{email} was registered already"
    return outcome.registration


def confirmed(conference: Conference, email: str = "aigerim@example.org", **overrides) -> Registration:
    registration = register(conference, email, **overrides)
    if registration.status == Registration.Status.PENDING:
        registration = services.approve_registration(registration)
    return registration


def details_form(**overrides) -> dict:
    """What the personal page posts: every field a registrant could ever edit there."""
    return {name: value for name, value in registration_details(**overrides).items() if name not in NOT_ON_THE_PAGE}


NOT_ON_THE_PAGE = ("category", "email", "consent")


# --- media applicants -------------------------------------------------------------------------------------------


def accreditation_outcome(
    conference: Conference, email: str = "dana@example.org", *, language: str = "en", **overrides
) -> services.Outcome:
    """What the service answers for an accreditation form with its documents (a TV reporter unless told otherwise)."""
    person, accreditation = person_and_accreditation(email=email, **overrides)
    return accreditation_services.request_accreditation(
        conference=conference, person=person, accreditation=accreditation, language=language
    )


def apply_for_accreditation(
    conference: Conference, email: str = "dana@example.org", *, language: str = "en", **overrides
) -> AccreditationRequest:
    """A new media applicant's request, as /accreditation/ would take it."""
    outcome = accreditation_outcome(conference, email, language=language, **overrides)
    assert outcome.created, f"{email} was registered already"
    return outcome.registration.accreditation


# --- staff by role ----------------------------------------------------------------------------------------------

STAFF_PASSWORD = "a-long-test-password"


def staff_member(username: str, *groups: str):
    """A staff account in the named roles (groups made by the data migrations), with an
    authenticator app already set up where the role needs a second factor."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, f"{username}@example.org", STAFF_PASSWORD, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return with_authenticator_if_needed(user)


def organiser(username: str = "olga"):
    return staff_member(username, "Organisers")


def door_staff(username: str = "dina"):
    return staff_member(username, "Door staff")


def reviewer(username: str = "rita"):
    return staff_member(username, "Accreditation reviewers")


def with_authenticator_if_needed(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wpsconf.two_factor import sees_personal_data

    user = type(user).objects.get(pk=user.pk)  # permissions read afresh
    if user.is_staff and sees_personal_data(user) and not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def current_code(user) -> str:
    """The code the person's authenticator app shows now (or the next one, if now's was used)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    generator.time = time.time()
    if generator.t() <= device.last_t:
        generator.time += device.step  # within the app's tolerance of one step
    return f"{generator.token():0{device.digits}d}"


def sign_in(client, user):
    """Sign a staff member in on the test client, past their second factor where they have one."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = with_authenticator_if_needed(user)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def log_in(page, username: str, *, then: str) -> None:
    """Sign a staff member in through the admin's login page (and its code step), on the way to `then`."""
    from django.contrib.auth.models import User

    page.goto(f"/admin/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path != "/admin/login/")
    if urlsplit(page.url).path == "/admin/two-factor/code/":
        page.fill("#id_code", current_code(User.objects.get(username=username)))
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == then)  # the login page's own address ends with `then` too


def next_conference(*, starts_at: datetime, ends_at: datetime, **facts) -> Conference:
    """Next year's conference, in Bishkek unless said otherwise, not yet published."""
    return Conference.objects.create(
        slug="wps-2024",
        title="Next",
        starts_at=starts_at,
        ends_at=ends_at,
        venue="Hall",
        city="Bishkek",
        country="KG",
        organisers="Parliament",
        contact_name="Secretariat",
        contact_email="info@example.org",
        capacity=100,
        **facts,
    )
