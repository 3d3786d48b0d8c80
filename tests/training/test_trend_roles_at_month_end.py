"""The dashboard's month-by-month trend decides who needed each module by the roles and band
they had at that month's end, as the roster uploads gave and took them away."""

import datetime

import pytest
import time_machine

from speakup.organisations.roles import Role
from speakup.training.models import StaffRecord
from tests.training import test_band_moves, test_promotions
from tests.training.factories import CompletionFactory, StaffRecordFactory
from tests.training.test_promotions import import_on
from tests.training.test_roster_import import each_import_path  # noqa: F401  (a fixture)
from tests.training.test_trend_roster_at_month_end import trend_rows

pytestmark = pytest.mark.django_db


def figures_of(rows: dict[str, list[str]], module: str) -> list[str]:
    """One module's figure at each date, oldest first."""
    column = ["speak_up", "listen_up", "follow_up"].index(module)
    return [figures[column] for figures in rows.values()]


def worker(first_name: str) -> StaffRecord:
    return StaffRecord.objects.get(first_name=first_name)


@pytest.mark.usefixtures("each_import_path")
def test_a_worker_made_a_line_manager_this_month_leaves_past_listen_up_figures(
    client_as, organisation
):
    import_on(organisation, "2026-06-01 12:00Z", test_promotions.roster(Ada="YNN", Bryn="NNN"))
    CompletionFactory(
        staff_record=worker("Ada"), module="listen_up", completed_on=datetime.date(2026, 7, 10)
    )
    import_on(organisation, "2026-11-20 12:00Z", test_promotions.roster(Ada="YNN", Bryn="YNN"))

    with time_machine.travel("2026-11-27 12:00Z", tick=False):
        client = client_as(Role.GUARDIAN, organisation)
        rows = trend_rows(client)
        page = client.get("/training/organisations/TST01/").content.decode()

    # Ada, a line manager since she started, trained in July; Bryn was made one on 20 November.
    assert figures_of(rows, "listen_up") == ["0%", "100%", "100%", "100%", "100%", "50%"]
    assert (
        "Who needed a module in a month is decided by the roles and band each person had at "
        "the end of that month" in page
    )
    assert "speakup has recorded the days roles and bands change only since 27 November" in page
    assert "a role that ended before then is not counted in any month" in page


@pytest.mark.usefixtures("each_import_path")
def test_a_board_member_whose_role_ended_still_counts_for_follow_up_in_the_months_before(
    client_as, organisation
):
    import_on(organisation, "2026-12-01 12:00Z", test_promotions.roster(Ada="NNY", Cora="NNY"))
    CompletionFactory(
        staff_record=worker("Ada"), module="follow_up", completed_on=datetime.date(2026, 6, 15)
    )
    # Cora leaves the board on 20 January: she stays on the roster.
    import_on(organisation, "2027-01-20 12:00Z", test_promotions.roster(Ada="NNY", Cora="NNN"))

    with time_machine.travel("2027-03-15 12:00Z", tick=False):
        rows = trend_rows(client_as(Role.GUARDIAN, organisation))

    assert list(rows) == [
        "31 October 2026",
        "30 November 2026",
        "31 December 2026",
        "31 January 2027",
        "28 February 2027",
        "15 March 2027 (today)",
    ]
    # A board member until 20 January, as far as the roster tells, without Follow Up.
    assert figures_of(rows, "follow_up") == ["50%", "50%", "50%", "100%", "100%", "100%"]


@pytest.mark.usefixtures("each_import_path")
def test_the_listen_up_band_rule_counts_each_worker_in_the_months_they_were_under_it(
    client_as, organisation
):
    import_on(
        organisation,
        "2026-06-01 12:00Z",
        test_band_moves.roster(Ada="Band 7", Bryn="Band 6", Cora="Band 8a"),
    )
    # "Listen Up from Band 7" from 10 September: Band 7 and up from then.
    test_band_moves.set_band_rule(organisation, "2026-09-10 12:00Z", "7")
    for name, day in (("Mona", datetime.date(2026, 7, 1)), ("Cora", datetime.date(2026, 8, 1))):
        CompletionFactory(staff_record=worker(name), module="listen_up", completed_on=day)
    # Bryn moves up into the rule, Cora down out of it.
    moved = test_band_moves.roster(Ada="Band 7", Bryn="Band 7", Cora="Band 6")
    import_on(organisation, "2026-11-20 12:00Z", moved)

    with time_machine.travel("2027-01-15 12:00Z", tick=False):
        rows = trend_rows(client_as(Role.GUARDIAN, organisation))

    # August: Mona, their line manager, alone. September and October: Mona, Ada and Cora
    # (both trained). November on: Mona, Ada and Bryn (Mona trained).
    assert figures_of(rows, "listen_up") == ["100%", "67%", "67%", "33%", "33%", "33%"]


@time_machine.travel("2026-11-27 12:00Z", tick=False)
def test_a_board_appointment_dated_ahead_counts_today_as_the_headline_figures_do(
    client_as, organisation
):
    trained = StaffRecordFactory(organisation=organisation, is_board_member=True)
    CompletionFactory(
        staff_record=trained, module="follow_up", completed_on=datetime.date(2026, 6, 15)
    )
    # On the roster as a board member; the register dates the appointment from 1 December.
    StaffRecordFactory(
        organisation=organisation,
        is_board_member=True,
        board_member_since=datetime.date(2026, 12, 1),
    )
    client = client_as(Role.GUARDIAN, organisation)

    rows = trend_rows(client)

    assert figures_of(rows, "follow_up")[-2:] == ["100%", "50%"]  # 31 October, today
    summary = client.get("/api/v1/organisations/TST01/training/compliance").json()
    follow_up = next(row for row in summary["modules"] if row["module"] == "follow_up")
    assert (follow_up["compliant"], follow_up["required"]) == (1, 2)
