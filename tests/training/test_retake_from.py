"""A new version that must be retaken is retaken from a day its content file gives: a worker
who passed a replaced version has the new starters' days (the board's for a board member's
Follow Up) from that day, not expired, and reminded as late with their line manager, the day
after it ships (ADR 0015)."""

import dataclasses
import datetime
import re

import pytest
import time_machine
from django.core.management import call_command

from speakup.organisations.roles import Role
from speakup.training import content
from speakup.training.content import ContentError, parse_course
from speakup.training.models import TrainingPolicy
from speakup.training.queries import WorkerFacts, module_status
from tests.conftest import sign_in
from tests.training.factories import CompletionFactory, StaffRecordFactory
from tests.training.test_content import valid
from tests.training.test_reminders import sent_to
from tests.training.test_trained_before import speak_up_in_the_csv_and_counts

RETAKE_FROM = datetime.date(2026, 12, 1)  # the new Speak Up must be retaken from this day
LONG_SERVING = WorkerFacts(start=datetime.date(2019, 4, 1))


@pytest.fixture
def speak_up_to_retake(monkeypatch):
    """Ship Speak Up as a version that everyone who passed 1 or 2 must take again."""
    shipped = content.courses()
    changed = {
        **shipped,
        "speak_up": dataclasses.replace(
            shipped["speak_up"], minimum_version=3, retake_from=RETAKE_FROM
        ),
    }
    monkeypatch.setattr(content, "courses", lambda: changed)


def on(day, completions, facts=LONG_SERVING, module="speak_up", policy=None):
    return module_status(
        facts=facts,
        module=module,
        policy=policy or TrainingPolicy(),
        completions=completions,
        today=day,
    )


def test_a_long_serving_worker_has_the_new_starters_days_from_the_day_to_retake_from(
    speak_up_to_retake,
):
    passed = [(datetime.date(2026, 3, 2), "2")]
    next_day = on(datetime.date(2026, 12, 2), passed)
    assert (next_day.status, next_day.due_on) == ("due", datetime.date(2026, 12, 31))
    assert next_day.reason == "Every worker takes Speak Up; due by 31 December 2026"
    # Before the day itself, too: the old version counts for nothing, but they have till then.
    assert on(datetime.date(2026, 11, 27), passed).status == "due"
    assert on(datetime.date(2026, 12, 31), passed).status == "due"
    late = on(datetime.date(2027, 1, 1), passed)
    assert late.status == "expired" and late.replaced
    assert late.reason.endswith(
        "a new version of the module replaced the one completed on 2 March 2026"
    )
    # A pass whose refresher ran out before the day gives no days: expired, as it already was.
    assert on(datetime.date(2026, 11, 27), [(datetime.date(2023, 11, 1), "2")]).status == (
        "expired"
    )
    assert on(datetime.date(2026, 12, 2), [(datetime.date(2023, 11, 1), "2")]).status == ("expired")
    # A pass of the version that counts is complete as ever.
    assert on(datetime.date(2026, 12, 2), [(datetime.date(2026, 3, 2), "3")]).status == (
        "compliant"
    )


def test_a_board_member_has_the_boards_days_for_follow_up_from_the_day_to_retake_from(
    monkeypatch,
):
    shipped = content.courses()
    changed = {
        **shipped,
        "follow_up": dataclasses.replace(
            shipped["follow_up"], minimum_version=2, retake_from=RETAKE_FROM
        ),
    }
    monkeypatch.setattr(content, "courses", lambda: changed)
    board = dataclasses.replace(LONG_SERVING, is_board_member=True)
    passed = [(datetime.date(2026, 3, 2), "1")]
    follow_up = on(datetime.date(2026, 12, 2), passed, board, "follow_up")
    assert (follow_up.status, follow_up.due_on) == ("due", datetime.date(2027, 3, 1))
    assert on(datetime.date(2027, 3, 2), passed, board, "follow_up").status == "expired"
    # A senior leader who is not on the board has the new starters' 30 days.
    senior = dataclasses.replace(LONG_SERVING, is_senior_leader=True)
    assert on(datetime.date(2026, 12, 2), passed, senior, "follow_up").due_on == (
        datetime.date(2026, 12, 31)
    )


def test_a_new_starter_is_due_by_the_later_of_their_own_days_and_the_retake_days(
    speak_up_to_retake,
):
    starter = WorkerFacts(start=datetime.date(2026, 12, 20))  # their own: 19 January 2027
    passed = [(datetime.date(2026, 3, 2), "2")]
    assert on(datetime.date(2026, 12, 20), passed, starter).due_on == datetime.date(2027, 1, 19)
    # Replaced before they started: it never counted for them, so late is overdue.
    assert on(datetime.date(2027, 1, 20), passed, starter).status == "overdue"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"minimum_version": 2}, "retake_from is missing or not a date"),
        ({"minimum_version": 2, "retake_from": "1 December"}, "as 2026-12-01"),
        ({"retake_from": datetime.date(2026, 12, 1)}, "only for a version that must be retaken"),
    ],
)
def test_a_version_to_retake_must_say_from_which_day_when_it_is_loaded(change, message):
    with pytest.raises(ContentError, match=f"broken.yaml: .*{message}"):
        parse_course({**valid(), **change}, "broken.yaml")


def test_a_version_to_retake_reads_its_day_from_the_file():
    loaded = parse_course(
        {**valid(), "minimum_version": 2, "retake_from": datetime.date(2026, 12, 1)}, "ok.yaml"
    )
    assert loaded.retake_from == datetime.date(2026, 12, 1)
    # The shipped files replace no version, so they need no day.
    assert all(course.retake_from is None for course in content.courses().values())


# --- the worker's page, the CSV, the counts and the tick -------------------------------------


def travel(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day + "T09:00Z"), tick=False)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def retaker(speak_up_to_retake, organisation, person_with_role):
    """Rhea, here since 2019, passed Speak Up version 2 in March; Mona is her line manager."""
    mona = StaffRecordFactory(
        organisation=organisation,
        employee_number="T001",
        first_name="Mona",
        email="mona@fictional.test",
        directorate="Surgery",
        is_line_manager=True,
    )
    for module in ("speak_up", "listen_up"):
        CompletionFactory(staff_record=mona, module=module, completed_on=datetime.date(2026, 11, 1))
    user = person_with_role(Role.WORKER, full_name="Rhea Retaker", email="rhea@fictional.test")
    rhea = StaffRecordFactory(
        organisation=organisation,
        employee_number="T002",
        first_name="Rhea",
        email="rhea@fictional.test",
        directorate="Surgery",
        assignment_start=datetime.date(2019, 4, 1),
        user=user,
    )
    CompletionFactory(staff_record=rhea, version="2", completed_on=datetime.date(2026, 3, 2))
    return user


@pytest.mark.django_db
def test_a_worker_who_passed_a_replaced_version_is_due_on_their_page_and_in_the_counts(
    client, client_as, retaker
):
    with travel("2026-12-02"):
        sign_in(client, retaker)
        page = text(client.get("/"))
        assert "Speak Up Due Every worker takes Speak Up; due by 31 December 2026." in page
        # It said "Expired", and counted so on the dashboard, the day after the version came.
        row, counts = speak_up_in_the_csv_and_counts(client_as, "T002")
    assert row == ["Due", "2026-12-31", "", ""]
    assert counts == {"required": 2, "compliant": 1, "due": 1, "overdue": 0, "expired": 0}
    with travel("2027-01-01"):
        sign_in(client, retaker)
        page = text(client.get("/"))
        row, counts = speak_up_in_the_csv_and_counts(client_as, "T002")
    assert (
        "Speak Up Expired Every worker takes Speak Up; a new version of the module replaced the "
        "one completed on 2 March 2026." in page
    )
    assert row[0] == "Expired"
    assert counts == {"required": 2, "compliant": 1, "due": 0, "overdue": 0, "expired": 1}


@pytest.mark.django_db
def test_the_tick_reminds_a_worker_to_retake_as_due_and_only_once_late_as_expired(
    retaker, mailoutbox
):
    with travel("2026-12-02"):
        call_command("tick")
    assert sent_to(mailoutbox) == {}  # Rhea and Mona were told it was expired
    with travel("2026-12-20"):
        call_command("tick")
    emails = sent_to(mailoutbox)
    assert set(emails) == {"rhea@fictional.test"}
    assert "Speak Up: due by 31 December 2026." in emails["rhea@fictional.test"]
    mailoutbox.clear()
    with travel("2027-01-04"):
        call_command("tick")
    emails = sent_to(mailoutbox)
    assert set(emails) == {"rhea@fictional.test", "mona@fictional.test"}
    assert (
        "Speak Up: expired: a new version of the module must be taken."
        in (emails["rhea@fictional.test"])
    )
