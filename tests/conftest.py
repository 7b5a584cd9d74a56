import importlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from agenda.models import Conference
from agenda.seed import seed_conference_2023
from tests import factories
from tests.factories import sign_in

# Fixtures of their own modules: the media form's files on disk.
pytest_plugins = ["tests.media_form"]

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Without these flags Chromium hangs on a closed network trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRE_ALL_TESTS = os.environ.get("WPSCONF_REQUIRE_ALL_TESTS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (WPSCONF_REQUIRE_ALL_TESTS=1) a skipped test is a failed test."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL_TESTS and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped where every test must run (WPSCONF_REQUIRE_ALL_TESTS=1): {reason}"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Pages render without a prior collectstatic; the manifest storage has its own test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _services_for_markers(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if request.node.get_closest_marker("redis") and not os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("needs Redis: set CELERY_BROKER_URL=redis://…")


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Rate-limit counters start at zero in every test (in CI they would otherwise persist in Redis)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.RATELIMIT_USE_CACHE = settings.COUNTERS_CACHE = settings.PAGES_CACHE = settings.PROCESS_CACHE = "default"
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _presented_conference_read_every_time(settings):
    """Tests change conferences straight in the database and expect the next request to see it."""
    settings.PRESENTED_CONFERENCE_SECONDS = 0


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Each test keeps the documents it uploads in its own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _default_language_and_zone():
    """A request leaves its language and the conference's zone active in the thread: reset both."""
    yield
    translation.deactivate()
    timezone.deactivate()


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run where they are queued, unless a test starts a real worker on the broker."""
    from wpsconf.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def roles(transactional_db) -> None:
    """The staff groups, made again by their own data migration.

    Between transactional tests Django empties every table, the migrations' data included.
    """
    loader = MigrationExecutor(connection).loader
    schema_editor = SimpleNamespace(connection=connection)
    for app, name, create in [
        ("accreditation", "0002_roles", "create_roles"),
        ("registration", "0004_door_staff", "create_door_staff"),
        ("registration", "0010_roles_for_corrections_and_history", "grant"),
        ("delegations", "0002_organisers_manage_delegations", "grant"),
    ]:
        migration = importlib.import_module(f"{app}.migrations.{name}")
        getattr(migration, create)(loader.project_state((app, name)).apps, schema_editor)
    # Migrated in order, the Organisers' email permissions moved with the email model's content
    # type to the outbox (outbox 0002); run again on emptied tables, the step above grants them
    # in the app the model lived in then.
    from django.contrib.auth.models import Group, Permission

    Group.objects.get(name="Organisers").permissions.add(*Permission.objects.filter(content_type__app_label="outbox"))


def _groups_ready(request) -> None:
    """The staff groups exist from the data migrations, except in a transactional test after the first:
    there `roles` makes them again."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("roles")


@pytest.fixture
def organiser(request, db):
    """Olga, in the Organisers group (with her authenticator app)."""
    _groups_ready(request)
    return factories.organiser()


@pytest.fixture
def door_staff(request, db):
    """Dina, in the Door staff group."""
    _groups_ready(request)
    return factories.door_staff()


@pytest.fixture
def reviewer(request, db):
    """Rita, in the Accreditation reviewers group (with her authenticator app)."""
    _groups_ready(request)
    return factories.reviewer()


@pytest.fixture
def organiser_client(client, organiser):
    return sign_in(client, organiser)


@pytest.fixture
def door_client(client, door_staff):
    return sign_in(client, door_staff)


@pytest.fixture
def reviewer_client(client, reviewer):
    return sign_in(client, reviewer)


@pytest.fixture
def conference_2023(db) -> Conference:
    seed_conference_2023()
    return Conference.objects.get(slug="wps-2023")


@pytest.fixture
def registration_open(conference_2023):
    """The clock on 2 October 2023, inside the seeded registration window."""
    with time_machine.travel(datetime(2023, 10, 2, 6, 0, tzinfo=UTC), tick=True):
        yield conference_2023


@pytest.fixture
def confirming_at_once(roles) -> Iterator[Conference]:
    """The seeded conference confirming everyone at once, the clock inside its registration window,
    for the whole process (a live server's thread included)."""
    seed_conference_2023()
    conference = Conference.objects.current()
    conference.requires_approval = False
    conference.save()
    with time_machine.travel(datetime(2023, 10, 2, 6, 0, tzinfo=UTC), tick=True):
        yield conference


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright: make test installs it")
    # Playwright's sync API keeps an event loop in this thread; Django's ORM calls in
    # test bodies are still synchronous, so the async-safety guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server) -> Iterator:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
