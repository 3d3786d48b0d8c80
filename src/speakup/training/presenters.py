"""Training values as pages and reports show them."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from speakup.core.dates import day_in_words
from speakup.core.numbers import with_commas
from speakup.core.words import capitalised, counted, listed, named_in_a_sentence
from speakup.training.bands import VERY_SENIOR_MANAGER, band_normalised
from speakup.training.content import MODULE_ORDER
from speakup.training.models import Module, TrainingPolicy
from speakup.training.queries import DUE, LATE, OVERDUE, mandatory_flags
from speakup.training.roster.results import RowError
from speakup.training.tallies import MadeLate

# The national recommendation, which is what a policy holds until an admin changes it (the
# model's defaults).
NATIONAL_RECOMMENDATION = (
    "Speak Up for every worker, Listen Up for line managers, Follow Up for senior leaders and "
    "board members, a refresher every 3 years"
)


def mandatory_wording(mandatory: bool, since: datetime.date | None) -> str:
    """A module's adoption flag (`queries.mandatory_flag`) in words: "Mandatory since 1 April
    2024", "Mandatory", "Mandatory from 1 April 2027" (a date still to come), "Not mandatory"."""
    if mandatory:
        return f"Mandatory since {day_in_words(since)}" if since else "Mandatory"
    return f"Mandatory from {day_in_words(since)}" if since else "Not mandatory"


def mandatory_tag(mandatory: bool, since: datetime.date | None) -> dict:
    """The flag as an NHS.UK tag: green when mandatory, yellow when it will be, red when not."""
    colour = "green" if mandatory else "yellow" if since else "red"
    return {"text": mandatory_wording(mandatory, since), "classes": f"nhsuk-tag--{colour}"}


def _refresher(years: int | None) -> str:
    if years is None:
        return "once is enough, with no refresher"
    return "a refresher every year" if years == 1 else f"a refresher every {years} years"


def _band_rule(from_band: str) -> str:
    band = band_normalised(from_band)
    if band == VERY_SENIOR_MANAGER:
        return "Very senior managers (VSM) also take Listen Up"
    return f"Everyone from {band} up also takes Listen Up"


def adoption_in_words(policy: TrainingPolicy, *, today: datetime.date) -> str:
    """Which modules the organisation has made mandatory, and since when, with the National
    Guardian's recommendation that all three are. Said apart from `policy_changes`: a tester
    read "Speak Up is mandatory since 1 April 2025" among how the policy differs from the
    recommendation, with nothing recommended beside it."""
    flags = mandatory_flags(policy, today=today)
    made = [
        _made_mandatory(Module(module).label, mandatory, since)
        for module, (mandatory, since) in flags.items()
        if mandatory or since
    ]
    not_yet = [
        Module(module).label
        for module, (mandatory, since) in flags.items()
        if not mandatory and not since
    ]
    if all(mandatory for mandatory, _ in flags.values()):
        return f"All three modules are mandatory: {listed(made)}."
    if not made:
        return f"None of the three modules is mandatory yet. {ALL_THREE_MANDATORY}"
    not_made = f" Not mandatory: {listed(not_yet)}." if not_yet else ""
    return f"Mandatory: {listed(made)}.{not_made} {ALL_THREE_MANDATORY}"


def _made_mandatory(title: str, mandatory: bool, since: datetime.date | None) -> str:
    """ "Speak Up since 1 April 2025", "Follow Up from 1 January 2027" (still to come), or the
    title alone for a module made mandatory with no date: `mandatory_wording`, after the title."""
    return f"{title}{mandatory_wording(mandatory, since).removeprefix('Mandatory')}"


ALL_THREE_MANDATORY = "The National Guardian recommends making all three mandatory."


# What the dashboard's "Not mandatory" beside workers "Overdue" means (ADR 0014): a tester
# read the two side by side as a contradiction.
MANDATORY_IS_A_FLAG = (
    "“Mandatory” here says only whether your organisation has made a module mandatory. Who "
    "must take each module, and by when, comes from your training policy’s requirement rules "
    "(the national recommendation unless you have changed them), whether or not the module is "
    "mandatory. “Overdue” means that date has passed and the module is not yet complete."
)


def not_mandatory_but_due(*, modules: list[dict], flags: dict) -> str | None:
    """For the dashboard: the modules not mandatory today that workers are due or overdue for,
    with what "mandatory" and "overdue" mean here; None when there are none. `modules` are the
    summary's rows (`tallies.compliance_figures`), `flags` its mandatory flags."""
    titles = [
        Module(row["module"]).label
        for row in modules
        if not flags[row["module"]][0] and (row[DUE] or row[OVERDUE])
    ]
    if not titles:
        return None
    verb, pronoun = ("is", "it") if len(titles) == 1 else ("are", "them")
    return (
        f"{listed(titles)} {verb} not mandatory, but workers are due or overdue for {pronoun}. "
        f"{MANDATORY_IS_A_FLAG}"
    )


def policy_changes(policy: TrainingPolicy) -> list[str]:
    """How the policy's requirement rules differ from the national recommendation, one
    sentence per change; none while they are the recommendation untouched (saved unchanged or
    never saved). Which modules are mandatory is `adoption_in_words`."""
    national = TrainingPolicy()
    changes = []
    for module in MODULE_ORDER:
        title = Module(module).label
        years = getattr(policy, f"{module}_refresher_years")
        recommended = getattr(national, f"{module}_refresher_years")
        if years != recommended:
            changes.append(f"{title}: {_refresher(years)} (recommended: {_refresher(recommended)})")
    if policy.listen_up_from_band:
        changes.append(f"{_band_rule(policy.listen_up_from_band)} (recommended: line managers)")
    if policy.new_starter_due_days != national.new_starter_due_days:
        changes.append(
            f"New starters have {counted(policy.new_starter_due_days, 'day')} to complete "
            f"their modules (recommended: {national.new_starter_due_days})"
        )
    if policy.board_follow_up_due_days != national.board_follow_up_due_days:
        changes.append(
            f"Board members have {counted(policy.board_follow_up_due_days, 'day')} for Follow "
            f"Up (recommended: {national.board_follow_up_due_days})"
        )
    return changes


def expect_late_label(workers: int) -> str:
    """The policy page's tick box that lets a change make `workers` late at once."""
    return f"I expect {counted(workers, 'worker')} to become overdue or expired"


def late_workers_named(late: MadeLate) -> str:
    """Who a policy change would make late, as its page names them: "They are Ada Ashdown
    (1001) and Bryn Birchley (1002).", or the first few of them and how many more."""
    return named_in_a_sentence(late.named, late.workers, one="That worker", many="They")


def team_in_numbers(*, total: int, late: int, due: int) -> str:
    """The team page's count of who must act, each person by their most urgent module: "5
    people: 2 with training overdue or expired, 1 more with training due.", "1 person: 1 with
    training due.", "3 people, all up to date with their training." A count of 0 is left out:
    "0 with training overdue or expired" read as if it mattered."""
    people = counted(total, "person", "people")
    if not late and not due:
        return f"{people}, {'all ' if total > 1 else ''}up to date with their training."
    clauses = []
    if late:
        clauses.append(f"{with_commas(late)} with training overdue or expired")
    if due:
        # "more" only after the late, whom these are counted apart from.
        clauses.append(f"{with_commas(due)}{' more' if late else ''} with training due")
    return f"{people}: {', '.join(clauses)}."


def made_late_summary(late: MadeLate) -> dict:
    """What a policy change refused would make late, as its page says it: a heading, who they
    are, the tick box's words, and a row per module of the workers made overdue and expired."""
    return {
        "heading": f"This change would make {counted(late.workers, 'worker')} overdue or expired "
        "at once",
        "named": late_workers_named(late),
        "tick": expect_late_label(late.workers),
        "rows": [
            [
                Module(module).label,
                *(
                    {"text": with_commas(late.modules[module][status]), "format": "numeric"}
                    for status in LATE
                ),
            ]
            for module in MODULE_ORDER
        ],
    }


# --- an import's rows with problems -----------------------------------------------------

# The words that begin what a reason says of its cell, after the cell's own value if it gives
# one ("“x” is not an email address", "1 January 2030 is in the future", "is empty").
SAID = ("is ", "has ", "should ")
# A duplicate employee number names the row it came first on: one kind, whichever row that is.
EARLIER_ROW = re.compile(r"\bon row [0-9,]+")


@dataclass(frozen=True)
class Reason:
    """A row's problem in its parts: what it says of this row's cell, with its value ("“2024-13-01”
    is not a real date"), the kind of problem without the value ("not a real date"), and what
    is said of every problem of that kind ("dates are read as …"; "" for none)."""

    said: str
    kind: str
    explanation: str


def reason_in_parts(reason: str) -> Reason:
    """`reason` (a RowError's) in its parts; one it cannot part is its own kind."""
    value, rest = "", reason
    if reason.startswith("“") and "” " in reason:
        end = reason.index("” ") + 2
        value, rest = reason[:end], reason[end:]
    elif not reason.startswith(SAID) and " is " in reason:
        before, _, after = reason.partition(" is ")
        value, rest = f"{before} ", f"is {after}"
    said, _, explanation = rest.partition(": ")
    kind = EARLIER_ROW.sub("on an earlier row", said.removeprefix("is "))
    return Reason(value + said, kind, explanation)


@dataclass
class ProblemKind:
    """The problems of one kind in one column, and the rows that have one."""

    column: str
    kind: str
    explanation: str
    rows: set[int] = field(default_factory=set)

    def __str__(self) -> str:
        """As the page says it: "Assignment Start: not a real date — 300 rows. Dates are read
        as …"."""
        where = f"{self.column}: {self.kind}" if self.column else f"The row {self.kind}"
        text = f"{where} — {counted(len(self.rows), 'row')}"
        return f"{text}. {capitalised(self.explanation)}" if self.explanation else text


@dataclass(frozen=True)
class RowsWithProblems:
    """An import's table of rows with problems, as its result page shows it: each problem's row,
    column and what it says of the cell; above it, the problems by kind, each explained once."""

    rows: list[tuple[int, str, str]]
    kinds: list[ProblemKind]
    bad_rows: int  # every row with a problem, listed or not

    @property
    def listed_rows(self) -> int:
        # Rows, not problems: a row can have several, and the list stops at a number of problems.
        return len({row for row, _, _ in self.rows})

    @property
    def cut_short(self) -> bool:
        return self.bad_rows > self.listed_rows


def rows_with_problems(errors: list[RowError], *, bad_rows: int) -> RowsWithProblems:
    """The `errors` of rows (listed: the first MAX_LISTED_ERRORS of the problems of `bad_rows`
    rows), by row and by kind, the kind most rows have first."""
    rows, kinds = [], {}
    for error in errors:
        reason = reason_in_parts(error.reason)
        rows.append((error.row, error.column, reason.said))
        key = (error.column, reason.kind, reason.explanation)
        kinds.setdefault(key, ProblemKind(*key)).rows.add(error.row)
    by_rows = sorted(kinds.values(), key=lambda kind: len(kind.rows), reverse=True)
    return RowsWithProblems(rows, by_rows, bad_rows)
