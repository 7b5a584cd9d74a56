import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from wpsconf.log_filters import RedactPersonalLinks

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_it_keeps_personal_links_out_of_the_logs(client, registration_open, caplog):
    caplog.handler.addFilter(RedactPersonalLinks())
    token = "abcDEF123_-secretTokenValue"

    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(f"/my/{token}/")  # unknown token: Django logs "Not Found: <path>"
        client.get(f"/ru/my/{token}/cancel/")

    assert caplog.records, "Django logged nothing to check"
    assert token not in caplog.text
    assert "/my/[redacted]/" in caplog.text


def test_it_is_installed_on_the_console_handler(settings):
    handler = settings.LOGGING["handlers"]["console"]

    assert "redact_personal_links" in handler["filters"]
    assert settings.LOGGING["filters"]["redact_personal_links"]["()"] == "wpsconf.log_filters.RedactPersonalLinks"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_runservers_access_log_shows_no_personal_link(tmp_path):
    """`make run` serves with runserver, whose access log has handlers of its own."""
    port = free_port()
    token = "abcDEF123_-secretTokenValue"
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "on",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    log_path = tmp_path / "runserver.log"
    with log_path.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/ru/my/{token}/", timeout=2)
            except urllib.error.HTTPError:
                break  # answered (an error: nobody has that link, and this database is empty)
            except OSError:
                time.sleep(0.1)
        # runserver writes its access line after the answer has gone out.
        for _ in range(50):
            if '"GET /ru/my/' in log_path.read_text():
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=10)
    log = log_path.read_text()

    assert "GET /ru/my/[redacted]/" in log
    assert token not in log


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ('"GET /admin/two-factor/code/?next=%2Fmy%2FSecretTokenValue123%2F HTTP/1.1" 302', "/admin/two-factor/code/?"),
        ("Not Found: /my//SecretTokenValue123/", "Not Found: /my//"),
        ("Not Found: /ru/MY/SecretTokenValue123/badge.pdf", "badge.pdf"),
        ('"GET /admin/registration/registration/?q=SecretTokenValue123%40example.org HTTP/1.1" 200', "HTTP/1.1"),
    ],
)
def test_it_redacts_links_and_searches_in_any_spelling(line, kept):
    from wpsconf.log_filters import redact

    assert "SecretTokenValue123" not in redact(line)
    assert kept in redact(line)
