"""Staff groups not on the ESR list and bands that are no Agenda for Change band, found on a
roster's rows: kept as written when imported, and named in the import's warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from speakup.core.words import counted, listed
from speakup.training.bands import band_normalised, band_rank
from speakup.training.roster.columns import BLANKS, esr_staff_group
from speakup.training.roster.results import ImportResult
from speakup.training.roster.row_checks import LENGTH_LIMITS

# Unknown staff groups (and bands) named in an import's warning; the rest are counted.
UNKNOWN_GROUPS_LISTED = 20
UNKNOWN_GROUPS = "Staff groups not on the ESR list were kept as written"
# Of a refused file: what importing it would do, so that one upload names them beside its bad
# rows rather than a second, once the rows are corrected.
UNKNOWN_GROUPS_REFUSED = "Staff groups not on the ESR list would be kept as written"
# A band with no rank (bands.band_rank): no "from band N up" rule reaches its workers, who take
# Listen Up only as line managers or leaders, so a mistyped one needs correcting (ADR 0020).
UNKNOWN_BANDS = (
    "Bands that are not Agenda for Change bands (Band 1 to Band 9, 8a to 8d) or VSM were kept "
    "as written, and no “Listen Up from band” rule reaches their workers (correct any that is "
    "a mistyped band)"
)
UNKNOWN_BANDS_REFUSED = (
    "Bands that are not Agenda for Change bands (Band 1 to Band 9, 8a to 8d) or VSM would be "
    "kept as written, and no “Listen Up from band” rule would reach their workers (correct any "
    "that is a mistyped band)"
)


# The row numbers kept, and named, of each unknown value: a few to find it by, never every row
# (a national roster's 1.5 million rows may share one).
ROWS_NAMED = 3


@dataclass
class Seen:
    """The rows a value is on: how many, and the first ROWS_NAMED row numbers."""

    rows: int = 0
    first: list[int] = field(default_factory=list)

    def add(self, row: int) -> None:
        self.rows += 1
        if len(self.first) < ROWS_NAMED:
            self.first.append(row)

    def take(self, other: Seen) -> None:
        self.rows += other.rows
        self.first = sorted([*self.first, *other.first])[:ROWS_NAMED]

    def __str__(self) -> str:
        """ "row 3", "rows 3 and 17", "12 rows: 4, 9, 15 and 9 more"."""
        numbers = [f"{row:,}" for row in self.first]
        if self.rows == len(numbers):
            return f"{'row' if self.rows == 1 else 'rows'} {listed(numbers)}"
        return f"{self.rows:,} rows: {listed([*numbers, f'{self.rows - len(numbers):,} more'])}"


@dataclass
class Unknowns:
    """The rows of a file by staff group not on the ESR list and by band no rule can rank."""

    staff_groups: dict[str, Seen] = field(default_factory=dict)
    bands: dict[str, Seen] = field(default_factory=dict)

    def note(self, *, row: int, staff_group: str | None = None, band: str | None = None) -> None:
        """Count `row` under its unknown `staff_group` and `band` (None: known, or none)."""
        for found, value in ((self.staff_groups, staff_group), (self.bands, band)):
            if value:
                found.setdefault(value, Seen()).add(row)

    def count(self, row: int, cells: list[str], positions: dict[str, int]) -> None:
        """Count the bad row `row` of `cells` (as many as the header's columns), as a good
        row's values are counted in _checked_rows: whatever else is wrong with a row, a cell
        that is itself fine is read, so that a refused file names a "Band 10" before its second
        upload."""
        group = cells[positions["staff_group"]].strip(BLANKS)
        if len(group) > LENGTH_LIMITS["staff_group"] or esr_staff_group(group) is not None:
            group = ""  # too long is the row's problem; on the list is no unknown
        band = cells[positions["band"]].strip(BLANKS) if "band" in positions else ""
        if len(band) > LENGTH_LIMITS["band"]:
            band = ""
        elif band:
            band = band_normalised(band)
            band = band if band_rank(band) is None else ""
        self.note(row=row, staff_group=group, band=band)

    def take(self, other: Unknowns) -> None:
        """Count `other`'s rows too: a refused file's bad rows beside its rows without
        problems."""
        for found, more in ((self.staff_groups, other.staff_groups), (self.bands, other.bands)):
            for value, seen in more.items():
                found.setdefault(value, Seen()).take(seen)


def note_unknown_values(result: ImportResult, found: Unknowns) -> None:
    """Name in `result`'s warnings the staff groups and bands `found` on the file's rows, not
    of the whole roster: one import's warning is its own. Of a refused file, what importing it
    would keep: its rows without problems' and its bad rows' (Unknowns)."""
    imported = result.imported
    result.unknown_staff_groups, result.unknown_staff_groups_first_rows = _note_unknown(
        result,
        found.staff_groups,
        UNKNOWN_GROUPS if imported else UNKNOWN_GROUPS_REFUSED,
        "more group",
    )
    result.unknown_bands, result.unknown_bands_first_rows = _note_unknown(
        result,
        found.bands,
        UNKNOWN_BANDS if imported else UNKNOWN_BANDS_REFUSED,
        "more band",
    )


def _note_unknown(
    result: ImportResult, found: dict[str, Seen], what: str, more: str
) -> tuple[dict[str, int], dict[str, list[int]]]:
    """The first of the values `found` kept as written though not on their list (staff groups,
    bands), named with their rows in a warning in `result` that says `what` of them, the rest
    counted as `more` ("3 more groups"): each one's rows, and its first row numbers."""
    every = sorted(found.items())
    named = every[:UNKNOWN_GROUPS_LISTED]
    if named:
        rest = len(every) - len(named)
        result.warnings.append(
            f"{what}: "
            + ", ".join(f"{value} ({seen})" for value, seen in named)
            + (f", and {counted(rest, more)}" if rest else "")
            + "."
        )
    return {value: seen.rows for value, seen in named}, {value: seen.first for value, seen in named}
