"""Agenda for Change pay bands: one spelling on the roster, and the order "from band N up" reads.

Rosters write a band many ways ("5", "band 5", "BAND 5", "Band5"); the roster keeps one
("Band 5") so the dashboard counts each band once. A value that is not a band ("Medical",
"Consultant", "Band 10") is kept as given and warned of by the import; it has no rank, so no
"from band N up" rule reaches it (docs/training.md, section 1).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Band 1 is closed to new staff but still held by some; 8 is split into 8a to 8d.
AFC_BANDS = [
    *(f"Band {number}" for number in range(1, 8)),
    *(f"Band 8{letter}" for letter in "abcd"),
    "Band 9",
]
VERY_SENIOR_MANAGER = "VSM"
_SPELLING = re.compile(r"(?:band)?\s*(8\s*[a-d]|[1-79])", re.IGNORECASE)


@lru_cache(maxsize=4096)  # a roster of 1.5 million rows holds a few dozen spellings
def band_normalised(text: str) -> str:
    """'5', 'band 5', 'BAND 5', 'Band5' -> 'Band 5'; '8D' -> 'Band 8d'; 'vsm' -> 'VSM'; any
    other value as given."""
    found = _SPELLING.fullmatch(text.strip())
    if found:
        return "Band " + found.group(1).replace(" ", "").lower()
    if text.strip().casefold() in {"vsm", "very senior manager"}:
        return VERY_SENIOR_MANAGER
    return text


def band_code(text: str) -> str:
    """A band as a training policy stores it (its choice on the form): '6', 'band 6', 'Band 6'
    -> '6'; 'vsm' -> 'VSM'; any other value as given."""
    band = band_normalised(text)
    return band.removeprefix("Band ") if band in AFC_BANDS else band


# Each band's place in "from band N up": its number and letter; VSM ranks above band 9.
_RANKS = {
    **{band: (int(band[5]), band[6:]) for band in AFC_BANDS},
    VERY_SENIOR_MANAGER: (10, ""),
}


def band_rank(band: str) -> tuple[int, str] | None:
    """'Band 8a' (or '8A', 'band 8a') -> (8, 'a'); 'VSM' -> (10, ''), above band 9; None for
    a value that is no Agenda for Change band in a spelling the roster import reads ('Band
    10', 'Consultant', ''). A band without a rank is under no "from band N up" rule."""
    return _RANKS.get(band_normalised(band))


def band_order(band: str) -> tuple:
    """Where `band` goes in a list of bands: in Agenda for Change order (Band 1 to 7, 8a to
    8d, 9, then VSM), then the bands without a rank by their text, then no band ('')."""
    if not band:
        return (2,)
    rank = band_rank(band)
    return (0, rank) if rank else (1, band.casefold())


def bands_from(from_band: str) -> list[str]:
    """The bands (as a policy stores them: '5', '8a', 'VSM') that "from `from_band` up" covers."""
    lowest = band_rank(from_band or "")
    if not lowest:
        return []
    codes = [band_code(band) for band in AFC_BANDS] + [VERY_SENIOR_MANAGER]
    return [code for code in codes if band_rank(code) >= lowest]
