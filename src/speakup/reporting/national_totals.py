"""The national view's lines that add up other lines: a region its organisations, England its
regions. Each organisation's line hides its own small figures; a line adding them up is
shown only where subtracting the lines shown beside it gives none of them away
(docs/reporting.md, "Regions and England"). The one place that decides it, for the page, its
charts and the CSV alike."""

from collections.abc import Callable, Sequence
from typing import Protocol

from speakup.reporting.disclosure import (
    SMALL,
    Shown,
    complementary,
    gives_a_part_away,
    suppress_count,
    threshold,
)

# The speaking-up shares, by the counts they are of: (part, whole).
SHARES = {
    "acknowledged_in_time": ("acknowledged_in_time", "acknowledge_due"),
    "feedback_in_time": ("feedback_in_time", "feedback_due"),
    "overdue_share": ("overdue_cases", "open_cases"),
    "speak_up_again": ("feedback_yes", "feedback_received"),
}


class Line(Protocol):
    raw: dict
    cases: Shown
    measures: dict[str, Shown]
    parts: list


Bounds = list[tuple[int, int]]


def total_cases(parts: Sequence[Line]) -> Shown:
    """The number of cases of a line adding up `parts`, as it may be shown beside them."""
    limit = threshold()
    shown = suppress_count(sum(part.raw["total_cases"] for part in parts))
    if shown.suppressed:
        return shown
    known, hidden = _cases_left(parts, limit)
    return complementary() if gives_a_part_away(shown.value - known, hidden) else shown


def protected_shares(line: Line) -> dict[str, Shown]:
    """The line's measures with every speaking-up share hidden that, beside its parts' shares,
    would give a hidden one away; all of them beside a hidden number of cases, which a share
    could give back (8 in time is 53.3% of 15 alone of the 13 to 16 cases it could be)."""
    measures = dict(line.measures)
    for key, (part, whole) in SHARES.items():
        if measures[key].suppressed:
            continue
        if line.cases.suppressed or any(
            _share_gives_away(line, key, counts) for counts in _sides(part, whole)
        ):
            measures[key] = complementary()
    return measures


def _sides(part: str, whole: str) -> tuple[Callable[[dict], int], ...]:
    """A share's two sides, each a count of people: those in it, and the rest of its whole."""
    return (lambda raw: raw[part], lambda raw: raw[whole] - raw[part])


def _cases_left(parts: Sequence[Line], limit: int) -> tuple[int, Bounds]:
    """The cases of the parts that are shown (a part hidden beside its own parts counts by
    them), and the least and most each hidden one's line lets it be."""
    known, hidden = 0, []
    for part in parts:
        if not part.cases.suppressed:
            known += part.raw["total_cases"]
        elif part.cases.reason == SMALL or not part.parts:
            # "fewer than 5": at least one case for each part of it that is not 0.
            least = sum(1 for inner in part.parts if inner.raw["total_cases"]) or 1
            hidden.append((least, limit - 1))
        else:
            inner_known, inner_hidden = _cases_left(part.parts, limit)
            known += inner_known
            hidden += inner_hidden
    return known, hidden


def _share_gives_away(line: Line, key: str, counts: Callable[[dict], int]) -> bool:
    known, hidden = _share_left(line.parts, key, counts)
    return gives_a_part_away(counts(line.raw) - known, hidden)


def _share_left(parts: Sequence[Line], key: str, counts: Callable[[dict], int]):
    """As _cases_left, for one side of a share (its part, or its whole less the part): a hidden
    share's side lies between none and its whole."""
    whole = SHARES[key][1]
    known, hidden = 0, []
    for part in parts:
        if not part.measures[key].suppressed:
            known += counts(part.raw)
        elif not part.parts:
            hidden.append((0, part.raw[whole]))
        else:
            inner_known, inner_hidden = _share_left(part.parts, key, counts)
            known += inner_known
            hidden += inner_hidden
    return known, hidden
