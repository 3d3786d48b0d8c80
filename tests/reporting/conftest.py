import pytest
import time_machine

from tests.reporting.board_report_fixtures import half_year_of_cases
from tests.reporting.factories import london


@pytest.fixture
def february_2027():
    """Today is 10 February 2027: Q3 2026 (October–December) has ended, Q4 is under way."""
    with time_machine.travel(london(2027, 2, 10, 9, 0), tick=False):
        yield


@pytest.fixture
def may_2027():
    """Today is 1 May 2027: the whole of 2026/27 has ended."""
    with time_machine.travel(london(2027, 5, 1, 9, 0), tick=False):
        yield


@pytest.fixture
def cases(organisation, other_organisation):
    """A half-year of cases in two organisations (files with cases of their own override it)."""
    return half_year_of_cases(organisation, other_organisation)
