"""A burst of registrations against gunicorn and PostgreSQL: does the site fill exactly its seats, fast enough?

    .venv/bin/python bench/register_burst.py --clients 50 --registrations 2000 --seats 500
    .venv/bin/python bench/register_burst.py --end-to-end

Creates a throw-away database, seeds it, opens registration, starts gunicorn on 127.0.0.1,
sends real registration forms from concurrent keep-alive clients, then as many bare one-row
inserts for comparison, checks the seat count in the database, and cleans up. With
--end-to-end, each person is a new visitor who opens the form and then sends it, and no bare
inserts are sent. See bench/README.md.
"""

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from statistics import quantiles

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (
    CSRF_INPUT,
    HOST,
    ROOT,
    VENV_BIN,
    Client,
    bench_environment,
    close_and_drop,
    cpu_snapshot,
    create_database,
    flush_broker,
    prepare_conference,
    registration_form,
    start_gunicorn,
    stop_gunicorn,
    wait_until_healthy,
)

# Targets (bench/README.md).
TARGET_SECONDS = 60
TARGET_END_TO_END_SECONDS = 30
TARGET_RATIO = 0.5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (threads)")
    parser.add_argument(
        "--end-to-end",
        action="store_true",
        help="each registration by a new visitor (own connection and cookies) who opens the form, "
        "then sends it with the page's CSRF token; no bare inserts",
    )
    parser.add_argument("--registrations", type=int, default=2000, help="registration forms to post")
    parser.add_argument("--seats", type=int, default=500, help="the conference's capacity")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default="wpsconf_bench", help="dropped and created again")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="per worker, with --worker-class gthread")
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="the posts of each kind are split into this many rounds, registrations and bare inserts "
        "taking turns, so that a change in the machine's speed during the run weighs on both alike",
    )
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per phase before clients give up")
    parser.add_argument("--request-timeout", type=float, default=30)
    parser.add_argument(
        "--broker",
        default="redis://127.0.0.1:6379/15",
        help="Celery broker, as in production: requests queue the email, a worker started after the "
        "burst sends it. 'none' sends in-process, inside each request",
    )
    args = parser.parse_args()
    if min(args.clients, args.registrations, args.seats, args.workers, args.threads, args.rounds) < 1:
        parser.error("--clients, --registrations, --seats, --workers, --threads and --rounds must be at least 1")
    if args.rounds > args.registrations:
        parser.error("--rounds cannot exceed --registrations")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database) or args.database in {"postgres", "template0", "template1"}:
        parser.error("--database must be a plain name for a throw-away database")
    return args


@dataclass
class Phase:
    name: str
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    timed_out: bool = False
    cpu: dict[str, float] = field(default_factory=dict)

    def add(self, other: "Phase") -> None:
        """Count another round of the same kind in."""
        self.statuses.update(other.statuses)
        self.failures.update(other.failures)
        self.latencies += other.latencies
        self.elapsed += other.elapsed
        self.timed_out |= other.timed_out
        for name, seconds in other.cpu.items():
            self.cpu[name] = self.cpu.get(name, 0.0) + seconds

    @property
    def sent(self) -> int:
        return sum(self.statuses.values()) + sum(self.failures.values())

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    @property
    def per_second(self) -> float:
        return self.sent / self.elapsed if self.elapsed else 0.0

    def cpu_summary(self) -> str:
        """CPU milliseconds per request, by process, and how busy the machine's processors were."""
        if not self.sent or not self.cpu:
            return "n/a"
        parts = ", ".join(f"{name} {seconds / self.sent * 1000:.1f}" for name, seconds in self.cpu.items())
        busy = sum(self.cpu.values()) / (self.elapsed * (os.cpu_count() or 1))
        return f"{parts} ms/request; CPUs {busy:.0%} busy"

    def latency_summary(self) -> str:
        if len(self.latencies) < 2:
            return "n/a"
        cuts = quantiles(self.latencies, n=100)
        return f"p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms, max {max(self.latencies) * 1000:.0f} ms"


def run_phase(
    name: str, clients: list[Client], numbers: range, send, time_limit: float, expected_status: int, server_pid: int
) -> tuple[Phase, list[str]]:
    """A request for each of `numbers` from all clients at once; each client sends one after another."""
    phase = Phase(name)
    problems: list[str] = []
    lock = threading.Lock()
    next_number = iter(numbers)
    cpu_before = cpu_snapshot(server_pid)
    start = time.monotonic()
    deadline = start + time_limit

    def work(client: Client) -> None:
        while time.monotonic() < deadline:
            with lock:
                number = next(next_number, None)
            if number is None:
                return
            began = time.monotonic()
            try:
                status, content, _ = send(client, number)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    phase.failures[type(error).__name__] += 1
                continue
            took = time.monotonic() - began
            with lock:
                phase.statuses[status] += 1
                phase.latencies.append(took)
                if status != expected_status and len(problems) < 5:
                    problems.append(f"{name} #{number}: HTTP {status}: {content[:300]!r}")

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(work, clients))
    phase.elapsed = time.monotonic() - start
    cpu_after = cpu_snapshot(server_pid)
    phase.cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    phase.timed_out = phase.sent < len(numbers)
    return phase, problems


def register(client: Client, number: int) -> tuple[int, bytes, str]:
    status, content, location = client.request("POST", "/register/", registration_form(number, client.csrf_token))
    if status == 302 and "/register/done/" not in location:
        return 0, f"redirected to {location}".encode(), location  # counted apart from real acceptances
    return status, content, location


def visitor_registering(port: int, timeout: float):
    """A new visitor for each registration, as in a browser: GET /register/ (the CSRF cookie and
    the token in the page), then POST the form with them. The thread's own client stays unused."""

    def send(_thread_client: Client, number: int) -> tuple[int, bytes, str]:
        visitor = Client(port, timeout)
        try:
            status, content, location = visitor.request("GET", "/register/")
            match = CSRF_INPUT.search(content.decode(errors="replace"))
            if status != 200 or match is None or "csrftoken" not in visitor.cookies:
                return status if status != 200 else 0, b"GET /register/ without a form and CSRF cookie", location
            visitor.csrf_token = match.group(1)
            return register(visitor, number)
        finally:
            visitor.close()

    return send


def bare_insert(client: Client, number: int) -> tuple[int, bytes, str]:
    return client.request("POST", "/bench/insert/", b"")


def run_rounds(args: argparse.Namespace, clients: list[Client], server_pid: int) -> tuple[Phase, Phase, list[str]]:
    """Registrations and bare inserts in `--rounds` alternating rounds, each kind going first in turn."""
    registrations, inserts, problems = Phase("register"), Phase("bare insert"), []
    bounds = [args.registrations * turn // args.rounds for turn in range(args.rounds + 1)]
    for turn in range(args.rounds):
        numbers = range(bounds[turn], bounds[turn + 1])
        kinds = [(registrations, register, 302), (inserts, bare_insert, 200)]
        for total, send, expected_status in kinds if turn % 2 == 0 else reversed(kinds):
            phase, found = run_phase(total.name, clients, numbers, send, args.time_limit, expected_status, server_pid)
            total.add(phase)
            problems += found[: 5 - len(problems)]
    return registrations, inserts, problems


# The run ----------------------------------------------------------------------------------------


def database_counts(conference_id: int) -> dict[str, int]:
    from django.db.models import Count

    from outbox.models import OutgoingEmail
    from registration.models import Registration

    by_status = dict(
        Registration.objects.filter(conference_id=conference_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    emails = dict(OutgoingEmail.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "registrations": sum(by_status.values()),
        "active": by_status.get("pending", 0) + by_status.get("confirmed", 0),
        "waitlisted": by_status.get("waitlisted", 0),
        "emails": sum(emails.values()),
        "emails_sent": emails.get("sent", 0),
    }


def drain_outbox(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> dict:
    """Start one Celery worker and time it until every queued email is sent."""
    from outbox.models import OutgoingEmail

    log = (workdir / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603  (our own venv's celery, fixed arguments)
        [str(VENV_BIN / "celery"), "-A", "wpsconf", "worker", "--concurrency=2", "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    started = time.monotonic()
    try:
        while time.monotonic() - started < args.time_limit:
            if not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists():
                break
            time.sleep(0.25)
        elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    return {"sent": OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count(), "elapsed": elapsed}


def main() -> int:
    args = parse_args()
    env = bench_environment(args)
    os.environ.update(env)
    for name in set(os.environ) - set(env):
        del os.environ[name]
    sys.path.insert(0, str(ROOT))

    workdir = Path(tempfile.mkdtemp(prefix="register-burst-"))
    log_path = workdir / "gunicorn.log"
    server = None
    clients: list[Client] = []
    try:
        print(f"database {args.database}: creating, migrating, seeding …", flush=True)
        if args.broker != "none":
            flush_broker(args.broker)
        create_database(args.database)
        import django

        django.setup()
        from django.db import connections

        conference_id = prepare_conference(args.seats)
        connections.close_all()

        shape = f"{args.workers} {args.worker_class} workers" + (
            f" × {args.threads} threads" if args.worker_class == "gthread" else ""
        )
        print(f"gunicorn: {shape} on {HOST}:{args.port}; {os.cpu_count()} CPUs", flush=True)
        server = start_gunicorn(args, env, log_path)
        wait_until_healthy(server, args.port, log_path)

        clients = [Client(args.port, args.request_timeout) for _ in range(args.clients)]
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(Client.open_form, clients))  # also warms every worker's templates up
        if args.end_to_end:
            print(f"{args.registrations} visitors, {args.clients} at a time, open the form and send it …", flush=True)
            send = visitor_registering(args.port, args.request_timeout)
            numbers = range(args.registrations)
            registrations, problems = run_phase(
                "open and register", clients, numbers, send, args.time_limit, 302, server.pid
            )
            inserts = None
        else:
            print(f"{args.clients} clients have the form and a CSRF cookie; posting {args.registrations} …", flush=True)
            registrations, inserts, problems = run_rounds(args, clients, server.pid)
        stop_gunicorn(server)
        drain = drain_outbox(args, env, workdir) if args.broker != "none" else None
        counts = database_counts(conference_id)
        connections.close_all()
    except BaseException:
        if log_path.exists() and log_path.stat().st_size:
            print(f"--- gunicorn log (last lines)\n{log_path.read_text()[-3000:]}", file=sys.stderr)
        raise
    finally:
        for client in clients:
            client.close()
        stop_gunicorn(server)
        close_and_drop(args.database)
        print(f"database {args.database}: dropped", flush=True)
        log = log_path.read_text() if log_path.exists() else ""
        shutil.rmtree(workdir, ignore_errors=True)

    accepted = registrations.statuses[302]
    phases = [registrations] if inserts is None else [registrations, inserts]
    failures = []
    if any(phase.server_errors for phase in phases):
        failures.append(f"5xx answers: {' + '.join(str(phase.server_errors) for phase in phases)}")
    if counts["active"] != min(args.seats, args.registrations):
        failures.append(f"active registrations {counts['active']} != seats {args.seats}")
    if counts["waitlisted"] != max(args.registrations - args.seats, 0):
        failures.append(f"waitlisted {counts['waitlisted']} != {max(args.registrations - args.seats, 0)}")
    if any(phase.timed_out for phase in phases):
        failures.append(f"a phase hit --time-limit {args.time_limit:.0f} s")
    other = {status: n for status, n in registrations.statuses.items() if status != 302}
    if other or registrations.failures:
        failures.append(f"registrations not accepted: {other or ''} {dict(registrations.failures) or ''}".strip())
    if counts["emails_sent"] != counts["emails"]:
        failures.append(f"{counts['emails'] - counts['emails_sent']} emails left unsent")
    if counts["emails"] != counts["registrations"]:
        failures.append(f"{counts['emails']} emails for {counts['registrations']} registrations, not one each")
    if accepted != counts["registrations"]:
        failures.append(f"{accepted} accepted but {counts['registrations']} registrations stored")
    warnings = []
    target_seconds = TARGET_END_TO_END_SECONDS if args.end_to_end else TARGET_SECONDS
    if registrations.elapsed > target_seconds:
        warnings.append(f"target missed: {registrations.elapsed:.1f} s > {target_seconds} s")
    ratio = registrations.per_second / inserts.per_second if inserts and inserts.per_second else 0.0
    if inserts is not None and ratio < TARGET_RATIO:
        warnings.append(f"target missed: registrations at {ratio:.2f} of the bare insert rate (< {TARGET_RATIO})")

    print()
    print("=== register burst" + (", end to end (open the form, then send it) ===" if args.end_to_end else " ==="))
    mode = f"tasks queued on {args.broker}" if drain else "tasks in-process"
    print(f"server               {shape}, DEBUG off, {mode}, locmem email")
    if args.end_to_end:
        print(
            f"visitors             {args.registrations}, {args.clients} at a time, each new: GET /register/, then POST"
        )
    else:
        print(f"clients              {args.clients} (keep-alive, one CSRF cookie + session each)")
    print(f"seats                {args.seats}")
    print(f"registrations sent   {registrations.sent}")
    print(f"  accepted (302)     {accepted}")
    print(f"  other statuses     {dict(other) or 'none'}")
    print(f"  connection errors  {dict(registrations.failures) or 'none'}")
    if not args.end_to_end:
        print(f"  resent (stale keep-alive connection) {sum(client.retries for client in clients)}")
    print(f"  errors (5xx)       {registrations.server_errors}")
    print(f"active (db)          {counts['active']}")
    print(f"waitlisted (db)      {counts['waitlisted']}")
    print(f"emails (db)          {counts['emails']} rows, {counts['emails_sent']} sent")
    if drain:
        print(
            f"  worker drained     {drain['sent']} emails in {drain['elapsed']:.1f} s after the burst "
            f"({drain['sent'] / drain['elapsed']:.0f}/s, 1 worker, concurrency 2)"
        )
    print(
        f"elapsed              {registrations.elapsed:.2f} s"
        + (" (wall time, first GET to last POST)" if args.end_to_end else "")
    )
    latency = registrations.latency_summary() + ("; form and post together" if args.end_to_end else "")
    print(f"registrations/s      {registrations.per_second:.1f}   ({latency})")
    print(f"  CPU                {registrations.cpu_summary()}")
    if inserts is not None:
        print(
            f"bare inserts         {inserts.statuses[200]} ok, 5xx {inserts.server_errors}, in {inserts.elapsed:.2f} s"
        )
        print(f"bare inserts/s       {inserts.per_second:.1f}   ({inserts.latency_summary()})")
        print(f"  CPU                {inserts.cpu_summary()}")
        print(f"ratio                {ratio:.2f}  (registrations/s ÷ bare inserts/s)")
    print(f"gunicorn log         {'empty' if not log.strip() else f'{len(log.splitlines())} lines'}")
    for problem in problems:
        print(f"  sample: {problem}")
    if log.strip():
        print("--- gunicorn log (last lines)")
        print(log[-2000:])
    for warning in warnings:
        print(f"WARNING: {warning}")
    for failure in failures:
        print(f"FAILED: {failure}")
    print("RESULT: " + ("FAIL" if failures else "OK" if not warnings else "OK (correct, but see warnings)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
