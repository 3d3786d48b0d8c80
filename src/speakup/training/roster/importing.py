"""Importing an ESR-style staff roster from CSV: streamed, validated per row, all or nothing.

The file is read once, row by row, and written in batches inside one transaction. Every bad row
is listed (row number, column, reason); unless `skip_invalid`, any bad row rolls the whole
import back, so a roster is never half-applied. `staff_import` is the way in.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import IO

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from speakup.core import csvfiles
from speakup.core.audit import audit_by
from speakup.core.words import counted, listed
from speakup.organisations.models import Organisation
from speakup.training.bands import band_rank
from speakup.training.models import StaffRecord
from speakup.training.queries import policy_for
from speakup.training.roster import staging
from speakup.training.roster.columns import (
    BLANKS,
    OPTIONAL_COLUMNS,
    _HeaderError,
    _map_header,
    absent_columns,
    added_without_line_managers,
    line_managers_left_out,
    other_separator,
    repeated_columns,
    row_width_problem,
    unread_columns,
)
from speakup.training.roster.file_encoding import UnreadableFile, detect_encoding
from speakup.training.roster.outcomes import (
    added_workers_managers,
    last_worker_id,
    leavers_made,
    left_without_line_managers,
)
from speakup.training.roster.results import (
    EVERY_ROW_BAD,
    LEAVERS_TO_CONFIRM_LISTED,
    ImportResult,
    as_leavers,
    stored_end_leavers_warning,
    unknown_line_managers_warning,
)
from speakup.training.roster.row_by_row import BATCH_SIZE, _import_row_by_row, _Rollback
from speakup.training.roster.row_checks import _clean_row
from speakup.training.roster.unknown_values import Unknowns, note_unknown_values

SHARED_EMAILS_LISTED = 3


@dataclass(frozen=True)
class LeaverLimit:
    """How many leavers a whole roster may make at once without the user saying they expect
    them: a handful whatever the share, or more only up to a share of the active workers."""

    share: float  # of the organisation's active workers before the import
    handful: int

    def exceeded(self, leavers: int, *, active: int) -> bool:
        return leavers > self.handful and leavers > self.share * active


# NHS staff turnover is about 1% a month (some 12% a year), so a whole roster that makes more
# than a tenth of the active workers leavers at once is more likely part of the roster marked
# as the whole (one directorate's export, a file cut short) than the leavers since the last
# import: it is refused until the user says how many leavers they expect. A handful is let
# through however small the organisation, so that its ordinary leavers never need confirming.
MANY_LEAVERS = LeaverLimit(share=0.10, handful=5)


def shared_emails_warning(organisation: Organisation) -> str | None:
    """Email addresses on more than one active worker: most likely one person under two
    employee numbers ("T0002" and "t0002"), reminded twice, and whose learning records sent by
    email (xAPI) cannot be told apart. A warning: two people may share a team mailbox."""
    active = StaffRecord.objects.filter(organisation=organisation, active=True).exclude(email="")
    shared = list(
        active.values("email")
        .annotate(workers=Count("id"))
        .filter(workers__gt=1)
        .order_by("email")
        .values_list("email", flat=True)[: SHARED_EMAILS_LISTED + 1]
    )
    if not shared:
        return None
    numbers: dict[str, list[str]] = {}
    for email, number in (
        active.filter(email__in=shared[:SHARED_EMAILS_LISTED])
        .order_by("email", "employee_number")
        .values_list("email", "employee_number")
    ):
        numbers.setdefault(email, []).append(number)
    named = [f"{email} (employee numbers {', '.join(n)})" for email, n in numbers.items()]
    if len(shared) > SHARED_EMAILS_LISTED:
        named.append("more")
    return (
        f"Some email addresses are on more than one active worker: {listed(named)}. If they are "
        "one person, give them one employee number: until then each record is reminded, and "
        "learning records sent by that address cannot be matched."
    )


class _Unreadable(Exception):
    """The file stops being CSV, or its characters cannot be decoded, part way through."""


def _checked_rows(
    records: Iterator[list[str]],
    positions: dict[str, int],
    today: datetime.date,
    result: ImportResult,
    progress: Callable[[], None],
    header_number: int,
    columns: int,
    in_good_rows: Unknowns,
    in_bad_rows: Unknowns,
) -> Iterator[tuple[int, str, dict | None]]:
    """(row number, employee number, values or None if the row is bad), blank rows left out. A
    row without one value for each of the header's `columns` is bad whatever its values: they
    cannot be told to be in their columns. The rows by staff group not on the ESR list and by
    band no rule can rank are counted `in_good_rows`, and of bad rows `in_bad_rows`, for a
    refusal to name."""
    row = header_number
    try:
        for cells in records:
            row += 1
            if not any(cell.strip(BLANKS) for cell in cells):
                continue  # blank lines at the end of spreadsheets
            result.rows_read += 1
            if misfit := row_width_problem(len(cells), columns):
                result.add_error(row, "", misfit)
                values = None
            else:
                values = _clean_row(cells, positions, row, today, result)
                if values is None:
                    in_bad_rows.count(row, cells, positions)
            if values:
                number = values["employee_number"]
                band = values["band"]
                in_good_rows.note(
                    row=row,
                    staff_group=None if values["staff_group_recognised"] else values["staff_group"],
                    band=band if band_rank(band) is None else None,
                )
            else:
                index = positions["employee_number"]
                number = cells[index].strip(BLANKS) if index < len(cells) else ""
            yield row, number, values
            if row % BATCH_SIZE == 0:
                progress()
    except csv.Error as error:
        # The row that could not be read is the one after the last row read.
        result.add_error(0, "", csvfiles.unreadable_row(row + 1, error))
        raise _Unreadable from error
    except UnicodeDecodeError as error:
        result.add_error(0, "", f"Row {row + 1:,} has characters that cannot be read")
        raise _Unreadable from error


def staff_import(
    *,
    organisation: Organisation,
    file: IO[bytes] | None = None,
    rows: Iterable[dict[str, str]] | None = None,
    full: bool = False,
    skip_invalid: bool = False,
    expect_leavers: int = 0,
    today: datetime.date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    actor=None,
) -> ImportResult:
    """Import a roster from a binary CSV `file` (or `rows` of header -> value) for `organisation`.

    Upserts by employee number. With `full`, workers missing from the file become leavers; more
    of them than MANY_LEAVERS lets through only up to `expect_leavers`, the number the user said
    they expect (given without `full`: ValueError).
    An import is written to the audit log as `actor`'s (None: the system's, as for a command).
    Returns what happened; when `imported` is False nothing in the database changed.
    On PostgreSQL a file goes through COPY into a staging table (staging.py), so
    `on_progress(bytes done, bytes in all)` must not use the database.
    """
    if expect_leavers and not full:
        # Each way in refuses it in its own words (the command, the API, the upload form).
        raise ValueError("expect_leavers applies only to a whole roster (full)")
    result = ImportResult(full=full)
    today = today or timezone.localdate()
    start = total_bytes = 0
    text = None
    if file is not None:
        try:
            encoding, warning = detect_encoding(file)
        except UnreadableFile as error:
            result.add_error(0, "", str(error))
            return result
        result.encoding = encoding
        if warning:
            result.warnings.append(warning)
        start, total_bytes = csvfiles.file_extent(file)
        text = io.TextIOWrapper(file, encoding=encoding, newline="")
        records: Iterator[list[str]] = csvfiles.records(text)
    elif rows is not None:
        records = _dict_rows(rows)
    else:
        raise ValueError("staff_import needs a file or rows")

    def report(done: int) -> None:
        if on_progress and file is not None:
            on_progress(done, total_bytes)

    try:
        # The file's rows by staff group not on the ESR list, and by band no rule can rank.
        unknowns = _import(
            organisation,
            records,
            full,
            skip_invalid,
            expect_leavers,
            today,
            result,
            lambda: report(csvfiles.bytes_read(file, start)),
            actor,
        )
    finally:
        if text is not None:
            text.detach()  # leave the caller's file open
    if result.imported:
        for warning in (unknown_line_managers_warning(result), shared_emails_warning(organisation)):
            if warning:
                result.warnings.append(warning)
    note_unknown_values(result, unknowns)
    report(total_bytes)
    return result


def _import(
    organisation, records, full, skip_invalid, expect_leavers, today, result, progress, actor
) -> Unknowns:
    """Read the header, then check and write every row in one transaction, or roll back.
    Returns the unknown staff groups and bands of the rows written (of a refused file, of every
    row)."""
    unknowns = Unknowns()
    try:
        found = csvfiles.header_row(records)
        if found is None:
            result.add_error(
                0, "", "The file is empty: it needs a header row and a row for each worker"
            )
            return unknowns
        header_number, header = found
        # Said also when the file is refused: a misspelt required column is named so. Not of a
        # header separated by semicolons: its one long "column" is the refusal's reason already.
        if other_separator(header) is None:
            for warning in (unread_columns(header), repeated_columns(header)):
                if warning:
                    result.warnings.append(warning)
        positions = _map_header(header)
    except _HeaderError as error:
        result.add_error(0, "", str(error))
        return unknowns
    except csv.Error as error:  # in the header: the whole file is unreadable
        result.add_error(0, "", csvfiles.unreadable_row(1, error))
        return unknowns
    kept = [key for key in OPTIONAL_COLUMNS if key not in positions]
    in_bad_rows = Unknowns()
    checked = _checked_rows(
        records,
        positions,
        today,
        result,
        progress,
        header_number,
        columns=len(header),
        in_good_rows=unknowns,
        in_bad_rows=in_bad_rows,
    )
    # Every change the import writes is stamped with this moment, which picks out the leavers
    # it makes (as leavers.py picks out the tick's).
    now = timezone.now()
    # Whether every row without problems was written, so the workers it adds and those already
    # on the roster are counted: not of a file refused for bad rows, whose writing stops at the
    # first (row by row) or before the merge (COPY). Counting them would take another query, so
    # its note on absent columns speaks of both kinds of worker instead.
    counted = False
    try:
        with transaction.atomic():
            # The workers it adds come after this one (only to say who manages them).
            added_after = last_worker_id() if _says_who_manages_the_added(kept) else 0
            # What a whole roster's leavers are a share of (MANY_LEAVERS).
            active = (
                StaffRecord.objects.filter(organisation=organisation, active=True).count()
                if full
                else 0
            )
            # Whose band change brings them under the "Listen Up from band" rule (band_days).
            policy = policy_for(organisation=organisation)
            try:
                if staging.usable():
                    staging.staged_import(
                        organisation=organisation,
                        rows=checked,
                        full=full,
                        skip_invalid=skip_invalid,
                        today=today,
                        result=result,
                        kept=kept,
                        policy=policy,
                        now=now,
                    )
                else:
                    _import_row_by_row(
                        organisation,
                        checked,
                        full=full,
                        skip_invalid=skip_invalid,
                        today=today,
                        result=result,
                        kept=kept,
                        policy=policy,
                        now=now,
                    )
            except _Unreadable:
                raise _Rollback from None
            if result.bad_rows and not skip_invalid:
                raise _Rollback
            counted = True
            # The first leavers it made, by name: one query, whether it goes ahead or not.
            made = partial(leavers_made, organisation=organisation, today=today, now=now)
            _refuse_unmeant(result, active=active, expect_leavers=expect_leavers, made=made)
            result.skipped = result.bad_rows
            result.imported = True
            if full and result.left:
                result.leavers = made()
            _warn_of_what_was_written(
                organisation, kept, result, added_after=added_after, today=today, now=now
            )
            audit_by(
                actor,
                action="training.roster_import",
                object_type="roster",
                object_ref=organisation.ods_code,
                organisation=organisation,
                detail={
                    "full": full,
                    "rows_read": result.rows_read,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "left": result.left,
                    "skipped": result.skipped,
                    # Who said they expected many leavers, and how many, is on the record.
                    **({"expect_leavers": expect_leavers} if full and expect_leavers else {}),
                },
            )
    except _Rollback:
        # Said of a refused file too: a file lacking columns may be the wrong file.
        known = result.updated + result.unchanged if counted else None
        added = result.created if counted else None
        if warning := absent_columns(kept, known=known, added=added, refused=True):
            result.warnings.append(warning)
        result.forget_writes()
        unknowns.take(in_bad_rows)
    return unknowns


def _says_who_manages_the_added(kept: list[str]) -> bool:
    """Whether the workers a file adds are managed by their directorate's line managers (of a
    file with directorates but no Line Manager Employee Numbers): its result says whom."""
    return "line_manager_number" in kept and "directorate" not in kept


def _warn_of_what_was_written(
    organisation: Organisation,
    kept: list[str],
    result: ImportResult,
    *,
    added_after: int,
    today: datetime.date,
    now: datetime.datetime,
) -> None:
    """The warnings on the roster as the import wrote it: of the columns the file lacks, what
    was kept and what that means (who manages the workers added after the id `added_after`,
    who stays a leaver by an end stored for them), and who is left with no line manager by
    the line managers a whole roster made leavers (`today`, stamped `now`)."""
    managers = None
    if (result.created or result.returned_unmanaged) and _says_who_manages_the_added(kept):
        managers = added_workers_managers(
            organisation=organisation, after=added_after, returned=result.returned_unmanaged
        )
    # Importing what the roster already has changes nothing: nothing was "left as it was".
    if not result.nothing_changed and (
        kept_note := absent_columns(
            kept,
            known=result.updated + result.unchanged,
            added=result.created,
            ends_cleared=result.stored_ends_cleared,
        )
    ):
        result.warnings.append(kept_note)
    if warning := stored_end_leavers_warning(result):
        result.warnings.append(warning)
    managed = added_without_line_managers(
        kept,
        added=result.created,
        returned=sum(result.returned_unmanaged.values()),
        managed=managers.managed if managers else 0,
        unmanaged=managers.unmanaged if managers else None,
    )
    if result.left and (
        left_out := line_managers_left_out(
            left_without_line_managers(organisation=organisation, today=today, now=now)
        )
    ):
        result.warnings.append(left_out)
    if managed:
        # When every one has a line manager it is worth knowing, with nothing to check.
        everyone_managed = managers is not None and not managers.unmanaged
        (result.notes if everyone_managed else result.warnings).append(managed)


def _refuse_unmeant(
    result: ImportResult,
    *,
    active: int,
    expect_leavers: int,
    made: Callable[..., list[dict[str, str]]],
) -> None:
    """Refuse what a file cannot have been meant to do (raises _Rollback; the leavers are
    marked already, in this transaction, so rolled back with it). A file with no worker to
    import (a header-only export, or every row skipped) is a wrong file: said as a problem, not
    as "0 workers added". A whole roster making more of the `active` workers leavers at once
    than MANY_LEAVERS lets through is refused unless the user expects that many, listing the
    first LEAVERS_TO_CONFIRM_LISTED of them (`made`) so that a wrong file can be seen for one."""
    if result.rows_read == result.bad_rows:
        if not result.left:
            why = EVERY_ROW_BAD if result.rows_read else "The file has no workers in it"
        else:
            # Nothing was imported, so the workers not made leavers are those whose rows were
            # skipped.
            if result.left == active:
                leavers = "its only worker" if active == 1 else f"all {counted(active, 'worker')}"
            else:
                leavers = f"{result.left:,} of its {counted(active, 'worker')}"
            first = (
                "Every row has a problem" if result.rows_read else "The file has no workers in it"
            )
            why = f"{first}. As a whole roster it would mark {leavers} as {as_leavers(result.left)}"
    elif MANY_LEAVERS.exceeded(result.left, active=active) and result.left > expect_leavers:
        result.leavers_to_confirm = result.left
        result.leavers_to_confirm_named = made(up_to=LEAVERS_TO_CONFIRM_LISTED)
        why = (
            f"As a whole roster the file would mark {result.left:,} of the organisation's "
            f"{counted(active, 'active worker')} as leavers"
        )
    else:
        return
    result.add_error(0, "", why)
    raise _Rollback


def _dict_rows(rows: Iterable[dict[str, str]]) -> Iterator[list[str]]:
    header: list[str] | None = None
    for row in rows:
        if header is None:
            header = list(row.keys())
            yield header
        yield [str(row.get(title, "") or "") for title in header]
