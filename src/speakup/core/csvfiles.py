"""Reading the CSV files people upload (rosters, completions, boards): one strictness, one set
of messages for a file that stops being CSV part way through."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

NUL_FOUND = "line contains NUL"


def records(lines: Iterable[str]) -> Iterator[list[str]]:
    """The records of an uploaded CSV file, each a list of cells.

    Strict: read leniently, a quotation mark that is never closed swallows the rest of the file
    into one value, so its rows come back as misleading problems ("First Name is empty") or,
    worse, as a whole roster with its later workers missing.
    """
    return csv.reader(_refusing_nul(lines), strict=True)


def dict_records(lines: Iterable[str]) -> csv.DictReader:
    """`records` as dictionaries keyed by the header row's titles."""
    return csv.DictReader(_refusing_nul(lines), strict=True)


def _refusing_nul(lines: Iterable[str]) -> Iterator[str]:
    # PostgreSQL cannot store a NUL character, and a file holding one is seldom CSV at all (a
    # spreadsheet, or text saved as UTF-16): refuse it here rather than fail on saving.
    for line in lines:
        if "\x00" in line:
            raise csv.Error(NUL_FOUND)
        yield line


def unreadable_row(row: int, error: csv.Error) -> str:
    """Why a file stops being CSV at `row` (counted from the header, row 1), in one sentence."""
    reason = str(error)
    if "field limit" in reason:
        return (
            f"Row {row:,} has a value longer than {csv.field_size_limit():,} characters, "
            "so the file cannot be read"
        )
    if "unexpected end of data" in reason:
        return (
            f'Row {row:,} opens a quotation mark (") that is never closed, so the rest of the '
            "file cannot be read"
        )
    if "expected after" in reason:
        return (
            f'Row {row:,} has text straight after a closing quotation mark ("), so the file '
            "cannot be read: put the whole value inside the quotation marks"
        )
    if reason == NUL_FOUND:
        return (
            f"Row {row:,} contains a NUL character, so the file cannot be read: save it again "
            "as a CSV file (UTF-8)"
        )
    return f"Row {row:,} cannot be read as CSV ({error}), so the file cannot be read"
