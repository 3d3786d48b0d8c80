"""Who must take which module, and whether they are due, overdue, complete or expired."""

import datetime

import pytest
import time_machine

from speakup.organisations.roles import Role
from speakup.training.models import TrainingPolicy
from speakup.training.queries import (
    WorkerFacts,
    compliance_breakdown,
    compliance_summary,
    compliance_trend,
    module_status,
    my_training,
    organisation_compliance,
    requirement,
)
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory

TODAY = datetime.date(2025, 6, 1)
NATIONAL = TrainingPolicy()
# A worker due long before their training lapsed (a new starter is due within their first
# days whatever they completed before: test_trained_before.py).
LONG_SERVING = WorkerFacts(start=datetime.date(2019, 4, 1))


def status(module, facts=None, completions=(), policy=NATIONAL):
    return module_status(
        facts=facts or WorkerFacts(start=datetime.date(2025, 5, 20)),
        module=module,
        policy=policy,
        completions=completions,
        today=TODAY,
    )


def test_every_active_worker_must_take_speak_up():
    assert requirement(facts=WorkerFacts(), module="speak_up", policy=NATIONAL)[0]


def test_a_leaver_needs_no_training():
    required, why = requirement(facts=WorkerFacts(active=False), module="speak_up", policy=NATIONAL)
    assert not required and why == "Not on the current staff list"


def test_listen_up_is_for_line_managers_and_follow_up_for_leaders():
    worker, manager = WorkerFacts(), WorkerFacts(is_line_manager=True)
    board = WorkerFacts(is_board_member=True)
    assert not requirement(facts=worker, module="listen_up", policy=NATIONAL)[0]
    assert requirement(facts=manager, module="listen_up", policy=NATIONAL)[0]
    assert not requirement(facts=manager, module="follow_up", policy=NATIONAL)[0]
    assert requirement(facts=board, module="follow_up", policy=NATIONAL)[0]
    assert requirement(facts=board, module="listen_up", policy=NATIONAL) == (
        True,
        "Needed before Follow Up",
    )


def test_an_organisation_can_require_listen_up_from_a_band_up():
    policy = TrainingPolicy(listen_up_from_band="6")
    assert requirement(facts=WorkerFacts(band="Band 7"), module="listen_up", policy=policy)[0]
    assert requirement(facts=WorkerFacts(band="Band 8a"), module="listen_up", policy=policy)[0]
    assert not requirement(facts=WorkerFacts(band="Band 5"), module="listen_up", policy=policy)[0]
    assert not requirement(facts=WorkerFacts(band="Band 7"), module="listen_up", policy=NATIONAL)[0]


def test_listen_up_from_very_senior_managers_up_takes_in_only_them():
    policy = TrainingPolicy(listen_up_from_band="VSM")
    assert requirement(facts=WorkerFacts(band="VSM"), module="listen_up", policy=policy) == (
        True,
        "Very senior managers (VSM) take Listen Up",
    )
    assert not requirement(facts=WorkerFacts(band="Band 9"), module="listen_up", policy=policy)[0]


def test_a_new_starter_is_due_within_30_days_then_overdue():
    due = status("speak_up")
    assert due.status == "due" and due.due_on == datetime.date(2025, 6, 19)
    late = status("speak_up", WorkerFacts(start=datetime.date(2025, 4, 1)))
    assert late.status == "overdue" and "was due by 1 May 2025" in late.reason


def test_board_members_have_90_days_for_follow_up():
    board = WorkerFacts(is_board_member=True, start=datetime.date(2025, 4, 1))
    assert status("follow_up", board).status == "due"
    assert status("follow_up", board).due_on == datetime.date(2025, 6, 30)
    assert status("speak_up", board).status == "overdue"


@pytest.mark.parametrize(
    "mandatory_from",
    [datetime.date(2025, 5, 15), datetime.date(2026, 3, 1)],
    ids=["made mandatory lately", "mandatory from a date to come"],
)
def test_the_due_date_runs_from_the_start_whenever_the_module_became_mandatory(mandatory_from):
    policy = TrainingPolicy(speak_up_mandatory=True, speak_up_mandatory_from=mandatory_from)
    old_hand = status("speak_up", WorkerFacts(start=datetime.date(2010, 1, 1)), policy=policy)
    assert old_hand.status == "overdue" and "was due by 31 January 2010" in old_hand.reason
    new_starter = status("speak_up", policy=policy)
    assert new_starter.status == "due" and new_starter.due_on == datetime.date(2025, 6, 19)


def test_a_completion_is_compliant_for_three_years_then_expires():
    done = status("speak_up", completions=[(datetime.date(2023, 1, 10), "1")])
    assert done.status == "compliant" and done.valid_until == datetime.date(2026, 1, 10)
    assert done.label == "Complete until 10 January 2026"
    old = status("speak_up", LONG_SERVING, completions=[(datetime.date(2022, 1, 10), "")])
    assert old.status == "expired" and "refresher was due by 10 January 2025" in old.reason


def test_a_refresher_period_of_never_means_once_is_enough():
    policy = TrainingPolicy(speak_up_refresher_years=None)
    done = status("speak_up", completions=[(datetime.date(2001, 1, 10), "")], policy=policy)
    assert done.status == "compliant" and done.valid_until is None


def test_a_completion_of_a_retired_version_must_be_retaken(monkeypatch):
    monkeypatch.setattr(
        "speakup.training.queries.is_current_version", lambda module, version: version != "1"
    )
    retired = status("speak_up", LONG_SERVING, completions=[(datetime.date(2025, 1, 10), "1")])
    assert retired.status == "expired" and "new version" in retired.reason


def test_follow_up_tells_a_leader_to_take_the_other_modules_first(db):
    from speakup.training.queries import worker_statuses

    board = WorkerFacts(is_board_member=True, start=datetime.date(2025, 5, 1))
    statuses = worker_statuses(facts=board, policy=NATIONAL, completions={}, today=TODAY)
    follow_up = statuses[2]
    assert follow_up.reason.endswith("Complete Speak Up and Listen Up before starting Follow Up")


@pytest.fixture
def roster(organisation):
    worker = StaffRecordFactory(organisation=organisation, staff_group="Students", band="")
    manager = StaffRecordFactory(organisation=organisation, is_line_manager=True, band="Band 7")
    chair = StaffRecordFactory(
        organisation=organisation, is_board_member=True, first_name="Cora", last_name="Chair"
    )
    StaffRecordFactory(organisation=organisation, active=False)
    CompletionFactory(staff_record=worker, completed_on=datetime.date(2024, 6, 1))
    CompletionFactory(staff_record=manager, completed_on=datetime.date(2021, 6, 1))
    CompletionFactory(staff_record=chair, completed_on=datetime.date(2025, 1, 1))
    CompletionFactory(
        staff_record=chair, module="listen_up", completed_on=datetime.date(2025, 1, 2)
    )
    CompletionFactory(
        staff_record=chair, module="follow_up", completed_on=datetime.date(2025, 1, 3)
    )
    TrainingPolicyFactory(organisation=organisation, speak_up_mandatory=True)
    return worker, manager, chair


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_organisation_summary_counts_each_module(roster, organisation):
    summary = compliance_summary(organisation=organisation)
    assert summary["organisation"] == "TST01" and summary["as_of"] == "2025-06-01"
    speak_up, listen_up, follow_up = summary["modules"]
    assert speak_up == {
        "module": "speak_up",
        "mandatory": True,
        "mandatory_from": None,
        "required": 3,
        "compliant": 2,
        "due": 0,
        "overdue": 0,
        "expired": 1,
    }
    assert (listen_up["required"], listen_up["compliant"], listen_up["overdue"]) == (2, 1, 1)
    assert not listen_up["mandatory"]
    assert (follow_up["required"], follow_up["compliant"]) == (1, 1)
    assert summary["board_follow_up"] == {"required": 1, "compliant": 1}


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_compliance_is_broken_down_by_staff_group(roster, organisation):
    workers = organisation_compliance(organisation=organisation)
    rows = {row["value"]: row for row in compliance_breakdown(workers=workers, by="staff_group")}
    assert rows["Students"]["speak_up"]["percent"] == 100
    assert rows["Administrative and Clerical"]["speak_up"]["percent"] == 50


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_trend_shows_compliance_growing_month_by_month(roster, organisation):
    trend = compliance_trend(organisation=organisation, months=7)
    assert [row["as_of"] for row in trend][-2:] == [datetime.date(2025, 5, 31), TODAY]
    assert trend[0]["follow_up"] == 0 and trend[-1]["follow_up"] == 100


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_board_member_without_a_roster_record_sees_follow_up_from_their_role(person_with_role):
    board_member = person_with_role(Role.BOARD_MEMBER)
    (mine,) = my_training(user=board_member)
    assert [s.status for s in mine.statuses] == ["due", "due", "due"]
    assert mine.statuses[2].reason.startswith("Board members take Follow Up")
