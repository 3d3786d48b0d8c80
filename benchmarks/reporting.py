"""Benchmark: the national view and a large trust's board report, on national synthetic data.

Run benchmarks/national_data.py first (same DATABASE_URL). Times, in the same run:

- baseline: a bare SELECT COUNT(*) over all cases;
- the national view's figures (speakup.reporting.national_view.national_view) for the last year;
- the large trust's (B0000) board report figures (speakup.reporting.board_report.board_report)
  for the last year, national comparison included;

each with the number of SQL queries (django.test.utils.CaptureQueriesContext), and prints the
data size and the machine (nproc, RAM).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/speakup_natbench \
        .venv/bin/python benchmarks/reporting.py [--repeat 5]

Target (issue 6): each under 1 second on PostgreSQL; figures from aggregate queries.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _setup() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database benchmarks/national_data.py filled")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speakup.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _measure(function, repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # with DEBUG on it holds every query, up to 9,000: not full
    with CaptureQueriesContext(connection) as queries:
        function()  # warm: the first run also counts the queries
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return samples, len(queries.captured_queries)


def _page_runs(large, period) -> list:
    """GET the national view and B0000's board report pages as people allowed to see them
    (made here: a national analyst, and a board member of B0000, second factor given)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils.http import urlencode
    from django_otp import DEVICE_ID_SESSION_KEY

    from speakup.core.two_factor import enrol_confirmed_device
    from speakup.organisations.models import RoleMembership
    from speakup.organisations.roles import Role

    def client_of(email: str, role: Role, organisation=None) -> Client:
        user, _ = get_user_model().objects.get_or_create(
            email=email, defaults={"full_name": "Bench " + role.label}
        )
        RoleMembership.objects.get_or_create(user=user, role=role, organisation=organisation)
        client = Client(
            HTTP_HOST=next((h for h in settings.ALLOWED_HOSTS if "*" not in h), "localhost")
        )
        client.force_login(user)
        session = client.session  # signed in with the second factor given, as in the tests
        session[DEVICE_ID_SESSION_KEY] = enrol_confirmed_device(user).persistent_id
        session.save()
        return client

    query = "?" + urlencode(period.query())
    analyst = client_of("national-analyst@bench.speakup.test", Role.NATIONAL_ANALYST)
    board = client_of("board-member@bench.speakup.test", Role.BOARD_MEMBER, large)
    pages = [
        ("page: GET national view", analyst, reverse("reporting:show_national_view") + query),
        (
            f"page: GET board report, {large.ods_code}",
            board,
            reverse("reporting:show_board_report", args=[large.ods_code]) + query,
        ),
    ]

    def getter(client, url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (
                url,
                response.status_code,
                response.get("Location"),
            )

        return get

    return [(label, getter(client, url)) for label, client, url in pages]


def _profile(label: str, function, shown: int = 8) -> None:
    """One more run, timing each SQL query (the rest of the time is Python)."""
    from django.db import connection

    timed = []

    def timer(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - began, sql))

    began = time.perf_counter()
    with connection.execute_wrapper(timer):
        function()
    total = time.perf_counter() - began
    in_sql = sum(seconds for seconds, _ in timed)
    print(f"\n{label}: {total * 1000:.0f} ms, of which SQL {in_sql * 1000:.0f} ms")
    for seconds, sql in sorted(timed, reverse=True)[:shown]:
        print(f"  {seconds * 1000:7.0f} ms  {' '.join(sql.split())[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--pages", action="store_true", help="also time the rendered pages (GET, signed in)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also list each run's slowest SQL queries"
    )
    args = parser.parse_args()
    _setup()
    from django.db import connection
    from django.utils import timezone

    from speakup.concerns.models import Concern
    from speakup.organisations.models import Organisation
    from speakup.register.models import Director
    from speakup.reporting import national_counts
    from speakup.reporting.board_report import board_report
    from speakup.reporting.board_report_periods import last_year
    from speakup.reporting.national_view import national_view
    from speakup.training.models import Completion, StaffRecord

    large = Organisation.objects.get(ods_code="B0000")
    period = last_year()
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs (nproc), {_memory()} RAM, "
        f"Python {platform.python_version()}, PostgreSQL {connection.pg_version}"
    )
    print(
        f"Data: {Organisation.objects.count()} organisations, "
        f"{StaffRecord.objects.count():,} workers, {Completion.objects.count():,} completions, "
        f"{Concern.objects.count():,} cases, {Director.objects.count():,} directors; "
        f"large trust {large.ods_code}: {StaffRecord.objects.filter(organisation=large).count():,}"
        f" workers, {Concern.objects.filter(organisation=large).count():,} cases"
    )
    print(f"Period: {period.label}; {args.repeat} timed runs after one warm-up run")

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM concerns_concern")
            cursor.fetchone()

    def count_again():
        national_counts.count_now(today=timezone.localdate())

    runs = [
        ("baseline: SELECT COUNT(*) FROM concerns_concern", baseline),
        ("national counts made afresh (training, register)", count_again),
        ("national view figures (all organisations)", lambda: national_view(period=period)),
        (
            f"board report figures, {large.ods_code} (with national comparison)",
            lambda: board_report(organisation=large, period=period),
        ),
    ]
    print(f"{'':58} {'median':>9} {'max':>9} {'queries':>8}")
    for label, function in runs:
        samples, queries = _measure(function, args.repeat)
        print(
            f"{label:58} {statistics.median(samples) * 1000:7.0f}ms "
            f"{max(samples) * 1000:7.0f}ms {queries:8d}"
        )
    if args.pages:
        for label, function in _page_runs(large, period):
            samples, queries = _measure(function, args.repeat)
            print(
                f"{label:58} {statistics.median(samples) * 1000:7.0f}ms "
                f"{max(samples) * 1000:7.0f}ms {queries:8d}"
            )
    if args.profile:
        for label, function in runs[1:]:
            _profile(label, function)


if __name__ == "__main__":
    main()
