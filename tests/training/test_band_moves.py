"""A worker moved into a band under the "Listen Up from band" rule has the new starters' days to
take Listen Up from the day of the move, as a worker made a line manager has: not overdue at
once because the band came under the rule months ago, and not emailed, with their line manager,
as overdue the next morning."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from speakup.organisations.roles import Role
from speakup.training.models import StaffRecord, TrainingPolicy
from speakup.training.queries import WorkerFacts, module_status
from speakup.training.services import policy_update
from tests.conftest import sign_in
from tests.organisations.factories import UserFactory
from tests.training.factories import CompletionFactory
from tests.training.test_promotions import import_on, save_in_the_admin
from tests.training.test_reminders import sent_to
from tests.training.test_roster_import import each_import_path  # noqa: F401  (a fixture)

TODAY = datetime.date(2026, 11, 27)
LONG_AGO = datetime.date(2019, 4, 1)
FROM_BAND_7 = TrainingPolicy(
    listen_up_from_band="7", listen_up_band_since=dict.fromkeys(["7", "8a", "VSM"], "2026-06-01")
)


def listen_up(facts, policy=FROM_BAND_7, today=TODAY):
    return module_status(
        facts=facts, module="listen_up", policy=policy, completions=(), today=today
    )


def test_a_worker_moved_into_a_band_under_the_rule_is_due_from_the_move():
    moved = WorkerFacts(start=LONG_AGO, band="Band 7", band_since=datetime.date(2026, 11, 26))
    assert (
        listen_up(moved).reason
        == "Everyone from Band 7 up takes Listen Up; due by 26 December 2026"
    )
    # In Band 7 since they started: due 30 days after the band came under the rule, long gone.
    always = listen_up(WorkerFacts(start=LONG_AGO, band="Band 7"))
    assert always.reason == "Everyone from Band 7 up takes Listen Up; was due by 1 July 2026"
    # Moved before the band came under the rule: from the day it did.
    early = WorkerFacts(start=LONG_AGO, band="Band 7", band_since=datetime.date(2026, 3, 1))
    assert listen_up(early).due_on == datetime.date(2026, 7, 1)
    # A line manager since they started takes it whatever their band: the move changes nothing.
    manager = WorkerFacts(start=LONG_AGO, band="Band 7", band_since=TODAY, is_line_manager=True)
    assert listen_up(manager).status == "overdue"


# --- every way a band changes records the day -------------------------------------------

HEADER = (
    "Employee Number,First Name,Last Name,Email,Staff Group,Directorate,Band,"
    "Line Manager (Y/N),Senior Leader (Y/N),Board Member (Y/N),Assignment Start"
)


def roster(*, band_column: bool = True, **bands: str) -> io.BytesIO:
    """A roster of workers by first name and band, in Surgery, Mona their line manager."""
    lines = [HEADER if band_column else HEADER.replace(",Band,", ",")]
    workers = {"Mona": "Band 8a", **bands}
    for number, (name, band) in enumerate(workers.items(), start=1001):
        manager = "Y" if name == "Mona" else "N"
        cells = [str(number), name, "Fictional", f"{name.lower()}@fictional.test", "Students"]
        cells += ["Surgery", *([band] if band_column else []), manager, "N", "N", "2019-04-01"]
        lines.append(",".join(cells))
    return io.BytesIO(("\r\n".join(lines) + "\r\n").encode())


def band_days() -> dict[str, datetime.date | None]:
    return {record.first_name: record.band_since for record in StaffRecord.objects.all()}


def set_band_rule(organisation, moment: str, from_band: str) -> None:
    with time_machine.travel(moment, tick=False):
        policy_update(organisation=organisation, listen_up_from_band=from_band)


@pytest.mark.django_db
@pytest.mark.usefixtures("each_import_path")
def test_an_import_records_the_day_a_band_change_brings_a_worker_under_the_rule(organisation):
    set_band_rule(organisation, "2026-06-01 12:00Z", "7")
    first = roster(Ada="Band 6", Bryn="Band 7", Cora="Band 8a", Dev="Band 5", Eve="Band 6")
    import_on(organisation, "2026-06-01 12:00Z", first)
    assert set(band_days().values()) == {None}  # in their bands since they started
    # 23:30 UTC on 25 November is 23:30 in England (no summer time): the 25th.
    moved = {"Ada": "Band 7", "Bryn": "Band 8a", "Cora": "Band 6", "Dev": "Band 6", "Eve": "Band 6"}
    result = import_on(organisation, "2026-11-25 23:30Z", roster(**moved))
    assert (result.updated, result.unchanged) == (4, 2)
    assert band_days() == {
        "Mona": None,
        "Ada": datetime.date(2026, 11, 25),  # moved up into the rule
        "Bryn": datetime.date(2026, 6, 1),  # moved within it: under it since Band 7 was
        "Cora": datetime.date(2026, 6, 1),  # moved out of it: kept, ended (ADR 0016)
        "Dev": None,  # moved, but not under it
        "Eve": None,
    }
    # The same file again, and a file without the Band column, keep every day.
    again = import_on(organisation, "2026-12-01 12:00Z", roster(**moved))
    assert (again.updated, again.unchanged) == (0, 6)
    without_bands = roster(band_column=False, Ada="", Bryn="", Cora="", Dev="", Eve="")
    import_on(organisation, "2026-12-02 12:00Z", without_bands)
    assert band_days()["Ada"] == datetime.date(2026, 11, 25)
    # Ada moves back out of the rule: the day is kept, with the day she left it.
    import_on(organisation, "2026-12-03 12:00Z", roster(Ada="Band 6"))
    ada = StaffRecord.objects.get(first_name="Ada")
    assert (ada.band_since, ada.band_ended) == (
        datetime.date(2026, 11, 25),
        datetime.date(2026, 12, 3),
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("each_import_path")
def test_a_move_up_within_the_rule_keeps_the_day_the_worker_came_under_it(organisation):
    """Widened from Band 8a to Band 7 on 1 November: a Band 7 worker moved up to 8a on 10
    November is due 30 days from 1 November, not from when 8a came under the rule in June."""
    set_band_rule(organisation, "2026-06-01 12:00Z", "8a")
    import_on(organisation, "2026-06-01 12:00Z", roster(Ada="Band 7"))
    set_band_rule(organisation, "2026-11-01 12:00Z", "7")
    import_on(organisation, "2026-11-10 12:00Z", roster(Ada="Band 8a"))
    assert band_days()["Ada"] == datetime.date(2026, 11, 1)
    ada = WorkerFacts.of_record(StaffRecord.objects.get(first_name="Ada"))
    policy = TrainingPolicy.objects.get()
    assert listen_up(ada, policy).due_on == datetime.date(2026, 12, 1)


@pytest.mark.django_db
def test_a_band_changed_in_the_admin_is_dated_as_an_import_dates_it(client, organisation):
    set_band_rule(organisation, "2026-06-01 12:00Z", "7")
    import_on(organisation, "2026-06-01 12:00Z", roster(Ada="Band 6", Cora="Band 8a"))
    records = {record.first_name: record for record in StaffRecord.objects.all()}
    operator = UserFactory(is_superuser=True, is_staff=True)
    with time_machine.travel("2026-11-27 12:00Z", tick=False):
        sign_in(client, operator)
        records["Ada"].band = "Band 7"
        save_in_the_admin(client, records["Ada"])
        page = client.get(f"/admin/training/staffrecord/{records['Ada'].pk}/change/")
    assert band_days()["Ada"] == TODAY
    assert 'name="band_since"' not in page.content.decode()  # shown, never typed
    with time_machine.travel("2026-12-04 12:00Z", tick=False):
        sign_in(client, operator)
        save_in_the_admin(client, StaffRecord.objects.get(first_name="Ada"))  # kept
        records["Cora"].band = "Band 6"
        save_in_the_admin(client, records["Cora"])
    # Cora, moved out of the rule, keeps the day she came under it, ended that day.
    assert band_days() == {"Mona": None, "Ada": TODAY, "Cora": datetime.date(2026, 6, 1)}
    assert StaffRecord.objects.get(first_name="Cora").band_ended == datetime.date(2026, 12, 4)


# --- what the dashboard and reminders then say -------------------------------------------


@pytest.fixture
def moved_up(organisation):
    """Ada, a worker since 2019 with Speak Up done, moved from Band 6 to Band 7 on 26 November
    2026, months after "Listen Up from Band 7" was set; Mona, her line manager, all done."""
    set_band_rule(organisation, "2026-06-01 12:00Z", "7")
    import_on(organisation, "2026-06-01 12:00Z", roster(Ada="Band 6"))
    records = {record.first_name: record for record in StaffRecord.objects.all()}
    done = datetime.date(2026, 6, 2)
    for name, modules in {"Ada": ["speak_up"], "Mona": ["speak_up", "listen_up"]}.items():
        for module in modules:
            CompletionFactory(staff_record=records[name], module=module, completed_on=done)
    import_on(organisation, "2026-11-26 08:00Z", roster(Ada="Band 7"))


@pytest.mark.django_db
@pytest.mark.usefixtures("each_import_path", "moved_up")
def test_the_dashboard_counts_a_worker_moved_into_the_rule_as_due(client_as):
    with time_machine.travel("2026-11-27 12:00Z", tick=False):
        body = client_as(Role.ORGANISATION_ADMIN).get(
            "/api/v1/organisations/TST01/training/compliance"
        )
    modules = {row["module"]: row for row in body.json()["modules"]}
    listen = modules["listen_up"]
    assert (listen["required"], listen["compliant"], listen["due"], listen["overdue"]) == (
        2,
        1,
        1,
        0,
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("moved_up")
def test_nobody_is_emailed_as_overdue_the_morning_after_a_move_into_the_rule(mailoutbox):
    with time_machine.travel("2026-11-27 06:00Z", tick=False):
        call_command("tick")
    assert sent_to(mailoutbox) == {}
    with time_machine.travel("2026-12-14 06:00Z", tick=False):
        call_command("tick")
    emails = sent_to(mailoutbox)
    assert set(emails) == {"ada@fictional.test"}
    assert "Listen Up: due by 26 December 2026." in emails["ada@fictional.test"]
