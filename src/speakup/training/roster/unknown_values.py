"""Staff groups not on the ESR list and bands that are no Agenda for Change band, found on a
roster's rows: kept as written when imported, and named in the import's warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from speakup.core.words import counted
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


@dataclass
class Unknowns:
    """Rows by staff group not on the ESR list and by band no rule can rank, of a file's bad
    rows: whatever else is wrong with a row, a cell that is itself fine is read, so that a
    refused file names a "Band 10" before its second upload."""

    staff_groups: dict[str, int] = field(default_factory=dict)
    bands: dict[str, int] = field(default_factory=dict)

    def count(self, cells: list[str], positions: dict[str, int]) -> None:
        """Count the bad row of `cells` (as many as the header's columns), as a good row's
        values are counted in _checked_rows."""
        group = cells[positions["staff_group"]].strip(BLANKS)
        if group and len(group) <= LENGTH_LIMITS["staff_group"] and esr_staff_group(group) is None:
            self.staff_groups[group] = self.staff_groups.get(group, 0) + 1
        band = cells[positions["band"]].strip(BLANKS) if "band" in positions else ""
        if band and len(band) <= LENGTH_LIMITS["band"]:
            band = band_normalised(band)
            if band_rank(band) is None:
                self.bands[band] = self.bands.get(band, 0) + 1

    def add_to(self, result: ImportResult) -> None:
        """Count them in `result` beside its rows without problems: of a refused file."""
        for found, of_bad_rows in (
            (result.unknown_staff_groups, self.staff_groups),
            (result.unknown_bands, self.bands),
        ):
            for value, rows in of_bad_rows.items():
                found[value] = found.get(value, 0) + rows


def note_unknown_values(result: ImportResult) -> None:
    """Name in `result`'s warnings the staff groups and bands of the file's rows, not of the
    whole roster: one import's warning is its own. Of a refused file, what importing it would
    keep: its rows without problems' and its bad rows' (Unknowns)."""
    imported = result.imported
    result.unknown_staff_groups = _note_unknown(
        result,
        result.unknown_staff_groups,
        UNKNOWN_GROUPS if imported else UNKNOWN_GROUPS_REFUSED,
        "more group",
    )
    result.unknown_bands = _note_unknown(
        result,
        result.unknown_bands,
        UNKNOWN_BANDS if imported else UNKNOWN_BANDS_REFUSED,
        "more band",
    )


def _note_unknown(result: ImportResult, found: dict[str, int], what: str, more: str) -> dict:
    """The first of the values `found` (value -> rows) kept as written though not on their
    list (staff groups, bands), named in a warning in `result` that says `what` of them, the
    rest counted as `more` ("3 more groups")."""
    every = sorted(found.items())
    named = dict(every[:UNKNOWN_GROUPS_LISTED])
    if named:
        rest = len(every) - len(named)
        result.warnings.append(
            f"{what}: "
            + ", ".join(f"{value} ({counted(count, 'row')})" for value, count in named.items())
            + (f", and {counted(rest, more)}" if rest else "")
            + "."
        )
    return named
