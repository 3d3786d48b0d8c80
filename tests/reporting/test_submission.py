"""Marking a return as submitted keeps its figures; later changes show as corrections; Q4
carries the reconciled Q1 to Q3."""

import pytest

from speakup.concerns.models import ConcernElement, Confidentiality
from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.reporting import queries, services
from speakup.reporting.models import DataReturnSubmission
from speakup.reporting.quarters import Quarter
from tests.reporting.factories import london, make_case

Q3 = Quarter(2026, 3)


@pytest.fixture
def guardian(person_with_role):
    return person_with_role(Role.GUARDIAN)


def test_submitting_keeps_the_figures_as_they_were(organisation, guardian, february_2027):
    make_case(organisation, received=london(2026, 10, 5), elements=["patient_safety"])
    submission = services.data_return_submit(organisation=organisation, quarter=Q3, by=guardian)
    assert submission.figures["total_cases"] == 1
    assert submission.figures["element_patient_safety"] == 1
    assert submission.submitted_by == guardian
    assert AuditRecord.objects.filter(
        action="reporting.data_return_submitted", object_ref="TST01/2026-Q3"
    ).exists()


def test_later_changes_to_the_quarter_show_as_corrections(organisation, guardian, february_2027):
    case = make_case(organisation, received=london(2026, 10, 5))
    services.data_return_submit(organisation=organisation, quarter=Q3, by=guardian)
    make_case(
        organisation, received=london(2026, 12, 30), confidentiality=Confidentiality.ANONYMOUS
    )
    ConcernElement.objects.create(concern=case, code="bullying_harassment")

    data = queries.data_return(organisation=organisation, quarter=Q3)
    corrections = {(c.column, c.submitted, c.now) for c in data.corrections}
    assert corrections == {
        ("total_cases", 1, 2),
        ("anonymous_cases", 0, 1),
        ("element_bullying_harassment", 0, 1),
        ("worker_group_nursing_midwifery", 1, 2),
    }
    # What was submitted is not changed by the corrections.
    assert DataReturnSubmission.objects.get().figures["total_cases"] == 1


def test_a_return_cannot_be_submitted_before_its_quarter_ends(
    organisation, guardian, february_2027
):
    with pytest.raises(services.SubmissionRefused, match="once the quarter has ended on 31 March"):
        services.data_return_submit(
            organisation=organisation, quarter=Quarter(2026, 4), by=guardian
        )
    assert not DataReturnSubmission.objects.exists()


def test_a_return_is_submitted_once(organisation, guardian, february_2027):
    services.data_return_submit(organisation=organisation, quarter=Q3, by=guardian)
    with pytest.raises(services.SubmissionRefused, match="already been marked as submitted"):
        services.data_return_submit(organisation=organisation, quarter=Q3, by=guardian)
    assert DataReturnSubmission.objects.count() == 1


def test_the_q4_return_carries_q1_to_q3_as_they_stand_beside_what_was_submitted(
    organisation, guardian, may_2027
):
    make_case(organisation, received=london(2026, 5, 1))  # Q1
    make_case(organisation, received=london(2026, 8, 1))  # Q2
    services.data_return_submit(organisation=organisation, quarter=Quarter(2026, 1), by=guardian)
    services.data_return_submit(organisation=organisation, quarter=Quarter(2026, 2), by=guardian)
    make_case(organisation, received=london(2026, 8, 20), confidentiality="anonymous")  # late Q2
    make_case(organisation, received=london(2027, 2, 1))  # Q4

    data = queries.data_return(organisation=organisation, quarter=Quarter(2026, 4))
    assert data.figures["total_cases"] == 1
    q1, q2, q3 = data.reconciliation
    assert (q1.quarter, q1.figures["total_cases"], q1.corrections) == (Quarter(2026, 1), 1, [])
    assert q2.figures["total_cases"] == 2
    assert {(c.column, c.submitted, c.now) for c in q2.corrections} >= {
        ("total_cases", 1, 2),
        ("anonymous_cases", 0, 1),
    }
    assert q3.submission is None and q3.figures["total_cases"] == 0


def test_other_quarters_carry_no_reconciliation(organisation, february_2027):
    assert queries.data_return(organisation=organisation, quarter=Q3).reconciliation == []
