"""Quarter strings: YYYY-Qn, YYYY the year the financial year starts; Q1 is April to June."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from speakup.reporting.quarters import Quarter, QuarterError, parse_quarter, quarter_of

TODAY = date(2027, 2, 10)
LONDON = ZoneInfo("Europe/London")


def test_2026_q3_is_october_to_december_2026():
    quarter = parse_quarter("2026-Q3", today=TODAY)
    assert (quarter.first_day, quarter.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.label == "Q3 2026/27 (October to December 2026)"


def test_q4_is_january_to_march_of_the_next_calendar_year():
    quarter = parse_quarter("2026-Q4", today=TODAY)
    assert (quarter.first_day, quarter.last_day) == (date(2027, 1, 1), date(2027, 3, 31))
    assert quarter.earlier_in_year() == [Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)]


def test_quarters_start_and_end_at_midnight_in_london_whatever_the_clocks_say():
    q1 = Quarter(2026, 1)
    assert q1.start == datetime(2026, 4, 1, tzinfo=LONDON)
    assert q1.start.utcoffset() == timedelta(hours=1)  # British Summer Time
    assert q1.end == datetime(2026, 7, 1, tzinfo=LONDON)
    assert Quarter(2026, 3).end.utcoffset() == timedelta(0)  # 1 January: GMT


def test_every_day_belongs_to_the_quarter_that_contains_it():
    assert quarter_of(date(2026, 4, 1)) == Quarter(2026, 1)
    assert quarter_of(date(2026, 6, 30)) == Quarter(2026, 1)
    assert quarter_of(date(2026, 12, 31)) == Quarter(2026, 3)
    assert quarter_of(date(2027, 3, 31)) == Quarter(2026, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-Q5", "There is no Q5: quarters run from Q1 (April to June) to Q4"),
        ("2026-Q0", "There is no Q0"),
        ("26-Q1", "Write the year in full, like 2026-Q1"),
        ("2026Q1", "is not a quarter"),
        ("2026-3", "is not a quarter"),
        ("", "Enter a quarter, like 2026-Q3"),
        ("1999-Q1", "Choose a quarter from 2015 onwards"),
        ("2027-Q1", "2027-Q1 (April to June 2027) has not started yet"),
        ("9999-Q4", "9999-Q4 has not started yet"),  # would end in the year 10000
    ],
)
def test_a_bad_quarter_is_refused_with_a_clear_message(text, message):
    with pytest.raises(QuarterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_quarter(text, today=TODAY)


def test_the_quarter_in_progress_can_be_looked_at_but_has_not_ended():
    quarter = parse_quarter("2026-q4", today=TODAY)
    assert quarter == Quarter(2026, 4)
    assert quarter.has_started(TODAY) and not quarter.has_ended(TODAY)
