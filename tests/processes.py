"""Services a fault test starts for itself on a spare port, and stops by PID: never the machine's own."""

import asyncio
import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from aiosmtpd.controller import Controller

REDIS_SERVER = shutil.which("redis-server")


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class OwnRedis:
    """A redis-server without persistence: restarted, it comes back empty, like a cache after a reboot."""

    def __init__(self, directory: Path) -> None:
        if REDIS_SERVER is None:
            pytest.skip("needs redis-server on PATH: apt-get install redis-server")
        self.port = spare_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, cwd=self.directory, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not answers(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def own_redis(directory: Path) -> Iterator[OwnRedis]:
    redis = OwnRedis(directory)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def wait_for(condition: Callable[[], object], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def use_smtp(settings, port: int, *, timeout: float = 2) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = timeout


class SmtpServer:
    """An aiosmtpd server on a local port that can be stopped and started again.

    Its misbehaviours, set by a test: `greylist` (the first try for each address gets a 451),
    `refuse` (addresses that get a 550), `drop_after_data` (the message is received, then the
    connection is dropped before the 250: the sender cannot know it arrived), `hold_at_rcpt`
    (the sender waits mid-conversation until the test lets go).
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list = []  # aiosmtpd envelopes, in arrival order
        self.greylist = False
        self.refuse: set[str] = set()
        self.drop_after_data = False
        self.hold_at_rcpt = False  # keep the sender waiting at RCPT until released (to kill it mid-send)
        self.senders_held = 0
        self.tried: set[str] = set()
        self._controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # aiosmtpd's hook
        if self.hold_at_rcpt:
            self.senders_held += 1
            while self.hold_at_rcpt:
                await asyncio.sleep(0.05)
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        if self.greylist and address not in self.tried:
            self.tried.add(address)
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook name
        self.messages.append(envelope)
        if self.drop_after_data:
            self.drop_after_data = False
            server.transport.close()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@contextmanager
def silent_server() -> Iterator[int]:
    """A server that accepts connections and never says a word: an SMTP server that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


class Site:
    """The whole site as deployed, on a database of its own: gunicorn, a Celery worker and beat.

    Every process gets the same environment (`env`); each is started and stopped by the
    test, by PID. Their output goes to files under `directory`, shown when a test fails.
    """

    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory = directory
        self.env = env
        self.port = int(env["PORT"])
        self.processes: dict[str, subprocess.Popen] = {}

    def manage(self, *arguments: str) -> str:
        return subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *arguments],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def start(self, name: str) -> None:
        commands = {
            "web": [str(VENV_BIN / "gunicorn"), "wpsconf.wsgi:application", f"--bind=127.0.0.1:{self.port}",
                    "--workers=2", "--timeout=30"],
            "worker": [str(VENV_BIN / "celery"), "-A", "wpsconf", "worker", "--concurrency=1", "--loglevel=INFO"],
            "beat": [str(VENV_BIN / "celery"), "-A", "wpsconf", "beat", "--loglevel=INFO",
                     f"--schedule={self.directory / 'beat-schedule'}"],
        }  # fmt: skip
        log = (self.directory / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            commands[name], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        if name == "web" and not wait_for(lambda: self.status("/healthz") in (200, 503), timeout=30):
            raise RuntimeError(f"gunicorn did not answer:\n{self.log('web')}")

    def stop(self, name: str, *, kill: bool = False) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.kill() if kill else process.terminate()
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.directory / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)

    def status(self, path: str) -> int | None:
        try:
            connection = self.connection()
            connection.request("GET", path)
            return connection.getresponse().status
        except OSError:
            return None

    def get(self, path: str) -> tuple[int, str]:
        connection = self.connection()
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()

    def register(self, details: dict[str, str]) -> int:
        return Visitor(self.port).submit("/register/", details)

    def submit(self, path: str, details: dict[str, str]) -> int:
        return Visitor(self.port).submit(path, details)


class Visitor:
    """One browser: its cookies (CSRF, session) kept from one request to the next."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies = SimpleCookie()

    def request(self, method: str, path: str, fields: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response.status, content

    def submit(self, path: str, fields: dict[str, str], headers: dict | None = None) -> int:
        """Open the form (CSRF cookie and token), then send it; the answer's status."""
        return self.submit_for_content(path, fields, headers)[0]

    def submit_for_content(self, path: str, fields: dict[str, str], headers: dict | None = None) -> tuple[int, str]:
        status, page = self.request("GET", path)
        form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or form_token is None or "csrftoken" not in self.cookies:
            raise AssertionError(f"GET {path} gave {status} without a form:\n{page[:2000]}")
        return self.request("POST", path, {"csrfmiddlewaretoken": form_token.group(1), **fields}, headers)


def postgres_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    return versions[-1].parent if versions else None


class OwnPostgres:
    """A PostgreSQL cluster of the test's own (initdb on a spare port), stopped and started by the test.

    As root, the server runs as the `postgres` user (PostgreSQL refuses root) from a folder it owns.
    """

    def __init__(self) -> None:
        self.bin = postgres_bin()
        if self.bin is None:
            pytest.skip("needs PostgreSQL's server programs (apt-get install postgresql)")
        self.port = spare_port()
        self.directory = Path(tempfile.mkdtemp(prefix="wpsconf-pg-"))
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/wpsconf"

    def run(self, program: str, *arguments: str) -> None:
        subprocess.run([*self.as_postgres, str(self.bin / program), *arguments], check=True, capture_output=True)

    def create(self) -> None:
        self.run("initdb", "-D", str(self.directory / "data"), "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "wpsconf")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
        self.run("pg_ctl", "-D", str(self.directory / "data"), "-o", options, "-l", str(self.directory / "log"), "-w",
                 "start")  # fmt: skip

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.directory / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def throwaway_database(purpose: str) -> Iterator[str]:
    """An empty database beside the test's own on the same PostgreSQL server, dropped afterwards; its URL."""
    import psycopg
    from django.db import connection
    from psycopg import sql

    server = connection.settings_dict
    address = f"{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}"
    database = f"wpsconf_{purpose}_{os.getpid()}"
    name = sql.Identifier(database)
    with psycopg.connect(f"postgres://{address}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    try:
        yield f"postgres://{address}/{database}"
    finally:
        with psycopg.connect(f"postgres://{address}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
