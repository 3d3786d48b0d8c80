"""A reporting period: any run of whole days, from a start day to an end day (both included).

Any dates that have passed will do for an organisation's guardians. Everyone else reads
standard periods only: whole financial years, half-years and (national view) quarters that
have ended, so that two reports a day apart cannot be subtracted to single out one case
(docs/adr/0012-standard-report-periods.md).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from speakup.core.dates import day_in_words
from speakup.reporting.quarters import FIRST_YEAR, LONDON, Quarter, quarter_of


class PeriodError(ValueError):
    """A period that cannot be reported on; `field` says which date is wrong."""

    def __init__(self, message: str, field: str = "end"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=LONDON)

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive)."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=LONDON)

    @property
    def label(self) -> str:
        return f"{day_in_words(self.first_day)} to {day_in_words(self.last_day)}"

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def quarters(self) -> list[Quarter]:
        """The financial quarters the period touches, in order."""
        found = [quarter_of(self.first_day)]
        while found[-1].last_day < self.last_day:
            found.append(found[-1].next())
        return found

    def query(self) -> dict[str, str]:
        return {"start": self.first_day.isoformat(), "end": self.last_day.isoformat()}


def make_period(first_day: date, last_day: date, *, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    if first_day.year < FIRST_YEAR:
        raise PeriodError(f"Choose a start date from {FIRST_YEAR} onwards", "start")
    if first_day > today:
        raise PeriodError(
            "The period lies in the future: choose a start date that has passed", "start"
        )
    if last_day < first_day:
        raise PeriodError("The end date must be the same as or after the start date", "end")
    if last_day > today:
        raise PeriodError(
            "The period cannot end in the future: choose an end date on or before "
            f"{day_in_words(today)}",
            "end",
        )
    return Period(first_day, last_day)


def last_half_year(today: date | None = None) -> Period:
    """The latest financial half-year that has ended: April–September or October–March."""
    today = today or timezone.localdate()
    quarter = quarter_of(today).previous()
    while quarter.number not in (2, 4):
        quarter = quarter.previous()
    return Period(quarter.previous().first_day, quarter.last_day)


def last_year(today: date | None = None) -> Period:
    """The latest financial year (April to March) that has ended."""
    today = today or timezone.localdate()
    year = quarter_of(today).financial_year - 1
    return Period(Quarter(year, 1).first_day, Quarter(year, 4).last_day)


# The parts of a financial year a report can cover, by the code the period chooser sends.
PART_LABELS = {
    "year": "The whole year (April to March)",
    "h1": "April to September",
    "h2": "October to March",
    "q1": "Q1: April to June",
    "q2": "Q2: July to September",
    "q3": "Q3: October to December",
    "q4": "Q4: January to March",
}
# quarter numbers each part runs over
_PART_QUARTERS = {
    "year": (1, 4),
    "h1": (1, 2),
    "h2": (3, 4),
    "q1": (1, 1),
    "q2": (2, 2),
    "q3": (3, 3),
    "q4": (4, 4),
}
BOARD_REPORT_PARTS = ("year", "h1", "h2")
NATIONAL_PARTS = (*BOARD_REPORT_PARTS, "q1", "q2", "q3", "q4")


def standard_period(financial_year: int, part: str) -> Period:
    """A part of the financial year that starts in April of `financial_year`."""
    first, last = _PART_QUARTERS[part]
    return Period(Quarter(financial_year, first).first_day, Quarter(financial_year, last).last_day)


def part_of(period: Period, parts=NATIONAL_PARTS) -> str | None:
    """Which of `parts` the period is exactly, or None when it is some other run of days."""
    year = quarter_of(period.first_day).financial_year
    return next((part for part in parts if standard_period(year, part) == period), None)


def financial_years(parts, today: date | None = None) -> list[int]:
    """The financial years with a part that has ended, newest first."""
    today = today or timezone.localdate()
    latest = quarter_of(today).financial_year
    if not any(has_ended(standard_period(latest, part), today) for part in parts):
        latest -= 1
    return list(range(latest, FIRST_YEAR - 1, -1))


def has_ended(period: Period, today: date) -> bool:
    """Over: its last day is before today (a period ending today changes hour by hour)."""
    return period.last_day < today


def latest_ended(parts, today: date | None = None) -> Period:
    """The newest figures that may be shown: the period of `parts` to have ended last, and the
    longest of those that ended that day (April to September rather than its Q2)."""
    today = today or timezone.localdate()
    year = financial_years(parts, today)[0]
    ended = [standard_period(year, part) for part in parts]
    return max(
        (period for period in ended if has_ended(period, today)),
        key=lambda period: (period.last_day, period.days),
    )


def periods_in_words(parts) -> str:
    if "q1" in parts:
        return (
            "a whole financial quarter, half-year (April to September, or October to March) "
            "or year (April to March)"
        )
    return (
        "a financial year (April to March) or half-year (April to September, or October to March)"
    )


def standard_period_problem(period: Period, parts, today: date | None = None) -> str:
    """Why someone who may read only standard periods cannot read this one ("" if they can).

    A period must have ended, not just begun its last day: cases raised today would otherwise
    change its figures from one hour to the next.
    """
    today = today or timezone.localdate()
    if part_of(period, parts) is None:
        return f"{period.label} is not {periods_in_words(parts)}: choose one below"
    if not has_ended(period, today):
        return f"{period.label} has not ended yet: choose a period that has ended"
    return ""
