"""A reporting period: any run of whole days, from a start day to an end day (both included).

Board reports cover a half-year or a year in practice, but any dates that have passed will do.
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
