"""The registrations admin at 50,000 people: same queries as at 50, a fast page, a flat CSV export.

    .venv/bin/python bench/admin_scale.py --people 50000

Creates a throw-away PostgreSQL database, seeds the conference, adds 50 registrations and
measures the admin list (queries, time) and the CSV export; then grows to --people and
measures again. Pages are rendered in-process by Django's test client as a signed-in
organiser, so the times are the server's own. Cleans up after itself.
"""

import argparse
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import bench_environment, close_and_drop, create_database, prepare_conference, verdict

TARGET_PAGE_MS = 300  # the list as it opens, and filtered; a text search reads every row and is reported
TARGET_EXPORT_S = 5
TARGET_EXPORT_MB = 50
COUNTRIES = ["KZ", "KZ", "KZ", "UZ", "KG", "TJ", "TM", "RU", "DE", "US", "CN", "TR"]
CATEGORIES = ["parliamentarian", "government", "civil_society", "international", "diplomatic", "expert"]
STATUSES = ["confirmed"] * 6 + ["pending", "waitlisted", "cancelled", "declined"]
GENDERS = ["woman", "woman", "man", "", "prefer_not"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--database", default="wpsconf_bench_admin")
    args = parser.parse_args()
    args.broker, args.port = "none", 0
    return args


def environment(args: argparse.Namespace) -> dict[str, str]:
    return {**bench_environment(args), "ALLOWED_HOSTS": "testserver"}  # Django's test client's host


def add_people(conference_id: int, start: int, count: int) -> None:
    from django.utils import timezone

    from registration.models import Registration, new_reference, new_token

    now = timezone.now()
    rng = random.Random(start)  # noqa: S311  (made-up people, the same on every run)
    batch = []
    for n in range(start, start + count):
        batch.append(
            Registration(
                conference_id=conference_id,
                reference=new_reference(),
                token=new_token(),
                category=rng.choice(CATEGORIES),
                honorific=rng.choice(["", "ms", "mr", "dr"]),
                first_name=rng.choice(["Әйгерім", "Dilnoza", "Aida", "Bobur", "Elena", "=HYPERLINK(1)"]),
                last_name=f"Person{n:06d}",
                gender=rng.choice(GENDERS),
                email=f"person{n:06d}@example.org",
                phone="+77012345678",
                country=rng.choice(COUNTRIES),
                organisation="Organisation of the Republic",
                position="Adviser",
                interpretation_language="ru",
                consent_given_at=now,
                language=rng.choice(["en", "ru", "kk"]),
                status=rng.choice(STATUSES),
            )
        )
        if len(batch) == 5000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)


def measure(client, path: str, rounds: int = 5) -> tuple[int, float, int]:
    """(queries, best time in ms, status) of a GET, after one warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    best, queries, status = float("inf"), 0, 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            best = min(best, (time.perf_counter() - started) * 1000)
        queries, status = len(captured), response.status_code
    return queries, best, status


def export_csv(client) -> tuple[int, float, float]:
    """(rows, seconds, peak Python memory growth in MB) of streaming the whole CSV export."""
    started = time.perf_counter()
    response = client.get("/admin/registration/registration/export.csv")
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    # Memory on a second run: tracing every allocation slows Python down several times.
    tracemalloc.start()
    response = client.get("/admin/registration/registration/export.csv")
    for _chunk in response.streaming_content:
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return lines - 1, elapsed, peak / 1e6


def main() -> int:
    args = parse_args()
    os.environ.update(environment(args))
    try:
        print(f"database {args.database}: creating, migrating, seeding …", flush=True)
        create_database(args.database)
        import django

        django.setup()
        from django.contrib.auth.models import Group, User
        from django.test import Client

        conference_id = prepare_conference(seats=args.people)
        olga = User.objects.create_user("olga", password="bench-only-password-1234", is_staff=True)  # noqa: S106
        olga.groups.add(Group.objects.get(name="Organisers"))
        client = Client()
        client.force_login(olga)
        # Organisers see personal data: past their second factor, as after entering the code.
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=olga, name="authenticator", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        pages = {
            "list": "/admin/registration/registration/",
            "list, filtered": "/admin/registration/registration/?country__exact=KZ&status__exact=confirmed",
            "list, searched": "/admin/registration/registration/?q=Person0000",
            "dashboard": "/admin/registration/registration/dashboard/",
        }
        results = {}
        for size in (50, args.people):
            from registration.models import Registration

            add_people(conference_id, Registration.objects.count(), size - Registration.objects.count())
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            results[size] = {name: measure(client, path) for name, path in pages.items()}
            results[size]["export"] = export_csv(client)
            print(f"measured at {size} people", flush=True)
    finally:
        close_and_drop(args.database)

    small, large = results[50], results[args.people]
    print()
    print("=== admin at scale ===")
    print(f"{'page':22} {'queries @50':>12} {'@' + str(args.people):>10} {'ms @50':>8} {'ms @' + str(args.people):>10}")
    failures = []
    for name in pages:
        q_small, ms_small, status_small = small[name]
        q_large, ms_large, status_large = large[name]
        print(f"{name:22} {q_small:>12} {q_large:>10} {ms_small:>8.0f} {ms_large:>10.0f}")
        if status_small != 200 or status_large != 200:
            failures.append(f"{name}: HTTP {status_small}/{status_large}")
        if name.startswith("list") and q_small != q_large:
            failures.append(f"{name}: {q_small} queries at 50, {q_large} at {args.people}")
        if name in ("list", "list, filtered") and ms_large > TARGET_PAGE_MS:
            failures.append(f"{name}: {ms_large:.0f} ms > {TARGET_PAGE_MS} ms")
    rows, seconds, megabytes = large["export"]
    print(f"CSV export             {rows} rows in {seconds:.2f} s, peak Python memory growth {megabytes:.1f} MB")
    if rows != args.people:
        failures.append(f"export has {rows} rows, not {args.people}")
    if seconds > TARGET_EXPORT_S:
        failures.append(f"export {seconds:.1f} s > {TARGET_EXPORT_S} s")
    if megabytes > TARGET_EXPORT_MB:
        failures.append(f"export memory {megabytes:.0f} MB > {TARGET_EXPORT_MB} MB")
    return verdict(failures)


if __name__ == "__main__":
    sys.exit(main())
