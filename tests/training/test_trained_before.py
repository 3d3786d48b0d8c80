"""Training done before never leaves a worker worse off than having no record: a completion
that stopped counting before the worker's due date (their start, or the day they came to need
the module, plus the new starters' or the board's days) leaves them due by that date, not
expired, and reminded, with their line manager, as overdue in their first week."""

import csv
import dataclasses
import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from speakup.organisations.roles import Role
from speakup.training import content
from speakup.training.models import StaffRecord, TrainingPolicy
from speakup.training.queries import WorkerFacts, module_status
from speakup.training.roster.importing import staff_import
from tests.training.test_reminders import sent_to

STARTED = datetime.date(2026, 11, 27)  # T005's first day: Speak Up due by 27 December
NEW_STARTER = WorkerFacts(start=STARTED)
NATIONAL = TrainingPolicy()


def on(day: datetime.date, completions, facts=NEW_STARTER, module="speak_up", policy=NATIONAL):
    return module_status(
        facts=facts, module=module, policy=policy, completions=completions, today=day
    )


def test_a_new_starter_whose_training_ran_out_before_they_started_is_due_not_expired():
    at_a_previous_trust = [(datetime.date(2021, 6, 1), "")]  # its refresher ran out in 2024
    first_week = on(STARTED, at_a_previous_trust)
    assert (first_week.status, first_week.due_on) == ("due", datetime.date(2026, 12, 27))
    assert first_week.reason == "Every worker takes Speak Up; due by 27 December 2026"
    # As with no completion at all: the old one is not shown as theirs to refresh.
    assert first_week == on(STARTED, [])
    late = on(datetime.date(2026, 12, 28), at_a_previous_trust)
    assert late.status == "overdue"
    assert late.reason == "Every worker takes Speak Up; was due by 27 December 2026"


def test_training_still_valid_on_the_due_date_expires_as_it_always_did():
    lapses_after = [(datetime.date(2023, 12, 30), "")]  # valid until 30 December 2026
    assert on(datetime.date(2026, 12, 29), lapses_after).label == "Complete until 30 December 2026"
    expired = on(datetime.date(2026, 12, 31), lapses_after)
    assert expired.status == "expired"
    assert expired.reason.endswith("the refresher was due by 30 December 2026")
    # Valid on the due date itself, 27 December: it counted then, so it expires.
    assert on(datetime.date(2026, 12, 28), [(datetime.date(2023, 12, 27), "")]).status == (
        "expired"
    )
    # Run out the day before: as with none, due by the 27th, then overdue.
    day_before = [(datetime.date(2023, 12, 26), "")]
    assert on(datetime.date(2026, 12, 27), day_before).status == "due"
    assert on(datetime.date(2026, 12, 28), day_before).status == "overdue"
    # A worker who has been here for years expires as before.
    long_serving = WorkerFacts(start=datetime.date(2019, 4, 1))
    assert on(STARTED, [(datetime.date(2021, 6, 1), "")], long_serving).status == "expired"


def test_a_worker_who_came_to_need_a_module_lately_is_due_from_then_whatever_they_did_before():
    manager = WorkerFacts(
        start=datetime.date(2019, 4, 1), is_line_manager=True, line_manager_since=STARTED
    )
    listen_up = on(STARTED, [(datetime.date(2020, 3, 2), "")], manager, "listen_up")
    assert listen_up.reason == "Line managers take Listen Up; due by 27 December 2026"
    board = WorkerFacts(
        start=datetime.date(2019, 4, 1), is_board_member=True, board_member_since=STARTED
    )
    follow_up = on(datetime.date(2027, 2, 1), [(datetime.date(2022, 6, 1), "")], board, "follow_up")
    assert (follow_up.status, follow_up.due_on) == ("due", datetime.date(2027, 2, 25))
    band = TrainingPolicy(listen_up_from_band="7", listen_up_band_since={"7": "2026-11-27"})
    senior = WorkerFacts(start=datetime.date(2019, 4, 1), band="Band 7")
    assert on(STARTED, [(datetime.date(2020, 3, 2), "")], senior, "listen_up", band).status == (
        "due"
    )


def test_a_replaced_version_leaves_a_new_starter_due_and_then_late_as_with_none(monkeypatch):
    """A version that must be retaken counts for nothing; a worker still within their days to
    take the module is due by the end of them, not expired the day they start. Replaced before
    then, it never counted for them: late, they are overdue, as with none (ADR 0015)."""
    shipped = content.courses()
    replaced = dataclasses.replace(
        shipped["speak_up"], minimum_version=2, retake_from=datetime.date(2026, 6, 1)
    )
    monkeypatch.setattr(content, "courses", lambda: {**shipped, "speak_up": replaced})
    last_year = [(datetime.date(2026, 1, 10), "1")]
    assert on(STARTED, last_year) == on(STARTED, [])
    late = on(datetime.date(2026, 12, 28), last_year)
    assert late == on(datetime.date(2026, 12, 28), [])
    assert late.status == "overdue" and late.reason.endswith("was due by 27 December 2026")
    # A replaced version whose refresher had run out before the due date anyway: overdue.
    old = on(datetime.date(2026, 12, 28), [(datetime.date(2021, 6, 1), "1")])
    assert old.status == "overdue" and old.reason.endswith("was due by 27 December 2026")


# --- the tester's journey: a roster, an imported completion, the CSV, the counts, the tick ---

ROSTER = (
    "Employee Number,First Name,Last Name,Email,Staff Group,Directorate,Line Manager (Y/N),"
    "Senior Leader (Y/N),Board Member (Y/N),Assignment Start\r\n"
    "T001,Mona,Fictional,mona@fictional.test,Students,Surgery,Y,N,N,2019-04-01\r\n"
    "T005,Tess,Fictional,tess@fictional.test,Students,Surgery,N,N,N,2026-11-27\r\n"
)
COMPLETIONS = (
    "Employee Number,Organisation,Module,Completed On,Source\r\n"
    "T001,TST01,speak_up,2026-01-05,\r\n"
    "T001,TST01,listen_up,2026-01-05,\r\n"
    "T005,TST01,Speak Up,2021-06-01,\r\n"
)


def travel(moment: str):
    return time_machine.travel(datetime.datetime.fromisoformat(moment), tick=False)


@pytest.fixture
def new_starter(organisation, client_as):
    with travel("2026-11-27T09:00Z"):
        assert staff_import(organisation=organisation, file=io.BytesIO(ROSTER.encode())).imported
        response = client_as(Role.ORGANISATION_ADMIN).post(
            "/api/v1/training/completions", COMPLETIONS, content_type="text/csv"
        )
    assert response.status_code == 200, response.content
    return StaffRecord.objects.get(employee_number="T005")


def speak_up_in_the_csv_and_counts(client_as, employee_number) -> tuple[list[str], dict]:
    """The worker's Speak Up columns in the organisation's CSV, and the API's Speak Up counts."""
    client = client_as(Role.ORGANISATION_ADMIN)
    export = client.get("/training/organisations/TST01/compliance.csv")
    counts = client.get("/api/v1/organisations/TST01/training/compliance").json()
    rows = {
        row["Employee Number"]: row
        for row in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))
    }
    columns = ["status", "due by", "completed on", "refresher due by"]
    speak_up = next(module for module in counts["modules"] if module["module"] == "speak_up")
    return [rows[employee_number][f"Speak Up {column}"] for column in columns], {
        key: speak_up[key] for key in ("required", "compliant", "due", "overdue", "expired")
    }


@pytest.mark.django_db
def test_the_csv_and_the_dashboard_show_a_new_starter_with_old_training_as_due(
    client_as, new_starter
):
    with travel("2026-11-28T09:00Z"):
        row, counts = speak_up_in_the_csv_and_counts(client_as, "T005")
    # It said "Expired", completed 2021-06-01, refresher due by 2024-06-01.
    assert row == ["Due", "2026-12-27", "", ""]
    assert counts == {"required": 2, "compliant": 1, "due": 1, "overdue": 0, "expired": 0}


@pytest.mark.django_db
def test_nobody_is_told_a_new_starters_old_training_is_overdue_in_their_first_week(
    new_starter, mailoutbox
):
    with travel("2026-11-28T06:00Z"):
        call_command("tick")
    # Tess and Mona, her line manager, were told Speak Up was overdue. Now it is due in a month.
    assert sent_to(mailoutbox) == {}
    with travel("2026-12-14T06:00Z"):
        call_command("tick")
    emails = sent_to(mailoutbox)
    assert set(emails) == {"tess@fictional.test"}
    assert "Speak Up: due by 27 December 2026." in emails["tess@fictional.test"]
    assert "overdue" not in emails["tess@fictional.test"]
