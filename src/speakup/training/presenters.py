"""Training values as pages and reports show them."""

from __future__ import annotations

import datetime

from speakup.core.dates import day_in_words


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
