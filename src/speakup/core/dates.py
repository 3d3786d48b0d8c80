"""Dates and times as people in England read them: "1 May 2026", "1 May 2026 at 2:05pm".

The one way every page, email and PDF writes a date (the Jinja filters `day` and `moment` are
these functions). Times are UK time, on the 12-hour clock with am and pm, as the NHS writes them.
"""

from datetime import date, datetime

from django.utils import timezone


def day_in_words(value: date | datetime | None) -> str:
    """1 May 2026. A moment becomes its day in UK time; nothing at all is an empty string.

    The year is always four digits: strftime's %Y writes the year 1 as "1", and "1 January 1"
    reads as a slip of the message rather than the year a file gave (a mistyped 0001).
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B} {value.year:04d}"


def years_after(day: date, years: int = 1) -> date:
    """The same day `years` on (back, if negative); from 29 February, 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def more_than_a_year_ahead(called: str, latest: date) -> str:
    """The refusal of a date typed too far ahead (a year mistyped, most likely): "The start date
    must be no more than a year from today: 26 November 2027 or earlier"."""
    return more_than_years_ahead(called, latest, years=1)


def more_than_years_ahead(called: str, latest: date, *, years: int) -> str:
    """The same refusal for a limit of `years`: "The review date must be no more than 2 years
    from today: 26 November 2028 or earlier"."""
    span = "a year" if years == 1 else f"{years} years"
    return f"{called} must be no more than {span} from today: {day_in_words(latest)} or earlier"


def moment_in_words(value: datetime | None) -> str:
    """1 May 2026 at 2:05pm, in UK time; an empty string for nothing."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    return f"{day_in_words(local.date())} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
