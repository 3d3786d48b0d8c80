"""The board report's "cases per 1,000 workers" divides by the roster at the period's end, as
the national view does (ADR 0023): a roster uploaded later leaves a closed period's rate as it
was, and the two agree for the same organisation and period."""

import datetime
import html

from speakup.organisations.roles import Role
from speakup.reporting.board_report import board_report
from speakup.reporting.national_view import national_view
from tests.reporting.test_board_report_figures import HALF_YEAR
from tests.reporting.test_national_view import _trained
from tests.reporting.test_national_view_england_and_dates import _upload
from tests.training.factories import StaffRecordFactory

PAGE = "/reports/board-reports/TST01/?start=2026-04-01&end=2026-09-30"
RATE = "Cases per 1,000 workers"
WORKERS = "Workers at the period's end"


def _comparison(organisation) -> dict[str, tuple[str, str]]:
    report = board_report(organisation=organisation, period=HALF_YEAR)
    return {row.measure: (row.organisation.text, row.national.text) for row in report.comparison}


def _starters_and_leavers(organisation) -> None:
    """In February: two starters from December, a leaver gone after the period, one before."""
    assert _upload(organisation, *(f"90{n},New,Starter{n},2026-12-01" for n in range(2))).created
    StaffRecordFactory(
        organisation=organisation, active=False, assignment_end=datetime.date(2026, 12, 31)
    )
    StaffRecordFactory(
        organisation=organisation, active=False, assignment_end=datetime.date(2026, 6, 30)
    )


def test_a_roster_uploaded_after_the_period_leaves_the_board_reports_rate_as_it_was(
    client_as, cases, organisation, february_2027
):
    """12 cases of 4 workers is 3,000 per 1,000; today's roster of 6 made it 2,000."""
    before = _comparison(organisation)
    assert before[RATE] == ("3,000", "3,750")  # 15 cases of the same 4 workers nationally
    assert before[WORKERS] == ("4", "4")
    _starters_and_leavers(organisation)
    after = _comparison(organisation)
    assert after[RATE] == ("2,400", "3,000")  # of the 5 on the roster on 30 September
    assert after[WORKERS] == ("5", "5")
    page = html.unescape(client_as(Role.BOARD_MEMBER).get(PAGE).content.decode())
    assert "divides by the workers on the roster at the period's end, 30 September 2026" in page
    comparison = page[page.index('id="table-comparison"') :]
    assert WORKERS in comparison[: comparison.index("</table>")]


def test_the_board_reports_rate_is_the_national_views_for_the_same_organisation_and_period(
    cases, organisation, february_2027
):
    _starters_and_leavers(organisation)
    ours = _comparison(organisation)
    view = national_view(period=HALF_YEAR)
    line = next(row for row in view.organisations if row.organisation == organisation)
    assert ours[RATE][0] == line.measures["cases_per_thousand"].text == "2,400"
    assert ours[WORKERS][0] == f"{line.workers:,}" == "5"


def test_the_comparison_gives_compliance_per_module_beside_englands(
    client_as, organisation, other_organisation, february_2027
):
    """The comparison had no training rows: 2 of 3 trained here, 3 of 4 in England."""
    _trained(organisation, workers=3, passed=2)
    _trained(other_organisation, workers=1, passed=1)
    rows = _comparison(organisation)
    england = national_view(period=HALF_YEAR).england
    assert rows["Speak Up compliance (today)"] == ("67%", "75%")
    assert rows["Speak Up compliance (today)"][1] == england.measures["speak_up_compliance"].text
    assert set(rows) >= {"Listen Up compliance (today)", "Follow Up compliance (today)"}
    page = html.unescape(client_as(Role.BOARD_MEMBER).get(PAGE).content.decode())
    comparison = page[page.index('id="table-comparison"') :]
    comparison = comparison[: comparison.index("</table>")]
    assert "Speak Up compliance (today)" in comparison and "75%" in comparison
    assert "beside England's" in page
