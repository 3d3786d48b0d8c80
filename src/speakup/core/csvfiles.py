"""Reading the CSV files people upload (rosters, completions, boards): one strictness, one set
of messages for a file that stops being CSV part way through. Writing the CSV files people
download, so that a spreadsheet opening one runs nothing written into it."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

NUL_FOUND = "line contains NUL"
# How to make a CSV file, in Excel's own words, for whoever sent something else.
SAVE_AS_CSV = (
    "In Excel, choose File, Save As, and the type “CSV UTF-8 (Comma delimited)”, then upload "
    "that file"
)
NOT_CSV = f"The file must be a CSV file. {SAVE_AS_CSV}"

# Files picked by mistake where a CSV file is asked for, known by their first bytes (whatever
# their name: an .xlsx renamed .csv, a picture) or else by the end of their name. Their bytes
# may even decode as Windows-1252, and then fail as a "CSV" with no columns: a tester's PNG was
# told to check its accents, then that every column was missing, one named "‰PNG".
FILE_STARTS = {
    b"PK\x03\x04": "an Excel workbook",  # .xlsx, a ZIP archive (a .docx too: its name tells)
    b"\xd0\xcf\x11\xe0": "an Excel workbook",  # the older .xls
    b"%PDF-": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}
FILE_ENDINGS = {
    ".xlsx": "an Excel workbook",
    ".xls": "an Excel workbook",
    ".xlsm": "an Excel workbook",
    ".ods": "a spreadsheet",
    ".numbers": "a spreadsheet",
    ".pdf": "a PDF",
    ".doc": "a Word document",
    ".docx": "a Word document",
    ".png": "a PNG image",
    ".jpg": "a JPEG image",
    ".jpeg": "a JPEG image",
    ".gif": "a GIF image",
}
LONGEST_START = max(len(start) for start in FILE_STARTS)


def not_csv(*, name: str = "", head: bytes = b"") -> str:
    """What to say of a file that is not CSV: what it is, when its `name` or else its first
    bytes (`head`) tell (a .docx and an .xlsx both begin as a ZIP), and how to save one."""
    kind = FILE_ENDINGS.get(os.path.splitext(name.lower())[1])
    kind = kind or next(
        (kind for start, kind in FILE_STARTS.items() if head.startswith(start)), None
    )
    return f"The file is {kind}, not a CSV file. {SAVE_AS_CSV}" if kind else NOT_CSV


def kind_known_by_start(head: bytes) -> bool:
    """Whether `head` begins a file that is known not to be CSV (FILE_STARTS)."""
    return head.startswith(tuple(FILE_STARTS))


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (CSV
# injection, OWASP): "=HYPERLINK(...)" typed as a name in a roster would run in the guardian's
# spreadsheet. A number ("-3", "+44") is not a formula, so it is left as it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


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


def header_row(records: Iterator[list[str]]) -> tuple[int, list[str]] | None:
    """(its row number from 1, its cells) of the first row that is not blank: a spreadsheet
    saved with an empty line above its header is read as it looks. None for a blank file."""
    for number, cells in enumerate(records, start=1):
        if any(cell.strip() for cell in cells):
            return number, cells
    return None


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


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, shown as text instead (a leading
    apostrophe, which spreadsheets hide); every other value as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


class DownloadWriter:
    """csv.writer for files people download: every cell made `spreadsheet_safe`."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def spreadsheet_download(filename: str):
    """An empty CSV download for people, to write with DownloadWriter: it starts with a UTF-8
    byte order mark, without which Excel on Windows (what most NHS staff open a CSV with) reads
    the file as Windows-1252 and shows "Zoë" as "ZoÃ«". Files for programs (the API, the
    national data return, open data) are plain UTF-8."""
    from django.http import HttpResponse

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response


# --- progress through an uploaded file ------------------------------------------------------


def file_extent(file: IO[bytes]) -> tuple[int, int]:
    """Where the file starts and how many bytes it holds from there (0 if it cannot tell)."""
    try:
        start = file.tell()
        total = file.seek(0, os.SEEK_END) - start
        file.seek(start)
        return start, total
    except (OSError, AttributeError):
        return 0, 0


def bytes_read(file: IO[bytes] | None, start: int) -> int:
    """How far into the file reading has gone, from `start` (0 if it cannot tell)."""
    try:
        return file.tell() - start
    except (OSError, AttributeError):
        return 0
