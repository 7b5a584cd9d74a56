"""What every benchmark shares: a throw-away database, the seeded conference, gunicorn, clients, CPU accounting.

Benchmarks import this module, never `tests/`: a benchmark is a visitor of the running site.
"""

import argparse
import http.client
import os
import re
import resource
import signal
import subprocess
import sys
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # the only host a benchmark ever talks to
ADMIN_DSN = f"postgresql://postgres@{HOST}:5432/postgres"
STALE_CONNECTION = (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def bench_environment(args: argparse.Namespace) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"CELERY_BROKER_URL", "EMAIL_HOST", "REGISTRATION_RATE_LIMIT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    if args.broker != "none":
        env["CELERY_BROKER_URL"] = args.broker
    env.update(
        DJANGO_SETTINGS_MODULE="bench.bench_settings",
        DATABASE_URL=f"postgres://postgres@{HOST}:5432/{args.database}",
        DEBUG="off",
        HTTPS="off",
        SECRET_KEY="bench-only-not-a-secret-" + "x" * 40,
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}:{args.port}",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


# Database ---------------------------------------------------------------------------------------


def drop_database(name: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def close_and_drop(name: str) -> None:
    """The end of every bench run: Django's connections closed (if it got that far), the database gone."""
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: S110  (Django may not be set up yet)
        pass
    drop_database(name)


def verdict(failures: list[str]) -> int:
    print("RESULT: " + ("OK" if not failures else "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0


def create_database(name: str) -> None:
    drop_database(name)
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare_conference(seats: int) -> int:
    """Migrate, seed, and open registration now for `seats` seats without approval. Returns the conference id."""
    from django.core.management import call_command
    from django.db.models import F
    from django.utils import timezone

    from agenda.models import Conference, Session, Window
    from agenda.seed import seed_conference_2023

    call_command("migrate", interactive=False, verbosity=0)
    seed_conference_2023()
    conference = Conference.objects.get(slug="wps-2023")
    # Whole days, so the programme keeps its times of day; a month ahead, so the window is open now.
    delta = timedelta(days=(timezone.now() - conference.starts_at).days + 30)
    Conference.objects.filter(pk=conference.pk).update(
        capacity=seats,
        requires_approval=False,
        registration_opens_at=None,
        registration_closes_at=None,
        starts_at=F("starts_at") + delta,
        ends_at=F("ends_at") + delta,
    )
    Session.objects.filter(conference=conference).update(starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta)
    conference.refresh_from_db()
    assert Conference.objects.current() == conference, "the bench conference is not the one the site presents"
    assert conference.registration_window() == Window.OPEN
    return conference.pk


# Server -----------------------------------------------------------------------------------------


def start_gunicorn(
    args: argparse.Namespace,
    env: dict[str, str],
    log_path: Path,
    *,
    app: str = "wpsconf.wsgi:application",
    port: int | None = None,
) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        app,
        f"--bind={HOST}:{port or args.port}",
        f"--workers={args.workers}",
        f"--worker-class={args.worker_class}",
        "--backlog=2048",
        "--timeout=60",
        "--graceful-timeout=10",
        "--log-level=warning",
    ]
    if args.worker_class == "gthread":
        command.append(f"--threads={args.threads}")
    log = log_path.open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def wait_until_healthy(server: subprocess.Popen, port: int, log_path: Path, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {limit} s:\n{log_path.read_text()[-3000:]}")


def stop_gunicorn(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # the master stops its own workers
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


# CPU accounting (Linux /proc): where a phase's processor time went -------------------------------


def worker_pids(server_pid: int) -> list[int]:
    """The gunicorn master's children: the workers that serve the requests."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text[text.rindex(")") + 2 :].split()[1]) == server_pid:
            pids.append(int(stat.parent.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds these processes have used so far (fields 14 and 15 of /proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError as error:
            raise RuntimeError(f"gunicorn worker {pid} is gone: a worker restarted during the run") from error
        fields = text[text.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def cpu_snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by gunicorn (master and workers), PostgreSQL's processes and this client."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {"gunicorn": 0.0, "postgres": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process is gone
        pid = int(stat.parent.name)
        command = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        ppid, seconds = int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks
        if server_pid in (pid, ppid):
            used["gunicorn"] += seconds
        elif command == "postgres":
            used["postgres"] += seconds
    own = resource.getrusage(resource.RUSAGE_SELF)
    used["client"] = own.ru_utime + own.ru_stime
    return used


# Clients ----------------------------------------------------------------------------------------


class Client:
    """One visitor: a keep-alive connection and its cookies (csrftoken, sessionid)."""

    def __init__(self, port: int, timeout: float) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""
        self.retries = 0

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, str]:
        headers = {"Host": f"{HOST}:{self.connection.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            reused = self.connection.sock is not None
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except STALE_CONNECTION:
                # The server closed an idle keep-alive connection before reading this request
                # (gthread's --keep-alive); browsers, too, send it again on a fresh connection.
                self.connection.close()
                if not reused or attempt == 2:
                    raise
                self.retries += 1
            except (OSError, http.client.HTTPException):
                self.connection.close()  # the next request opens a new connection
                raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        # Sync workers answer "Connection: close"; http.client then reconnects by itself.
        return response.status, content, response.getheader("Location", "")

    def open_form(self) -> None:
        status, content, _ = self.request("GET", "/register/")
        match = CSRF_INPUT.search(content.decode())
        if status != 200 or match is None or "csrftoken" not in self.cookies:
            raise RuntimeError(f"GET /register/ gave {status} without a form and CSRF cookie")
        self.csrf_token = match.group(1)

    def close(self) -> None:
        self.connection.close()


def registration_details(number: int) -> dict[str, str]:
    """A complete, valid registration form, as a parliamentarian fills it in (each number its own address)."""
    return {
        "category": "parliamentarian",
        "email": f"bench-{number:06d}@example.org",
        "honorific": "ms",
        "first_name": "Әйгерім",
        "last_name": f"Қасымова {number}",
        "gender": "woman",
        "phone": "+7 701 234 5678",
        "country": "KZ",
        "organisation": "Senate of the Parliament of the Republic of Kazakhstan",
        "position": "Senator",
        "parliament": "Parliament of the Republic of Kazakhstan",
        "chamber": "upper",
        "interpretation_language": "kk",
        "consent": "on",
    }


def registration_form(number: int, csrf_token: str) -> bytes:
    return urlencode({"csrfmiddlewaretoken": csrf_token, **registration_details(number)}).encode()


def flush_broker(url: str) -> None:
    """The bench's own Redis database starts empty: no task left over from an earlier run."""
    import redis

    redis.Redis.from_url(url).flushdb()
