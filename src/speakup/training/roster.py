"""Importing an ESR-style staff roster from CSV: streamed, validated per row, all or nothing.

The file is read once, row by row, and written in batches inside one transaction. Every bad row
is listed (row number, column, reason); unless `skip_invalid`, any bad row rolls the whole
import back, so a roster is never half-applied.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import IO

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone

from speakup.core import csvfiles
from speakup.core.audit import audit_by
from speakup.core.dates import day_in_words
from speakup.core.words import counted, listed
from speakup.organisations.models import Organisation, User
from speakup.training import roster_staging
from speakup.training.bands import band_normalised
from speakup.training.models import StaffRecord, TrainingPolicy
from speakup.training.queries import (
    band_rule_since,
    band_under_rule,
    given_back_within_a_year,
    policy_for,
)

BATCH_SIZE = 2000
MAX_LISTED_ERRORS = 1000  # every bad row is counted; the first thousand are listed

# The ESR staff groups (domain.md). Others are kept as given and flagged.
STAFF_GROUPS = [
    "Medical and Dental",
    "Nursing and Midwifery Registered",
    "Allied Health Professionals",
    "Additional Clinical Services",
    "Additional Professional Scientific and Technical",
    "Healthcare Scientists",
    "Administrative and Clerical",
    "Estates and Ancillary",
    "Students",
    "Other",
    "Not known",
]
# Recognised whatever their case ("ADMINISTRATIVE AND CLERICAL") and spacing, and in ESR's own
# shortening (its staff group names stop at 30 characters), stored in the spelling above, so
# the dashboard counts each group once.
ESR_SPELLING = {
    **{group.casefold(): group for group in STAFF_GROUPS},
    "add prof scientific and technic": "Additional Professional Scientific and Technical",
}


@functools.lru_cache(maxsize=1 << 12)  # a roster repeats a few dozen spellings a million times
def esr_staff_group(written: str) -> str | None:
    """The ESR staff group `written` names, in the spelling above; None for any other."""
    return ESR_SPELLING.get(" ".join(written.split()).casefold())


# column key -> header as written in the file format (docs/training.md)
COLUMNS = {
    "employee_number": "Employee Number",
    "first_name": "First Name",
    "last_name": "Last Name",
    "email": "Email",
    "staff_group": "Staff Group",
    "job_role": "Job Role",
    "directorate": "Directorate",
    "band": "Band",
    "is_line_manager": "Line Manager (Y/N)",
    "line_manager_number": "Line Manager Employee Number",
    "is_senior_leader": "Senior Leader (Y/N)",
    "is_board_member": "Board Member (Y/N)",
    "assignment_start": "Assignment Start",
    "assignment_end": "Assignment End",
}
REQUIRED_COLUMNS = [
    "employee_number",
    "first_name",
    "last_name",
    "staff_group",
    "is_line_manager",
    "is_senior_leader",
    "is_board_member",
    "assignment_start",
]
# The optional columns, and what each holds as a warning about a file without it names it. A
# column a file lacks says nothing about its workers: the roster keeps what it has (new
# workers have none), as it keeps an account link when a row gives no email.
OPTIONAL_COLUMNS = {
    "email": "email addresses",
    "job_role": "job roles",
    "directorate": "directorates",
    "band": "bands",
    "line_manager_number": "line managers",
    "assignment_end": "assignment end dates",
}
REQUIRED_VALUES = ["employee_number", "first_name", "last_name", "staff_group", "assignment_start"]
RECORD_FIELDS = [*COLUMNS, "staff_group_recognised", "active", "user_id"]
# Each role's flag and the day an import (or the admin's staff record page) turned it on for a
# worker already on the roster (a promotion: the training the role needs is due from then). Not
# set when a worker is added (they have had the role since they started), kept while the role
# stays, and kept when it ends, with the day it ended (ROLE_ENDED; role_days).
ROLE_SINCE = {
    "is_line_manager": "line_manager_since",
    "is_senior_leader": "senior_leader_since",
    "is_board_member": "board_member_since",
}
ROLE_ENDED = {
    "is_line_manager": "line_manager_ended",
    "is_senior_leader": "senior_leader_ended",
    "is_board_member": "board_member_ended",
}
# The band's days (band_days).
BAND_DAYS = ["band_since", "band_ended"]
# What a re-import may change: the columns, the roles' days and the band's days.
UPDATED_FIELDS = [*RECORD_FIELDS, *ROLE_SINCE.values(), *ROLE_ENDED.values(), *BAND_DAYS]

# Around a value, spaces, tabs and line breaks are ignored (ASCII only: PostgreSQL trims these
# fastest, and both import paths must agree).
BLANKS = " \t\n\r\x0b\x0c"
# Unknown staff groups named in an import's warning; the rest are counted.
UNKNOWN_GROUPS_LISTED = 20
# Line Manager Employee Numbers matching no active worker, named in an import's warning.
LINE_MANAGERS_LISTED = 3
# Header cells the import does not read, named in its warning; the rest are counted. Each is
# named up to a length (a stray cell can hold anything).
UNREAD_COLUMNS_LISTED = 10
SHARED_EMAILS_LISTED = 3
UNREAD_TITLE_SHOWN = 60
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0", ""}
YES_OR_NO = {**dict.fromkeys(YES, True), **dict.fromkeys(NO, False)}
YES_NO_COLUMNS = ["is_line_manager", "is_senior_leader", "is_board_member"]
DATE_COLUMNS = ["assignment_start", "assignment_end"]
LENGTH_LIMITS = {
    "employee_number": 30,
    "first_name": 100,
    "last_name": 100,
    "staff_group": 100,
    "job_role": 200,
    "directorate": 200,
    "band": 30,
    "email": 254,
    "line_manager_number": 30,
}
# Deliberately simple, and written so that Python's re and PostgreSQL's regular expressions
# read it the same way (the staged import checks it in SQL): one @, a dot in the domain, no
# spaces. An address that passes but is wrong only fails to link the worker to an account.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# The reasons a cell is refused, shared by both import paths ({} stands for the cell's text).
EMPTY = "is empty"
NOT_AN_EMAIL = "“{}” is not an email address"
NOT_YES_OR_NO = "“{}” should be Y or N"
END_BEFORE_START = "is before the assignment start"
ALREADY_ON_ROW = "{} is already on row {}"
OWN_LINE_MANAGER = "is the worker's own employee number"

# How to import only the rows without problems, told the way each channel offers it.
SKIP_ON_THE_PAGE = (
    "import it again with “Import the rows without problems even if some rows have problems” ticked"
)
SKIP_IN_THE_COMMAND = "import it again with --skip-invalid to import the rows without problems"
SKIP_IN_THE_API = "send it again with ?skip_invalid=true to import the rows without problems"


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


def expect_leavers_label(leavers: int) -> str:
    """The upload page's tick box that lets a whole roster make `leavers` leavers."""
    return f"I expect {counted(leavers, 'worker')} to become leavers"


@dataclass(frozen=True)
class Channel:
    """How a way in to the import (the page, the command, the API) offers what a refusal
    advises: importing only the rows without problems, and going ahead with many leavers."""

    skip: str
    expect_leavers: Callable[[int], str]


ON_THE_PAGE = Channel(
    SKIP_ON_THE_PAGE, lambda n: f"upload it again with “{expect_leavers_label(n)}” ticked"
)
IN_THE_COMMAND = Channel(
    SKIP_IN_THE_COMMAND, lambda n: f"import it again with --expect-leavers {n}"
)
IN_THE_API = Channel(SKIP_IN_THE_API, lambda n: f"send it again with ?full=true&expect_leavers={n}")


def too_long(limit: int) -> str:
    return f"is longer than {limit} characters"


# Separators a spreadsheet may use instead of commas, by what they are called. A header row
# split by one of them reads as one long column title holding it again and again.
OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def other_separator(header: Sequence[str]) -> str | None:
    """What the `header` row's columns are separated by when it is not commas ("semicolons"),
    or None."""
    for separator, name in OTHER_SEPARATORS.items():
        if any(title.count(separator) >= 2 for title in header):
            return name
    return None


def missing_columns(titles: list[str], header: Sequence[str] = ()) -> str:
    """What a file lacking required columns is told (rosters and completions alike): that its
    columns are not separated by commas, when its `header` row shows it."""
    if name := other_separator(header):
        return (
            f"The file's columns are separated by {name}, not commas. Save it from your "
            "spreadsheet as CSV (comma separated) and try again."
        )
    these = "these columns" if len(titles) > 1 else "this column"
    return (
        f"The file is missing {these}: {', '.join(titles)}. "
        "Check that the file's first row names its columns."
    )


def as_sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


# An import run with bad rows skipped whose every row is bad (rosters and completions).
EVERY_ROW_BAD = (
    "Every row has a problem, so there is nothing to import. Correct the rows and import the "
    "file again"
)


def nothing_imported(why: str) -> str:
    """An import's refusal in one line, as the command and the API give it."""
    return f"Nothing was imported: {why[:1].lower()}{why[1:]}"


def failure_text(errors: list[RowError]) -> str:
    """Problems with the whole file (row 0: there is no row to point at), as plain sentences."""
    return " ".join(as_sentence(error.reason) for error in errors if not error.row)


@dataclass(frozen=True)
class RowError:
    """A problem in one row (counted from the header, row 1); row 0 means the whole file."""

    row: int
    column: str
    reason: str

    def __str__(self):
        if not self.row:
            return as_sentence(self.reason)
        if self.column:
            return f"row {self.row}, {self.column}: {self.reason}"
        return f"row {self.row}: {self.reason}"


@dataclass
class ImportResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    # Good rows whose Assignment End has gone by: their workers are leavers, added or updated so.
    ended: int = 0
    skipped: int = 0
    bad_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown_staff_groups: dict[str, int] = field(default_factory=dict)
    encoding: str | None = None  # as detected; None when the file's could not be (UTF-16)
    imported: bool = False
    # The leavers a whole roster was refused for (more than MANY_LEAVERS, not expected).
    leavers_to_confirm: int = 0
    # Active workers' rows whose Line Manager Employee Number is no active worker's after the
    # import, and the first few such numbers: number -> [its first row, its rows].
    unknown_line_manager_rows: int = 0
    unknown_line_managers: dict[str, list[int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.imported

    @property
    def row_errors(self) -> list[RowError]:
        """The problems that belong to a row: the ones a table of rows lists."""
        return [error for error in self.errors if error.row]

    def add_error(self, row: int, column: str, reason: str) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(row, column, reason))

    def as_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = [
            {"row": e.row, "column": e.column, "reason": e.reason} for e in self.errors
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ImportResult:
        data = dict(data)
        data["errors"] = [RowError(**e) for e in data.get("errors", [])]
        return cls(**data)

    def failure(self, channel: Channel = ON_THE_PAGE) -> str:
        """Why nothing was imported, for a page whose heading already says so, with what to do
        the way `channel` offers it (the page's tick boxes by default)."""
        whole_file = failure_text(self.errors)
        if self.leavers_to_confirm:
            then = channel.expect_leavers(self.leavers_to_confirm)
            return f"{whole_file.removesuffix('.')}; if you expect that, {then}."
        if whole_file:
            return whole_file
        if self.bad_rows:
            have = "has a problem" if self.bad_rows == 1 else "have problems"
            return (
                f"{self.bad_rows:,} of {counted(self.rows_read, 'row')} {have}. Correct "
                f"{'it' if self.bad_rows == 1 else 'them'} and import the file again, or "
                f"{channel.skip}."
            )
        return "The file could not be imported."

    def summary(self, channel: Channel = ON_THE_PAGE) -> str:
        if not self.imported:
            return nothing_imported(self.failure(channel))
        text = (
            f"{counted(self.rows_read, 'row')} read: {counted(self.created, 'worker')} added, "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{self.left:,} marked as leavers"
        )
        if self.ended:
            text += f", {counted(self.ended, 'row')} with an Assignment End gone by (leavers)"
        if self.skipped:
            text += f", {counted(self.skipped, 'row')} skipped because of problems"
        return text + "."


class _HeaderError(Exception):
    pass


# --- reading the file -------------------------------------------------------------------


class UnreadableFile(ValueError):
    """The file is neither UTF-8 nor Windows-1252: its characters cannot be read."""


CP1252_WARNING = (
    "The file is not UTF-8, so it was read as Windows-1252 (Excel's usual encoding). "
    "Check that names with accents look right, or save the file as CSV UTF-8."
)
UNREADABLE = (
    "The file's characters cannot be read: it is neither UTF-8 nor Windows-1252. "
    "Save it from your spreadsheet as CSV UTF-8 and try again."
)
# Excel's "Unicode Text" and some exports: two bytes a character, begun by a byte-order mark.
# Read as Windows-1252 it would fail on its first NUL with a misleading warning before it.
UTF16 = (
    "The file is saved as UTF-16 (Unicode text), which cannot be read here. "
    "Save it from your spreadsheet as CSV UTF-8 and try again."
)


def _decodes(binary: IO[bytes], encoding: str, chunk_size: int) -> bool:
    """Whether the whole file decodes as `encoding` (read once, then rewound)."""
    start = binary.tell()
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := binary.read(chunk_size):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        binary.seek(start)


# The first bytes of a spreadsheet saved as a workbook: .xlsx (a ZIP archive) and the older .xls.
# An .xlsx's bytes may even decode as Windows-1252, and then fail as a "CSV" with no columns.
WORKBOOK_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def detect_encoding(binary: IO[bytes], chunk_size: int = 1 << 20) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM), else Windows-1252 with a warning, else UnreadableFile
    (UTF-16 and workbooks too, named as such)."""
    start = binary.tell()
    head = binary.read(4)
    binary.seek(start)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(UTF16)
    if head.startswith(WORKBOOK_STARTS):
        raise UnreadableFile(csvfiles.NOT_CSV)
    if _decodes(binary, "utf-8", chunk_size):
        return "utf-8", None
    if _decodes(binary, "cp1252", chunk_size):
        return "cp1252", CP1252_WARNING
    raise UnreadableFile(UNREADABLE)


def normalised_title(text: str) -> str:
    """A column title as headers are matched (rosters and completions): any case, any
    punctuation, "(Y/N)" left off."""
    text = re.sub(r"\(y/n\)", "", text.strip().casefold())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_HEADER_KEYS = {normalised_title(title): key for key, title in COLUMNS.items()}


def unread_columns(
    header: Sequence[str], reads: Sequence[str] = tuple(COLUMNS.values())
) -> str | None:
    """The warning naming the header cells that are no column the import reads (the roster's,
    or the titles in `reads`): a misspelt "Directorates", say; None when there are none. Blank
    cells are not named."""
    known = {normalised_title(title) for title in reads}
    unread = []
    for title in header:
        title = title.strip(BLANKS)
        if title and normalised_title(title) not in known:
            shown = title if len(title) <= UNREAD_TITLE_SHOWN else title[:UNREAD_TITLE_SHOWN] + "…"
            unread.append(f"“{shown}”")
    if not unread:
        return None
    named = unread[:UNREAD_COLUMNS_LISTED]
    if len(unread) > len(named):
        named.append(f"{len(unread) - len(named):,} more")
    if len(unread) == 1:
        what = f"The column {named[0]} is not one speakup reads, so it was left out"
    else:
        what = f"The columns {listed(named)} are not ones speakup reads, so they were left out"
    return f"{what}: the columns it reads are {', '.join(reads)}"


def repeated_columns(header: Sequence[str]) -> str | None:
    """The warning naming the columns the header gives more than once (two "Band" columns, a
    spreadsheet's copy pasted beside the original), or None: only the first of each is read."""
    seen: set[str] = set()
    repeated: list[str] = []
    for title in header:
        key = _HEADER_KEYS.get(normalised_title(title))
        if key is not None and key in seen and f"“{COLUMNS[key]}”" not in repeated:
            repeated.append(f"“{COLUMNS[key]}”")
        seen.add(key)
    if not repeated:
        return None
    if len(repeated) == 1:
        return f"The column {repeated[0]} is in the file more than once: only the first was read"
    return (
        f"The columns {listed(repeated)} are in the file more than once: only the first of each "
        "was read"
    )


def absent_columns(
    kept: Sequence[str], *, known: int, added: int, refused: bool = False
) -> str | None:
    """The warning naming the optional columns a file lacks (`kept`), or None when it has them
    all: the `known` workers' values were left as stored, the `added` ones have none. Of a
    file `refused`, what importing it would do."""
    if not kept:
        return None
    titles = listed([COLUMNS[key] for key in kept], "or")
    what = listed([OPTIONAL_COLUMNS[key] for key in kept])
    if refused:
        return (
            f"The file has no {titles} column: imported, it would leave workers' {what} as they "
            "are, and give workers it adds none"
        )
    if not known:
        return f"The file has no {titles} column: the workers added have no {what}"
    new = ", and the workers added have none" if added else ""
    return f"The file has no {titles} column: workers' {what} were left as they were{new}"


def _map_header(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _HEADER_KEYS.get(normalised_title(title))
        if key is not None and key not in positions:
            positions[key] = index
    missing = [COLUMNS[key] for key in REQUIRED_COLUMNS if key not in positions]
    if missing:
        raise _HeaderError(missing_columns(missing, header))
    return positions


# The ways a date may be written (how spreadsheets in England write them): YYYY-MM-DD,
# DD/MM/YYYY, DD-MM-YYYY, and with the month's short name, 1 Feb 2024 or 01-Feb-2024.
DATE_PATTERNS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %b %Y", "%d-%b-%Y", "%d %B %Y")
# A date written in one of those shapes with numbers no calendar has (31/02/2024, or 12/31/2024
# written month first): "not a real date", said apart from a date written some other way.
DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}([/-])[0-9]{1,2}\1[0-9]{4}")


# Spreadsheets and exports write a time after a date ("2024-02-01 00:00:00", "01/02/2024 00:00"):
# the day is what counts. "Sept" is how many write September; Python reads only "Sep".
TIME_AFTER_DATE = re.compile(r"(?:\s+|T)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")
SEPT = re.compile(r"\bsept\b", re.IGNORECASE)
# What the patterns above read, said once: the upload pages' hints and the refusals all use it.
DATE_FORMS = (
    "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or with the month's name (1 February 2024, 1 Feb 2024, "
    "1 Sept 2024 or 01-Feb-2024), the day first and the year in full; a time after the date, "
    "as in 2024-02-01 00:00:00, is left aside"
)


def parse_date(text: str) -> datetime.date:
    """A date written in one of DATE_PATTERNS; ValueError saying what is wrong otherwise."""
    given = text.strip(BLANKS)
    text = SEPT.sub("Sep", TIME_AFTER_DATE.sub("", given))
    for pattern in DATE_PATTERNS:
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    if DATE_SHAPE.fullmatch(text):
        raise ValueError(f"“{given}” is not a real date: dates are read as {DATE_FORMS}")
    raise ValueError(f"“{given}” is not written as a date speakup reads: write it as {DATE_FORMS}")


# A day before 1900 is a slip (1899 for 1999) or a spreadsheet's day nought, never a real start
# or a real completion: rosters, completions files and xAPI statements refuse it alike.
EARLIEST_YEAR = 1900
TOO_LONG_AGO = f"is too long ago to be right: the year must be {EARLIEST_YEAR} or later"


def too_long_ago(day: datetime.date) -> bool:
    return day.year < EARLIEST_YEAR


@functools.lru_cache(maxsize=1 << 16)  # a roster repeats its dates: parse each once
def check_date(
    text: str, today: datetime.date, future_allowed: bool = False
) -> tuple[datetime.date | None, str]:
    """The day a date cell holds (None if it is not a date) and what is wrong with it ("" if
    nothing). Rosters and completions files check their dates by it."""
    try:
        day = parse_date(text)
    except ValueError as error:
        return None, str(error)
    if too_long_ago(day):
        return day, f"{day_in_words(day)} {TOO_LONG_AGO}"
    if not future_allowed and day > today:
        return day, f"{day_in_words(day)} is in the future"
    return day, ""


def _clean_row(
    cells: list[str], positions: dict[str, int], row: int, today: datetime.date, result
) -> dict | None:
    """A dict of field values, or None after adding this row's problems to `result`.

    Called for every row of files of a million rows and more: kept to one pass, no helpers.
    """
    width = len(cells)
    values: dict = dict.fromkeys(COLUMNS, "")
    for key, index in positions.items():
        if index < width:
            values[key] = cells[index].strip(BLANKS)
    problems: list[tuple[str, str]] = [
        (COLUMNS[key], EMPTY) for key in REQUIRED_VALUES if not values[key]
    ]
    for key, limit in LENGTH_LIMITS.items():
        if len(values[key]) > limit:
            problems.append((COLUMNS[key], too_long(limit)))
    if values["band"]:
        values["band"] = band_normalised(values["band"])  # one spelling a band (cached)
    if values["email"]:
        if EMAIL_PATTERN.match(values["email"]):
            values["email"] = values["email"].lower()
        else:
            problems.append((COLUMNS["email"], NOT_AN_EMAIL.format(values["email"])))
    for key in YES_NO_COLUMNS:
        answer = YES_OR_NO.get(values[key].casefold())
        if answer is None:
            problems.append((COLUMNS[key], NOT_YES_OR_NO.format(values[key])))
        values[key] = answer
    for key in DATE_COLUMNS:
        if values[key]:
            # An assignment may end ahead; none starts ahead.
            values[key], reason = check_date(values[key], today, key == "assignment_end")
            if reason:
                problems.append((COLUMNS[key], reason))
        else:
            values[key] = None
    if values["line_manager_number"] and values["line_manager_number"] == values["employee_number"]:
        problems.append((COLUMNS["line_manager_number"], OWN_LINE_MANAGER))
    start, end = values["assignment_start"], values["assignment_end"]
    if start and end and end < start:
        problems.append((COLUMNS["assignment_end"], END_BEFORE_START))
    if problems:
        for column, reason in problems:
            result.add_error(row, column, reason)
        return None
    group = esr_staff_group(values["staff_group"])
    values["staff_group_recognised"] = group is not None
    values["staff_group"] = group or values["staff_group"]
    values["active"] = end is None or end >= today
    return values


# --- writing ----------------------------------------------------------------------------


def role_days(
    *, record: StaffRecord, roles: Mapping[str, bool], today: datetime.date
) -> dict[str, datetime.date | None]:
    """A worker's role days (`ROLE_SINCE`, `ROLE_ENDED`) once `roles` (each flag, on or off)
    replace those of their `record` as it stands: a role kept keeps its day; a role taken away
    keeps it too, ended today; a role given back within a year of ending keeps its day (the
    same role: ADR 0016), and one given for the first time, or back after longer, is dated
    today. Both imports and the admin's staff record page use it (roster_staging._merge
    writes the same in SQL)."""
    days = {}
    for flag, since in ROLE_SINCE.items():
        ended = ROLE_ENDED[flag]
        had = getattr(record, flag)
        if not roles[flag]:
            days[since] = getattr(record, since)
            days[ended] = today if had else getattr(record, ended)
        elif had or given_back_within_a_year(getattr(record, ended), today):
            days[since], days[ended] = getattr(record, since), None
        else:
            days[since], days[ended] = today, None
    return days


def band_days(
    *, record: StaffRecord, band: str, policy: TrainingPolicy, today: datetime.date
) -> dict[str, datetime.date | None]:
    """A worker's band days (`BAND_DAYS`) once `band` replaces their record's, as `role_days`
    dates a role: kept while the band stays; on a move within the policy's "Listen Up from
    band" rule, the day they came under it in their old band, so a move up restarts no due
    date; on a move out of it, that day too, ended today; on a move into it from a band that
    is not, that day kept if they left the rule within a year (ADR 0016), else today. The
    imports and the admin's staff record page use it (roster_staging._band_days writes the
    same in SQL)."""
    if band == record.band:
        return {"band_since": record.band_since, "band_ended": record.band_ended}
    was_under, under = band_under_rule(record.band, policy), band_under_rule(band, policy)
    if was_under:
        since = band_rule_since(record.band, record.band_since, policy)
    elif not under or given_back_within_a_year(record.band_ended, today):
        since = record.band_since
    else:
        since = today
    if under:
        return {"band_since": since, "band_ended": None}
    return {"band_since": since, "band_ended": today if was_under else record.band_ended}


def _write_batch(
    organisation: Organisation,
    batch: list[dict],
    today: datetime.date,
    result: ImportResult,
    kept: Sequence[str] = (),
    *,
    policy: TrainingPolicy,
) -> None:
    """Add and update the workers of `batch`; the columns `kept` (not in the file) keep their
    stored values."""
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
    now = timezone.now()
    to_create, to_update = [], []
    for values in batch:
        values = {**values, "user_id": users.get(values["email"])}
        record = existing.get(values["employee_number"])
        if record is None:
            to_create.append(StaffRecord(organisation=organisation, **values))
            continue
        if values["user_id"] is None and record.user_id is not None and not values["email"]:
            values["user_id"] = record.user_id  # keep a link made by hand when no email is given
        for key in kept:
            values[key] = getattr(record, key)
        if "assignment_end" in kept:
            values.update(_kept_end(record.assignment_end, values["assignment_start"], today))
        values.update(role_days(record=record, roles=values, today=today))
        values.update(band_days(record=record, band=values["band"], policy=policy, today=today))
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


def _kept_end(
    end: datetime.date | None, start: datetime.date, today: datetime.date
) -> dict[str, datetime.date | bool | None]:
    """A worker's assignment end and whether they are active, from a file without an Assignment
    End column: the stored end stays, unless it is before the file's assignment start (it
    ended an earlier assignment: the worker has come back). roster_staging._merge agrees."""
    if end is not None and end < start:
        end = None
    return {"assignment_end": end, "active": end is None or end >= today}


def note_unknown_line_managers(
    result: ImportResult, found: Iterable[tuple[str, int, int]], *, rows: int
) -> None:
    """Keep in `result` the first few of the line manager numbers `found` (number, first row,
    rows; by first row) that match no active worker, and the `rows` that give any of them."""
    result.unknown_line_manager_rows = rows
    result.unknown_line_managers = {
        number: [first, count] for number, first, count in list(found)[:LINE_MANAGERS_LISTED]
    }


def unknown_line_managers_warning(result: ImportResult) -> str | None:
    """Rows naming a line manager who is no active worker: their workers are on no manager's
    team (docs/training.md section 7). A warning, not a problem: rosters come in parts."""
    rows = result.unknown_line_manager_rows
    if not rows:
        return None
    named = [
        f"{number} (row {first:,})"
        if count == 1
        else f"{number} ({count:,} rows, first row {first:,})"
        for number, (first, count) in result.unknown_line_managers.items()
    ]
    more = rows - sum(count for _, count in result.unknown_line_managers.values())
    if more:
        named.append(counted(more, "more row"))
    give, who = ("gives", "that worker is") if rows == 1 else ("give", "those workers are")
    return (
        f"{counted(rows, 'row')} {give} a Line Manager Employee Number that matches no active "
        f"worker in the organisation, so {who} on no line manager's team and no manager is "
        f"told about their training: {listed(named)}"
    )


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
        "learning records sent by that address cannot be matched"
    )


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


def _mark_leavers(organisation: Organisation, seen: set[str], result: ImportResult) -> None:
    """Active workers missing from a full roster become leavers: kept, never deleted."""
    leavers: list[int] = []
    rows = (
        StaffRecord.objects.filter(organisation=organisation, active=True)
        .values_list("pk", "employee_number")
        .iterator(chunk_size=BATCH_SIZE)
    )
    for pk, number in rows:
        if number not in seen:
            leavers.append(pk)
    now = timezone.now()
    for start in range(0, len(leavers), BATCH_SIZE):
        chunk = leavers[start : start + BATCH_SIZE]
        StaffRecord.objects.filter(pk__in=chunk).update(active=False, updated_at=now)
    result.left = len(leavers)


class _Rollback(Exception):
    pass


class _Unreadable(Exception):
    """The file stops being CSV, or its characters cannot be decoded, part way through."""


def _checked_rows(
    records: Iterator[list[str]],
    positions: dict[str, int],
    today: datetime.date,
    result: ImportResult,
    progress: Callable[[], None],
    header_number: int = 1,
) -> Iterator[tuple[int, str, dict | None]]:
    """(row number, employee number, values or None if the row is bad), blank rows left out."""
    row = header_number
    unknown = result.unknown_staff_groups  # this file's rows, by staff group not on the list
    try:
        for cells in records:
            row += 1
            if not any(cell.strip(BLANKS) for cell in cells):
                continue  # blank lines at the end of spreadsheets
            result.rows_read += 1
            values = _clean_row(cells, positions, row, today, result)
            if values:
                number = values["employee_number"]
                result.ended += not values["active"]
                if not values["staff_group_recognised"]:
                    group = values["staff_group"]
                    unknown[group] = unknown.get(group, 0) + 1
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
) -> None:
    """Any database but PostgreSQL: write checked rows in batches. Raises _Rollback."""
    first_row_of: dict[str, int] = {}
    # Line manager numbers given for active workers: number -> [its first row, its rows].
    managers: dict[str, list[int]] = {}
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
            _write_batch(organisation, batch, today, result, kept, policy=policy)
            batch = []
    if result.bad_rows and not skip_invalid:
        raise _Rollback
    if batch:
        _write_batch(organisation, batch, today, result, kept, policy=policy)
    if full:
        # A worker whose row was skipped is still on the roster: not a leaver.
        _mark_leavers(organisation, set(first_row_of), result)
    _unknown_line_managers(organisation, managers, result)


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
    they expect.
    An import is written to the audit log as `actor`'s (None: the system's, as for a command).
    Returns what happened; when `imported` is False nothing in the database changed.
    On PostgreSQL a file goes through COPY into a staging table (roster_staging.py), so
    `on_progress(bytes done, bytes in all)` must not use the database.
    """
    result = ImportResult()
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
        _import(
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
    # The groups of this file's rows, not of the whole roster: one import's warning is its own.
    every = sorted(result.unknown_staff_groups.items()) if result.imported else []
    unknown = dict(every[:UNKNOWN_GROUPS_LISTED])
    result.unknown_staff_groups = unknown
    if unknown:
        more = len(every) - len(unknown)
        result.warnings.append(
            "Staff groups not on the ESR list were kept as written: "
            + ", ".join(f"{group} ({counted(count, 'row')})" for group, count in unknown.items())
            + (f", and {counted(more, 'more group')}" if more else "")
        )
    report(total_bytes)
    return result


def _import(
    organisation, records, full, skip_invalid, expect_leavers, today, result, progress, actor
) -> None:
    """Read the header, then check and write every row in one transaction, or roll back."""
    try:
        found = csvfiles.header_row(records)
        if found is None:
            result.add_error(
                0, "", "The file is empty: it needs a header row and a row for each worker"
            )
            return
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
        return
    except csv.Error as error:  # in the header: the whole file is unreadable
        result.add_error(0, "", csvfiles.unreadable_row(1, error))
        return
    kept = [key for key in OPTIONAL_COLUMNS if key not in positions]
    checked = _checked_rows(records, positions, today, result, progress, header_number)
    try:
        with transaction.atomic():
            # What a whole roster's leavers are a share of (MANY_LEAVERS).
            active = (
                StaffRecord.objects.filter(organisation=organisation, active=True).count()
                if full
                else 0
            )
            # Whose band change brings them under the "Listen Up from band" rule (band_days).
            policy = policy_for(organisation=organisation)
            try:
                if roster_staging.usable():
                    roster_staging.staged_import(
                        organisation=organisation,
                        rows=checked,
                        full=full,
                        skip_invalid=skip_invalid,
                        today=today,
                        result=result,
                        kept=kept,
                        policy=policy,
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
                    )
            except _Unreadable:
                raise _Rollback from None
            if result.bad_rows and not skip_invalid:
                raise _Rollback
            _refuse_unmeant(result, active=active, expect_leavers=expect_leavers)
            result.skipped = result.bad_rows
            result.imported = True
            known = result.updated + result.unchanged
            if warning := absent_columns(kept, known=known, added=result.created):
                result.warnings.append(warning)
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
        if warning := absent_columns(kept, known=0, added=0, refused=True):
            result.warnings.append(warning)
        result.created = result.updated = result.unchanged = result.left = result.ended = 0
        result.unknown_line_manager_rows = 0
        result.unknown_line_managers = {}


def _refuse_unmeant(result: ImportResult, *, active: int, expect_leavers: int) -> None:
    """Refuse what a file cannot have been meant to do (raises _Rollback; the leavers are
    marked already, in this transaction, so rolled back with it). A file with no worker to
    import (a header-only export, or every row skipped) is a wrong file: said as a problem, not
    as "0 workers added". A whole roster making more of the `active` workers leavers at once
    than MANY_LEAVERS lets through is refused unless the user expects that many."""
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
            why = f"{first}. As a whole roster it would mark {leavers} as leavers"
    elif MANY_LEAVERS.exceeded(result.left, active=active) and result.left > expect_leavers:
        result.leavers_to_confirm = result.left
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
