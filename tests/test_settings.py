"""Settings come from the environment and say loudly what is wrong."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from wpsconf.settings import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[1]
# Made up for the run: a key written down here would be one anybody can read.
STRONG_KEY = secrets.token_urlsafe(50)


def load_settings(**environment: str) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with exactly these variables set."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **environment}
    program = (
        "import wpsconf.settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT if s.HTTPS else 'plain', "
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, "
        "s.CACHES['default']['BACKEND'])"
    )
    return subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = load_settings(DEBUG="off")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "change-me-to-a-long-random-string",  # the one in .env.example
        "test-only-not-a-secret",
        "short-but-random-Zq8v3Jm1Xr7Kp2",
        "s" * 60,
        "change-me-to-a-long-random-string" * 2,  # the placeholder, lengthened
        "a" * 55 + "bcdef",  # long, but hardly random
    ],
)
def test_it_refuses_a_placeholder_or_weak_key_when_debug_is_off(key):
    result = load_settings(DEBUG="off", SECRET_KEY=key)

    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder or too weak" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_it_starts_with_a_development_key_only_in_debug():
    result = load_settings(DEBUG="on")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["True", "plain"]


def test_it_turns_https_on_by_default_in_production():
    result = load_settings(SECRET_KEY=STRONG_KEY)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["False", "True"]


def test_it_needs_no_services_by_default_and_uses_them_when_configured():
    default = load_settings(DEBUG="on").stdout.split()
    configured = load_settings(
        DEBUG="on",
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/wpsconf",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        EMAIL_HOST="mail.example.org",
    ).stdout.split()

    assert default[2:] == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.cache.backends.locmem.LocMemCache",
    ]
    assert configured[2:] == [
        "django.db.backends.postgresql",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "django.core.cache.backends.redis.RedisCache",  # rate limits shared by every web process
    ]


def test_it_rejects_values_it_cannot_read(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")

    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool("DEBUG", False)
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 25)


def test_it_reads_comma_separated_lists(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " wps.example.org, ,www.wps.example.org ")

    assert env_list("ALLOWED_HOSTS", []) == ["wps.example.org", "www.wps.example.org"]
    assert env_list("NOT_SET_ANYWHERE", ["x"]) == ["x"]


def test_without_a_broker_nothing_warns_of_a_missing_host(tmp_path):
    """Tasks run in the process; queuing one must not have kombu warn about a broker nobody configured."""
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DEBUG": "on",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "wpsconf.settings",
    }
    program = (
        "import django; django.setup()\n"
        "from wpsconf.celery import app\n"
        "with app.producer_or_acquire() as producer: print(producer.connection.transport_cls)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, cwd=ROOT)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "memory"
    assert "hostname" not in result.stderr
