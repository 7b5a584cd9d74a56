import logging

import pytest

from wpsconf.log_filters import RedactPersonalLinks

pytestmark = pytest.mark.django_db


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
