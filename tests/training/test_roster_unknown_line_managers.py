"""A row whose Line Manager Employee Number is no active worker's puts its worker on no line
manager's team and out of every manager's reminders: the import still takes it (rosters come
in parts) but says so, with how many rows and a few of the numbers."""

import pytest

from speakup.training.models import StaffRecord
from speakup.training.roster.importing import staff_import
from tests.training.test_roster_import import (  # noqa: F401  (frozen, each_import_path: fixtures)
    EVERY_COLUMN,
    csv_file,
    each_import_path,
    frozen,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "each_import_path")]


def worker(number: int, manager: str = "", end: str = "", line_manager: str = "N") -> str:
    return (
        f"{number},W{number},Fictional,,Students,,,,{line_manager},N,N,2024-01-01,{end},{manager}"
    )


def warning_of(result) -> str:
    return next(w for w in result.warnings if "Line Manager Employee Number" in w)


def test_rows_naming_a_line_manager_nobody_is_are_counted_with_a_few_numbers(organisation):
    staff_import(
        organisation=organisation,
        file=csv_file(worker(1001, line_manager="Y"), header=EVERY_COLUMN),
    )
    rows = [
        worker(2001, "1001"),  # on the roster already
        worker(2002, "2010"),  # in this file
        worker(2003, "9001"),
        worker(2004, "9002"),
        worker(2005, "9001"),
        worker(2006, "9003"),
        worker(2007, "9004"),
        worker(2010, line_manager="Y"),
    ]
    result = staff_import(organisation=organisation, file=csv_file(*rows, header=EVERY_COLUMN))
    assert result.imported and result.created == 8
    assert result.unknown_line_manager_rows == 5
    assert result.unknown_line_managers == {"9001": [4, 2], "9002": [5, 1], "9003": [7, 1]}
    assert warning_of(result) == (
        "5 rows give a Line Manager Employee Number that matches no active worker in the "
        "organisation, so those workers are on no line manager's team and no manager is told "
        "about their training: 9001 (2 rows, first row 4), 9002 (row 5), 9003 (row 7) and 1 "
        "more row."
    )
    assert StaffRecord.objects.get(employee_number="2003").line_manager_number == "9001"


def test_a_line_manager_who_has_left_is_no_line_manager(organisation):
    staff_import(
        organisation=organisation,
        file=csv_file(
            worker(1001, line_manager="Y", end="2025-01-31"),
            worker(1002, line_manager="Y"),
            worker(1003, line_manager="Y"),
            header=EVERY_COLUMN,
        ),
    )
    # A whole roster: 1002 is not in it, so leaves with this import.
    rows = [worker(1003), worker(2001, "1001"), worker(2002, "1002"), worker(2003, "1003")]
    result = staff_import(
        organisation=organisation, file=csv_file(*rows, header=EVERY_COLUMN), full=True
    )
    assert result.imported and result.left == 1
    assert warning_of(result) == (
        "2 rows give a Line Manager Employee Number that matches no active worker in the "
        "organisation, so those workers are on no line manager's team and no manager is told "
        "about their training: 1001 (row 3) and 1002 (row 4)."
    )


def test_a_leavers_row_and_a_file_of_known_managers_give_no_warning(organisation):
    rows = [
        worker(1001, line_manager="Y"),
        worker(2001, "1001"),
        worker(2002, "9001", "2025-01-31"),
    ]
    result = staff_import(organisation=organisation, file=csv_file(*rows, header=EVERY_COLUMN))
    assert result.imported and result.unknown_line_manager_rows == 0
    assert not [w for w in result.warnings if "Line Manager Employee Number" in w]


def test_one_row_naming_nobody_is_spoken_of_as_one_worker(organisation):
    result = staff_import(
        organisation=organisation, file=csv_file(worker(2001, "9001"), header=EVERY_COLUMN)
    )
    assert warning_of(result).startswith(
        "1 row gives a Line Manager Employee Number that matches no active worker in the "
        "organisation, so that worker is on no line manager's team"
    )


def test_a_refused_file_says_nothing_of_line_managers(organisation):
    bad = "2002,,Fictional,,Students,,,,N,N,N,2024-01-01,,9001"
    result = staff_import(
        organisation=organisation, file=csv_file(worker(2001, "9001"), bad, header=EVERY_COLUMN)
    )
    assert not result.imported
    assert result.unknown_line_manager_rows == 0 and result.unknown_line_managers == {}
    assert not result.warnings
