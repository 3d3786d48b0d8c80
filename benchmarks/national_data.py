# ruff: noqa: S608  (the SQL is built from this file's constants only, never from input)
"""Synthetic national data for the reporting benchmark, made inside PostgreSQL.

At --scale 1: 250 organisations, 1.5 million workers on the rosters (with their training
completions), 175,000 cases (with elements and feedback) and 3,000 directors (appointments,
attestations, FPPT checks). --scale shrinks everything but the 250 organisations. Organisation
B0000, "Benchshire Large NHS Trust", is the large trust: about 1.3% of all workers and cases
(20,000 workers at scale 1).

The rows are made by set-based INSERT ... SELECT FROM generate_series inside the database (no
rows pass through Python), so the run is bounded: about a minute per million rows on a small
machine. The database named by DATABASE_URL must be migrated and is EMPTIED of these tables first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/speakup_natbench \
        .venv/bin/python benchmarks/national_data.py --scale 0.1

Everything is fictional: names are made up, the sealed case fields hold dummy bytes.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ORGANISATIONS = 250
WORKERS = 1_500_000
CASES = 175_000
DIRECTORS = 3_000
LARGE_SHARE = 0.013  # the large trust's share of workers and cases

REGIONS = [
    "east_of_england",
    "london",
    "midlands",
    "north_east_yorkshire",
    "north_west",
    "south_east",
    "south_west",
]
STAFF_GROUPS = [
    "Medical and Dental",
    "Nursing and Midwifery Registered",
    "Allied Health Professionals",
    "Additional Clinical Services",
    "Administrative and Clerical",
    "Estates and Ancillary",
]


def _setup() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a migrated PostgreSQL database (it is emptied first)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speakup.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def _array(values) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


def _org(expression: str) -> str:
    """SQL for an organisation number 0..249 from a random number: 0 (the large trust) takes
    LARGE_SHARE of rows, the others share the rest, unevenly (sizes from about 1 to 3)."""
    return (
        f"CASE WHEN {expression} < {LARGE_SHARE} THEN 0 "
        f"ELSE 1 + floor(power(random(), 1.5) * {ORGANISATIONS - 1})::int END"
    )


def _worker_email(n: str) -> str:
    """SQL for worker n's email: board members (one in 500) are the register's directors, so
    the register finds their Follow Up on the roster by email, as it would in life."""
    return (
        f"CASE WHEN {n} % 500 = 7 THEN 'director' || ({n} / 500 + 1) || '@bench.speakup.test' "
        f"ELSE 'worker' || {n} || '@bench.speakup.test' END"
    )


def generate(scale: float) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from speakup.concerns.taxonomy import ELEMENTS, WORKER_GROUPS

    workers, cases, directors = (max(1, round(n * scale)) for n in (WORKERS, CASES, DIRECTORS))
    elements = [e.code for e in ELEMENTS]
    groups = [g.code for g in WORKER_GROUPS]
    tables = [
        "concerns_feedback",
        "concerns_concernelement",
        "concerns_escalation",
        "concerns_statuschange",
        "concerns_concern",
        "training_completion",
        "training_staffrecord",
        "training_trainingpolicy",
        "register_attestation",
        "register_fpptcheck",
        "register_appointment",
        "register_codeofpractice",
        "register_director",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        for table in tables:
            cursor.execute(f"TRUNCATE {table} CASCADE")
        cursor.execute("DELETE FROM organisations_organisation WHERE ods_code LIKE 'B____'")
        User = get_user_model()
        officer, _ = User.objects.get_or_create(
            email="register-officer@bench.speakup.test",
            defaults={"full_name": "Bench Register Officer"},
        )
        steps = [
            (
                "organisations",
                f"""INSERT INTO organisations_organisation
                    (ods_code, name, kind, region, active, created_at)
                SELECT 'B' || lpad(n::text, 4, '0'),
                       CASE WHEN n = 0 THEN 'Benchshire Large NHS Trust'
                            ELSE 'Benchshire Fictional NHS Trust ' || n END,
                       'nhs_trust', ({_array(REGIONS)})[1 + n % {len(REGIONS)}], true, now()
                FROM generate_series(0, {ORGANISATIONS - 1}) n""",
            ),
            (
                "training policies",
                """INSERT INTO training_trainingpolicy
                    (organisation_id, speak_up_mandatory, listen_up_mandatory,
                     follow_up_mandatory, speak_up_refresher_years, listen_up_refresher_years,
                     follow_up_refresher_years, new_starter_due_days, board_follow_up_due_days,
                     listen_up_from_band, listen_up_band_since, listen_up_band_ended, updated_at)
                SELECT id, id % 2 = 0, id % 3 = 0, id % 4 = 0, 3, 3, 3, 30, 90, '', '{}', '{}',
                       now()
                FROM organisations_organisation WHERE ods_code LIKE 'B____' AND id % 5 <> 0""",
            ),
            (
                "workers",
                f"""INSERT INTO training_staffrecord
                    (organisation_id, employee_number, first_name, last_name, email, staff_group,
                     staff_group_recognised, job_role, directorate, band, is_line_manager,
                     line_manager_number, is_senior_leader, is_board_member, active, created_at,
                     updated_at)
                SELECT o.id, 'E' || n, 'Worker', 'Number ' || n, {_worker_email("n")},
                       ({_array(STAFF_GROUPS)})[1 + n % {len(STAFF_GROUPS)}], true, '', '',
                       (2 + n % 7)::text, n % 10 = 0, '', n % 33 = 0, n % 500 = 7, n % 50 <> 1,
                       now(), now()
                FROM (SELECT n, {_org("random()")} AS k FROM generate_series(1, {workers}) n) s
                JOIN organisations_organisation o ON o.ods_code = 'B' || lpad(s.k::text, 4, '0')
                ORDER BY s.k, n  -- a roster arrives by organisation: its rows lie together""",
            ),
            (
                "training completions",
                """INSERT INTO training_completion
                    (organisation_id, staff_record_id, module, version, completed_on, source,
                     created_at)
                SELECT r.organisation_id, r.id, m.module, '1',
                       current_date - (random() * 1400)::int, 'import', now()
                FROM training_staffrecord r
                CROSS JOIN (VALUES ('speak_up', 0.75), ('listen_up', 0.6), ('follow_up', 0.5))
                     m(module, chance)
                WHERE (hashtext(r.id || m.module) & 1023) < m.chance * 1024  -- per worker
                  AND (m.module = 'speak_up'
                       OR (m.module = 'listen_up'
                           AND (r.is_line_manager OR r.is_senior_leader OR r.is_board_member))
                       OR (m.module = 'follow_up'
                           AND (r.is_senior_leader OR r.is_board_member)))
                ORDER BY r.organisation_id, r.id  -- imported by organisation, like the roster""",
            ),
            (
                "cases",
                f"""INSERT INTO concerns_concern
                    (organisation_id, reference, confidentiality, status, source, worker_group,
                     detriment_reported, confidentiality_reviewed, received_at, acknowledge_by,
                     feedback_by, acknowledged_at, feedback_given_at, closed_at, wrapped_key,
                     receipt_hash, narrative_sealed, learning_publishable)
                SELECT o.id, 'B' || lpad(n::text, 9, '0'),
                       (ARRAY['open', 'confidential', 'confidential', 'anonymous'])[1 + n % 4],
                       CASE WHEN s.age > 120 OR s.r < 0.5 THEN 'closed'
                            WHEN s.r < 0.9 THEN 'in_progress' ELSE 'received' END,
                       'online', ({_array(groups)})[1 + n % {len(groups)}],
                       n % 40 = 0, false, now() - s.age * interval '1 day',
                       (now() - s.age * interval '1 day')::date + 7,
                       (now() - s.age * interval '1 day')::date + 91,
                       CASE WHEN s.age > 120 OR s.r < 0.9
                            THEN now() - (s.age - 1 - n % 10) * interval '1 day' END,
                       CASE WHEN s.age > 120 OR s.r < 0.5
                            THEN now() - (s.age - 20 - n % 90) * interval '1 day' END,
                       CASE WHEN s.age > 120 OR s.r < 0.5
                            THEN now() - (s.age - 25 - n % 90) * interval '1 day' END,
                       '', 'bench-receipt-' || n, '\\x00'::bytea, false
                FROM (SELECT n, {_org("random()")} AS k, 110 + (random() * 1000)::int AS age,
                             random() AS r
                      FROM generate_series(1, {cases}) n) s
                JOIN organisations_organisation o ON o.ods_code = 'B' || lpad(s.k::text, 4, '0')""",
            ),
            (
                "case elements",
                f"""INSERT INTO concerns_concernelement (concern_id, code)
                SELECT c.id, e.code FROM concerns_concern c
                CROSS JOIN unnest({_array(elements)}) e(code)
                WHERE c.reference LIKE 'B%' AND (hashtext(c.id || e.code) & 1023) < 225""",
            ),
            (
                "feedback",
                """INSERT INTO concerns_feedback (concern_id, would_speak_up_again, detriment,
                     given_at)
                SELECT id, (ARRAY['yes', 'yes', 'yes', 'no', 'maybe', 'dont_know'])[1 + id % 6],
                       id % 30 = 0, closed_at
                FROM concerns_concern WHERE closed_at IS NOT NULL AND random() < 0.4""",
            ),
            (
                "code of practice",
                f"""INSERT INTO register_codeofpractice (version, title, body, published_at,
                     published_by_id)
                VALUES (1, 'Code of practice for board directors', 'Synthetic.',
                        now() - interval '400 days', {officer.pk})""",
            ),
            (
                "directors",
                f"""INSERT INTO register_director (register_number, first_name, last_name, email,
                     status, search_text, created_at, updated_at)
                SELECT 'D' || lpad(n::text, 6, '0'), 'Director', 'Number ' || n,
                       'director' || n || '@bench.speakup.test', 'registered',
                       'director number ' || n, now(), now()
                FROM generate_series(1, {directors}) n""",
            ),
            (
                "appointments",
                f"""INSERT INTO register_appointment (director_id, organisation_id, role_title,
                     executive, ftsu_role, start_date, end_date, created_at, updated_at)
                SELECT d.id, o.id, 'Non-executive director', d.id % 2 = 0, 'none',
                       current_date - (30 + d.id % 2000)::int, NULL, now(), now()
                FROM register_director d
                JOIN organisations_organisation o
                  ON o.ods_code = 'B' || lpad((d.id % {ORGANISATIONS})::text, 4, '0')""",
            ),
            (
                "attestations",
                """INSERT INTO register_attestation (director_id, code_id, attested_at,
                     self_assessment)
                SELECT d.id, c.id, now() - (d.id % 500) * interval '1 day', '{}'::jsonb
                FROM register_director d CROSS JOIN register_codeofpractice c
                WHERE d.id % 5 <> 0""",
            ),
            (
                "FPPT checks",
                f"""INSERT INTO register_fpptcheck (director_id, organisation_id, year,
                     references_6_years, qualifications, disqualified_director_check,
                     right_to_work, chair_signed_off, outcome, recorded_on, recorded_by_id,
                     created_at)
                SELECT a.director_id, a.organisation_id, 2026, true, true, true, true, true,
                       CASE WHEN a.director_id % 97 = 0 THEN 'not_fit' ELSE 'fit' END,
                       current_date - (a.director_id % 450)::int, {officer.pk}, now()
                FROM register_appointment a WHERE a.director_id % 7 <> 0""",
            ),
        ]
        made = {}
        for name, sql in steps:
            began = time.perf_counter()
            cursor.execute(sql)
            made[name] = cursor.rowcount
            print(f"  {name:22} {cursor.rowcount:>10,} rows  {time.perf_counter() - began:6.1f} s")
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have, after a bulk load
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the national size")
    args = parser.parse_args()
    _setup()
    began = time.perf_counter()
    print(f"National synthetic data at scale {args.scale}:")
    made = generate(args.scale)
    print(
        f"Made {made['organisations']} organisations, {made['workers']:,} workers, "
        f"{made['cases']:,} cases, {made['directors']:,} directors "
        f"in {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main()
