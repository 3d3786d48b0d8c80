"""Any database but PostgreSQL: checked roster rows written in batches of ORM writes, then
leavers marked and line managers looked up (staging.py does the same on PostgreSQL)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from django.db import connection
from django.db.models.functions import Lower

from speakup.organisations.models import Organisation, User
from speakup.training.models import StaffRecord, TrainingPolicy
from speakup.training.roster.columns import COLUMNS, RECORD_FIELDS
from speakup.training.roster.results import (
    FirstByName,
    ImportResult,
    Returning,
    note_leaver_by_stored_end,
    note_unknown_line_managers,
)
from speakup.training.roster.role_and_band_days import (
    BAND_DAYS,
    ROLE_ENDED,
    ROLE_SINCE,
    band_days,
    role_days,
)
from speakup.training.roster.row_checks import ALREADY_ON_ROW

BATCH_SIZE = 2000
# What a re-import may change: the columns, the roles' days, the band's days and the day the
# worker was found missing from a whole roster (emptied: they are in the file).
UPDATED_FIELDS = [
    *RECORD_FIELDS,
    *ROLE_SINCE.values(),
    *ROLE_ENDED.values(),
    *BAND_DAYS,
    "left_on",
]


def _write_batch(
    organisation: Organisation,
    batch: list[dict],
    today: datetime.date,
    result: ImportResult,
    kept: Sequence[str] = (),
    *,
    policy: TrainingPolicy,
    now: datetime.datetime,
    returning: Returning,
    ending: FirstByName,
) -> None:
    """Add and update the workers of `batch`, stamped `now`; the columns `kept` (not in the
    file) keep their stored values. Leavers it makes active again are noted in `returning`,
    and those its Assignment Ends gone by make leavers in `ending`."""
    numbers = [values["employee_number"] for values in batch]
    existing = {
        record.employee_number: record
        for record in StaffRecord.objects.filter(
            organisation=organisation, employee_number__in=numbers
        )
    }
    emails = {values["email"] for values in batch if values["email"]}
    users = (
        dict(
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .values_list("email_lower", "id")
        )
        if emails
        else {}
    )
    to_create, to_update = [], []
    for values in batch:
        values = {**values, "user_id": users.get(values["email"])}
        record = existing.get(values["employee_number"])
        # The file's Assignment End has gone by: a leaver made so, unless one already.
        ended = not values["active"] and (record is None or record.active)
        if ended:
            result.ended += 1
            ending.add(values)
        if record is None:
            to_create.append(
                StaffRecord(organisation=organisation, **values, created_at=now, updated_at=now)
            )
            continue
        if values["user_id"] is None and record.user_id is not None and not values["email"]:
            values["user_id"] = record.user_id  # keep a link made by hand when no email is given
        for key in kept:
            values[key] = getattr(record, key)
        if "assignment_end" in kept:
            _keep_end(record, values, today, result)
        values.update(role_days(record=record, roles=values, today=today))
        values.update(band_days(record=record, band=values["band"], policy=policy, today=today))
        values["left_on"] = None  # in the file again: no longer missing (as staging._merge)
        if values["active"] and not record.active:
            returning.note(result, values)
        changed = False
        for name in UPDATED_FIELDS:
            if getattr(record, name) != values[name]:
                setattr(record, name, values[name])
                changed = True
        if changed:
            record.updated_at = now
            to_update.append(record)
        else:
            result.unchanged += 1
    if to_create:
        StaffRecord.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        result.created += len(to_create)
    if to_update:
        _update_records(to_update)
        result.updated += len(to_update)


def _keep_end(
    record: StaffRecord, values: dict, today: datetime.date, result: ImportResult
) -> None:
    """Give `values` (of a file without an Assignment End column) the `record`'s stored end and
    whether it leaves them a leaver, and count in `result` what that did."""
    values.update(_kept_end(record.assignment_end, values["assignment_start"], today))
    result.stored_ends_cleared += record.assignment_end is not None and not values["assignment_end"]
    if not values["active"]:
        note_leaver_by_stored_end(result, values)


def _kept_end(
    end: datetime.date | None, start: datetime.date, today: datetime.date
) -> dict[str, datetime.date | bool | None]:
    """A worker's assignment end and whether they are active, from a file without an Assignment
    End column: the stored end stays, unless it is before the file's assignment start (it
    ended an earlier assignment: the worker has come back). staging._merge agrees."""
    if end is not None and end < start:
        end = None
    return {"assignment_end": end, "active": end is None or end >= today}


def _unknown_line_managers(
    organisation: Organisation, managers: dict[str, list[int]], result: ImportResult
) -> None:
    """Of `managers` (line manager number -> [first row, rows]), those no active worker has."""
    numbers = list(managers)
    for start in range(0, len(numbers), BATCH_SIZE):
        found = StaffRecord.objects.filter(
            organisation=organisation,
            active=True,
            employee_number__in=numbers[start : start + BATCH_SIZE],
        ).values_list("employee_number", flat=True)
        for number in found:
            del managers[number]
    unknown = sorted(managers.items(), key=lambda item: item[1][0])
    rows = sum(count for _, count in managers.values())
    note_unknown_line_managers(
        result, ((number, first, count) for number, (first, count) in unknown), rows=rows
    )


def _update_records(records: list[StaffRecord]) -> None:
    """Write changed records by one UPDATE run once a record. Django's bulk_update builds a
    CASE expression per field per record in Python: 40 times slower than adding the records,
    which held the database (SQLite: every page that writes) for minutes on a large roster."""
    fields = [StaffRecord._meta.get_field(name) for name in [*UPDATED_FIELDS, "updated_at"]]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(StaffRecord._meta.db_table)} "  # noqa: S608  (names from the model)
        f"SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
        f"WHERE {quote(StaffRecord._meta.pk.column)} = %s"
    )
    rows = [
        [*(f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields), record.pk]
        for record in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _mark_leavers(
    organisation: Organisation,
    seen: set[str],
    today: datetime.date,
    result: ImportResult,
    now: datetime.datetime,
) -> None:
    """Active workers missing from a full roster become leavers, found missing `today` (stamped
    `now`): kept, never deleted. A leaver already (inactive) keeps the day they were first
    found missing."""
    leavers: list[int] = []
    rows = (
        StaffRecord.objects.filter(organisation=organisation, active=True)
        .values_list("pk", "employee_number")
        .iterator(chunk_size=BATCH_SIZE)
    )
    for pk, number in rows:
        if number not in seen:
            leavers.append(pk)
    for start in range(0, len(leavers), BATCH_SIZE):
        chunk = leavers[start : start + BATCH_SIZE]
        StaffRecord.objects.filter(pk__in=chunk).update(active=False, left_on=today, updated_at=now)
    result.left = len(leavers)


class _Rollback(Exception):
    pass


def _import_row_by_row(
    organisation: Organisation,
    rows: Iterator[tuple[int, str, dict | None]],
    *,
    full: bool,
    skip_invalid: bool,
    today: datetime.date,
    result: ImportResult,
    kept: Sequence[str] = (),
    policy: TrainingPolicy,
    now: datetime.datetime,
) -> None:
    """Any database but PostgreSQL: write checked rows in batches, each change stamped `now`.
    Raises _Rollback."""
    first_row_of: dict[str, int] = {}
    # Line manager numbers given for active workers: number -> [its first row, its rows].
    managers: dict[str, list[int]] = {}
    returning = Returning()
    ending = FirstByName()

    def write(batch: list[dict]) -> None:
        _write_batch(
            organisation,
            batch,
            today,
            result,
            kept,
            policy=policy,
            now=now,
            returning=returning,
            ending=ending,
        )

    batch: list[dict] = []
    for row, number, values in rows:
        if number and number in first_row_of:
            result.add_error(
                row,
                COLUMNS["employee_number"],
                ALREADY_ON_ROW.format(number, first_row_of[number]),
            )
            values = None
        elif number:
            first_row_of[number] = row
        if values is None:
            result.bad_rows += 1
            continue
        # After the first bad row an all-or-nothing import only checks the rest.
        if skip_invalid or not result.bad_rows:
            batch.append(values)
            if values["line_manager_number"] and values["active"]:
                managers.setdefault(values["line_manager_number"], [row, 0])[1] += 1
        if len(batch) >= BATCH_SIZE:
            write(batch)
            batch = []
    if result.bad_rows and not skip_invalid:
        raise _Rollback
    if batch:
        write(batch)
    returning.name_in(result)
    result.ended_leavers = ending.workers()
    if full:
        # A worker whose row was skipped is still on the roster: not a leaver.
        _mark_leavers(organisation, set(first_row_of), today, result, now)
    _unknown_line_managers(organisation, managers, result)
