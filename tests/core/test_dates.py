"""Every date and time is written the one way people in England read them (core.dates)."""

import datetime

from django.template import engines

from speakup.core.dates import (
    day_in_words,
    moment_in_words,
    more_than_a_year_ahead,
    more_than_years_ahead,
    years_after,
)

SUMMER_EVENING = datetime.datetime(2026, 7, 1, 22, 5, tzinfo=datetime.UTC)  # 11:05pm in London


def test_a_day_is_written_in_words_and_a_moment_in_uk_time_on_the_12_hour_clock():
    assert day_in_words(datetime.date(2026, 5, 1)) == "1 May 2026"
    assert day_in_words(None) == "" and moment_in_words(None) == ""
    assert day_in_words(datetime.date(1, 1, 1)) == "1 January 0001"  # not "1 January 1"
    assert moment_in_words(SUMMER_EVENING) == "1 July 2026 at 11:05pm"
    assert day_in_words(datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)) == (
        "2 July 2026"  # already the next day in London
    )
    midday = datetime.datetime(2026, 1, 5, 12, 0, tzinfo=datetime.UTC)
    assert moment_in_words(midday) == "5 January 2026 at 12:00pm"
    assert moment_in_words(midday.replace(hour=0)) == "5 January 2026 at 12:00am"


def test_pages_write_them_through_the_day_and_moment_filters():
    template = engines["jinja2"].from_string("{{ d|day }}; {{ m|moment }}")
    rendered = template.render({"d": datetime.date(2026, 4, 1), "m": SUMMER_EVENING})
    assert rendered == "1 April 2026; 1 July 2026 at 11:05pm"


def test_a_year_after_29_february_is_28_february():
    assert years_after(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert years_after(datetime.date(2026, 11, 26)) == datetime.date(2027, 11, 26)
    assert years_after(datetime.date(2028, 2, 29), -3) == datetime.date(2025, 2, 28)


def test_a_date_too_far_ahead_is_refused_naming_the_last_day_allowed():
    assert more_than_a_year_ahead("The start date", datetime.date(2027, 11, 26)) == (
        "The start date must be no more than a year from today: 26 November 2027 or earlier"
    )
    assert more_than_years_ahead("The review date", datetime.date(2028, 11, 26), years=2) == (
        "The review date must be no more than 2 years from today: 26 November 2028 or earlier"
    )
