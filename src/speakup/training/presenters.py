"""Training values as pages and reports show them."""

from __future__ import annotations

import datetime

from speakup.core.dates import day_in_words
from speakup.core.numbers import with_commas
from speakup.core.words import counted, named_in_a_sentence
from speakup.training.bands import VERY_SENIOR_MANAGER, band_normalised
from speakup.training.content import MODULE_ORDER
from speakup.training.models import Module, TrainingPolicy
from speakup.training.queries import LATE, mandatory_flag
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


def policy_changes(policy: TrainingPolicy, *, today: datetime.date) -> list[str]:
    """How the policy differs from the national recommendation, one sentence per change; none
    while it is the recommendation untouched (saved unchanged or never saved)."""
    national = TrainingPolicy()
    changes = []
    for module in MODULE_ORDER:
        title = Module(module).label
        mandatory, since = mandatory_flag(
            getattr(policy, f"{module}_mandatory"),
            getattr(policy, f"{module}_mandatory_from"),
            today=today,
        )
        if mandatory or since:
            wording = mandatory_wording(mandatory, since)
            changes.append(f"{title} is {wording[:1].lower()}{wording[1:]}")
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
