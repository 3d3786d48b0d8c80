"""Statistical disclosure control: the one place that decides how a count of people is shown.

Every figure that leaves a guardian's own case list (board report, national view, CSV
downloads, charts) counts people who spoke up, so it goes through here. The rules, in plain
English, are in docs/reporting.md; in short:

- a count from 1 to threshold-1 is shown as "fewer than 5" (primary suppression);
- 0 is shown as 0 (nobody can be identified in an empty cell);
- in an exclusive table (each case in exactly one cell, cells adding up to the total), more
  cells are hidden ("not shown", secondary suppression) until no hidden cell can be worked out
  from the figures shown, and if that is impossible the total is hidden too;
- a share (percentage) is shown only when both of its counts are shown.

The attacker we defend against knows every figure shown, the threshold, these rules, and that
secondary cells are the smallest cells that were not already hidden.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings

from speakup.core.numbers import percent

SMALL = "small"  # primary: a count from 1 to threshold - 1
COMPLEMENTARY = "complementary"  # secondary: hidden so a small one cannot be worked out
NOT_SHOWN = "not shown"
NOT_APPLICABLE = "not applicable"
INFINITY = float("inf")


@dataclass(frozen=True)
class Shown:
    """A figure as it may be shown: its text, and its value only when it is shown."""

    value: int | float | None
    text: str
    suppressed: bool = False
    reason: str = ""

    def __str__(self) -> str:
        return self.text

    @property
    def export(self) -> int | float | str:
        """For CSV and JSON: the number the page shows, without its % sign or commas (a share
        of 20.0 is 20, as the page's "20%"; 57.1 stays 57.1), or, when none is shown, the
        words shown instead ("fewer than 5", "not applicable"): a blank cell would read as a
        figure missing."""
        if self.value is None:
            return self.text
        return int(self.value) if self.value == int(self.value) else self.value


@dataclass(frozen=True)
class Table:
    cells: dict[str, Shown]
    total: Shown | None
    exclusive: bool

    @property
    def any_suppressed(self) -> bool:
        shown = [*self.cells.values(), *([self.total] if self.total else [])]
        return any(cell.suppressed for cell in shown)


def threshold() -> int:
    return settings.SPEAKUP_SUPPRESSION_THRESHOLD


def small_text(limit: int | None = None) -> str:
    return f"fewer than {limit or threshold()}"


def _small(limit: int) -> Shown:
    return Shown(None, small_text(limit), suppressed=True, reason=SMALL)


def complementary() -> Shown:
    """A figure hidden so that a small one beside it cannot be worked out (rule 3)."""
    return Shown(None, NOT_SHOWN, suppressed=True, reason=COMPLEMENTARY)


def _plain(count: int) -> Shown:
    return Shown(count, f"{count:,}")


def suppress_count(count: int, *, limit: int | None = None) -> Shown:
    """One count on its own: 1 to limit - 1 becomes "fewer than <limit>"."""
    limit = limit or threshold()
    if count < 0:
        raise ValueError("a count cannot be negative")
    return _small(limit) if 0 < count < limit else _plain(count)


def suppress_share(part: Shown | int, whole: Shown | int, *, limit: int | None = None) -> Shown:
    """part as a percentage of whole, hidden when either count is hidden."""
    part = part if isinstance(part, Shown) else suppress_count(part, limit=limit)
    whole = whole if isinstance(whole, Shown) else suppress_count(whole, limit=limit)
    if part.suppressed or whole.suppressed:
        return Shown(None, NOT_SHOWN, suppressed=True, reason=SMALL)
    if not whole.value:
        return Shown(None, NOT_APPLICABLE)
    share = percent(part.value, whole.value, places=1)
    return Shown(share, f"{share:g}%")


def suppress_table(
    cells: Mapping[str, int],
    total: int | None = None,
    *,
    exclusive: bool,
    limit: int | None = None,
) -> Table:
    """Protect one table of counts.

    exclusive=True: every case is in exactly one cell (worker groups, feedback answers, the
    quarters of a year), so the cells add up to the total (computed when not given) and a
    hidden cell could be worked out by subtraction: secondary suppression applies.
    exclusive=False: a case may be in several cells (elements), so the cells add up to nothing
    shown and only primary suppression applies.
    """
    limit = limit or threshold()
    if limit < 3:
        raise ValueError("the suppression threshold must be at least 3")
    values = dict(cells)
    if any(value < 0 for value in values.values()):
        raise ValueError("a count cannot be negative")
    if not exclusive:
        return Table(
            cells={key: suppress_count(value, limit=limit) for key, value in values.items()},
            total=None if total is None else suppress_count(total, limit=limit),
            exclusive=False,
        )

    added = sum(values.values())
    if total is None:
        total = added
    elif total != added:
        raise ValueError(f"the cells of an exclusive table add up to {added}, not {total}")

    if 0 < total < limit:
        # Every cell is small: show them all (even the empty ones) as small, since which
        # cells are empty would otherwise pin the others down.
        return Table(
            cells={key: _small(limit) for key in values},
            total=_small(limit),
            exclusive=True,
        )

    primary = {key for key, value in values.items() if 0 < value < limit}
    secondary: list[str] = []
    total_hidden = False
    order = {key: index for index, key in enumerate(values)}
    while primary and not _all_protected(values, primary, secondary, total, limit):
        candidates = sorted(
            (value, order[key], key)
            for key, value in values.items()
            if value > 0 and key not in primary and key not in secondary
        )
        if not candidates:
            total_hidden = True
            break
        secondary.append(candidates[0][2])

    shown_cells = {}
    for key, value in values.items():
        if key in primary:
            shown_cells[key] = _small(limit)
        elif key in secondary:
            shown_cells[key] = complementary()
        else:
            shown_cells[key] = _plain(value)
    return Table(
        cells=shown_cells,
        total=complementary() if total_hidden else _plain(total),
        exclusive=True,
    )


def gives_a_part_away(
    residual: int, hidden: Sequence[tuple[int, int]], *, limit: int | None = None
) -> bool:
    """Whether a total shown beside its parts would tell what the hidden ones hide (rule 3).

    `residual` is the total less the parts shown; `hidden` gives, for each hidden part, the
    least and the most its own line lets it be. Subtraction then gives away a small number of
    people all told (1 to limit - 1), or one part's exact value: one part hidden alone, or all
    of them at their least or their most (two "fewer than 5" adding up to 8 are both 4).
    """
    if not hidden:
        return False
    limit = limit or threshold()
    if 0 < residual < limit:
        return True
    least = sum(low for low, _ in hidden)
    most = sum(high for _, high in hidden)
    return any(
        max(low, residual - (most - high)) >= min(high, residual - (least - low))
        for low, high in hidden
    )


def with_total_withheld(table: Table) -> Table:
    """An exclusive table whose total another table over the same cases had to hide (rule 3):
    shown as it was, its cells would add up to that total, and the other table's hidden cells
    could then be worked out from it. So every non-empty cell is "not shown" too, which tells
    only that it is not empty; a table that hid its own total is left as it is."""
    if table.total is None or table.total.suppressed:
        return table
    return Table(
        cells={
            key: cell if cell.value == 0 else complementary() for key, cell in table.cells.items()
        },
        total=complementary(),
        exclusive=True,
    )


def feasible_ranges(
    values: Mapping[str, int], primary, secondary, total: int, limit: int
) -> dict[str, tuple[float, float]]:
    """What an attacker can say about each hidden cell of an exclusive table with its total shown.

    A small cell lies in [1, limit-1]; a complementary cell in [limit, smallest cell still shown]
    (it was chosen because it was the smallest); the hidden cells add up to the total minus the
    cells shown. With one equation and box bounds, each cell's feasible values form exactly the
    interval computed here.
    """
    hidden = [*primary, *secondary]
    shown_nonzero = [v for k, v in values.items() if k not in hidden and v > 0]
    cap = min(shown_nonzero) if shown_nonzero else INFINITY
    bounds = dict.fromkeys(primary, (1, limit - 1))
    bounds.update(dict.fromkeys(secondary, (limit, cap)))
    remainder = total - sum(v for k, v in values.items() if k not in hidden)
    low_sum = sum(low for low, _ in bounds.values())
    ranges = {}
    for key, (low, high) in bounds.items():
        others_high = _sum_without(bounds, key)
        ranges[key] = (max(low, remainder - others_high), min(high, remainder - (low_sum - low)))
    return ranges


def _sum_without(bounds, key) -> float:
    highs = [high for other, (_, high) in bounds.items() if other != key]
    return INFINITY if any(high == INFINITY for high in highs) else sum(highs)


def _all_protected(values, primary, secondary, total, limit) -> bool:
    ranges = feasible_ranges(values, primary, secondary, total, limit)
    return all(high - low >= 1 for low, high in ranges.values())
