"""Benchmark: the training dashboard of one 20,000-worker trust.

Builds a throwaway database (the PostgreSQL database named by --database-url, which is FLUSHED
first, or a temporary SQLite file), fills one fictional trust with a roster and completions,
then times, in the same run:

- baseline: a bare COUNT(*) of the trust's active roster;
- the dashboard's counts (speakup.training.tallies.tally: one aggregate query, after the
  roster's bands);
- the month-by-month trend (speakup.training.tallies.compliance_trend);
- the whole dashboard page as its users meet it (GET /training/organisations/<ods>/, rendered
  with its three charts): every figure counted and every chart drawn afresh, as on every visit,
  first with every month of the trend counted (a trust in its first months), then with the
  months gone by recorded by the tick (a trust in use for five months or more);
- the check a policy change makes before it is saved (speakup.training.tallies.newly_late: who
  a Speak Up refresher shortened from 3 years to 1 would make late), its SQL written afresh as
  on each save, and the policy page refusing that change and asking to confirm (POST);
- the same figures worker by worker in Python (the rules' reference implementation).

    .venv/bin/python benchmarks/training_dashboard.py \
        --database-url postgres://postgres@127.0.0.1:5432/speakup_trainbench [--workers 20000]

Target (issue 4): the dashboard answers in under 300 ms; the query count is reported.
"""

import argparse
import copy
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.common import p95, set_up, time_ms  # noqa: E402

GROUPS = [
    "Medical and Dental",
    "Nursing and Midwifery Registered",
    "Allied Health Professionals",
    "Additional Clinical Services",
    "Administrative and Clerical",
    "Estates and Ancillary",
    "Healthcare Scientists",
    "Students",
]
DIRECTORATES = [
    "Medicine",
    "Surgery",
    "Women and Children",
    "Diagnostics",
    "Community",
    "Mental Health",
    "Corporate",
    "Estates and Facilities",
    "Emergency Care",
    "Research",
]
BANDS = ["Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7", "Band 8a", "Band 8b", "VSM"]
TODAY = date.today()


def _fill(workers: int):
    """One trust of `workers`, two neighbours of a tenth of that, and their completions."""
    from speakup.organisations.models import Organisation
    from speakup.training.models import Completion, StaffRecord, TrainingPolicy

    rng = random.Random(4)
    trusts = Organisation.objects.bulk_create(
        Organisation(ods_code=code, name=f"Benchshire Fictional NHS Trust {code}", kind="nhs_trust")
        for code in ("RB1", "RB2", "RB3")
    )
    TrainingPolicy.objects.create(
        organisation=trusts[0],
        speak_up_mandatory=True,
        speak_up_mandatory_from=date(2023, 4, 1),
        listen_up_from_band="7",
    )
    for trust, size in zip(trusts, [workers, workers // 10, workers // 10], strict=True):
        records = StaffRecord.objects.bulk_create(
            (
                StaffRecord(
                    organisation=trust,
                    employee_number=f"{n:08d}",
                    first_name=f"Worker{n}",
                    last_name=f"Fictional{n % 500}",
                    staff_group=rng.choice(GROUPS),
                    directorate=rng.choice(DIRECTORATES),
                    band=rng.choice(BANDS),
                    is_line_manager=rng.random() < 0.12,
                    is_senior_leader=rng.random() < 0.01,
                    is_board_member=n < 14,
                    assignment_start=TODAY - timedelta(days=rng.randrange(30, 6000)),
                    active=(active := rng.random() > 0.05),
                    # Most leavers' roster gave the day they left (the trend counts them until
                    # then); some were dropped from a full roster without one.
                    assignment_end=None
                    if active or rng.random() < 0.2
                    else TODAY - timedelta(days=rng.randrange(1, 400)),
                )
                for n in range(size)
            ),
            batch_size=2000,
        )
        completions = []
        for record in records:
            for module, chance in (("speak_up", 0.8), ("listen_up", 0.5), ("follow_up", 0.4)):
                needs = module == "speak_up" or record.is_line_manager or record.is_board_member
                if needs and rng.random() < chance:
                    for _ in range(rng.choice([1, 1, 1, 2])):
                        completions.append(
                            Completion(
                                organisation=trust,
                                staff_record=record,
                                module=module,
                                version=rng.choice(["", "1"]),
                                completed_on=TODAY - timedelta(days=rng.randrange(0, 1500)),
                                source="import",
                            )
                        )
        Completion.objects.bulk_create(completions, batch_size=5000)
    return trusts[0]


def _queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL database to FLUSH and use (default: temporary SQLite)",
    )
    parser.add_argument("--skip-python", action="store_true", help="skip the slow reference")
    args = parser.parse_args()
    vendor = set_up(args.database_url)
    began = time.perf_counter()
    trust = _fill(args.workers)
    filled = time.perf_counter() - began

    from django.db import connection
    from django.test import Client

    from speakup.organisations.models import Organisation, RoleMembership
    from speakup.organisations.roles import Role
    from speakup.training import tallies
    from speakup.training.models import Completion, StaffRecord
    from speakup.training.queries import organisation_compliance, policy_for
    from speakup.training.tallies import compliance_trend, listen_up_bands, newly_late, tally
    from speakup.training.trend_months import trend_months_record
    from tests.conftest import sign_in
    from tests.organisations.factories import UserFactory

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    guardian = UserFactory(email="bench-guardian@bench.test")
    RoleMembership.objects.create(user=guardian, role=Role.GUARDIAN, organisation=trust)
    client = sign_in(Client(), guardian)
    admin = UserFactory(email="bench-admin@bench.test")
    RoleMembership.objects.create(user=admin, role=Role.ORGANISATION_ADMIN, organisation=trust)
    admin_client = sign_in(Client(), admin)
    url = f"/training/organisations/{trust.ods_code}/"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b'class="speakup-chart"') == 3

    def counts():
        policy = policy_for(organisation=trust)
        bands = listen_up_bands(organisation=trust, policy=policy)
        tally(organisation=trust, policy=policy, today=TODAY, bands=bands)

    def policy_check():
        tallies._WRITTEN.clear()  # each change proposed is new: its SQL is written afresh
        before = policy_for(organisation=trust)
        after = copy.copy(before)
        after.speak_up_refresher_years = 1
        late = newly_late(organisation=trust, before=before, after=after, today=TODAY)
        assert late.workers > 0, late

    shorter_refresher = {
        "speak_up_mandatory": "on",
        "speak_up_mandatory_from_day": "1",
        "speak_up_mandatory_from_month": "4",
        "speak_up_mandatory_from_year": "2023",
        "speak_up_refresher_years": "1",
        "listen_up_refresher_years": "3",
        "follow_up_refresher_years": "3",
        "new_starter_due_days": "30",
        "board_follow_up_due_days": "90",
        "listen_up_from_band": "7",
    }

    def policy_refused():
        tallies._WRITTEN.clear()
        response = admin_client.post(f"{url}policy/", shorter_refresher)
        assert b"not saved yet" in response.content, response.status_code

    recorded = []

    def page_with_months_recorded():
        # As a trust in use for five months or more meets it: the tick has recorded its month
        # ends, so the trend reads them and counts nothing but today, which is the headline's.
        if not recorded:
            only_the_trust = Organisation.objects.filter(pk=trust.pk)
            recorded.append(
                trend_months_record(
                    today=TODAY, organisations=only_the_trust, before_first_roster=True
                )
            )
        page()

    active = StaffRecord.objects.filter(organisation=trust, active=True)
    with connection.cursor():  # one connection for every timing
        rows = [
            ("baseline: bare COUNT(*) of the trust's active roster", lambda: active.count()),
            ("dashboard counts (tally)", counts),
            ("month-by-month trend", lambda: compliance_trend(organisation=trust, today=TODAY)),
            ("dashboard page, with its three charts", page),
            ("the same page, its months gone by recorded by the tick", page_with_months_recorded),
            ("policy change check (newly_late), SQL written afresh", policy_check),
            ("policy page refusing the change to confirm it (POST)", policy_refused),
        ]
        if not args.skip_python:
            rows.append(
                (
                    "reference: the same counts worker by worker in Python",
                    lambda: organisation_compliance(organisation=trust, today=TODAY),
                )
            )
        print(
            f"Training dashboard benchmark: {active.count()} active workers "
            f"({StaffRecord.objects.filter(organisation=trust).count()} on the roster) in the "
            f"trust, {StaffRecord.objects.count()} roster rows and {Completion.objects.count()} "
            f"completions in all; database {vendor} (filled in {filled:.0f} s)"
        )
        print(
            f"Machine: {platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        print(f"Each figure: median and 95th percentile of {args.repeat} runs, in milliseconds\n")
        print(f"{'what':<62}{'queries':>8}{'median':>9}{'p95':>9}")
        results = {}
        for label, function in rows:
            repeat = 3 if label.startswith("reference") else args.repeat
            samples = time_ms(function, repeat)
            results[label] = statistics.median(samples)
            print(
                f"{label:<62}{_queries(function):>8}"
                f"{statistics.median(samples):>9.1f}{p95(samples):>9.1f}"
            )
        print(f"\nPage: GET {url}; load average at the end {os.getloadavg()[0]:.1f}")
        baseline = results["baseline: bare COUNT(*) of the trust's active roster"]
        page_ms = results["dashboard page, with its three charts"]
        for what, ms in (
            ("every month counted", page_ms),
            ("months recorded", results["the same page, its months gone by recorded by the tick"]),
        ):
            verdict = "meets" if ms < 300 else "DOES NOT meet"
            print(
                f"Dashboard page, {what}: median {ms:.0f} ms, {ms / baseline:.0f} times the "
                f"baseline ({verdict} the 300 ms target)."
            )


if __name__ == "__main__":
    main()
