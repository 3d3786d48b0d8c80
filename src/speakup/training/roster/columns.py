"""The roster file's columns, the ESR staff groups, and reading a file's header row: which
column is where, and the warnings and refusals about its columns (shared with completions)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from speakup.core.words import counted, listed

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
# The same of one worker: "the worker added has no email address".
OPTIONAL_COLUMN_OF_ONE = {
    "email": "email address",
    "job_role": "job role",
    "directorate": "directorate",
    "band": "band",
    "line_manager_number": "line manager",
    "assignment_end": "assignment end date",
}
REQUIRED_VALUES = ["employee_number", "first_name", "last_name", "staff_group", "assignment_start"]
RECORD_FIELDS = [*COLUMNS, "staff_group_recognised", "active", "user_id"]

# Around a value, spaces, tabs and line breaks are ignored (ASCII only: PostgreSQL trims these
# fastest, and both import paths must agree).
BLANKS = " \t\n\r\x0b\x0c"
# Header cells the import does not read, named in its warning; the rest are counted. Each is
# named up to a length (a stray cell can hold anything).
UNREAD_COLUMNS_LISTED = 10
UNREAD_TITLE_SHOWN = 60


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


def row_width_problem(values: int, columns: int) -> str | None:
    """Why a row with `values` cells does not fit a header of `columns` (rosters and
    completions alike), or None when it does. Its values cannot be matched to their columns: a
    comma inside an unquoted value shifts every value after it into the next column, where it
    may well pass the checks ("Y" read as a board member)."""
    if values == columns:
        return None
    why = f"has {counted(values, 'value')} but the header has {counted(columns, 'column')}"
    if values > columns:
        return (
            f"{why}: check for a comma inside a value that is not in quotation marks "
            '(write "Ward 5, Surgery" with its quotation marks)'
        )
    return f"{why}: check for a missing comma (an empty value still needs its comma)"


class _HeaderError(Exception):
    pass


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
    return f"{what}: the columns it reads are {', '.join(reads)}."


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
        return f"The column {repeated[0]} is in the file more than once: only the first was read."
    return (
        f"The columns {listed(repeated)} are in the file more than once: only the first of each "
        "was read."
    )


def absent_columns(
    kept: Sequence[str],
    *,
    known: int | None,
    added: int | None,
    refused: bool = False,
    ends_cleared: int = 0,
) -> str | None:
    """The warning naming the optional columns a file lacks (`kept`), or None when it has them
    all: the `known` workers' values were left as stored, but for the `ends_cleared` Assignment
    Ends before a new Assignment Start; the `added` ones have none. Of a file `refused`, what
    importing it would do (`known` and `added` None when its rows were not counted). Line
    Manager Employee Number is not named: ESR's own layout has no
    such column, so its absence says nothing of a wrong file (`added_without_line_managers`
    says what it means for the workers added)."""
    kept = [key for key in kept if key != "line_manager_number"]
    if not kept:
        return None
    titles = listed([COLUMNS[key] for key in kept], "or")
    what = listed([OPTIONAL_COLUMNS[key] for key in kept])
    if refused:
        return f"The file has no {titles} column: imported, " + _would_do(kept, known, added)
    the_added = "the worker added has" if added == 1 else "the workers added have"
    if not known:
        return f"The file has no {titles} column: {the_added} no {_none_of(kept, added)}."
    text = f"The file has no {titles} column: workers' {what} were left as they were"
    if ends_cleared == 1:
        text += (
            ", except 1 worker's Assignment End, which is before their Assignment Start in the "
            "file: it ended an earlier assignment, so it was cleared"
        )
    elif ends_cleared:
        text += (
            f", except {ends_cleared:,} workers' Assignment Ends, which are before their "
            "Assignment Start in the file: they ended earlier assignments, so they were cleared"
        )
    return text + (f", and {the_added} none." if added else ".")


def _none_of(kept: Sequence[str], added: int | None) -> str:
    """What the workers added lack: "no email addresses or job roles" is none of either, not
    lacking only both at once; "an email address" of one worker."""
    what_of_them = OPTIONAL_COLUMN_OF_ONE if added == 1 else OPTIONAL_COLUMNS
    return listed([what_of_them[key] for key in kept], "or")


def _would_do(kept: Sequence[str], known: int | None, added: int | None) -> str:
    """Of a refused file lacking the columns `kept`, what importing it would do to the `known`
    workers it names and the `added` ones it adds; said of both when they were not counted."""
    what = listed([OPTIONAL_COLUMNS[key] for key in kept])
    if known is None or added is None or not (known or added):
        return (
            f"workers already on the roster would have their {what} left as they are, and "
            "workers it adds would have none."
        )
    if not added:
        return f"it would leave workers' {what} as they are."
    the_added = "the worker it adds would have" if added == 1 else "the workers it adds would have"
    if not known:
        return f"{the_added} no {_none_of(kept, added)}."
    return f"it would leave workers' {what} as they are, and {the_added} none."


# Directorates named in the warning on workers added without a line manager; the rest counted.
DIRECTORATES_NAMED = 3


def added_without_line_managers(
    kept: Sequence[str],
    *,
    added: int,
    returned: int = 0,
    managed: int = 0,
    unmanaged: dict[str, int] | None = None,
) -> str | None:
    """The note on the workers an import `added` from a file without the Line Manager Employee
    Number column (in `kept`), and those it brought back onto the roster with no line manager
    named (`returned`): who manages them by the rule of queries.managed_by, the line managers
    of their directorate; of the active ones, how many have some there (`managed`) and how
    many, by directorate ("" for none), have none (`unmanaged`): nobody is told about their
    training. None when it added and brought back nobody, or the file has the column."""
    if not (added or returned) or "line_manager_number" not in kept:
        return None
    if "directorate" in kept:
        # Added without a directorate either: the rule gives them no line manager at all. (The
        # workers brought back keep the directorate stored for them.)
        if not added:
            return None
        return (
            "The file has no Line Manager Employee Number or Directorate column, so no line "
            f"manager has the {_workers_it(added, 0)} on their team or is told about their "
            "training."
        )
    by_directorate = (
        "the line managers in their directorate, who see their training and are told when it "
        "is overdue."
    )
    if not unmanaged:
        each = "the" if added + returned == 1 else "each"
        return (
            f"The file has no Line Manager Employee Number column, so {each} "
            f"{_workers_it(added, returned, total=1)} is on the team of {by_directorate}"
        )
    alone = sum(unmanaged.values())
    named = _directorates_named(unmanaged)
    are = "is" if alone == 1 else "are"
    if not managed:
        who = f"the {_workers_it(added, returned, total=alone)} {are}"
    else:
        who = f"{alone:,} of the {_workers_it(added, returned)} {are}"
    text = (
        f"The file has no Line Manager Employee Number column, and {who} in a directorate with "
        "no line manager, so no line manager has them on their team or is told about their "
        f"training: {listed(named)}."
    )
    if managed:
        are = "is" if managed == 1 else "are"
        text += (
            f" The other {_workers_it(added, returned, total=managed)} {are} on the team of "
            f"{by_directorate}"
        )
    return text


def line_managers_left_out(unmanaged: dict[str, int]) -> str | None:
    """The warning on the workers a whole roster left with no line manager (`unmanaged`: how
    many, by directorate) by leaving out every line manager of their directorate."""
    if not unmanaged:
        return None
    total = sum(unmanaged.values())
    workers, have = counted(total, "worker"), "has" if total == 1 else "have"
    if len(unmanaged) == 1:
        (directorate,) = unmanaged
        who, there = f"{workers} in {directorate} now {have} no line manager", "there"
    else:
        named = listed(_directorates_named(unmanaged))
        who, there = f"{workers} now {have} no line manager, in {named}", "in those directorates"
    return (
        f"{who}: the roster left out every line manager {there}, so nobody has them on their "
        "team or is told when their training is overdue. If that is wrong, import the line "
        "managers again; otherwise mark a new line manager there (Line Manager (Y/N))."
    )


def _workers_it(added: int, returned: int, *, total: int | None = None) -> str:
    """The workers an import added or brought back, in words: "workers it added", "worker it
    brought back", "workers it added or brought back", in the singular when `total` (all of
    them unless given) is one."""
    did = " or ".join(
        words for words, workers in (("added", added), ("brought back", returned)) if workers
    )
    total = added + returned if total is None else total
    return f"{'worker' if total == 1 else 'workers'} it {did}"


def _directorates_named(workers: dict[str, int]) -> list[str]:
    """The first few directorates of `workers` (directorate -> workers), the most workers
    first, the rest counted, and the workers with no directorate ("") after them."""
    biggest = sorted((directorate, n) for directorate, n in workers.items() if directorate)
    biggest.sort(key=lambda item: -item[1])
    named = [f"{directorate} ({counted(n, 'worker')})" for directorate, n in biggest]
    if len(named) > DIRECTORATES_NAMED:
        named[DIRECTORATES_NAMED:] = [counted(len(named) - DIRECTORATES_NAMED, "more directorate")]
    if nowhere := workers.get(""):
        named.append(f"no directorate given ({counted(nowhere, 'worker')})")
    return named


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
