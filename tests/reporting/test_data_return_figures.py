"""Every figure of the quarterly data return, against a hand-counted set of cases."""

from datetime import date

import pytest

from speakup.concerns.models import Confidentiality
from speakup.reporting import queries
from speakup.reporting.quarters import Quarter
from speakup.reporting.queries import COLUMNS
from tests.reporting.factories import london, make_case

Q3 = Quarter(2026, 3)  # October to December 2026
ANON = Confidentiality.ANONYMOUS


@pytest.fixture
def cases(organisation, other_organisation):
    """Five cases in Q3 2026, and a few just outside it or elsewhere that must not count."""
    make_case(
        organisation,
        received=london(2026, 10, 1, 0, 0),  # first minute of the quarter
        confidentiality=ANON,
        worker_group="nursing_midwifery",
        elements=["patient_safety", "worker_safety"],
        feedback="yes",
        feedback_at=london(2026, 11, 1),  # in Q3
    )
    make_case(
        organisation,
        received=london(2026, 11, 15),
        worker_group="nursing_midwifery",
        elements=["patient_safety"],
        feedback="no",
        feedback_at=london(2027, 1, 5),  # feedback in Q4: counts there, not here
    )
    make_case(
        organisation,
        received=london(2026, 12, 31, 23, 59),  # last minute of the quarter
        confidentiality=ANON,
        worker_group="",  # not recorded: counts as not known
        elements=["bullying_harassment", "detriment"],
    )
    make_case(organisation, received=london(2026, 12, 1), worker_group="medical_dental")
    make_case(
        organisation, received=london(2026, 10, 20), worker_group="students", elements=["detriment"]
    )
    # Not in Q3 2026 (or not this organisation): none of these count in the Q3 figures.
    make_case(organisation, received=london(2026, 9, 30, 23, 59), elements=["patient_safety"])
    make_case(organisation, received=london(2027, 1, 1, 0, 0), confidentiality=ANON)
    make_case(other_organisation, received=london(2026, 11, 1), confidentiality=ANON)
    # Raised in Q2, feedback given in Q3: the feedback counts in Q3.
    make_case(
        organisation,
        received=london(2026, 8, 1),
        feedback="maybe",
        feedback_at=london(2026, 12, 24),
    )


def test_every_figure_matches_the_hand_count(organisation, cases):
    figures = queries.data_return_figures(organisation=organisation, quarter=Q3)
    assert list(figures) == list(COLUMNS)
    expected = dict.fromkeys(COLUMNS, 0)
    expected.update(
        organisation="TST01",
        financial_year=2026,
        quarter=3,
        total_cases=5,
        anonymous_cases=2,
        element_patient_safety=2,
        element_worker_safety=1,
        element_bullying_harassment=1,
        element_detriment=2,
        worker_group_nursing_midwifery=2,
        worker_group_not_known=1,
        worker_group_medical_dental=1,
        worker_group_students=1,
        feedback_received=2,
        feedback_yes=1,
        feedback_maybe=1,
    )
    assert figures == expected


def test_worker_groups_add_up_to_the_cases(organisation, cases):
    figures = queries.data_return_figures(organisation=organisation, quarter=Q3)
    groups = sum(v for k, v in figures.items() if k.startswith("worker_group_"))
    assert groups == figures["total_cases"]


def test_feedback_counts_in_the_quarter_it_was_given(organisation, cases):
    q4 = queries.data_return_figures(organisation=organisation, quarter=Quarter(2026, 4))
    assert (q4["total_cases"], q4["anonymous_cases"]) == (1, 1)
    assert (q4["feedback_received"], q4["feedback_no"]) == (1, 1)


def test_a_quarter_with_no_cases_is_a_nil_return_of_zeros(organisation):
    data = queries.data_return(organisation=organisation, quarter=Quarter(2025, 1))
    assert data.is_nil
    assert all(data.figures[c] == 0 for c in queries.COUNT_COLUMNS)
    assert data.figures["organisation"] == "TST01"


def test_british_summer_time_does_not_move_a_case_into_another_quarter(organisation):
    # 00:30 on 1 July in London is 23:30 on 30 June in UTC: it is Q2, not Q1.
    make_case(organisation, received=london(2026, 7, 1, 0, 30))
    q1 = queries.data_return_figures(organisation=organisation, quarter=Quarter(2026, 1))
    q2 = queries.data_return_figures(organisation=organisation, quarter=Quarter(2026, 2))
    assert (q1["total_cases"], q2["total_cases"]) == (0, 1)


def test_the_figures_take_two_queries_however_many_cases(
    organisation, cases, django_assert_num_queries
):
    with django_assert_num_queries(2):
        queries.data_return_figures(organisation=organisation, quarter=Q3)
    assert date(2026, 10, 1) == Q3.first_day
