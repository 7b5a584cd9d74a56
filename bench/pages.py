"""The public pages against a bare Django floor: throughput, CPU and SQL queries per page, side by side.

    .venv/bin/python bench/pages.py

Creates a throw-away PostgreSQL database with the seeded conference (registration open),
starts the site under gunicorn and, beside it on another port, a bare Django project
(bench/floor.py: startproject's middleware, a view answering a small HttpResponse) under
the same gunicorn and interpreter. Then runs Debian's wrk against each page and the floor
in alternation, in several rounds, and prints for each page its requests per second, the
CPU its workers spent per request (from /proc) and its throughput as a share of the
floor's in the same round (the median of the rounds), with the SQL queries one request
makes; then a verdict against the targets of issue 15. Cleans up after itself.
See bench/README.md.
"""

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean, median

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (
    HOST,
    bench_environment,
    close_and_drop,
    cpu_seconds,
    create_database,
    flush_broker,
    prepare_conference,
    start_gunicorn,
    stop_gunicorn,
    verdict,
    wait_until_healthy,
    worker_pids,
)

WRK = "/usr/bin/wrk"
LANGUAGE_PREFIXES = ("", "/ru", "/kk")
PUBLIC = ("/", "/agenda/", "/agenda.ics", "/agenda.json", "/privacy/")
FORMS = ("/register/", "/accreditation/", "/my/")
# Issue 15's targets: throughput as a share of the floor's, and queries per public page.
PUBLIC_SHARE, FORM_SHARE, PUBLIC_QUERIES = 0.5, 0.2, 3
FLOOR = "floor"


def every_page() -> list[str]:
    return [prefix + path for path in PUBLIC for prefix in LANGUAGE_PREFIXES] + list(FORMS)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=3, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections (-c)")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads (-t)")
    parser.add_argument(
        "--group",
        type=int,
        default=6,
        help="pages measured between two runs of the floor; each page's "
        "share is of the mean of the floor runs before and after it",
    )
    parser.add_argument("--pages", nargs="*", default=every_page(), metavar="PATH", help="default: every page")
    parser.add_argument("--workers", type=int, default=2, help="sync workers, for the site and for the floor")
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--floor-port", type=int, default=8772)
    parser.add_argument("--database", default="wpsconf_bench_pages", help="dropped and created again")
    parser.add_argument(
        "--broker",
        default="redis://127.0.0.1:6379/14",
        help="Redis for the broker and Django's cache, as deployed; emptied first. 'none': the process cache",
    )
    args = parser.parse_args()
    args.worker_class = "sync"
    if min(args.rounds, args.connections, args.threads, args.group, args.workers) < 1 or args.duration <= 0:
        parser.error("--rounds, --duration, --connections, --threads, --group and --workers must be positive")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database) or args.database in {"postgres", "template0", "template1"}:
        parser.error("--database must be a plain name for a throw-away database")
    if not Path(WRK).exists():
        parser.error(f"{WRK} is missing: apt-get install -y wrk")
    return args


@dataclass
class Run:
    requests: int
    per_second: float
    cpu_ms: float  # the workers' CPU per completed request
    bad: int  # non-2xx/3xx answers and socket errors


@dataclass
class Page:
    path: str
    runs: list[Run] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)  # of the floor, one per round
    queries: int | None = None
    first_queries: int | None = None
    size: int = 0

    @property
    def public(self) -> bool:
        return not self.path.endswith(FORMS)

    @property
    def share(self) -> float:
        return median(self.shares) if self.shares else 0.0


def wrk(args: argparse.Namespace, port: int, path: str, pids: list[int]) -> Run:
    before = cpu_seconds(pids)
    result = subprocess.run(  # noqa: S603  (Debian's wrk, fixed arguments, our own 127.0.0.1 servers)
        [
            WRK,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout=10s",
            f"http://{HOST}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    used = cpu_seconds(pids) - before
    out = result.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    # Sync workers close every connection after answering: wrk's "read" errors count those, not failures.
    if errors := re.search(r"Socket errors: connect (\d+), read \d+, write (\d+), timeout (\d+)", out):
        bad += sum(int(n) for n in errors.groups())
    return Run(requests, per_second, used / requests * 1000 if requests else 0.0, bad)


def check_page(port: int, path: str) -> int:
    """One plain GET before measuring: the page answers 200 (a form page with its form); its size."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", path, headers={"Accept-Encoding": "identity"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}, not 200")
    if path.endswith(FORMS) and b"csrfmiddlewaretoken" not in body:
        raise RuntimeError(f"GET {path} shows no form: is registration open?")
    return len(body)


def count_queries(pages: dict[str, Page]) -> None:
    """SQL queries of one request to each page, in this process, by Django's test client: a first
    visitor (no cookies), once with the caches cold and once warm (the figure the target is about)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for page in pages.values():
        for attempt in ("first", "warm"):
            with CaptureQueriesContext(connection) as captured:
                status = Client(HTTP_HOST=HOST).get(page.path).status_code
            if status != 200:
                raise RuntimeError(f"test client: GET {page.path} answered {status}")
            if attempt == "first":
                page.first_queries = len(captured)
            else:
                page.queries = len(captured)


def schedule(paths: list[str], group: int, turn: int) -> list[list[str]]:
    """The pages of one round in groups, each group measured between two runs of the floor; every
    other round in reverse order, so that a drift of the machine's speed weighs on all pages alike."""
    ordered = paths if turn % 2 == 0 else list(reversed(paths))
    return [ordered[start : start + group] for start in range(0, len(ordered), group)]


def measure(args: argparse.Namespace, pages: dict[str, Page], site: list[int], floor: list[int]) -> list[Run]:
    floor_runs = []
    for turn in range(args.rounds):
        previous = wrk(args, args.floor_port, "/", floor)
        floor_runs.append(previous)
        for group in schedule(list(pages), args.group, turn):
            measured = [(pages[path], wrk(args, args.port, path, site)) for path in group]
            following = wrk(args, args.floor_port, "/", floor)
            floor_runs.append(following)
            for page, run in measured:
                page.runs.append(run)
                page.shares.append(run.per_second / mean([previous.per_second, following.per_second]))
            previous = following
        print(f"round {turn + 1} of {args.rounds} done", flush=True)
    return floor_runs


def report(args: argparse.Namespace, pages: dict[str, Page], floor_runs: list[Run]) -> int:
    print()
    print("=== pages against the floor ===")
    print(
        f"gunicorn {args.workers} sync workers each; wrk -t{args.threads} -c{args.connections} -d{args.duration}s; "
        f"{args.rounds} rounds; {os.cpu_count()} CPUs; broker and cache {args.broker}"
    )
    print(f"{'page':22} {'req/s':>8} {'CPU ms/req':>11} {'÷ floor':>8} {'queries':>8} {'(first)':>8} {'kB':>6}")
    for page in pages.values():
        per_second = median(run.per_second for run in page.runs)
        cpu_ms = median(run.cpu_ms for run in page.runs)
        print(
            f"{page.path:22} {per_second:>8.0f} {cpu_ms:>11.2f} {page.share:>8.3f} "
            f"{page.queries:>8} {page.first_queries:>8} {page.size / 1000:>6.1f}"
        )
    floor_per_second = median(run.per_second for run in floor_runs)
    floor_cpu = median(run.cpu_ms for run in floor_runs)
    print(f"{FLOOR:22} {floor_per_second:>8.0f} {floor_cpu:>11.2f} {1:>8.3f} {0:>8}")
    print("req/s and CPU: medians of the rounds; ÷ floor: median of each round's share of the floor runs around it")

    public = [page for page in pages.values() if page.public]
    forms = [page for page in pages.values() if not page.public]
    if public:
        slow = [f"{page.path} {page.share:.3f}" for page in public if page.share < PUBLIC_SHARE]
        chatty = [f"{page.path} {page.queries}" for page in public if page.queries > PUBLIC_QUERIES]
        met = not slow and not chatty
        print(
            f"target 1, public pages ≥ {PUBLIC_SHARE} × floor and ≤ {PUBLIC_QUERIES} queries: "
            + ("MET" if met else "MISSED")
            + (f" (worst share {min(page.share for page in public):.3f})" if met else "")
        )
        if slow:
            print(f"  below {PUBLIC_SHARE} × floor: {', '.join(slow)}")
        if chatty:
            print(f"  more than {PUBLIC_QUERIES} queries: {', '.join(chatty)}")
    if forms:
        slow = [f"{page.path} {page.share:.3f}" for page in forms if page.share < FORM_SHARE]
        print(
            f"target 2, form pages ≥ {FORM_SHARE} × floor: "
            + ("MISSED" if slow else f"MET (worst share {min(page.share for page in forms):.3f})")
        )
        if slow:
            print(f"  below {FORM_SHARE} × floor: {', '.join(slow)}")

    errors = {page.path: sum(run.bad for run in page.runs) for page in pages.values()}
    errors[FLOOR] = sum(run.bad for run in floor_runs)
    failures = [f"{path}: {count} errors or non-2xx answers" for path, count in errors.items() if count]
    # A missed speed target is reported above; only wrong answers fail the run.
    return verdict(failures)


def main() -> int:
    args = parse_args()
    env = bench_environment(args)
    os.environ.update(env)
    floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor"}
    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    site = floor = None
    pages = {path: Page(path) for path in args.pages}
    try:
        print(f"database {args.database}: creating, migrating, seeding …", flush=True)
        if args.broker != "none":
            flush_broker(args.broker)
        create_database(args.database)
        import django

        django.setup()
        from django.db import connections

        prepare_conference(seats=500)
        count_queries(pages)
        connections.close_all()

        site = start_gunicorn(args, env, workdir / "site.log")
        floor = start_gunicorn(
            args,
            floor_env,
            workdir / "floor.log",
            app="django.core.wsgi:get_wsgi_application()",
            port=args.floor_port,
        )
        wait_until_healthy(site, args.port, workdir / "site.log")
        wait_until_healthy(floor, args.floor_port, workdir / "floor.log")
        for page in pages.values():
            page.size = check_page(args.port, page.path)
        site_workers, floor_workers = worker_pids(site.pid), worker_pids(floor.pid)
        # Every worker renders each page once before anything is timed.
        warm = argparse.Namespace(**{**vars(args), "duration": 1})
        for path in pages:
            wrk(warm, args.port, path, site_workers)
        wrk(warm, args.floor_port, "/", floor_workers)

        total = args.rounds * (len(pages) + -(-len(pages) // args.group) + 1) * args.duration
        print(
            f"measuring {len(pages)} pages and the floor, {args.rounds} rounds: about {total / 60:.1f} min", flush=True
        )
        floor_runs = measure(args, pages, site_workers, floor_workers)
    except BaseException:
        for name in ("site.log", "floor.log"):
            log = workdir / name
            if log.exists() and log.stat().st_size:
                print(f"--- {name} (last lines)\n{log.read_text()[-3000:]}", file=sys.stderr)
        raise
    finally:
        stop_gunicorn(site)
        stop_gunicorn(floor)
        close_and_drop(args.database)
        if args.broker != "none":
            flush_broker(args.broker)  # no cached page of this run is left behind
        print(f"database {args.database}: dropped", flush=True)
        shutil.rmtree(workdir, ignore_errors=True)
    return report(args, pages, floor_runs)


if __name__ == "__main__":
    sys.exit(main())
