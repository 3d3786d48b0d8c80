"""The national view compared with the whole and read away from the page: when its figures not
of the period were counted, what cases per 1,000 workers divides by, England's line, why no
organisation is marked worst 10%, and one name for each figure in every table."""

import datetime
import html
import re

from speakup.organisations.models import Region
from speakup.organisations.roles import Role
from speakup.training.roster.importing import staff_import
from tests.organisations.factories import OrganisationFactory
from tests.reporting.factories import make_case
from tests.reporting.test_national_view import HALF, PAGE, _csv, _csv_lines, _row_cells, _trained
from tests.training.factories import StaffRecordFactory
from tests.training.test_assignment_ends import roster

CSV = "/reports/national/view.csv"
ENGLAND = "England (all organisations)"
RATE = "Cases per 1,000 workers"


def _upload(organisation, *workers: str):
    """Import roster lines of "number,first name,last name,assignment start" (today: 10 Feb)."""
    lines = [
        f"{number},{first},{last},,Other,Surgery,N,,N,N,{start},"
        for number, first, last, start in (worker.split(",") for worker in workers)
    ]
    return staff_import(organisation=organisation, file=roster(*lines))


def _page(client, query: str = HALF) -> str:
    return html.unescape(client.get(f"{PAGE}?{query}").content.decode())


def _headings(page: str, table_id: str) -> list[str]:
    table = page[page.index(f'id="{table_id}"') :]
    head = table[: table.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>.*?</th>", head)]


def test_every_csv_row_says_when_training_and_the_register_were_counted(
    client_as, cases, february_2027
):
    """The page says training and the register are as of today, counted at 9:00am, whatever
    the period; the CSV said nothing of it, so a file taken to a meeting passed them off as the
    period's."""
    client = client_as(Role.NATIONAL_ANALYST)
    assert "were counted at 9:00am" in _page(client)
    lines = _csv_lines(client.get(f"{CSV}?{HALF}"))
    assert len(lines) == 3  # two organisations and England
    assert {line["Training and register as of"] for line in lines} == {"2027-02-10T09:00+00:00"}
    assert {line["Open cases as of"] for line in lines} == {"2027-02-10"}


def test_a_roster_uploaded_after_the_period_leaves_its_rate_per_1000_workers_as_it_was(
    client_as, cases, organisation, february_2027
):
    """12 cases of 4 workers is 3,000 per 1,000; two starters uploaded in February for
    December made it 2,000, as the figure divided by today's roster."""
    client = client_as(Role.NATIONAL_ANALYST)
    before = {row["ODS code"]: row for row in _csv(client.get(f"{CSV}?{HALF}"))}["TST01"]
    assert before[RATE] == "3000"
    result = _upload(organisation, *(f"90{n},New,Starter{n},2026-12-01" for n in range(2)))
    assert result.imported and result.created == 2
    # A leaver gone after the period still counts; one gone before it does not.
    StaffRecordFactory(
        organisation=organisation, active=False, assignment_end=datetime.date(2026, 12, 31)
    )
    StaffRecordFactory(
        organisation=organisation, active=False, assignment_end=datetime.date(2026, 6, 30)
    )
    after = {row["ODS code"]: row for row in _csv(client.get(f"{CSV}?{HALF}"))}["TST01"]
    assert after[RATE] == "2400"  # 12 of the 5 workers on the roster on 30 September
    assert after["Workers at the period's end"] == "5"
    page = _page(client)
    assert "divides by the workers on each roster at the period's end, 30 September 2026" in page
    cells = _row_cells(page, "table-organisations", "(TST01)")
    assert cells[1:3] == ["5", "12"] and "2,400" in cells


def test_a_later_roster_of_starters_alone_does_not_move_a_closed_periods_rate(
    client_as, cases, organisation, february_2027
):
    client = client_as(Role.NATIONAL_ANALYST)
    assert _upload(organisation, "901,New,Starter,2027-01-04").created == 1
    row = {row["ODS code"]: row for row in _csv(client.get(f"{CSV}?{HALF}"))}["TST01"]
    assert row[RATE] == "3000"


def test_england_adds_up_every_organisation_whatever_the_filters(
    client_as, organisation, other_organisation, february_2027
):
    """An analyst or a trust had nothing to compare a region or an organisation with."""
    other_organisation.region = Region.NORTH_WEST
    other_organisation.save()
    _trained(organisation, workers=3, passed=2)
    _trained(other_organisation, workers=1, passed=1)
    client = client_as(Role.NATIONAL_ANALYST)
    for query in (HALF, f"{HALF}&region={organisation.region}"):
        page = _page(client, query)
        assert _row_cells(page, "table-region-training", f">{ENGLAND}<")[0] == "75%"  # 3 of 4
        assert _row_cells(page, "table-regions", f">{ENGLAND}<")[:2] == ["4", "0"]
        assert _row_cells(page, "table-organisations", f">{ENGLAND}<")[1:4] == ["4", "0", "75%"]
        assert "adds up every organisation in England, whatever the filters" in page
        england = _csv_lines(client.get(f"{CSV}?{query}"))[-1]
        assert england["Organisation"] == ENGLAND and england["Region"] == "England"
        assert england["Speak Up compliance (%)"] == "75"
        assert england["Workers at the period's end"] == "4"
        assert england["Worst 10% on"] == "not applicable"


def test_englands_cases_are_not_shown_where_they_would_give_away_a_small_count(
    client_as, cases, february_2027
):
    """TST01's 12 cases are shown and OTH01's 3 are "fewer than 5": England's 15 would give
    the 3 away. A third organisation's 4 cases leave two small counts that 19 cannot pin."""
    client = client_as(Role.NATIONAL_ANALYST)
    england = _csv_lines(client.get(f"{CSV}?{HALF}"))[-1]
    assert england["Cases"] == "not shown"
    # 8 acknowledged in time is 53.3% of 15 alone of 13 to 16 cases: not shown either.
    for column in (RATE, "Acknowledged in time (%)", "Feedback in time (%)"):
        assert england[column] == "not shown"
    assert _row_cells(_page(client), "table-regions", f">{ENGLAND}<")[1:3] == ["not shown"] * 2
    third = OrganisationFactory(ods_code="THR01", name="Thirdborough Fictional NHS Trust")
    for day in range(1, 5):
        make_case(third, received=datetime.datetime(2026, 7, day, 9, tzinfo=datetime.UTC))
    england = _csv_lines(client.get(f"{CSV}?{HALF}"))[-1]
    assert england["Cases"] == "19"
    assert england["Acknowledged in time (%)"] == "42.1"  # 8 of 19


def test_the_page_says_when_too_few_organisations_are_shown_to_mark_the_worst_tenth(
    client_as, cases, february_2027
):
    page = _page(client_as(Role.NATIONAL_ANALYST))
    assert (
        "No organisation is marked Worst 10%: that needs at least ten organisations, "
        "and 2 are shown." in page
    )


def test_the_page_names_the_measures_too_few_organisations_have_to_mark_the_worst_tenth(
    client_as, february_2027
):
    for number in range(10):
        organisation = OrganisationFactory(ods_code=f"ZZ{number:03d}")
        for day in range(1, 6):
            make_case(
                organisation, received=datetime.datetime(2026, 5, day, 9, tzinfo=datetime.UTC)
            )
    page = _page(client_as(Role.NATIONAL_ANALYST))
    note = page[page.index("No organisation is marked Worst 10% on") :]
    note = note[: note.index("</p>")]
    assert "“Speak Up compliance”" in note  # nobody's roster: not applicable everywhere
    assert "Acknowledged in time" not in note  # ten organisations have it: marked
    assert note.endswith(
        "fewer than ten organisations have a figure shown for them, and marking needs at least ten."
    )


def test_each_figure_has_one_name_in_every_table(client_as, cases, february_2027):
    """The regions' tables said "Board Follow Up", "Register duties" and "Per 1,000 workers"
    for the organisations' "Board members with Follow Up", "Directors with no overdue register
    duty" and "Cases per 1,000 workers"."""
    page = _page(client_as(Role.NATIONAL_ANALYST))
    organisations = _headings(page, "table-organisations")
    regions = _headings(page, "table-regions") + _headings(page, "table-region-training")
    for name in (
        "Board members with Follow Up",
        "Directors with no overdue register duty",
        RATE,
        "Workers at the period's end",
    ):
        assert name in organisations and name in regions
    assert set(regions) - {"Region"} <= set(organisations)
    for old in ("Board Follow Up", "Register duties", "Per 1,000 workers<"):
        assert old not in page
