"""`make run`'s demonstration clock (SITE_CLOCK): the seeded conference as on 2 October 2023."""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from tests.processes import SmtpServer, spare_port, wait_for
from wpsconf import clock

ROOT = Path(__file__).resolve().parents[1]
DEMO = datetime(2023, 10, 2, 3, 0, tzinfo=UTC)  # 09:00 in Almaty


@pytest.fixture
def demo_clock(settings):
    settings.SITE_CLOCK_OFFSET = clock.offset_from(DEMO)


@pytest.mark.parametrize("value", ["real", "REAL", "", "  "])
def test_real_time_is_no_demonstration(value):
    assert clock.parse(value, debug=False) is None


def test_it_reads_an_instant_with_its_offset():
    assert clock.parse("2023-10-02T09:00+06:00", debug=True) == DEMO


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2023-10-02T09:00", "needs its offset from UTC"),
        ("2023-10-02", "needs its offset from UTC"),
        ("next monday", "must be real or a date and time with its offset"),
    ],
)
def test_it_explains_an_instant_it_cannot_use(value, said):
    with pytest.raises(ImproperlyConfigured, match=said):
        clock.parse(value, debug=True)


def test_it_is_refused_with_debug_off():
    with pytest.raises(ImproperlyConfigured, match="runs only with DEBUG=on"):
        clock.parse("2023-10-02T09:00+06:00", debug=False)


def test_the_clock_starts_at_the_instant_and_moves_on_in_real_time(settings):
    with time_machine.travel(datetime(2026, 12, 6, 12, 0, tzinfo=UTC), tick=False) as traveller:
        settings.SITE_CLOCK_OFFSET = clock.offset_from(DEMO)
        assert clock.now() == DEMO
        traveller.shift(timedelta(minutes=90))
        assert clock.now() == DEMO + timedelta(minutes=90)
        assert timezone.now() == datetime(2026, 12, 6, 13, 30, tzinfo=UTC)  # records keep real time


def test_without_it_the_clock_is_real_time(settings):
    settings.SITE_CLOCK_OFFSET = None
    with time_machine.travel(datetime(2026, 12, 6, 12, 0, tzinfo=UTC), tick=False):
        assert clock.now() == datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_a_live_site_refuses_it_in_one_clear_line():
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_CLOCK": "2023-10-02T09:00+06:00",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SITE_CLOCK=2023-10-02T09:00+06:00 sets a demonstration clock, which runs only with "
        "DEBUG=on. Unset it or set SITE_CLOCK=real for a live site."
    ]


def test_a_missing_secret_key_is_one_line_too():
    env = {"PATH": os.environ["PATH"], "DEBUG": "off"}
    result = subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Configuration error: SECRET_KEY is not set.")


def test_every_page_says_it_runs_on_the_demonstration_clock(client, conference_2023, demo_clock):
    for path in ["/", "/agenda/", "/register/", "/ru/", "/kk/privacy/"]:
        page = client.get(path).content.decode()
        assert page.count("data-demo-clock") == 1, path
    assert "2 October 2023, 09:00" in client.get("/").content.decode()


def test_the_staff_pages_say_it_too(client, conference_2023, demo_clock):
    page = client.get(reverse("admin:login")).content.decode()

    assert "data-demo-clock" in page


def test_the_live_site_shows_no_banner(client, conference_2023, settings):
    settings.SITE_CLOCK_OFFSET = None

    assert "data-demo-clock" not in client.get("/").content.decode()
    assert "data-demo-clock" not in client.get(reverse("admin:login")).content.decode()


def test_registration_is_open_on_the_demonstration_clock(client, conference_2023, demo_clock):
    page = client.get("/register/").content.decode()

    assert 'name="csrfmiddlewaretoken"' in page
    assert 'id="id_first_name"' in page


def test_the_real_clock_finds_the_seeded_conference_over(client, conference_2023, settings):
    settings.SITE_CLOCK_OFFSET = None

    assert 'id="id_first_name"' not in client.get("/register/").content.decode()


@pytest.fixture
def make_run(tmp_path):
    """`make run` as a newcomer types it, on a database and a mail server of the test's own."""
    smtp = SmtpServer(spare_port())
    smtp.start()
    port = spare_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
    }
    output = tmp_path / "make-run.log"
    with output.open("w") as log:
        # A session of its own: runserver's reloader starts a child, and both stop with the group.
        server = subprocess.Popen(
            [shutil.which("make"), "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert wait_for(lambda: f"127.0.0.1:{port}" in output.read_text() and _answers(port), timeout=90), (
            output.read_text()
        )
        yield f"http://127.0.0.1:{port}", output, smtp
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
        smtp.stop()


def _answers(port: int) -> bool:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
    except OSError:
        return False


@pytest.mark.browser
def test_a_newcomer_registers_on_make_run(browser, make_run):
    from playwright.sync_api import expect

    base_url, output, smtp = make_run
    printed = output.read_text()
    assert "Mail:      sent through 127.0.0.1" in printed
    assert "manage.py createsuperuser" in printed

    context = browser.new_context(base_url=base_url, locale="en-GB")
    page = context.new_page()
    page.goto("/")
    expect(page.locator("[data-demo-clock]")).to_contain_text("2 October 2023")
    page.locator("main").get_by_role("link", name="Register", exact=True).click()
    page.select_option("#id_category", "expert")
    page.fill("#id_email", "newcomer@example.org")
    page.fill("#id_first_name", "Dana")
    page.fill("#id_last_name", "Abenova")
    page.fill("#id_phone", "+7 701 234 5678")
    page.select_option("#id_country", "KZ")
    page.fill("#id_organisation", "Women's Initiative")
    page.fill("#id_position", "Director")
    page.check('input[name="interpretation_language"][value="en"]')
    page.check("#id_consent")
    page.locator('form input[type="submit"][name="submit"]').click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    assert wait_for(lambda: len(smtp.messages) == 1, timeout=15)
    assert smtp.messages[0].rcpt_tos == ["newcomer@example.org"]
    assert f"{base_url}/my/" in smtp.messages[0].content.decode()  # links follow PORT
    context.close()
