"""Does "Lost your link?" answer a registered address faster or slower than any other?

    .venv/bin/python bench/lost_link_timing.py --asks 2000

Creates a throw-away database with registered people, starts gunicorn with a Redis broker
(as in production; no worker runs, so only the web process is timed), then posts /my/
alternately with a registered address and an unknown one from one keep-alive client, and
compares the answer times. An attacker timing this page must learn nothing: the medians
should differ by less than the noise between two runs of the same kind. Needs PostgreSQL
and Redis; cleans up after itself.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from statistics import median, quantiles
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (
    CSRF_INPUT,
    Client,
    bench_environment,
    close_and_drop,
    create_database,
    flush_broker,
    prepare_conference,
    registration_details,
    start_gunicorn,
    stop_gunicorn,
    verdict,
    wait_until_healthy,
)

# Half a millisecond: below what a remote attacker can see through the network's own jitter.
TARGET_DIFFERENCE_MS = 0.5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--asks", type=int, default=2000, help="posts of each kind")
    parser.add_argument("--people", type=int, default=200, help="registered addresses to ask for in turn")
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--database", default="wpsconf_bench_lost_link")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    args.workers, args.worker_class, args.threads = 1, "sync", 1
    return args


def register_people(conference_id: int, people: int) -> list[str]:
    from agenda.models import Conference
    from registration import services

    conference = Conference.objects.get(pk=conference_id)
    emails = []
    for number in range(people):
        details = {**registration_details(number), "email": f"known-{number:05d}@example.org"}
        del details["consent"]
        services.register_attendee(conference=conference, details=details, language="en")
        emails.append(details["email"])
    return emails


def ask(client: Client, email: str) -> float:
    started = time.perf_counter()
    body = urlencode({"csrfmiddlewaretoken": client.csrf_token, "email": email}).encode()
    status, _content, _ = client.request("POST", "/my/", body)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"POST /my/ answered {status}")
    return elapsed


def main() -> int:
    args = parse_args()
    env = bench_environment(args)
    os.environ.update(env)
    workdir = Path(tempfile.mkdtemp(prefix="lost-link-"))
    log_path = workdir / "gunicorn.log"
    server = None
    client = None
    try:
        print(f"database {args.database}: creating, migrating, registering {args.people} people …", flush=True)
        create_database(args.database)
        import django

        django.setup()
        from django.db import connections

        emails = register_people(prepare_conference(seats=args.people), args.people)
        connections.close_all()
        server = start_gunicorn(args, env, log_path)
        wait_until_healthy(server, args.port, log_path)
        client = Client(args.port, timeout=30)
        _status, content, _ = client.request("GET", "/my/")
        client.csrf_token = CSRF_INPUT.search(content.decode()).group(1)
        for number in range(50):  # warm up both paths
            ask(client, emails[number % len(emails)])
            ask(client, f"warm-{number}@example.org")
        known, unknown = [], []
        for number in range(args.asks):
            known.append(ask(client, emails[number % len(emails)]))
            unknown.append(ask(client, f"nobody-{number:06d}@example.org"))
    finally:
        if client:
            client.close()
        stop_gunicorn(server)
        close_and_drop(args.database)
        flush_broker(args.broker)
        shutil.rmtree(workdir, ignore_errors=True)

    def describe(times: list[float]) -> str:
        cuts = quantiles(times, n=100)
        return f"median {median(times):.2f} ms, p10 {cuts[9]:.2f} ms, p90 {cuts[89]:.2f} ms"

    difference = median(known) - median(unknown)
    print()
    print("=== lost link: registered against unknown addresses ===")
    print(f"posts                {args.asks} of each kind, alternating, one keep-alive client, 1 sync worker")
    print(f"registered address   {describe(known)}")
    print(f"unknown address      {describe(unknown)}")
    print(f"difference           {difference:+.2f} ms (median, registered minus unknown)")
    failures = []
    if abs(difference) > TARGET_DIFFERENCE_MS:
        failures.append(f"medians differ by {difference:+.2f} ms > {TARGET_DIFFERENCE_MS} ms")
    return verdict(failures)


if __name__ == "__main__":
    sys.exit(main())
