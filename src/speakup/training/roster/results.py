"""What an import tells its user: ImportResult and RowError, the summary and the refusal in
plain sentences, and how each channel (the page, the command, the API) offers what to do."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields

from speakup.core.names import name_order
from speakup.core.words import capitalised, counted, listed, named_in_a_sentence

MAX_LISTED_ERRORS = 1000  # every bad row is counted; the first thousand are listed
# Line Manager Employee Numbers matching no active worker, named in an import's warning.
LINE_MANAGERS_LISTED = 3
# The leavers a whole roster makes (or would make, refused), and the workers an import brings
# back onto the roster, named in its result (by name) so that an admin who sent the wrong file
# sees who was dropped or put back; the rest are counted (the leavers' download has them all).
LEAVERS_NAMED = 20
# The workers a whole roster refused for its leavers would make leavers, listed in its result
# (by name) beyond the LEAVERS_NAMED it names, so that the admin can read every one before
# saying they expect them. A bound: the result is stored (StaffImport.result) and sent whole.
LEAVERS_TO_CONFIRM_LISTED = 1000
# The workers of a file without an Assignment End column who are leavers by the end stored for
# them, named in its warning (by row).
STORED_END_LEAVERS_NAMED = 3
# The workers' names read from the database at once when looking for the first few by name.
NAMES_READ_AT_ONCE = 5000

# How to import only the rows without problems, told the way each channel offers it.
SKIP_ON_THE_PAGE = (
    "import it again with “Import the rows without problems even if some rows have problems” ticked"
)
SKIP_IN_THE_COMMAND = "import it again with --skip-invalid to import the rows without problems"
SKIP_IN_THE_API = "send it again with ?skip_invalid=true to import the rows without problems"


def expect_leavers_label(leavers: int) -> str:
    """The upload page's tick box that lets a whole roster make `leavers` leavers."""
    return f"I expect {counted(leavers, 'worker')} to become {as_leavers(leavers)}"


def as_leavers(workers: int) -> str:
    """What `workers` become: "a leaver" of one, "leavers" of more."""
    return "a leaver" if workers == 1 else "leavers"


@dataclass(frozen=True)
class Channel:
    """How a way in to the import (the page, the command, the API) offers what a refusal
    advises: importing only the rows without problems, and going ahead with many leavers."""

    skip: str
    expect_leavers: Callable[[int], str]
    # Whether a refused whole roster's would-be leavers are listed apart from the summary (the
    # page's details, the command's lines after it), saying there what so many of them says of
    # the file (`NamedGroup.unlisted`); if not (the API), the summary says it.
    lists_leavers_apart: bool = True


ON_THE_PAGE = Channel(
    SKIP_ON_THE_PAGE, lambda n: f"upload it again with “{expect_leavers_label(n)}” ticked"
)
IN_THE_COMMAND = Channel(
    SKIP_IN_THE_COMMAND, lambda n: f"import it again with --expect-leavers {n}"
)
IN_THE_API = Channel(
    SKIP_IN_THE_API,
    lambda n: f"send it again with ?full=true&expect_leavers={n}",
    lists_leavers_apart=False,
)

# What a whole roster that would make more leavers than a refusal lists says of the file, on
# every way in.
NOT_THE_WHOLE_ROSTER = (
    "a file that would make so many workers leavers is probably not this organisation's whole "
    "roster"
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
        """One line: "row 5, Email: “x” is not an email address". A reason that says what its
        column or row is or has ("is empty") follows it without the colon, as a sentence does:
        "row 11, Employee Number is empty"."""
        if not self.row:
            return as_sentence(self.reason)
        where = f"row {self.row}, {self.column}" if self.column else f"row {self.row}"
        if self.reason.startswith(("is ", "has ")):
            return f"{where} {self.reason}"
        return f"{where}: {self.reason}"


# A field of ImportResult that the import uses on its way and never tells: not in `as_dict`.
INTERNAL = {"internal": True}


@dataclass
class ImportResult:
    rows_read: int = 0
    created: int = 0
    # Workers whose row changed anything of them, the returned included.
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    # The first LEAVERS_NAMED of the `left`, by name: {"employee_number", "name"}.
    leavers: list[dict[str, str]] = field(default_factory=list)
    # Leavers the file made active again (among the `updated`), and the first LEAVERS_NAMED of
    # them by name, as `leavers`.
    returned: int = 0
    returners: list[dict[str, str]] = field(default_factory=list)
    # Of the returned whose row names no line manager, by (directorate, is a line manager): who
    # manages them by their directorate is said as of the workers added.
    returned_unmanaged: dict[tuple[str, bool], int] = field(default_factory=dict, metadata=INTERNAL)
    # Rows whose Assignment End has gone by that made their worker a leaver: added so, or active
    # until this import. A leaver already is not counted: the import changed nothing of them.
    # The first LEAVERS_NAMED of them by name, as `leavers` (a list of its own: `leavers` are
    # those missing from a whole roster).
    ended: int = 0
    ended_leavers: list[dict[str, str]] = field(default_factory=list)
    # Of a file without an Assignment End column: workers who are leavers by the end stored for
    # them, gone by (the first few named, by row, as `leavers`), and workers whose stored end was
    # cleared, as it is before their Assignment Start in the file (they have come back).
    leavers_by_stored_end: int = 0
    leavers_by_stored_end_named: list[dict[str, str]] = field(default_factory=list)
    stored_ends_cleared: int = 0
    skipped: int = 0
    bad_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    # What the user should check (the page shows them as warnings, the command says "Warning:"),
    # and what is only worth knowing (`notes`: information).
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The first UNKNOWN_GROUPS_LISTED staff groups not on the ESR list, with their rows, and
    # the first few row numbers of each (unknown_values.py); bands that are no Agenda for Change
    # band (nor VSM) the same way: kept as written, under no band rule.
    unknown_staff_groups: dict[str, int] = field(default_factory=dict)
    unknown_staff_groups_first_rows: dict[str, list[int]] = field(default_factory=dict)
    unknown_bands: dict[str, int] = field(default_factory=dict)
    unknown_bands_first_rows: dict[str, list[int]] = field(default_factory=dict)
    encoding: str | None = None  # as detected; None when the file's could not be (UTF-16)
    full: bool = False  # the file was the whole roster: workers missing from it are leavers
    imported: bool = False
    # The leavers a whole roster was refused for (more than MANY_LEAVERS, not expected), and
    # the first LEAVERS_TO_CONFIRM_LISTED of them by name, as `leavers` (the first
    # LEAVERS_NAMED of them are named as the other lists are, the rest listed below them).
    leavers_to_confirm: int = 0
    leavers_to_confirm_named: list[dict[str, str]] = field(default_factory=list)
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

    @property
    def nothing_changed(self) -> bool:
        """Imported, and the roster already matched the file: no worker added, changed or
        made a leaver."""
        return self.imported and not (self.created or self.updated or self.left)

    def as_dict(self) -> dict:
        """What the result tells (the API's answer, an upload's stored result)."""
        data = asdict(self)
        for internal in fields(self):
            if internal.metadata.get("internal"):
                del data[internal.name]
        data["errors"] = [
            {"row": e.row, "column": e.column, "reason": e.reason} for e in self.errors
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ImportResult:
        """The result an upload's job stored (`as_dict`), perhaps by an older version: a key it
        no longer has is left out."""
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known["errors"] = [RowError(**e) for e in data.get("errors", [])]
        return cls(**known)

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
            # Skipping every row imports nothing, and is refused: not offered.
            skip = f", or {channel.skip}" if self.bad_rows < self.rows_read else ""
            return (
                f"{self.bad_rows:,} of {counted(self.rows_read, 'row')} {have}. Correct "
                f"{'it' if self.bad_rows == 1 else 'them'} and import the file again{skip}."
            )
        return "The file could not be imported."

    def headline(self, channel: Channel = ON_THE_PAGE) -> str:
        """What the import did, counted, or that nothing changed, or why nothing was imported:
        the page's panel (a refusal shows `failure`), and the first sentence of the command's and
        the API's `summary`."""
        if not self.imported:
            return nothing_imported(self.failure(channel))
        if self.nothing_changed:
            text = (
                "Nothing changed: the roster already matched this file "
                f"({counted(self.unchanged, 'worker')})."
            )
            if self.skipped:
                was = "was" if self.skipped == 1 else "were"
                text += f" {counted(self.skipped, 'row')} {was} skipped because of problems."
            return text
        updated = f"{self.updated:,} updated"
        if self.returned:
            updated += f" ({_back_among_updated(self.returned, self.updated)})"
        done = [
            f"{counted(self.created, 'worker')} added",
            updated,
            f"{self.unchanged:,} unchanged",
        ]
        # Only a whole roster makes leavers: another file's "0 marked as leavers" says nothing.
        if self.full or self.left:
            done.append(f"{self.left:,} marked as {as_leavers(self.left)}")
        if self.ended:
            done.append(
                f"{counted(self.ended, 'row')} with an Assignment End gone by "
                f"({as_leavers(self.ended)})"
            )
        if self.skipped:
            done.append(f"{counted(self.skipped, 'row')} skipped because of problems")
        return f"{counted(self.rows_read, 'row')} read: {', '.join(done)}."

    def summary(self, channel: Channel = ON_THE_PAGE) -> str:
        """The headline, then the workers it names, in sentences: the command's and the API's
        words (the page lists the workers: `named_groups`)."""
        sentences = [self.headline(channel)]
        for group in named_groups(self):
            sentences.append(
                named_in_a_sentence(group.names, group.total, one=group.one, many=group.many)
            )
            if group.doubt and not channel.lists_leavers_apart:
                sentences.append(group.doubt)
        return " ".join(sentences)

    def forget_writes(self) -> None:
        """What a refused import would have written, rolled back: none of it happened."""
        self.created = self.updated = self.unchanged = self.left = self.ended = 0
        self.leavers = []
        self.ended_leavers = []
        self.returned = 0
        self.returners = []
        self.returned_unmanaged = {}
        self.leavers_by_stored_end = self.stored_ends_cleared = 0
        self.leavers_by_stored_end_named = []
        self.unknown_line_manager_rows = 0
        self.unknown_line_managers = {}


def _back_among_updated(returned: int, updated: int) -> str:
    """The workers back on the roster, of those updated: "3 of them back on the roster"."""
    if returned == updated:
        return "back on the roster" if updated == 1 else "all back on the roster"
    return f"{returned:,} of them back on the roster"


def worker_named(name: str, employee_number: str) -> str:
    """A worker as a result names them: "Ada Ashdown (1001)" (as StaffRecord's str)."""
    return f"{name} ({employee_number})"


def worker(first_name: str, last_name: str, employee_number: str) -> dict[str, str]:
    """A worker as a result gives them: {"employee_number", "name"} (the API's objects)."""
    return {"employee_number": employee_number, "name": f"{first_name} {last_name}".strip()}


@dataclass(frozen=True)
class NamedGroup:
    """Workers a result names, the first few of `total`: the page lists them under `heading`,
    the command and the API say them in a sentence (`one` worker is, `many` are)."""

    heading: str
    workers: list[dict[str, str]]
    total: int
    one: str
    many: str
    # The organisation's leavers can be downloaded: every one of them, with their day.
    download_leavers: bool = False
    # Of a refused whole roster's would-be leavers: every one its result lists (up to
    # LEAVERS_TO_CONFIRM_LISTED), the `workers` first, for the admin to read before going ahead.
    everyone: list[dict[str, str]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [worker_named(w["name"], w["employee_number"]) for w in self.workers]

    @property
    def more(self) -> int:
        return self.total - len(self.workers)

    @property
    def lists_more(self) -> bool:
        """Whether `everyone` lists workers beyond those named (not of a result stored before
        it listed them)."""
        return len(self.everyone) > len(self.workers)

    @property
    def everyone_names(self) -> list[str]:
        return [worker_named(w["name"], w["employee_number"]) for w in self.everyone]

    @property
    def everyone_described(self) -> str:
        """Who `everyone` are: "all 110 workers this file would make leavers", or "the first
        1,000 of the 2,500 workers …" beyond LEAVERS_TO_CONFIRM_LISTED."""
        workers = f"{counted(self.total, 'worker')} this file would make {as_leavers(self.total)}"
        if len(self.everyone) < self.total:
            return f"the first {len(self.everyone):,} of the {workers}"
        return f"all {workers}"

    @property
    def unlisted(self) -> str:
        """The workers beyond `everyone`, counted, and what so many says of the file: "" when
        every one is listed."""
        more = self.total - len(self.everyone)
        if not more:
            return ""
        return f"And {counted(more, 'more worker')}, not listed: {NOT_THE_WHOLE_ROSTER}."

    @property
    def doubt(self) -> str:
        """What so many would-be leavers says of the file, in a sentence of its own (the API's
        summary): "" unless more are counted than listed (or none listed: any other group)."""
        if not self.everyone or len(self.everyone) == self.total:
            return ""
        return f"{capitalised(NOT_THE_WHOLE_ROSTER)}."

    def everyone_in_lines(self) -> list[str]:
        """`everyone` one a line, as the command lists them after its refusal: a heading, the
        workers (indented, as rows with problems are) and how many more."""
        heading = self.everyone_described
        lines = [f"{capitalised(heading)}, by last name:"]
        lines += [f"  {name}" for name in self.everyone_names]
        if self.unlisted:
            lines.append(f"  {self.unlisted}")
        return lines


def named_groups(result: ImportResult) -> list[NamedGroup]:
    """The workers `result` names: who a refused whole roster would have made leavers, or who
    an import made leavers and who it brought back onto the roster."""
    groups = []
    if result.leavers_to_confirm_named:
        groups.append(
            NamedGroup(
                "Who would become leavers",
                result.leavers_to_confirm_named[:LEAVERS_NAMED],
                result.leavers_to_confirm,
                one="The worker who would become a leaver",
                many="The workers who would become leavers",
                everyone=result.leavers_to_confirm_named,
            )
        )
    if result.leavers:
        groups.append(
            NamedGroup(
                "Marked as leavers",
                result.leavers,
                result.left,
                one="The leaver",
                many="The leavers",
                # Once, under the last list of leavers.
                download_leavers=not result.ended_leavers,
            )
        )
    if result.ended_leavers:
        groups.append(
            NamedGroup(
                "Marked as leavers by their Assignment End",
                result.ended_leavers,
                result.ended,
                one="The leaver by their Assignment End",
                many="The leavers by their Assignment End",
                download_leavers=True,
            )
        )
    if result.returners:
        groups.append(
            NamedGroup(
                "Back on the roster",
                result.returners,
                result.returned,
                one="The worker back on the roster",
                many="The workers back on the roster",
            )
        )
    return groups


@dataclass
class FirstByName:
    """The first `up_to` workers by name (`core.names.name_order`) of those met one by one,
    however many they are: never more than `up_to` kept."""

    up_to: int = LEAVERS_NAMED
    found: list[tuple[tuple[str, ...], str, str, str]] = field(default_factory=list)

    def add(self, values: dict) -> None:
        self.add_worker(values["first_name"], values["last_name"], values["employee_number"])

    def add_worker(self, first_name: str, last_name: str, employee_number: str) -> None:
        key = name_order(last_name=last_name, first_name=first_name, number=employee_number)
        if len(self.found) < self.up_to or key < self.found[-1][0]:
            bisect.insort(self.found, (key, first_name, last_name, employee_number))
            del self.found[self.up_to :]

    def workers(self) -> list[dict[str, str]]:
        return [worker(first, last, number) for _, first, last, number in self.found]


@dataclass
class Returning:
    """The workers an import brings back onto the roster (leavers made active), as the
    row-by-row path meets them: counted in the result, the first by name kept here."""

    first_by_name: FirstByName = field(default_factory=FirstByName)

    def note(self, result: ImportResult, values: dict) -> None:
        """Count the worker of `values` (as written) in `result`."""
        result.returned += 1
        self.first_by_name.add(values)
        if not values["line_manager_number"]:
            group = (values["directorate"], values["is_line_manager"])
            result.returned_unmanaged[group] = result.returned_unmanaged.get(group, 0) + 1

    def name_in(self, result: ImportResult) -> None:
        result.returners = self.first_by_name.workers()


def note_leaver_by_stored_end(result: ImportResult, values: dict) -> None:
    """Count in `result` the worker of `values`, of a file without an Assignment End column,
    who is a leaver by the end stored for them, naming the first few."""
    result.leavers_by_stored_end += 1
    if len(result.leavers_by_stored_end_named) < STORED_END_LEAVERS_NAMED:
        result.leavers_by_stored_end_named.append(
            worker(values["first_name"], values["last_name"], values["employee_number"])
        )


def stored_end_leavers_warning(result: ImportResult) -> str | None:
    """The workers a file without an Assignment End column leaves leavers (or makes them) by
    their stored end, gone by: their rows are imported, "unchanged" perhaps, yet they are on no
    count, team or reminder. A file with each one's new Assignment Start clears the end."""
    leavers = result.leavers_by_stored_end
    if not leavers:
        return None
    if leavers == 1:
        who = "1 worker in the file is a leaver because the Assignment End stored for them has"
        back = "If they have"
    else:
        who = (
            f"{leavers:,} workers in the file are leavers because the Assignment Ends stored "
            "for them have"
        )
        back = "If any of them has"
    named = named_in_a_sentence(
        [worker_named(w["name"], w["employee_number"]) for w in result.leavers_by_stored_end_named],
        leavers,
        one="That worker",
        many="They",
    )
    return (
        f"{who} gone by, and the file has no Assignment End column to change it. {named} "
        f"{back} come back, import them with their new Assignment Start, or in a file with an "
        "Assignment End column."
    )


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
        f"told about their training: {listed(named)}."
    )
