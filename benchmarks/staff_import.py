"""Benchmark: importing a national-size staff roster on PostgreSQL, against a bare COPY.

Writes a synthetic ESR-style roster of --rows rows (default 1.5 million; fictional names from
the demo data, emails on the reserved .example domain; every column the roster reads, each
worker's line manager among them) to a temporary file, then, in the same run and on the same
database:

- baseline: the same file loaded by a bare `COPY ... FROM STDIN (FORMAT csv)` into an
  unindexed table of text columns, before and after the imports (their mean is the ratio's
  denominator);
- import: `staff_import` of the file into an empty roster, in a child process so that its
  peak memory (maximum resident set size, Django included) is its own;
- re-import: the same file again (nothing changes), also in a child process;
- floor: the imported rows, already typed and checked, COPYed into an empty table shaped like
  the roster with its indexes (no checks, no merge, no foreign keys): the least time any import
  that writes this table could take, as a ratio to the bare COPY.

    .venv/bin/python benchmarks/staff_import.py \
        --database-url postgres://postgres@127.0.0.1:5432/speakup_staffbench [--rows 1500000]

The database is migrated and FLUSHED first. Target (issue 4): the import at least half as fast
as the bare COPY (ratio >= 0.5), peak memory under 500 MB.
"""

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.common import set_up  # noqa: E402

HEADER = [
    "Employee Number",
    "First Name",
    "Last Name",
    "Email",
    "Staff Group",
    "Job Role",
    "Directorate",
    "Band",
    "Line Manager (Y/N)",
    "Senior Leader (Y/N)",
    "Board Member (Y/N)",
    "Assignment Start",
    "Assignment End",
    "Line Manager Employee Number",
]
GROUPS = [
    ("Nursing and Midwifery Registered", "Staff Nurse"),
    ("Medical and Dental", "Specialty Doctor"),
    ("Allied Health Professionals", "Physiotherapist"),
    ("Additional Clinical Services", "Healthcare Assistant"),
    ("Administrative and Clerical", "Ward Clerk"),
    ("Estates and Ancillary", "Porter"),
]
DIRECTORATES = ["Medicine", "Surgery", "Women and Children", "Community", "Corporate"]
BANDS = ["Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7", "Band 8a"]
ORGANISATION = "RB1"


def write_roster(path: Path, rows: int) -> None:
    from speakup.organisations.demo import FIRST_NAMES, LAST_NAMES

    first_day = date(2026, 10, 31)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for n in range(rows):
            first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n * 7) % len(LAST_NAMES)]
            group, role = GROUPS[n % len(GROUPS)]
            writer.writerow(
                [
                    f"{n + 10_000_000}",
                    first,
                    last,
                    f"{first}.{last}.{n}@fictional.example".lower(),
                    group,
                    role,
                    DIRECTORATES[n % len(DIRECTORATES)],
                    BANDS[n % len(BANDS)],
                    "Y" if n % 9 == 0 else "N",
                    "Y" if n % 200 == 0 else "N",
                    "N",
                    (first_day - timedelta(days=n % 9000)).isoformat(),
                    "",
                    _line_manager(n),
                ]
            )


def _line_manager(n: int) -> str:
    """Every ninth worker is a line manager (above), of the eight after them; a manager's own
    manager is the manager before them, and the first has none."""
    manager = n - n % 9 if n % 9 else n - 9
    return f"{manager + 10_000_000}" if manager >= 0 else ""


def _setup(database_url: str) -> None:
    set_up(database_url)
    from speakup.organisations.models import Organisation

    Organisation.objects.create(
        ods_code=ORGANISATION, name="Benchshire Fictional NHS Trust", kind="nhs_trust"
    )


def bare_copy(path: Path) -> float:
    """Seconds to COPY the file into a fresh unindexed table of text columns."""
    from django.db import connection

    columns = ", ".join(f"c{index} text" for index in range(len(HEADER)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_copy")
        cursor.execute(f"CREATE TABLE bench_bare_copy ({columns})")
        started = time.perf_counter()
        with (
            path.open("rb") as file,
            cursor.copy("COPY bench_bare_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := file.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_bare_copy")
    return seconds


def roster_floor(folder: Path, *, indexes: bool) -> float:
    """Seconds to COPY the roster's rows as they are stored into an empty table with the
    roster's columns and identity, and with its indexes (the unique employee number per
    organisation among them) when `indexes`."""
    from django.db import connection

    from speakup.training.models import StaffRecord

    table = StaffRecord._meta.db_table
    columns = ", ".join(
        field.column for field in StaffRecord._meta.concrete_fields if not field.primary_key
    )
    rows = folder / "roster-rows.copy"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_roster_floor")
        cursor.execute(
            f"CREATE TABLE bench_roster_floor (LIKE {table} INCLUDING DEFAULTS INCLUDING "
            f"IDENTITY INCLUDING CONSTRAINTS {'INCLUDING INDEXES' if indexes else ''})"
        )
        with rows.open("wb") as file, cursor.copy(f"COPY {table} ({columns}) TO STDOUT") as out:
            for chunk in out:
                file.write(chunk)
        started = time.perf_counter()
        with (
            rows.open("rb") as file,
            cursor.copy(f"COPY bench_roster_floor ({columns}) FROM STDIN") as copy,
        ):
            while chunk := file.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_roster_floor")
    return seconds


CHILD = """
import json, os, resource, sys, time
sys.path[:0] = [{root!r}, {src!r}]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
import django
django.setup()
from speakup.organisations.models import Organisation
from speakup.training.roster.importing import staff_import
organisation = Organisation.objects.get(ods_code={ods!r})
started = time.perf_counter()
with open({path!r}, "rb") as file:
    result = staff_import(organisation=organisation, file=file, full=True)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak, "summary": result.summary()}}))
"""


def import_in_child(path: Path) -> dict:
    code = CHILD.format(root=str(ROOT), src=str(ROOT / "src"), ods=ORGANISATION, path=str(path))
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database (FLUSHED)")
    parser.add_argument("--rows", type=int, default=1_500_000)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("The staff import benchmark needs PostgreSQL (--database-url postgres://...)")
    _setup(args.database_url)
    with tempfile.TemporaryDirectory(prefix="speakup-staff-bench-") as folder:
        path = Path(folder) / "roster.csv"
        write_roster(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {size_mb:.0f} MB; Python {platform.python_version()}, ", end="")
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
        before = bare_copy(path)
        first = import_in_child(path)
        again = import_in_child(path)
        shape = roster_floor(Path(folder), indexes=False)
        floor = roster_floor(Path(folder), indexes=True)
        after = bare_copy(path)
    baseline = (before + after) / 2
    print(
        f"baseline: bare COPY   {before:7.1f} s and {after:.1f} s after "
        f"({args.rows / baseline:,.0f} rows/s on their mean)"
    )
    for label, run in (("import", first), ("re-import", again)):
        rate = args.rows / run["seconds"]
        print(
            f"{label:<11}{run['seconds']:9.1f} s  {rate:,.0f} rows/s  ratio to bare COPY "
            f"{baseline / run['seconds']:.2f}  peak memory {run['peak_mb']:.0f} MB"
        )
        print(f"           {run['summary']}")
    print(
        f"floor:     {shape:9.1f} s  the stored rows alone COPYed into a table of the roster's "
        f"columns, no index: ratio {baseline / shape:.2f}"
    )
    print(
        f"           {floor:9.1f} s  the same with the roster's indexes: ratio "
        f"{baseline / floor:.2f}, the best any import into the roster could do"
    )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
