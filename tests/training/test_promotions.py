"""A worker a roster re-import makes a line manager, senior leader or board member has the new
starters' days (board members: the board's days for Follow Up) to take the training the role
needs, from the day the roster first showed the role: not overdue at once because they started
years ago, and not emailed, with their line managers, as overdue the next morning."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command

from speakup.organisations.roles import Role
from speakup.training.models import StaffRecord, TrainingPolicy
from speakup.training.queries import WorkerFacts, module_status
from speakup.training.roster.importing import staff_import
from speakup.training.roster.role_and_band_days import ROLE_SINCE
from tests.conftest import sign_in
from tests.organisations.factories import UserFactory
from tests.training.factories import CompletionFactory, TrainingPolicyFactory
from tests.training.test_roster_import import each_import_path  # noqa: F401  (a fixture)
from tests.training.test_tallies import build_roster, python_counts, sql_counts

TODAY = datetime.date(2026, 11, 27)
LONG_AGO = datetime.date(2020, 1, 6)
NATIONAL = TrainingPolicy()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def status(facts, module, policy=NATIONAL):
    return module_status(facts=facts, module=module, policy=policy, completions=(), today=TODAY)


def test_a_worker_made_a_line_manager_today_has_30_days_for_listen_up():
    promoted = WorkerFacts(start=LONG_AGO, is_line_manager=True, line_manager_since=TODAY)
    listen_up = status(promoted, "listen_up")
    assert listen_up.status == "due"
    assert listen_up.reason == "Line managers take Listen Up; due by 27 December 2026"
    # A line manager since they started, long ago, is overdue, as before.
    always = WorkerFacts(start=LONG_AGO, is_line_manager=True)
    assert status(always, "listen_up").status == "overdue"
    # Speak Up is every worker's since they started: the role changes nothing for it.
    assert status(promoted, "speak_up").status == "overdue"


def test_a_worker_made_a_board_member_has_the_boards_days_for_follow_up():
    board = WorkerFacts(start=LONG_AGO, is_board_member=True, board_member_since=days_ago(10))
    follow_up = status(board, "follow_up")
    assert (follow_up.status, follow_up.due_on) == ("due", datetime.date(2027, 2, 15))
    assert follow_up.reason.startswith("Board members take Follow Up; due by 15 February 2027")
    listen_up = status(board, "listen_up")
    assert (listen_up.status, listen_up.due_on) == ("due", datetime.date(2026, 12, 17))
    assert listen_up.reason == "Needed before Follow Up; due by 17 December 2026"
    leader = WorkerFacts(start=LONG_AGO, is_senior_leader=True, senior_leader_since=days_ago(31))
    assert status(leader, "follow_up").status == "overdue"  # 30 days, and they have had 31


def test_with_several_reasons_the_training_is_due_from_the_earliest():
    # Made a line manager today, but a senior leader since they started: Listen Up was due
    # long ago.
    leader = WorkerFacts(
        start=LONG_AGO, is_line_manager=True, line_manager_since=TODAY, is_senior_leader=True
    )
    assert status(leader, "listen_up").status == "overdue"
    # Made a line manager today, their band brought under "Listen Up from Band 5" 20 days ago:
    # they have needed it for 20 days.
    from_band = TrainingPolicy(listen_up_from_band="5", listen_up_band_since={"5": "2026-11-07"})
    manager = WorkerFacts(
        start=LONG_AGO, band="Band 5", is_line_manager=True, line_manager_since=TODAY
    )
    assert status(manager, "listen_up", from_band).due_on == datetime.date(2026, 12, 7)
    # A band under the rule before its day was recorded has needed it since the start.
    assert status(manager, "listen_up", TrainingPolicy(listen_up_from_band="5")).status == (
        "overdue"
    )
    # A board member for ten days, a senior leader for two: Follow Up from ten days ago.
    both = WorkerFacts(
        start=LONG_AGO,
        is_board_member=True,
        board_member_since=days_ago(10),
        is_senior_leader=True,
        senior_leader_since=days_ago(2),
    )
    assert status(both, "follow_up").due_on == datetime.date(2027, 2, 15)


def test_the_due_date_runs_from_the_latest_of_start_and_promotion_not_the_mandatory_date():
    mandatory = TrainingPolicy(listen_up_mandatory=True, listen_up_mandatory_from=days_ago(5))
    manager = WorkerFacts(start=LONG_AGO, is_line_manager=True, line_manager_since=days_ago(100))
    late = status(manager, "listen_up", mandatory)
    assert late.status == "overdue" and late.due_on == days_ago(100) + datetime.timedelta(30)
    promoted = WorkerFacts(start=LONG_AGO, is_line_manager=True, line_manager_since=days_ago(4))
    assert status(promoted, "listen_up", mandatory).due_on == days_ago(4) + datetime.timedelta(30)
    new_starter = WorkerFacts(
        start=days_ago(3), is_line_manager=True, line_manager_since=days_ago(100)
    )
    assert status(new_starter, "listen_up").due_on == days_ago(3) + datetime.timedelta(30)


# --- the roster records the day each role began ------------------------------------------

HEADER = (
    "Employee Number,First Name,Last Name,Email,Staff Group,Directorate,"
    "Line Manager (Y/N),Senior Leader (Y/N),Board Member (Y/N),Assignment Start"
)


def roster(**workers: str) -> io.BytesIO:
    """A roster file of workers by first name, each given as their three roles' Y or N
    ("YNN": a line manager)."""
    lines = [HEADER]
    for number, (name, roles) in enumerate(workers.items(), start=1001):
        email = f"{name.lower()}@fictional.test"
        flags = ",".join(roles)
        lines.append(f"{number},{name},Fictional,{email},Students,Surgery,{flags},2019-04-01")
    return io.BytesIO(("\r\n".join(lines) + "\r\n").encode())


def import_on(organisation, moment: str, file: io.BytesIO):
    with time_machine.travel(moment, tick=False):
        result = staff_import(organisation=organisation, file=file)
    assert result.imported, result.errors
    return result


def role_days() -> dict[str, tuple]:
    return {
        record.first_name: (
            record.line_manager_since,
            record.senior_leader_since,
            record.board_member_since,
        )
        for record in StaffRecord.objects.all()
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("each_import_path")
def test_a_re_import_records_the_day_in_england_a_role_began_and_keeps_it(organisation):
    # Roles a worker is first imported with are theirs since they started: no day.
    import_on(organisation, "2026-06-01 12:00Z", roster(Ada="NNN", Bryn="YNN", Cora="NYY"))
    assert set(role_days().values()) == {(None, None, None)}
    # 23:30 UTC on 1 July is 00:30 on 2 July in England (summer time): the import's day is
    # the 2nd.
    result = import_on(
        organisation,
        "2026-07-01 23:30Z",
        roster(Ada="YNN", Bryn="YNN", Cora="NNY", Dev="NNY"),
    )
    assert (result.created, result.updated, result.unchanged) == (1, 2, 1)
    july = datetime.date(2026, 7, 2)
    assert role_days() == {
        "Ada": (july, None, None),  # made a line manager
        "Bryn": (None, None, None),  # a line manager since he started, still
        "Cora": (None, None, None),  # no longer a senior leader; a board member since she started
        "Dev": (None, None, None),  # new, a board member from the start
    }
    # The same file a month on changes nothing: Ada's day is kept.
    same = import_on(
        organisation,
        "2026-08-01 12:00Z",
        roster(Ada="YNN", Bryn="YNN", Cora="NNY", Dev="NNY"),
    )
    assert (same.updated, same.unchanged) == (0, 4)
    assert role_days()["Ada"] == (july, None, None)
    # Ada made a senior leader too, Cora one again; Bryn no longer a line manager.
    import_on(
        organisation,
        "2026-08-02 12:00Z",
        roster(Ada="YYN", Bryn="NNN", Cora="NYY", Dev="NNY"),
    )
    august = datetime.date(2026, 8, 2)
    assert role_days()["Ada"] == (july, august, None)
    # Cora's senior leadership, taken away in July, is given back within a year: the same
    # role, hers since she started, not a promotion dated August (ADR 0016).
    assert role_days()["Cora"] == (None, None, None)
    assert role_days()["Bryn"] == (None, None, None)
    # Ada's line management ends: its day is kept, with the day it ended.
    import_on(organisation, "2026-09-01 12:00Z", roster(Ada="NYN"))
    ada = StaffRecord.objects.get(first_name="Ada")
    assert role_days()["Ada"] == (july, august, None)
    assert ada.line_manager_ended == datetime.date(2026, 9, 1)


def save_in_the_admin(client, record: StaffRecord, **roles: bool):
    """Save `record` on the admin's staff record page with `roles` ticked or not, as an
    operator would: every other field as it stands."""
    flags = {
        "staff_group_recognised": record.staff_group_recognised,
        "active": record.active,
        **{flag: getattr(record, flag) for flag in ROLE_SINCE},
        **roles,
    }
    data = {
        "organisation": record.organisation_id,
        "user": record.user_id or "",
        "updated_at_0": "2026-11-27",
        "updated_at_1": "08:00:00",
        "assignment_start": record.assignment_start.isoformat(),
        "assignment_end": "",
        **{
            name: getattr(record, name)
            for name in ("employee_number", "first_name", "last_name", "email", "staff_group")
            + ("job_role", "directorate", "band", "line_manager_number")
        },
        **{flag: "on" for flag, ticked in flags.items() if ticked},
    }
    response = client.post(f"/admin/training/staffrecord/{record.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()


@pytest.mark.django_db
def test_a_role_given_in_the_admin_is_dated_as_an_import_dates_it(client, organisation):
    """Roles changed on the admin's staff record page recorded no day: a worker made a line
    manager there was overdue for Listen Up at once, years after they started."""
    import_on(organisation, "2026-06-01 12:00Z", roster(Ada="NNN", Cora="NYY"))
    import_on(organisation, "2026-07-01 12:00Z", roster(Ada="NNN", Cora="YYY"))
    records = {record.first_name: record for record in StaffRecord.objects.all()}
    operator = UserFactory(is_superuser=True, is_staff=True)
    with time_machine.travel("2026-11-27 12:00Z", tick=False):
        sign_in(client, operator)
        save_in_the_admin(client, records["Ada"], is_line_manager=True)
        # Cora is no longer a senior leader; her line management, dated by the import, stays.
        save_in_the_admin(client, records["Cora"], is_senior_leader=False)
    july = datetime.date(2026, 7, 1)
    assert role_days() == {"Ada": (TODAY, None, None), "Cora": (july, None, None)}
    # Saved again a week on, Ada keeps her day, as a re-import would.
    with time_machine.travel("2026-12-04 12:00Z", tick=False):
        sign_in(client, operator)
        save_in_the_admin(client, StaffRecord.objects.get(first_name="Ada"))
        page = client.get(f"/admin/training/staffrecord/{records['Ada'].pk}/change/")
    assert role_days()["Ada"] == (TODAY, None, None)
    # The day is shown, not typed: only the rule sets it.
    assert 'name="line_manager_since"' not in page.content.decode()
    user = UserFactory(email="ada@fictional.test")
    StaffRecord.objects.filter(first_name="Ada").update(user=user)
    with time_machine.travel("2026-11-27 12:00Z", tick=False):
        shown = sign_in(client, user).get("/").content.decode()
    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", shown))
    assert "Listen Up Due Line managers take Listen Up; due by 27 December 2026." in shown


# --- what workers, dashboards and reminders then say ------------------------------------


@pytest.fixture
def promoted(organisation):
    """Ada, a worker since 2019 with Speak Up done, made a line manager on 27 November 2026;
    Dev made a board member that day; Mona, their line manager, with her own training done."""
    import_on(organisation, "2026-06-01 12:00Z", roster(Ada="NNN", Dev="NNN", Mona="YNN"))
    records = {record.first_name: record for record in StaffRecord.objects.all()}
    for name, modules in {
        "Ada": ["speak_up"],
        "Dev": ["speak_up"],
        "Mona": ["speak_up", "listen_up"],
    }.items():
        for module in modules:
            CompletionFactory(
                staff_record=records[name], module=module, completed_on=datetime.date(2026, 6, 2)
            )
    import_on(organisation, "2026-11-27 08:00Z", roster(Ada="YNN", Dev="NNY", Mona="YNN"))
    return records


@pytest.mark.django_db
def test_nobody_is_emailed_as_overdue_the_morning_after_a_promotion(promoted, mailoutbox):
    with time_machine.travel("2026-11-28 06:00Z", tick=False):
        call_command("tick")
    # Before, Ada and Dev were told Listen Up (and Dev Follow Up) was overdue, and so was
    # Mona. Now their training falls due in 30 days (Dev's Follow Up in 90): nothing is sent.
    assert [message.body for message in mailoutbox] == []
    # Within 14 days of the day, they are told it is due; Mona is told nothing.
    with time_machine.travel("2026-12-14 06:00Z", tick=False):
        call_command("tick")
    emails = {message.to[0]: message.body for message in mailoutbox}
    assert set(emails) == {"ada@fictional.test", "dev@fictional.test"}
    for body in emails.values():
        assert "Listen Up: due by 27 December 2026." in body
        assert "overdue" not in body


@pytest.mark.django_db
def test_a_promoted_worker_sees_when_the_training_of_the_role_is_due(
    client, person_with_role, promoted
):
    user = person_with_role(Role.WORKER, email="ada@fictional.test")
    StaffRecord.objects.filter(first_name="Ada").update(user=user)
    with time_machine.travel("2026-11-27 12:00Z", tick=False):
        page = sign_in(client, user).get("/")
    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    assert "Listen Up Due Line managers take Listen Up; due by 27 December 2026." in shown


@pytest.mark.django_db
def test_the_dashboard_counts_promoted_workers_as_due(client_as, organisation, promoted):
    with time_machine.travel("2026-11-27 12:00Z", tick=False):
        body = client_as(Role.ORGANISATION_ADMIN).get(
            "/api/v1/organisations/TST01/training/compliance"
        )
    modules = {row["module"]: row for row in body.json()["modules"]}
    listen_up, follow_up = modules["listen_up"], modules["follow_up"]
    # Ada and Dev due (Mona done); Dev's Follow Up due, on the board's 90 days.
    assert (listen_up["required"], listen_up["due"], listen_up["overdue"]) == (3, 2, 0)
    assert (follow_up["required"], follow_up["due"], follow_up["overdue"]) == (1, 1, 0)
    with time_machine.travel("2026-12-28 12:00Z", tick=False):
        body = client_as(Role.ORGANISATION_ADMIN).get(
            "/api/v1/organisations/TST01/training/compliance"
        )
    modules = {row["module"]: row for row in body.json()["modules"]}
    assert (modules["listen_up"]["due"], modules["listen_up"]["overdue"]) == (0, 2)
    assert (modules["follow_up"]["due"], modules["follow_up"]["overdue"]) == (1, 0)


@pytest.mark.django_db
def test_the_dashboard_counts_in_sql_agree_with_the_rules_for_promoted_workers():
    """test_tallies.py's roster gives its line managers, senior leaders and board members days
    their roles began; here with a band rule whose bands came under it lately too."""
    from tests.organisations.factories import OrganisationFactory

    with time_machine.travel("2026-11-27 12:00Z", tick=False):
        organisation, other = OrganisationFactory(), OrganisationFactory()
        TrainingPolicyFactory(
            organisation=organisation,
            listen_up_from_band="5",
            listen_up_band_since={"5": days_ago(10).isoformat(), "6": days_ago(30).isoformat()},
        )
        build_roster(organisation, other, TODAY)
        lately = StaffRecord.objects.filter(
            organisation=organisation, active=True, line_manager_since__gte=days_ago(30)
        )
        assert lately.exists()
        python, sql = python_counts(organisation, TODAY), sql_counts(organisation, TODAY)
    assert sql == python
    assert python[0]["listen_up"]["due"] and python[0]["listen_up"]["overdue"]
