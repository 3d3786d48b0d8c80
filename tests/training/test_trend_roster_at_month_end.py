"""The dashboard's month-by-month trend counts each month against the roster at its end."""

import datetime
import html
import re

import pytest
import time_machine

from speakup.organisations.roles import Role
from tests.training.factories import CompletionFactory, StaffRecordFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2024, 1, 1)


def trend_rows(client) -> dict[str, list[str]]:
    """The trend's table as the page shows it: each row's date and its figures per module."""
    page = client.get("/training/organisations/TST01/").content.decode()
    table = page.split('aria-labelledby="trend-heading"')[1].split("</table>")[0]
    table = re.sub(r' <span class="nhsuk-body-s">\([^<]*\)</span>', "", table)  # the counts
    rows = re.findall(r'<th scope="row">([^<]*)</th>\s*((?:<td>[^<]*</td>)+)', table)
    return {html.unescape(day): re.findall(r"<td>([^<]*)</td>", cells) for day, cells in rows}


def speak_up(rows: dict[str, list[str]]) -> dict[str, str]:
    return {day: figures[0] for day, figures in rows.items()}


@time_machine.travel(datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.UTC), tick=False)
def test_a_new_starter_this_month_leaves_past_months_figures_unchanged(client_as, organisation):
    trained = StaffRecordFactory(organisation=organisation, assignment_start=LONG_AGO)
    CompletionFactory(staff_record=trained, completed_on=datetime.date(2026, 7, 10))
    StaffRecordFactory(organisation=organisation, assignment_start=LONG_AGO)
    client = client_as(Role.GUARDIAN, organisation)
    before = trend_rows(client)

    StaffRecordFactory(organisation=organisation, assignment_start=datetime.date(2026, 11, 1))
    after = trend_rows(client)

    assert speak_up(before) == {
        "30 June 2026": "0%",
        "31 July 2026": "50%",
        "31 August 2026": "50%",
        "30 September 2026": "50%",
        "31 October 2026": "50%",
        "27 November 2026 (today)": "50%",
    }
    past = [day for day in before if "today" not in day]
    assert {day: after[day] for day in past} == {day: before[day] for day in past}
    assert speak_up(after)["27 November 2026 (today)"] == "33%"


@time_machine.travel(datetime.datetime(2025, 4, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_a_worker_who_started_in_march_is_not_in_februarys_count(client_as, organisation):
    trained = StaffRecordFactory(organisation=organisation, assignment_start=LONG_AGO)
    CompletionFactory(staff_record=trained, completed_on=datetime.date(2025, 1, 15))
    StaffRecordFactory(organisation=organisation, assignment_start=datetime.date(2025, 3, 3))

    rows = speak_up(trend_rows(client_as(Role.GUARDIAN, organisation)))

    assert rows["31 January 2025"] == "100%"
    assert rows["28 February 2025"] == "100%"  # 1 of 1: the March starter was not there yet
    assert rows["31 March 2025"] == "50%"


@time_machine.travel(datetime.datetime(2025, 4, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_a_leaver_counts_in_the_months_up_to_their_assignment_end(client_as, organisation):
    trained = StaffRecordFactory(organisation=organisation, assignment_start=LONG_AGO)
    CompletionFactory(staff_record=trained, completed_on=datetime.date(2025, 1, 15))
    StaffRecordFactory(
        organisation=organisation,
        assignment_start=LONG_AGO,
        assignment_end=datetime.date(2025, 3, 15),
        active=False,
    )
    # A leaver with no Assignment End, made before the day they were missing was kept (ADR
    # 0022): when they left is not known.
    StaffRecordFactory(organisation=organisation, assignment_start=LONG_AGO, active=False)

    client = client_as(Role.GUARDIAN, organisation)
    rows = speak_up(trend_rows(client))
    page = client.get("/training/organisations/TST01/").content.decode()

    assert rows["31 December 2024"] == "0%"
    assert rows["28 February 2025"] == "50%"  # the leaver was still there
    assert rows["31 March 2025"] == "100%"  # they had left on 15 March
    assert rows["10 April 2025 (today)"] == "100%"
    assert "Each month counts only the people on your roster at the end of that month" in page
    assert "Someone who joins later does not change an earlier month." in page
    # Leavers made by a whole roster count up to the day before it (ADR 0022).
    assert (
        "A leaver counts up to their Assignment End once it has passed. A leaver without one "
        "counts up to the day before the whole roster that left them out was uploaded, or in no "
        "month if that was before 27 November 2026." in page
    )
    assert "gave no Assignment End" not in page
