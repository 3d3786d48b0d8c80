"""A worker whose Assignment End passes becomes a leaver at the next tick, without a re-import:
no longer counted, listed or reminded; a later roster that brings them back makes them active."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.training.leavers import ended_assignments_close
from speakup.training.models import StaffRecord
from speakup.training.national import training_counts_by_organisation
from speakup.training.roster.importing import staff_import
from tests.conftest import sign_in
from tests.training.test_roster_import import each_import_path  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

HEADER = (
    "Employee Number,First Name,Last Name,Email,Staff Group,Directorate,Line Manager (Y/N),"
    "Line Manager Employee Number,Senior Leader (Y/N),Board Member (Y/N),Assignment Start,"
    "Assignment End"
)
MONA = "2000,Mona,Manager,mona@fictional.test,Other,Surgery,Y,,N,N,2020-01-01,"
# Erin's assignment ends on 30 November; Owen stays. Both were due Speak Up by 31 January.
ERIN = "2001,Erin,Ending,erin@fictional.test,Other,Surgery,N,2000,N,N,2026-01-01,2026-11-30"
OWEN = "2002,Owen,Late,owen@fictional.test,Other,Surgery,N,2000,N,N,2026-01-01,"
IMPORTED_ON = datetime.date(2026, 11, 20)
AFTER_THE_END = datetime.date(2026, 12, 5)


def roster(*lines: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO("\n".join([header, *lines]).encode())


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False)


@pytest.fixture
def imported(organisation):
    with on(IMPORTED_ON):
        result = staff_import(organisation=organisation, file=roster(MONA, ERIN, OWEN))
    assert result.imported and result.created == 3
    return organisation


def erin() -> StaffRecord:
    return StaffRecord.objects.get(employee_number="2001")


def test_after_the_end_the_tick_makes_her_a_leaver_and_reminds_nobody_of_her(imported, mailoutbox):
    with on(AFTER_THE_END):
        call_command("tick")
    sent = {message.to[0]: message.body for message in mailoutbox}
    assert "erin@fictional.test" not in sent
    assert "Owen Late (employee number 2002), Speak Up: overdue" in sent["mona@fictional.test"]
    assert "Erin" not in sent["mona@fictional.test"]
    assert not erin().active
    (record,) = AuditRecord.objects.filter(action="training.assignments_ended")
    assert (record.object_ref, record.organisation_id) == ("TST01", imported.pk)
    assert record.actor_label == "system"
    assert record.detail == {"left": 1, "ended_before": "2026-12-05"}


def test_she_is_active_on_her_last_day_and_a_leaver_the_day_after(imported):
    with on(datetime.date(2026, 11, 30)):
        assert ended_assignments_close() == "Workers whose assignment ended, marked as leavers: 0"
    assert erin().active
    with on(datetime.date(2026, 12, 1)):
        assert ended_assignments_close() == "Workers whose assignment ended, marked as leavers: 1"
    assert not erin().active


def test_the_next_tick_finds_nobody_more_and_audits_nothing_more(imported):
    with on(AFTER_THE_END):
        ended_assignments_close()
        assert ended_assignments_close() == "Workers whose assignment ended, marked as leavers: 0"
    assert AuditRecord.objects.filter(action="training.assignments_ended").count() == 1
    assert StaffRecord.objects.filter(active=True).count() == 2


def test_after_the_tick_the_dashboard_team_page_and_national_view_leave_her_out(
    imported, client, client_as, person_with_role
):
    mona = person_with_role(Role.WORKER, email="mona@fictional.test")
    StaffRecord.objects.filter(employee_number="2000").update(user=mona)
    with on(AFTER_THE_END):
        call_command("tick")
        counts = client_as(Role.ORGANISATION_ADMIN).get(
            "/api/v1/organisations/TST01/training/compliance"
        )
        export = client_as(Role.GUARDIAN).get("/training/organisations/TST01/compliance.csv")
        national = training_counts_by_organisation(today=AFTER_THE_END)[imported.pk]
        team = sign_in(client, mona).get("/training/team/").content.decode()
    speak_up = counts.json()["modules"][0]
    assert (speak_up["required"], speak_up["overdue"]) == (3 - 1, 3 - 1)  # Mona and Owen
    assert "Owen" in export.content.decode() and "Erin" not in export.content.decode()
    assert national["workers"] == 2 and national["speak_up_required"] == 2
    assert "Owen Late" in team and "Erin" not in team


@pytest.mark.usefixtures("each_import_path")
@pytest.mark.parametrize("with_end_column", [True, False], ids=["an empty end", "no end column"])
def test_a_leaver_who_comes_back_in_a_later_roster_is_active_again(imported, with_end_column):
    with on(AFTER_THE_END):
        ended_assignments_close()
    back = "2001,Erin,Ending,erin@fictional.test,Other,Surgery,N,2000,N,N,2027-01-04"
    header = HEADER
    if with_end_column:
        back += ","
    else:
        header = HEADER.removesuffix(",Assignment End")
    with on(datetime.date(2027, 1, 10)):
        result = staff_import(organisation=imported, file=roster(back, header=header))
        assert result.imported and result.updated == 1
        assert ended_assignments_close() == "Workers whose assignment ended, marked as leavers: 0"
    assert erin().active and erin().assignment_end is None
