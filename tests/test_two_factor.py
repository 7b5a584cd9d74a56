"""Staff who see personal data sign in with a second factor; sessions end when they should."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.factories import STAFF_PASSWORD, current_code, sign_in
from tests.test_settings import STRONG_KEY, load_settings

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"


def password_step(client, username: str, password: str = STAFF_PASSWORD, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def organiser_without_an_app(username: str = "olga") -> User:
    user = User.objects.create_user(username, f"{username}@example.org", STAFF_PASSWORD, is_staff=True)
    user.groups.add(*Group.objects.filter(name="Organisers"))
    return user


def test_the_second_factor_is_required_by_default_in_production_only():
    production = load_settings(SECRET_KEY=STRONG_KEY, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    development = load_settings(DEBUG="on")
    wrong = load_settings(DEBUG="on", STAFF_2FA="sometimes")

    assert production.returncode == development.returncode == 0
    assert "ImproperlyConfigured: STAFF_2FA must be one of required, optional" in wrong.stderr


def test_an_organiser_without_an_app_must_set_one_up_before_anything_else(client):
    organiser_without_an_app()

    signed_in = password_step(client, "olga")
    admin = client.get("/admin/")
    door = client.get("/checkin/")

    assert signed_in.status_code == 302
    assert admin["Location"].startswith("/admin/two-factor/set-up/")
    assert door["Location"].startswith("/admin/two-factor/set-up/")


def test_setting_up_shows_a_qr_code_and_the_key_and_ends_with_recovery_codes(client):
    olga = organiser_without_an_app()
    password_step(client, "olga")

    page = client.get("/admin/two-factor/set-up/?next=/admin/").content.decode()
    device = TOTPDevice.objects.get(user=olga, confirmed=False)
    assert "<svg" in page
    assert 'role="img"' in page
    assert "otpauth" not in page  # the secret is in the picture and the key, not in a link
    wrong = client.post("/admin/two-factor/set-up/", {"code": "000000", "next": "/admin/"})
    key_before = client.session.session_key
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):  # after a wrong code, a wait
        done = client.post("/admin/two-factor/set-up/", {"code": current_code_of(device), "next": "/admin/"})

    assert "This code is not right" in wrong.content.decode()
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=olga).count() == 10
    assert client.session.session_key != key_before
    assert client.get("/admin/").status_code == 200


def current_code_of(device: TOTPDevice) -> str:
    from django_otp.oath import TOTP

    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{generator.token():06d}"


def test_a_code_is_asked_after_the_password_and_works_once(client):
    olga = factories.organiser()

    password_step(client, "olga")
    asked = client.get("/admin/")
    wrong = client.post("/admin/two-factor/code/", {"code": "123456", "next": "/admin/"})
    key_before = client.session.session_key
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):  # after a wrong code, a wait
        code = current_code(olga)
        right = client.post("/admin/two-factor/code/", {"code": code, "next": "/admin/"})

    assert asked["Location"].startswith("/admin/two-factor/code/")
    assert wrong.status_code == 200
    assert "This code is not right" in wrong.content.decode()
    assert right["Location"] == "/admin/"
    assert client.session.session_key != key_before  # a new session for the signed-in staff member
    assert client.get("/admin/").status_code == 200

    client.post("/admin/logout/")
    password_step(client, "olga")
    replayed = client.post("/admin/two-factor/code/", {"code": code, "next": "/admin/"})
    assert "This code is not right, or was used already" in replayed.content.decode()


def test_a_recovery_code_signs_in_once(client):
    olga = factories.organiser()
    sign_in(client, olga)
    codes = client.post("/admin/two-factor/recovery-codes/").context["codes"]
    client.post("/admin/logout/")

    password_step(client, "olga")
    first = client.post("/admin/two-factor/code/", {"code": codes[0], "next": "/admin/"})
    client.post("/admin/logout/")
    password_step(client, "olga")
    again = client.post("/admin/two-factor/code/", {"code": codes[0], "next": "/admin/"})

    assert first["Location"] == "/admin/"
    assert again.status_code == 200


def test_wrong_codes_are_slowed_down(client):
    factories.organiser()
    password_step(client, "olga")

    later = timezone.now()
    for wait in (0, 2, 3, 5):  # each wrong code doubles the wait before the next counts (1, 2, 4 s)
        later += timedelta(seconds=wait)
        with time_machine.travel(later, tick=False):
            answer = client.post("/admin/two-factor/code/", {"code": "000000"}).content.decode()

    assert "Too many wrong codes: try again after" in answer


def test_the_code_step_never_sends_anyone_to_another_site(client):
    olga = factories.organiser()
    password_step(client, "olga")

    answer = client.post("/admin/two-factor/code/", {"code": current_code(olga), "next": "https://evil.example/"})

    assert answer["Location"] == "/admin/"


def test_door_staff_need_no_second_factor_and_are_signed_out_at_midnight(client, registration_open):
    factories.door_staff()

    password_step(client, "dina")
    door = client.get("/checkin/")

    assert door.status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    expires = session.expire_date.astimezone(registration_open.tzinfo)
    assert (expires.hour, expires.minute) == (0, 0)
    assert expires - timezone.now().astimezone(registration_open.tzinfo) <= timedelta(days=1)
    with time_machine.travel(expires + timedelta(minutes=1), tick=False):
        assert client.get("/checkin/").status_code == 302  # to the login page


def test_other_staff_are_signed_out_after_being_idle(client, settings):
    settings.STAFF_IDLE_MINUTES = 30
    sign_in(client, factories.organiser())

    assert client.get("/admin/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 60
    with time_machine.travel(timezone.now() + timedelta(minutes=20), tick=False):
        assert client.get("/admin/").status_code == 200  # activity moves the clock on
    with time_machine.travel(timezone.now() + timedelta(minutes=45), tick=False):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=80), tick=False):
        assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_with_staff_2fa_optional_only_those_with_an_app_are_asked(client, settings):
    settings.STAFF_2FA = "optional"
    organiser_without_an_app("olga")
    factories.reviewer()

    password_step(client, "olga")
    olga_in = client.get("/admin/").status_code
    client.post("/admin/logout/")
    password_step(client, "rita")
    rita_asked = client.get("/admin/")["Location"]

    assert olga_in == 200
    assert rita_asked.startswith("/admin/two-factor/code/")


def test_a_superuser_resets_a_lost_second_factor(client):
    boss = User.objects.create_superuser("boss", "boss@example.org", STAFF_PASSWORD)
    olga = factories.organiser()
    sign_in(client, boss)

    client.post("/admin/auth/user/", {"action": "reset_second_factor", "_selected_action": [olga.pk]})

    assert not TOTPDevice.objects.filter(user=olga).exists()
    client.post("/admin/logout/")
    password_step(client, "olga")
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/set-up/")


def test_django_otps_own_device_pages_are_not_in_the_admin(client):
    sign_in(client, User.objects.create_superuser("boss", "boss@example.org", STAFF_PASSWORD))

    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_an_account_tried_from_many_places_is_paused_for_all_of_them(client):
    factories.door_staff()  # no second factor behind the password
    for n in range(20):  # four tries from each of five places: none of them pauses its own pair
        password_step(client, "dina", "guess", address=f"198.51.100.{n // 4}")

    from_elsewhere = password_step(client, "dina", address="192.0.2.50")

    assert from_elsewhere.status_code == 200
    assert "This account is paused for 15 minutes" in from_elsewhere.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_account_guarded_by_a_code_cannot_be_locked_by_strangers(client):
    """Pausing it would protect nothing (the password alone opens nothing) and lock its owner out."""
    factories.organiser()
    for n in range(20):
        password_step(client, "olga", "guess", address=f"198.51.100.{n // 4}")

    from_elsewhere = password_step(client, "olga", address="192.0.2.50")

    assert from_elsewhere["Location"] == "/admin/"  # on to the code step
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/code/")


def test_signing_in_starts_a_new_session(client):
    factories.door_staff()
    session = client.session
    session["before"] = True
    session.save()
    before = client.session.session_key

    password_step(client, "dina")

    assert client.session.session_key != before


def test_a_half_finished_sign_in_does_not_stay_open(client, settings):
    settings.STAFF_IDLE_MINUTES = 30
    factories.organiser()

    password_step(client, "olga")
    client.get("/admin/")

    assert client.session.get_expiry_age() == 30 * 60
