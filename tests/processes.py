"""Services a fault test starts for itself on a spare port, and stops by PID: never the machine's own."""

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

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
    connection is dropped before the 250: the sender cannot know it arrived).
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list = []  # aiosmtpd envelopes, in arrival order
        self.greylist = False
        self.refuse: set[str] = set()
        self.drop_after_data = False
        self.tried: set[str] = set()
        self._controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # aiosmtpd's hook
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
