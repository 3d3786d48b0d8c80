"""Financial quarters: "2026-Q3" is October to December 2026 (the year is when the year starts).

Q1 is April–June, Q2 July–September, Q3 October–December, Q4 January–March of the next
calendar year. A quarter runs from midnight at its start to midnight at its end, in
Europe/London (so the clocks changing does not move a case into another quarter).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")
FIRST_YEAR = 2015  # before the national data collection began
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_PATTERN = re.compile(r"^(\d{4})-Q(\d)$")


class QuarterError(ValueError):
    """A quarter string that cannot be used; the message says why, in plain English."""


@dataclass(frozen=True, order=True)
class Quarter:
    financial_year: int  # the calendar year in which the financial year starts
    number: int  # 1 to 4

    def __post_init__(self):
        if self.number not in (1, 2, 3, 4):
            raise QuarterError("There are only four quarters, Q1 to Q4")

    def __str__(self) -> str:
        return f"{self.financial_year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        month = 4 + 3 * (self.number - 1)
        year = self.financial_year
        if month > 12:
            month, year = month - 12, year + 1
        return date(year, month, 1)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next().first_day.toordinal() - 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=LONDON)

    @property
    def end(self) -> datetime:
        """The first instant after the quarter (exclusive)."""
        return self.next().start

    @property
    def year_label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    @property
    def months(self) -> str:
        first, last = self.first_day, self.last_day
        return f"{_MONTH_NAMES[first.month - 1]} to {_MONTH_NAMES[last.month - 1]} {last.year}"

    @property
    def label(self) -> str:
        """ "Q3 2026/27 (October to December 2026)"."""
        return f"Q{self.number} {self.year_label} ({self.months})"

    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.financial_year + 1, 1)
        return Quarter(self.financial_year, self.number + 1)

    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.financial_year - 1, 4)
        return Quarter(self.financial_year, self.number - 1)

    def earlier_in_year(self) -> list["Quarter"]:
        """The quarters of the same financial year before this one (Q1–Q3 for Q4)."""
        return [Quarter(self.financial_year, n) for n in range(1, self.number)]

    def has_started(self, today: date | None = None) -> bool:
        return self.first_day <= (today or timezone.localdate())

    def has_ended(self, today: date | None = None) -> bool:
        return self.last_day < (today or timezone.localdate())


def quarter_of(day: date) -> Quarter:
    financial_year = day.year if day.month >= 4 else day.year - 1
    return Quarter(financial_year, ((day.month - 4) % 12) // 3 + 1)


def current_quarter(today: date | None = None) -> Quarter:
    return quarter_of(today or timezone.localdate())


def parse_quarter(text: str, *, today: date | None = None) -> Quarter:
    """Read "2026-Q3"; refuse anything else, and quarters that have not started yet."""
    raw = (text or "").strip()
    if not raw:
        raise QuarterError("Enter a quarter, like 2026-Q3")
    match = _PATTERN.match(raw.upper())
    if not match:
        if re.match(r"^\d{2}-Q\d$", raw.upper()):
            raise QuarterError(f"Write the year in full, like 20{raw[:2]}-{raw[3:].upper()}")
        raise QuarterError(
            f"{raw!r} is not a quarter: write the year the financial year starts, "
            "a hyphen, Q and the quarter number, like 2026-Q3"
        )
    year, number = int(match[1]), int(match[2])
    if number not in (1, 2, 3, 4):
        raise QuarterError(
            f"There is no Q{number}: quarters run from Q1 (April to June) to Q4 (January to March)"
        )
    if year < FIRST_YEAR:
        raise QuarterError(f"Choose a quarter from {FIRST_YEAR} onwards")
    quarter = Quarter(year, number)
    # Compared as quarters, not days: the last quarters of 9999 end in a year no date can hold.
    if quarter > current_quarter(today):
        named = f"{quarter} ({quarter.months})" if year < date.max.year else str(quarter)
        raise QuarterError(f"{named} has not started yet: choose a quarter that has")
    return quarter
