"""Words that change with a number: "1 row", "2 rows"; "Your message must be 20,000 characters
or fewer"."""

import math
from collections.abc import Sequence


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """The number (with thousands separated) and the word that goes with it: "1,234 rows"."""
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {word}"


def capitalised(text: str) -> str:
    """`text` beginning a sentence: its first letter a capital, the rest as written ("the Speak
    Up refresher period" -> "The Speak Up refresher period"; str.capitalize lowers the rest)."""
    return text[:1].upper() + text[1:]


def too_long(called: str, limit: int) -> str:
    """The refusal of text over its limit, on every form, service and API: "Your message must be
    20,000 characters or fewer"."""
    return f"{capitalised(called)} must be {limit:,} characters or fewer"


def wait_in_words(seconds: float) -> str:
    """A wait, rounded up so that it is never short: "1 second", "90 seconds", "3 minutes"."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= 2 * size:
            return counted(math.ceil(seconds / size), unit)
    return counted(max(math.ceil(seconds), 1), "second")


def listed(words: list[str], last: str = "and") -> str:
    """Words as a sentence lists them: "Band", "Band and Email", "Band, Email and Job Role"."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def named_in_a_sentence(named: Sequence[str], total: int, *, one: str, many: str) -> str:
    """The first few of `total` workers, `named`, in a sentence that says how many more there
    are: "That worker is Ada Ashdown (1001).", "They are Ada Ashdown (1001) and Bryn Birchley
    (1002).", "They include Ada Ashdown (1001), Bryn Birchley (1002) and 3 more workers." (with
    `one` "That worker" and `many` "They")."""
    more = total - len(named)
    if more:
        return f"{many} include {', '.join(named)} and {counted(more, 'more worker')}."
    who, are = (one, "is") if total == 1 else (many, "are")
    return f"{who} {are} {listed(list(named))}."
