"""Benchmark: the public register search over 5,000 synthetic directors.

Builds a throwaway database (a temporary SQLite file, or the PostgreSQL database named by
DATABASE_URL, which is flushed first), fills it with fictional directors and appointments, then
times the public search as a visitor meets it (GET /register/?q=... through Django, page
rendered) and the search query alone, against a baseline in the same run: a bare lookup of one
director by its unique, indexed register number.

    .venv/bin/python benchmarks/register_search.py [--directors 5000] [--repeat 30]

Target (issue 5): under 100 ms per public search over 5,000 directors.
"""

import argparse
import os
import platform
import random
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.common import p95, set_up, time_ms  # noqa: E402


def _fill(directors: int) -> None:
    from speakup.organisations.demo import FIRST_NAMES, LAST_NAMES
    from speakup.organisations.models import Organisation
    from speakup.register.models import Appointment, Director, RegisterSequence

    rng = random.Random(5)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            ods_code=f"B{n:04d}",
            name=f"Benchshire Fictional NHS Trust {n}",
            kind="nhs_trust",
            region="london",
        )
        for n in range(250)
    )
    rows = Director.objects.bulk_create(
        (
            Director(
                register_number=f"D{n:06d}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"{rng.choice(LAST_NAMES)}{n % 97 if n % 3 else ''}",
                email=f"director{n}@bench.test",
                status=rng.choice(["registered"] * 18 + ["conditions", "removed"]),
            )
            for n in range(1, directors + 1)
        ),
        batch_size=1000,
    )
    RegisterSequence.objects.create(name="director", last_value=directors)
    start = date(2020, 1, 1)
    appointments = []
    for director in rows:
        for _ in range(rng.choice([1, 1, 1, 2])):
            begin = start + timedelta(days=rng.randrange(2000))
            appointments.append(
                Appointment(
                    director=director,
                    organisation=rng.choice(organisations),
                    role_title=rng.choice(
                        [
                            "Chair",
                            "Chief Executive",
                            "Non-executive director",
                            "Director of Finance",
                        ]
                    ),
                    executive=rng.random() < 0.5,
                    start_date=begin,
                    end_date=begin + timedelta(days=900) if rng.random() < 0.3 else None,
                )
            )
    Appointment.objects.bulk_create(appointments, batch_size=2000)
    # The search column, as the services keep it (speakup.register.services.search_text_for).
    served: dict[int, set] = {}
    for appointment in appointments:
        served.setdefault(appointment.director_id, set()).add(appointment.organisation)
    for director in rows:
        director.search_text = " ".join(
            [director.register_number, director.first_name, director.last_name]
            + [f"{o.name} {o.ods_code}" for o in served.get(director.pk, ())]
        ).lower()
    Director.objects.bulk_update(rows, ["search_text"], batch_size=1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directors", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL database to FLUSH and use (default: temporary SQLite)",
    )
    args = parser.parse_args()
    vendor = set_up(args.database_url)
    _fill(args.directors)

    from django.test import Client

    from speakup.register.models import Appointment, Director
    from speakup.register.queries import directors_search

    client = Client()
    searches = {
        "name word (q=Kestrel)": {"q": "Kestrel"},
        "full name (q=Iris Ingleby)": {"q": "Iris Ingleby"},
        "organisation (q=Benchshire Fictional NHS Trust 17)": {
            "q": "Benchshire Fictional NHS Trust 17"
        },
        "register number (q=D004321)": {"q": "D004321"},
        "status filter (status=conditions)": {"status": "conditions"},
        "no criteria (first page of all)": {},
    }
    baseline = time_ms(
        lambda: Director.objects.filter(register_number="D004321").first(), args.repeat
    )
    print(
        f"Register search benchmark: {Director.objects.count()} directors, "
        f"{Appointment.objects.count()} appointments, 250 organisations; database {vendor}"
    )
    print(
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(f"Each figure: median and 95th percentile of {args.repeat} runs, in milliseconds\n")
    print(f"{'what':<58}{'median':>9}{'p95':>9}")
    print(
        f"{'baseline: one director by register number (indexed)':<58}"
        f"{statistics.median(baseline):>9.2f}{p95(baseline):>9.2f}"
    )
    worst = worst_median = 0.0
    for label, params in searches.items():
        query_only = time_ms(lambda p=params: list(directors_search(**p)[:20]), args.repeat)
        page = time_ms(lambda p=params: _get(client, p), args.repeat)
        api = time_ms(lambda p=params: _get(client, p, "/api/v1/register/directors"), args.repeat)
        worst = max(worst, p95(page), p95(api))
        worst_median = max(worst_median, statistics.median(page), statistics.median(api))
        print(
            f"{'search query, first 20: ' + label:<58}"
            f"{statistics.median(query_only):>9.2f}{p95(query_only):>9.2f}"
        )
        print(
            f"{'public page GET /register/: ' + label:<58}"
            f"{statistics.median(page):>9.2f}{p95(page):>9.2f}"
        )
        print(
            f"{'API GET /api/v1/register/directors: ' + label:<58}"
            f"{statistics.median(api):>9.2f}{p95(api):>9.2f}"
        )
    verdict = "meets" if worst_median < 100 else "DOES NOT meet"
    print(
        f"\nPublic page and API: worst median {worst_median:.1f} ms ({verdict} the 100 ms "
        f"target); worst 95th percentile {worst:.1f} ms (load average now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)."
    )


def _get(client, params, path="/register/"):
    from django.core.cache import cache

    cache.clear()  # no rate limit: this is one visitor asking many times
    response = client.get(path, params)
    assert response.status_code == 200, response.status_code


if __name__ == "__main__":
    main()
