"""What every answer tells the browser, and production settings that pass Django's own deployment check."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import STAFF_PASSWORD, door_staff
from tests.test_settings import STRONG_KEY

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "wps.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://wps.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def in_production(program: str, **extra: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **PRODUCTION, **extra}
    return subprocess.run(program, env=env, capture_output=True, text=True, cwd=ROOT, check=False)


def test_the_deployment_check_finds_nothing_with_production_settings(tmp_path):
    result = in_production(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def production_setting(name: str):
    result = in_production([sys.executable, "-c", f"import wpsconf.settings as s; print(repr(s.{name}))"])
    assert result.returncode == 0, result.stderr
    return eval(result.stdout)  # noqa: S307  (our own settings, printed by repr)


def test_production_turns_on_https_hsts_and_secure_cookies():
    assert production_setting("SECURE_SSL_REDIRECT") is True
    assert production_setting("SECURE_HSTS_SECONDS") >= 60 * 60 * 24 * 365
    assert production_setting("SESSION_COOKIE_SECURE") is True
    assert production_setting("CSRF_COOKIE_SECURE") is True
    assert production_setting("CONTENT_SECURITY_POLICY")["DIRECTIVES"]["upgrade-insecure-requests"] is True


@pytest.fixture
def as_in_production(settings):
    """What production sets when HTTPS is on (proven just above), in this process."""
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


def test_every_page_carries_the_security_headers(client, registration_open, as_in_production):
    for path in ("/", "/register/", "/agenda/", "/my/", "/admin/login/"):
        response = client.get(path, secure=True)
        headers = response.headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert "camera=(self)" in headers["Permissions-Policy"], path
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy, path
        assert "script-src 'self'" in policy, path
        assert "style-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path
        assert "report-uri /csp-report/" in policy, path


def test_the_cookies_are_secure_http_only_and_same_site(client, registration_open, as_in_production):
    door_staff()

    form = client.get("/admin/login/", secure=True)
    signed_in = client.post(
        "/admin/login/?next=/checkin/",
        {"username": "dina", "password": STAFF_PASSWORD},
        secure=True,
        HTTP_REFERER="https://testserver/admin/login/",
    )

    csrf = form.cookies["csrftoken"]
    session = signed_in.cookies["sessionid"]
    assert csrf["secure"]
    assert csrf["samesite"] == "Lax"
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


def test_a_documents_own_stricter_policy_is_kept(reviewer_client, registration_open):
    from tests.factories import apply_for_accreditation

    application = apply_for_accreditation(registration_open)

    response = reviewer_client.get(f"/admin/accreditation/accreditationrequest/{application.pk}/document/photo/")

    assert response.headers["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"


def test_a_blocked_resource_is_reported_to_the_log_without_personal_links(client, caplog):
    from wpsconf.log_filters import RedactPersonalLinks

    caplog.handler.addFilter(RedactPersonalLinks())
    report = {
        "csp-report": {
            "document-uri": "https://wps.example.org/my/SecretTokenValue123/",
            "violated-directive": "script-src",
            "blocked-uri": "inline",
        }
    }
    with caplog.at_level("WARNING", logger="wpsconf.csp"):
        answer = client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")

    assert answer.status_code == 204
    assert "blocked inline (script-src) on https://wps.example.org/my/[redacted]/" in caplog.text
    assert "SecretTokenValue123" not in caplog.text
    assert client.get("/csp-report/").status_code == 405
    assert client.post("/csp-report/", "not json", content_type="application/csp-report").status_code == 204


@pytest.mark.parametrize(
    "body",
    ["[" * 5000, '{"csp-report": ["not", "a", "report"]}', "{}", ""],
)
def test_a_malformed_report_is_answered_and_ignored(client, body, caplog):
    with caplog.at_level("WARNING", logger="wpsconf.csp"):
        answer = client.post("/csp-report/", body, content_type="application/csp-report")

    assert answer.status_code == 204
    assert caplog.records == []


def test_a_report_cannot_write_a_line_of_its_own_into_the_log(client, caplog):
    report = {"csp-report": {"document-uri": "x\nAXES: Successful login by admin", "violated-directive": "img-src"}}
    with caplog.at_level("WARNING", logger="wpsconf.csp"):
        client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")

    assert [record.getMessage().count("\n") for record in caplog.records] == [0]


def test_a_flood_of_reports_writes_a_limited_number_of_lines(client, caplog, monkeypatch):
    from wpsconf import security_headers

    monkeypatch.setattr(security_headers, "reports", security_headers.Allowance(most=60))
    report = json.dumps({"csp-report": {"blocked-uri": "inline", "violated-directive": "script-src"}})
    with caplog.at_level("WARNING", logger="wpsconf.csp"):
        for _ in range(100):
            client.post("/csp-report/", report, content_type="application/csp-report")

    assert len(caplog.records) <= 60


def test_the_policy_built_once_is_django_csps_own(client, conference_2023):
    from csp.utils import build_policy

    for path in ["/", "/ru/agenda/", "/register/", "/admin/login/"]:
        assert client.get(path)["Content-Security-Policy"] == build_policy(), path


def test_a_response_that_changes_the_policy_goes_django_csps_way(rf, settings):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    from wpsconf.security_headers import SameEverywhereCSPMiddleware

    response = HttpResponse("ok")
    response._csp_update = {"img-src": ["https://maps.example.org"]}  # what django-csp's @csp_update sets
    request = rf.get("/")
    middleware = SameEverywhereCSPMiddleware(lambda request: response)
    CSPMiddleware.process_request(middleware, request)

    header = middleware.process_response(request, response)["Content-Security-Policy"]

    assert "https://maps.example.org" in header
