"""Dates and times as people in England read them: "1 May 2026", "1 May 2026 at 2:05pm".

The one way every page, email and PDF writes a date (the Jinja filters `day` and `moment` are
these functions). Times are UK time, on the 12-hour clock with am and pm, as the NHS writes them.
"""

from datetime import date, datetime

from django.utils import timezone


def day_in_words(value: date | datetime | None) -> str:
    """1 May 2026. A moment becomes its day in UK time; nothing at all is an empty string."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def moment_in_words(value: datetime | None) -> str:
    """1 May 2026 at 2:05pm, in UK time; an empty string for nothing."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    return f"{day_in_words(local.date())} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
