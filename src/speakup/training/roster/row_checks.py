"""Checking a roster row's cells (required, lengths, emails, Y/N, dates) and reading the dates
rosters, completions files and xAPI statements give, with the reasons a cell is refused."""

from __future__ import annotations

import datetime
import functools
import re

from speakup.core.dates import day_in_words
from speakup.training.bands import band_normalised
from speakup.training.roster.columns import BLANKS, COLUMNS, REQUIRED_VALUES, esr_staff_group

YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0", ""}
YES_OR_NO = {**dict.fromkeys(YES, True), **dict.fromkeys(NO, False)}
YES_NO_COLUMNS = ["is_line_manager", "is_senior_leader", "is_board_member"]
DATE_COLUMNS = ["assignment_start", "assignment_end"]
LENGTH_LIMITS = {
    "employee_number": 30,
    "first_name": 100,
    "last_name": 100,
    "staff_group": 100,
    "job_role": 200,
    "directorate": 200,
    "band": 30,
    "email": 254,
    "line_manager_number": 30,
}
# Deliberately simple, and written so that Python's re and PostgreSQL's regular expressions
# read it the same way (the staged import checks it in SQL): one @, a dot in the domain, no
# spaces. An address that passes but is wrong only fails to link the worker to an account.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# The reasons a cell is refused, shared by both import paths ({} stands for the cell's text).
EMPTY = "is empty"
NOT_AN_EMAIL = "“{}” is not an email address"
NOT_YES_OR_NO = "“{}” should be Y or N"
END_BEFORE_START = "is before the assignment start"
ALREADY_ON_ROW = "{} is already on row {}"
OWN_LINE_MANAGER = "is the worker's own employee number"


def too_long(limit: int) -> str:
    return f"is longer than {limit} characters"


# The ways a date may be written (how spreadsheets in England write them): YYYY-MM-DD,
# DD/MM/YYYY, DD-MM-YYYY, and with the month's short name, 1 Feb 2024 or 01-Feb-2024.
DATE_PATTERNS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %b %Y", "%d-%b-%Y", "%d %B %Y")
# A date written in one of those shapes with numbers no calendar has (31/02/2024, or 12/31/2024
# written month first): "not a real date", said apart from a date written some other way.
DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}([/-])[0-9]{1,2}\1[0-9]{4}")


# Spreadsheets and exports write a time after a date ("2024-02-01 00:00:00", "01/02/2024 00:00"):
# the day is what counts. "Sept" is how many write September; Python reads only "Sep".
TIME_AFTER_DATE = re.compile(r"(?:\s+|T)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")
SEPT = re.compile(r"\bsept\b", re.IGNORECASE)
# What the patterns above read, said once: the upload pages' hints and the refusals all use it.
DATE_FORMS = (
    "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or with the month's name (1 February 2024, 1 Feb 2024, "
    "1 Sept 2024 or 01-Feb-2024), the day first and the year in full; a time after the date, "
    "as in 2024-02-01 00:00:00, is left aside"
)


def parse_date(text: str) -> datetime.date:
    """A date written in one of DATE_PATTERNS; ValueError saying what is wrong otherwise."""
    given = text.strip(BLANKS)
    text = SEPT.sub("Sep", TIME_AFTER_DATE.sub("", given))
    for pattern in DATE_PATTERNS:
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    if DATE_SHAPE.fullmatch(text):
        raise ValueError(f"“{given}” is not a real date: dates are read as {DATE_FORMS}")
    raise ValueError(f"“{given}” is not written as a date speakup reads: write it as {DATE_FORMS}")


# A day before 1900 is a slip (1899 for 1999) or a spreadsheet's day nought, never a real start
# or a real completion: rosters, completions files and xAPI statements refuse it alike.
EARLIEST_YEAR = 1900
TOO_LONG_AGO = f"is too long ago to be right: the year must be {EARLIEST_YEAR} or later"


def too_long_ago(day: datetime.date) -> bool:
    return day.year < EARLIEST_YEAR


@functools.lru_cache(maxsize=1 << 16)  # a roster repeats its dates: parse each once
def check_date(
    text: str, today: datetime.date, future_allowed: bool = False
) -> tuple[datetime.date | None, str]:
    """The day a date cell holds (None if it is not a date) and what is wrong with it ("" if
    nothing). Rosters and completions files check their dates by it."""
    try:
        day = parse_date(text)
    except ValueError as error:
        return None, str(error)
    if too_long_ago(day):
        return day, f"{day_in_words(day)} {TOO_LONG_AGO}"
    if not future_allowed and day > today:
        return day, f"{day_in_words(day)} is in the future"
    return day, ""


def _clean_row(
    cells: list[str], positions: dict[str, int], row: int, today: datetime.date, result
) -> dict | None:
    """A dict of field values, or None after adding this row's problems to `result`.

    Called for every row of files of a million rows and more: kept to one pass, no helpers.
    """
    width = len(cells)
    values: dict = dict.fromkeys(COLUMNS, "")
    for key, index in positions.items():
        if index < width:
            values[key] = cells[index].strip(BLANKS)
    problems: list[tuple[str, str]] = [
        (COLUMNS[key], EMPTY) for key in REQUIRED_VALUES if not values[key]
    ]
    for key, limit in LENGTH_LIMITS.items():
        if len(values[key]) > limit:
            problems.append((COLUMNS[key], too_long(limit)))
    if values["band"]:
        values["band"] = band_normalised(values["band"])  # one spelling a band (cached)
    if values["email"]:
        if EMAIL_PATTERN.match(values["email"]):
            values["email"] = values["email"].lower()
        else:
            problems.append((COLUMNS["email"], NOT_AN_EMAIL.format(values["email"])))
    for key in YES_NO_COLUMNS:
        answer = YES_OR_NO.get(values[key].casefold())
        if answer is None:
            problems.append((COLUMNS[key], NOT_YES_OR_NO.format(values[key])))
        values[key] = answer
    for key in DATE_COLUMNS:
        if values[key]:
            # An assignment may end ahead; none starts ahead.
            values[key], reason = check_date(values[key], today, key == "assignment_end")
            if reason:
                problems.append((COLUMNS[key], reason))
        else:
            values[key] = None
    if values["line_manager_number"] and values["line_manager_number"] == values["employee_number"]:
        problems.append((COLUMNS["line_manager_number"], OWN_LINE_MANAGER))
    start, end = values["assignment_start"], values["assignment_end"]
    if start and end and end < start:
        problems.append((COLUMNS["assignment_end"], END_BEFORE_START))
    if problems:
        for column, reason in problems:
            result.add_error(row, column, reason)
        return None
    group = esr_staff_group(values["staff_group"])
    values["staff_group_recognised"] = group is not None
    values["staff_group"] = group or values["staff_group"]
    values["active"] = end is None or end >= today
    return values
