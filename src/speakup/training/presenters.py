"""Training values as pages and reports show them."""

from __future__ import annotations

import datetime

from speakup.core.dates import day_in_words
from speakup.core.words import counted
from speakup.training.content import MODULE_ORDER
from speakup.training.models import Module
from speakup.training.queries import LATE
from speakup.training.tallies import MadeLate


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


def expect_late_label(workers: int) -> str:
    """The policy page's tick box that lets a change make `workers` late at once."""
    return f"I expect {counted(workers, 'worker')} to become overdue or expired"


def made_late_summary(late: MadeLate) -> dict:
    """What a policy change refused would make late, as its page says it: a heading, the tick
    box's words, and a row per module of the workers made overdue and expired."""
    return {
        "heading": f"This change would make {counted(late.workers, 'worker')} overdue or expired "
        "at once",
        "tick": expect_late_label(late.workers),
        "rows": [
            [
                Module(module).label,
                *({"text": late.modules[module][status], "format": "numeric"} for status in LATE),
            ]
            for module in MODULE_ORDER
        ],
    }
