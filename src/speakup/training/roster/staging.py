# ruff: noqa: S608  (table and column names come from this file and the model, never from input)
"""PostgreSQL: checked roster rows streamed by COPY into a staging table, then merged in SQL.

importing.py reads and checks every row (one set of rules for every database); here the rows go
to PostgreSQL through COPY instead of batches of ORM writes, and the work that needs the whole
file (duplicate employee numbers, linking accounts, inserts, updates, leavers) is done by a few
set-based statements. So memory stays flat however long the file is (no Python set of every
employee number), and the server loads rows while Python checks the next ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from django.db import connection

from speakup.organisations.models import Organisation, User
from speakup.training import bands
from speakup.training.models import StaffRecord, TrainingPolicy
from speakup.training.queries import SAME_ROLE_WITHIN, band_under_rule
from speakup.training.roster.columns import COLUMNS, RECORD_FIELDS
from speakup.training.roster.results import (
    LINE_MANAGERS_LISTED,
    MAX_LISTED_ERRORS,
    NAMES_READ_AT_ONCE,
    STORED_END_LEAVERS_NAMED,
    FirstByName,
    ImportResult,
    RowError,
    note_unknown_line_managers,
    worker,
)
from speakup.training.roster.role_and_band_days import ROLE_ENDED, ROLE_SINCE
from speakup.training.roster.row_checks import ALREADY_ON_ROW

STAGING = "speakup_roster_staging"
# Text without the roster's length limits: a bad row is staged too, with its employee number as
# written (perhaps too long), so that duplicates and leavers see every number in the file.
TYPES = {
    "employee_number": "text",
    "first_name": "text",
    "last_name": "text",
    "email": "text",
    "staff_group": "text",
    "job_role": "text",
    "directorate": "text",
    "band": "text",
    "is_line_manager": "boolean",
    "line_manager_number": "text",
    "is_senior_leader": "boolean",
    "is_board_member": "boolean",
    "assignment_start": "date",
    "assignment_end": "date",
    "staff_group_recognised": "boolean",
    "active": "boolean",
}


def usable() -> bool:
    return connection.vendor == "postgresql"


def staged_import(
    *,
    organisation: Organisation,
    rows: Iterator[tuple[int, str, dict | None]],
    full: bool,
    skip_invalid: bool,
    today: datetime.date,
    result: ImportResult,
    kept: Sequence[str] = (),
    policy: TrainingPolicy,
    now: datetime.datetime,
) -> None:
    """Stage `rows` (row number, employee number, values or None if bad), then merge them
    into the roster when no row is bad or `skip_invalid`: a role turned on or off, or a move
    into or out of a band under the `policy`'s "Listen Up from band" rule, is dated `today` as
    role_days and band_days (role_and_band_days.py) date it, and the columns `kept` (not in the
    file) keep their stored values. Each change is stamped `now`. Fills `result`."""
    with connection.cursor() as cursor:
        # Room to group a national roster in memory; SET LOCAL ends with the transaction.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        ended = _stage(cursor, rows, result)
        _refuse_duplicates(cursor, result)
        if skip_invalid or not result.bad_rows:
            if ended:
                _count_ended(cursor, organisation, result)
            if "assignment_end" in kept:
                _find_kept_ends(cursor, organisation, today, result)
            _find_returners(cursor, organisation, today, result, kept)
            _merge(cursor, organisation, full, today, result, kept, policy, now)
        cursor.execute(f"DROP TABLE {STAGING}")


def _stage(cursor, rows, result: ImportResult) -> int:
    """Every row of the file, a bad one as its number and employee number only. Returns how
    many good rows have an Assignment End gone by."""
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    columns = ", ".join(f"{name} {kind}" for name, kind in TYPES.items())
    cursor.execute(
        f"CREATE TEMP TABLE {STAGING} (row_no integer, valid boolean, {columns}) ON COMMIT DROP"
    )
    names = list(TYPES)
    blank = (None,) * (len(names) - 1)
    ended = 0
    with cursor.copy(f"COPY {STAGING} (row_no, valid, {', '.join(names)}) FROM STDIN") as copy:
        for row, number, values in rows:
            if values is None:
                result.bad_rows += 1
                copy.write_row((row, False, number, *blank))
            else:
                ended += not values["active"]
                copy.write_row((row, True, *(values[name] for name in names)))
    return ended


def _count_ended(cursor, organisation: Organisation, result: ImportResult) -> None:
    """The good rows whose Assignment End has gone by that make their worker a leaver: added
    so, or active until now (before the merge; as row_by_row._write_batch counts them),
    counted, the first LEAVERS_NAMED named by name (`_counted_first_by_name`)."""
    result.ended, result.ended_leavers = _counted_first_by_name(
        cursor,
        f"""
        SELECT c.first_name, c.last_name, c.employee_number FROM {STAGING} c
        WHERE c.valid AND NOT c.active AND NOT EXISTS (
            SELECT 1 FROM {StaffRecord._meta.db_table} s
            WHERE s.organisation_id = %s AND s.employee_number = c.employee_number
              AND NOT s.active)
        """,
        [organisation.pk],
    )


def _counted_first_by_name(cursor, select: str, parameters: list) -> tuple[int, list[dict]]:
    """How many workers `select` finds (first name, last name, employee number), and the first
    LEAVERS_NAMED of them by name as a reader looks for it (`core.names.name_order`, which no
    ORDER BY gives): read through a cursor in chunks, only those first few kept."""
    cursor.execute(f"DECLARE speakup_roster_names NO SCROLL CURSOR FOR {select}", parameters)
    first, found = FirstByName(), 0
    while True:
        cursor.execute(f"FETCH {NAMES_READ_AT_ONCE} FROM speakup_roster_names")
        names = cursor.fetchall()
        if not names:
            break
        found += len(names)
        for first_name, last_name, employee_number in names:
            first.add_worker(first_name, last_name, employee_number)
    cursor.execute("CLOSE speakup_roster_names")
    return found, first.workers()


def _find_kept_ends(
    cursor, organisation: Organisation, today: datetime.date, result: ImportResult
) -> None:
    """Of a file without an Assignment End column, before the merge: the stored ends its
    Assignment Starts clear, and the workers whose stored end, gone by and kept, leaves them
    leavers, the first few named by row (as row_by_row._keep_end). One join of the staged rows
    with the roster's workers that have an end."""
    cursor.execute(
        f"""
        SELECT cleared, workers, row_no, first_name, last_name, employee_number FROM (
            SELECT c.row_no, c.first_name, c.last_name, c.employee_number,
                   s.assignment_end < c.assignment_start AS cleared,
                   count(*) OVER w AS workers, row_number() OVER (w ORDER BY c.row_no) AS nth
            FROM {STAGING} c JOIN {StaffRecord._meta.db_table} s
              ON s.organisation_id = %s AND s.employee_number = c.employee_number
            WHERE c.valid AND (s.assignment_end < c.assignment_start OR s.assignment_end < %s)
            WINDOW w AS (PARTITION BY s.assignment_end < c.assignment_start)
        ) found
        WHERE nth <= %s
        ORDER BY row_no
        """,
        [organisation.pk, today, STORED_END_LEAVERS_NAMED],
    )
    for cleared, workers, _, first, last, number in cursor.fetchall():
        if cleared:
            result.stored_ends_cleared = workers
        else:
            result.leavers_by_stored_end = workers
            result.leavers_by_stored_end_named.append(worker(first, last, number))


def _active_as_merged(kept: Sequence[str], today: datetime.date) -> tuple[str, list]:
    """Whether the merge leaves the worker of a staged row `c` and roster record `s` active,
    with its parameters: as the file says, or by the stored end of a file without an Assignment
    End column (as row_by_row._kept_end)."""
    if "assignment_end" not in kept:
        return "c.active", []
    return (
        "coalesce(s.assignment_end < c.assignment_start OR s.assignment_end >= %s::date, true)",
        [today],
    )


def _find_returners(
    cursor,
    organisation: Organisation,
    today: datetime.date,
    result: ImportResult,
    kept: Sequence[str],
) -> None:
    """Before the merge: the leavers it will make active again, counted, the first
    LEAVERS_NAMED named by name (as row_by_row._write_batch finds them); of a file without Line
    Manager Employee Numbers but with directorates, those with none stored, by directorate and
    whether a line manager (to say who manages them). A join of the staged rows with the
    roster's leavers, and a second made only for such a file."""
    table = StaffRecord._meta.db_table
    active, parameters = _active_as_merged(kept, today)
    returning = f"""
        FROM {STAGING} c JOIN {table} s
          ON s.organisation_id = %s AND s.employee_number = c.employee_number
        WHERE c.valid AND NOT s.active AND {active}"""
    result.returned, result.returners = _counted_first_by_name(
        cursor,
        f"SELECT c.first_name, c.last_name, c.employee_number {returning}",
        [organisation.pk, *parameters],
    )
    if result.returned and "line_manager_number" in kept and "directorate" not in kept:
        cursor.execute(
            f"""
            SELECT c.directorate, c.is_line_manager, count(*) {returning}
              AND s.line_manager_number = ''
            GROUP BY c.directorate, c.is_line_manager
            """,
            [organisation.pk, *parameters],
        )
        result.returned_unmanaged = {
            (directorate, is_line_manager): workers
            for directorate, is_line_manager, workers in cursor.fetchall()
        }


def _refuse_duplicates(cursor, result: ImportResult) -> None:
    """A second row with an employee number is bad: it names the row that came first."""
    cursor.execute(
        f"""
        CREATE TEMP TABLE speakup_roster_duplicates ON COMMIT DROP AS
        SELECT row_no, employee_number, first_row, valid FROM (
            SELECT row_no, employee_number, valid,
                   min(row_no) OVER (PARTITION BY employee_number) AS first_row
            FROM {STAGING}
            WHERE employee_number <> '' AND employee_number IN (
                SELECT employee_number FROM {STAGING} WHERE employee_number <> ''
                GROUP BY employee_number HAVING count(*) > 1)
        ) numbered
        WHERE row_no > first_row
        """
    )
    cursor.execute(
        f"""UPDATE {STAGING} s SET valid = false FROM speakup_roster_duplicates d
            WHERE s.row_no = d.row_no AND s.valid"""
    )
    result.bad_rows += cursor.rowcount
    cursor.execute(
        "SELECT row_no, employee_number, first_row FROM speakup_roster_duplicates "
        "ORDER BY row_no LIMIT %s",
        [MAX_LISTED_ERRORS],
    )
    title = COLUMNS["employee_number"]
    found = [
        RowError(row, title, ALREADY_ON_ROW.format(number, first))
        for row, number, first in cursor.fetchall()
    ]
    cursor.execute("DROP TABLE speakup_roster_duplicates")
    if found:
        # A row's own problems come before its duplicate number, as in the row-by-row path.
        merged = sorted([*result.errors, *found], key=lambda error: error.row)
        result.errors = merged[:MAX_LISTED_ERRORS]


def _merge(
    cursor,
    organisation: Organisation,
    full: bool,
    today: datetime.date,
    result: ImportResult,
    kept: Sequence[str],
    policy: TrainingPolicy,
    now: datetime.datetime,
) -> None:
    """Update the changed workers, add the new ones and, for a full roster, mark leavers, each
    change stamped `now`."""
    table = StaffRecord._meta.db_table
    # The good rows, each with the account its email belongs to.
    good = f"""(
        SELECT c.*, u.id AS user_id FROM {STAGING} c
        LEFT JOIN (SELECT lower(email) AS email, max(id) AS id FROM {User._meta.db_table}
                   GROUP BY 1) u ON c.email <> '' AND u.email = c.email
        WHERE c.valid) c"""
    # Each column an update may change (not the key; not a column the file lacks: it stays as
    # stored, as in row_by_row._write_batch), with its new value and that value's parameters.
    new = {
        name: (f"c.{name}", [])
        for name in RECORD_FIELDS
        if name != "employee_number" and name not in kept
    }
    # A link to an account made by hand stays when the file gives no email (as row_by_row.py).
    new["user_id"] = ("coalesce(c.user_id, CASE WHEN c.email = '' THEN s.user_id END)", [])
    # A role's day is kept while the role stays and when the file turns it off (which ends it
    # today), and when the file gives it back within a year of its end; else the file turning
    # it on dates it today (as role_days).
    within_a_year = today - SAME_ROLE_WITHIN
    for flag, since in ROLE_SINCE.items():
        ended = ROLE_ENDED[flag]
        new[since] = (
            f"CASE WHEN NOT c.{flag} OR s.{flag} OR s.{ended} >= %s::date THEN s.{since} "
            "ELSE %s::date END",
            [within_a_year, today],
        )
        new[ended] = (
            f"CASE WHEN c.{flag} THEN NULL WHEN s.{flag} THEN %s::date ELSE s.{ended} END",
            [today],
        )
    # Without the column every band stays, and with it its days; without a band rule no band
    # comes under it or leaves it, so the days stay too.
    if "band" not in kept and policy.listen_up_from_band:
        new.update(_band_days(cursor, organisation, policy, today))
    if "assignment_end" in kept:
        # The stored end stays unless it is before the file's start (as row_by_row._kept_end).
        new["assignment_end"] = (
            "CASE WHEN s.assignment_end < c.assignment_start THEN NULL ELSE s.assignment_end END",
            [],
        )
        new["active"] = _active_as_merged(kept, today)
    # In the file again: no longer missing from the roster (as row_by_row._write_batch).
    new["left_on"] = ("NULL::date", [])
    values = ", ".join(value for value, _ in new.values())
    parameters = [parameter for _, some in new.values() for parameter in some]
    cursor.execute(
        f"""
        UPDATE {table} s SET ({", ".join(new)}, updated_at) = ({values}, %s)
        FROM {good}
        WHERE s.organisation_id = %s AND s.employee_number = c.employee_number
          AND ({", ".join(f"s.{name}" for name in new)}) IS DISTINCT FROM ({values})
        """,
        [*parameters, now, organisation.pk, *parameters],
    )
    result.updated = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO {table} (organisation_id, {", ".join(RECORD_FIELDS)}, created_at,
                             updated_at)
        SELECT %s, {", ".join(f"c.{name}" for name in RECORD_FIELDS)}, %s, %s
        FROM {good}
        WHERE NOT EXISTS (SELECT 1 FROM {table} s
                          WHERE s.organisation_id = %s AND s.employee_number = c.employee_number)
        ORDER BY c.employee_number
        """,
        [organisation.pk, now, now, organisation.pk],
    )
    result.created = cursor.rowcount
    result.unchanged = result.rows_read - result.bad_rows - result.created - result.updated
    if full:
        # Every worker in the file stays, a skipped row's worker included. A leaver already
        # (inactive) keeps the day they were first found missing.
        cursor.execute(
            f"""
            UPDATE {table} s SET active = false, left_on = %s, updated_at = %s
            WHERE s.organisation_id = %s AND s.active AND NOT EXISTS (
                SELECT 1 FROM {STAGING} c WHERE c.employee_number = s.employee_number)
            """,
            [today, now, organisation.pk],
        )
        result.left = cursor.rowcount
    if "line_manager_number" not in kept:
        _find_unknown_line_managers(cursor, organisation, result)


def _band_days(
    cursor, organisation: Organisation, policy: TrainingPolicy, today: datetime.date
) -> dict[str, tuple[str, list]]:
    """role_and_band_days.band_days in SQL, each with its parameters: kept while the band
    stays; on a move within the "Listen Up from band" rule, or out of it (ended today), the
    later of the worker's day and the day the policy brought their old band under it; on a move
    into it, the day kept if they left it within a year, else today. Which bands are under it
    is worked out in Python, with the rules' own `band_under_rule`, for each band in the file or
    on the roster: one query."""
    table = StaffRecord._meta.db_table
    cursor.execute(
        f"SELECT band FROM {STAGING} WHERE valid UNION "
        f"SELECT band FROM {table} WHERE organisation_id = %s",
        [organisation.pk],
    )
    under = [band for (band,) in cursor.fetchall() if band_under_rule(band, policy)]
    # The day each of those bands came under the rule, where the policy recorded one.
    days = {
        band: day
        for band in under
        if (day := policy.listen_up_band_since.get(bands.band_code(band)))
    }
    within, within_parameters = "s.band_since", []
    if days:
        whens = " ".join("WHEN %s THEN %s::date" for _ in days)
        within = f"greatest(s.band_since, CASE s.band {whens} END)"
        within_parameters = [value for pair in days.items() for value in pair]
    since = (
        f"CASE WHEN c.band = s.band THEN s.band_since WHEN s.band = ANY(%s::text[]) THEN {within} "
        "WHEN NOT c.band = ANY(%s::text[]) OR s.band_ended >= %s::date THEN s.band_since "
        "ELSE %s::date END",
        [under, *within_parameters, under, today - SAME_ROLE_WITHIN, today],
    )
    ended = (
        "CASE WHEN c.band = s.band THEN s.band_ended WHEN c.band = ANY(%s::text[]) THEN NULL "
        "WHEN s.band = ANY(%s::text[]) THEN %s::date ELSE s.band_ended END",
        [under, under, today],
    )
    return {"band_since": since, "band_ended": ended}


def _find_unknown_line_managers(cursor, organisation: Organisation, result: ImportResult) -> None:
    """Active workers' rows naming a line manager who is no active worker, now the roster is
    written (leavers marked): one anti-join, grouped by number (as
    row_by_row._unknown_line_managers; not run for a file without the column)."""
    table = StaffRecord._meta.db_table
    cursor.execute(
        f"""
        SELECT line_manager_number, min(row_no) AS first_row, count(*),
               (sum(count(*)) OVER ())::bigint
        FROM {STAGING} c
        WHERE c.valid AND c.active AND c.line_manager_number <> '' AND NOT EXISTS (
            SELECT 1 FROM {table} s
            WHERE s.organisation_id = %s AND s.active
              AND s.employee_number = c.line_manager_number)
        GROUP BY line_manager_number
        ORDER BY first_row
        LIMIT %s
        """,
        [organisation.pk, LINE_MANAGERS_LISTED],
    )
    found = cursor.fetchall()
    note_unknown_line_managers(
        result,
        ((number, first, count) for number, first, count, _ in found),
        rows=found[0][3] if found else 0,
    )
