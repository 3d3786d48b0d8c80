"""A hand-counted half-year for the board report tests (April to September 2026).

TST01 has 12 cases: 7 in Q1, 5 in Q2. 5 anonymous. Worker groups: 11 nursing, 1 AHP.
Elements: patient safety on 6, bullying on 2. 10 acknowledged (8 in 2 days, 2 in 10 days),
2 never. 6 given feedback after 30 days and closed; their answers: 5 yes, 1 no.
Open now (10 February 2027): 7 with the case after the period, all overdue; Alex Leader
holds 5, nobody holds 2.
One case escalated twice. One closed case's learning is published, another's is not.
OTH01 has 3 cases in the period. TST01 has 4 workers on its roster, one a board member.
"""

from datetime import date, timedelta

from speakup.concerns import sealing
from speakup.concerns.models import Confidentiality, Escalation, Feedback, SpeakUpAgain, Status
from tests.organisations.factories import UserFactory
from tests.reporting.factories import london, make_case
from tests.training.factories import CompletionFactory, StaffRecordFactory

PUBLISHED = "Ask the people who use a door why it is wedged before telling them not to."
UNPUBLISHED = "Secret: the ward sister on nights was rude."


def _seal_learning(concern, text: str, *, publishable: bool) -> None:
    _key, wrapped = sealing.new_concern_key()
    concern.wrapped_key = wrapped
    concern._data_key = None
    concern.learning_sealed = sealing.seal(concern, "learning", text)
    concern.learning_publishable = publishable
    concern.learning_signed_off_at = concern.closed_at
    concern.save()


def half_year_of_cases(organisation, other_organisation):
    leader = UserFactory(full_name="Alex Leader")
    received = [london(2026, 5, d) for d in range(1, 8)] + [london(2026, 8, d) for d in range(1, 6)]
    cases = []
    for index, moment in enumerate(received):
        case = make_case(
            organisation,
            received=moment,
            confidentiality=(
                Confidentiality.ANONYMOUS if index < 5 else Confidentiality.CONFIDENTIAL
            ),
            worker_group="ahp" if index == 0 else "nursing_midwifery",
            elements=(["patient_safety"] if index < 6 else [])
            + (["bullying_harassment"] if index in (6, 7) else []),
        )
        cases.append(case)
    for index, case in enumerate(cases):
        if index < 10:
            case.acknowledged_at = case.received_at + timedelta(days=2 if index < 8 else 10)
            case.status = Status.IN_PROGRESS
        if index < 6:
            case.feedback_given_at = case.received_at + timedelta(days=30)
            case.closed_at = case.received_at + timedelta(days=40)
            case.status = Status.CLOSED
            Feedback.objects.create(
                concern=case,
                would_speak_up_again=SpeakUpAgain.NO if index == 0 else SpeakUpAgain.YES,
                detriment=False,
                given_at=case.feedback_given_at,
            )
        elif index < 11:
            case.accountable_lead = leader
        case.save()
    _seal_learning(cases[1], PUBLISHED, publishable=True)
    _seal_learning(cases[2], UNPUBLISHED, publishable=False)
    for level in (1, 2):
        Escalation.objects.create(
            concern=cases[7], level=level, reason="acknowledge_overdue", at=london(2026, 8, 20)
        )
    for day in (1, 2, 3):
        make_case(other_organisation, received=london(2026, 6, day))
    make_case(organisation, received=london(2026, 10, 2))  # after the period
    workers = [StaffRecordFactory(organisation=organisation) for _ in range(3)]
    board = StaffRecordFactory(
        organisation=organisation, first_name="Bea", last_name="Board", is_board_member=True
    )
    CompletionFactory(staff_record=workers[0], completed_on=date(2026, 1, 5))
    for module in ("speak_up", "listen_up", "follow_up"):
        CompletionFactory(staff_record=board, module=module, completed_on=date(2026, 3, 1))
    return cases
