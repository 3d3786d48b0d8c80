"""The national analyst's view: figures per organisation and region, sorting, filters, CSV."""

import codecs
import csv
import html
import io
import re

import pytest
import time_machine

from speakup.organisations.models import Region
from speakup.organisations.roles import Role
from tests.organisations.factories import OrganisationFactory
from tests.reporting.factories import london, make_case
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory

PAGE = "/reports/national/view/"
HALF = "start=2026-04-01&end=2026-09-30"


def _csv_lines(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _csv(response) -> list[dict]:
    """The organisations' rows: England's, last, left out (test_england_adds_up_every_...)."""
    return [row for row in _csv_lines(response) if row["Region"] != "England"]


def test_only_national_analysts_see_the_national_view(client_as, february_2027):
    for role in (Role.GUARDIAN, Role.BOARD_MEMBER, Role.REGISTER_OFFICER):
        client = client_as(role)
        assert client.get(PAGE).status_code == 404
        assert client.get("/reports/national/view.csv").status_code == 404


def test_figures_per_organisation_are_suppressed_and_never_name_anyone(
    client_as, cases, february_2027
):
    client = client_as(Role.NATIONAL_ANALYST)
    page = client.get(f"{PAGE}?{HALF}").content.decode()
    assert "Testshire Fictional NHS Trust (TST01)" in page
    assert "Alex Leader" not in page and "Bea Board" not in page
    rows = {row["ODS code"]: row for row in _csv(client.get(f"/reports/national/view.csv?{HALF}"))}
    ours, theirs = rows["TST01"], rows["OTH01"]
    assert ours["Cases"] == "12"
    assert ours["Workers at the period's end"] == "4"
    assert ours["Cases per 1,000 workers"] == "3000"
    assert ours["Acknowledged in time (%)"] == "not shown"  # 8 of 12: the 4 late would show
    assert ours["Would speak up again (%)"] == "not shown"  # 5 of 6 would show the one "no"
    assert ours["Feedback in time (%)"] == "50"
    assert ours["Open cases overdue (%)"] == "100"
    assert ours["Speak Up compliance (%)"] == "50"  # 2 of 4 workers
    assert ours["Board members with Follow Up (%)"] == "100"
    assert {ours[f"{module} mandatory"] for module in ("Speak Up", "Listen Up", "Follow Up")} <= {
        "Yes",
        "No",
    }
    assert theirs["Cases"] == "fewer than 5"
    assert theirs["Cases per 1,000 workers"] == "not shown"
    # No workers on their roster: said as the page says it, not a blank that reads as missing.
    assert theirs["Workers at the period's end"] == "0"
    assert theirs["Speak Up compliance (%)"] == "not applicable"


def test_the_csv_is_headed_in_the_pages_words(client_as, cases, february_2027):
    """The columns were named for programs ("speak_up_compliance", "outliers"): an analyst
    opening the file now reads the headings the page's table gives."""
    client = client_as(Role.NATIONAL_ANALYST)
    page = html.unescape(client.get(f"{PAGE}?{HALF}").content.decode())
    text = client.get(f"/reports/national/view.csv?{HALF}").content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header == [
        "ODS code",
        "Organisation",
        "Region",
        "Kind of organisation",
        "Speak Up mandatory",
        "Listen Up mandatory",
        "Follow Up mandatory",
        "Workers at the period's end",
        "Cases",
        "Speak Up compliance (%)",
        "Listen Up compliance (%)",
        "Follow Up compliance (%)",
        "Board members with Follow Up (%)",
        "Directors with no overdue register duty (%)",
        "Cases per 1,000 workers",
        "Acknowledged in time (%)",
        "Feedback in time (%)",
        "Open cases overdue (%)",
        "Would speak up again (%)",
        "Worst 10% on",
        "Training and register as of",
        "Open cases as of",
    ]
    for column in header[7:-3]:
        assert f">{column.removesuffix(' (%)')}</a></th>" in page  # the table's own heading


def test_each_csv_cell_is_the_number_the_page_shows(client_as, cases, february_2027):
    """The CSV wrote 56 for training, but 20.0 for register duties and 300.0 for cases per
    1,000 where the page says 20% and 300: every figure is now written as the page writes it,
    training's shares whole, the others to one decimal place, without a ".0"."""
    client = client_as(Role.NATIONAL_ANALYST)
    rows = {row["ODS code"]: row for row in _csv(client.get(f"/reports/national/view.csv?{HALF}"))}
    page = html.unescape(client.get(f"{PAGE}?{HALF}").content.decode())
    table = page[page.index('id="table-organisations"') :]
    for code, row in rows.items():
        cells = table[table.index(f"({code})") :]
        cells = cells[: cells.index("</tr>")]
        shown = [
            re.sub(r"<[^>]+>|Worst 10%", "", cell.split(">", 1)[1])
            for cell in cells.split("<td")[2:]  # after the mandatory modules
        ]
        csv_cells = list(row.values())[7:-3]  # workers to the last measure
        assert [cell.strip().replace(",", "").removesuffix("%") for cell in shown] == csv_cells
    assert not [cell for row in rows.values() for cell in row.values() if cell.endswith(".0")]
    assert rows["TST01"]["Cases per 1,000 workers"] == "3000"  # 3000.0 before


def test_the_page_says_a_year_can_be_compared_with_its_quarters(client_as, february_2027):
    """It said "two views cannot be compared to single anyone out"; a year less three of its
    quarters is the fourth, hidden figures and all (docs/reporting.md, "What is left")."""
    page = client_as(Role.NATIONAL_ANALYST).get(f"{PAGE}?{HALF}").content.decode()
    assert "cannot be compared to single anyone out" not in page
    assert "less the other quarters, it gives the remaining quarter" in page


def test_the_page_has_the_csvs_columns(client_as, cases, organisation, february_2027):
    """The CSV's Workers, needed to read "cases per 1,000 workers", were not on the page."""
    client = client_as(Role.NATIONAL_ANALYST)
    page = html.unescape(client.get(f"{PAGE}?{HALF}").content.decode())
    table = page[page.index('id="table-organisations"') :]
    row = table[table.index("(TST01)") :]
    row = row[: row.index("</tr>")]
    cells = [cell.split(">", 1)[1].split("<")[0] for cell in row.split("<td")[1:]]
    assert cells[1:3] == ["4", "12"]  # workers, then cases; 3000 per 1,000 workers
    assert organisation.get_region_display() in row and "NHS trust" in row  # kind of organisation
    regions = page[page.index('id="table-regions"') :]
    assert ">Workers at the period's end</th>" in regions[: regions.index("</thead>")]


def test_regions_add_up_their_organisations_before_suppression(client_as, cases, february_2027):
    page = client_as(Role.NATIONAL_ANALYST).get(f"{PAGE}?{HALF}").content.decode()
    assert "Speaking up by region" in page
    assert "Cases per 1,000 workers by region" in page  # the chart's alt text


def test_filters_by_region_and_kind(client_as, cases, organisation, february_2027):
    client = client_as(Role.NATIONAL_ANALYST)
    page = client.get(f"{PAGE}?{HALF}&region={organisation.region}&kind=nhs_trust").content.decode()
    assert "(TST01)" in page
    rows = _csv(client.get(f"/reports/national/view.csv?{HALF}&kind=icb"))
    assert all(row["Kind of organisation"] == "Integrated care board" for row in rows)


def test_a_filter_is_read_by_its_words_too_and_an_unknown_one_refuses_the_csv(
    client_as, cases, organisation, february_2027
):
    """region=London (the list's words, not its code) and kind=xyz listed every organisation
    in the CSV, with no word: figures taken for a region's were the whole country's."""
    client = client_as(Role.NATIONAL_ANALYST)
    label = organisation.get_region_display()
    rows = _csv(client.get(f"/reports/national/view.csv?{HALF}&region={label.upper()}"))
    assert rows and {row["Region"] for row in rows} == {label}
    unknown = client.get(f"/reports/national/view.csv?{HALF}&kind=xyz")
    assert unknown.status_code == 400
    assert unknown.content.decode().startswith("There is no kind “xyz”: leave it out, or give")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "region=Narnia",
            "There is no region “Narnia”: choose All regions, or one of East of England, "
            "London, Midlands, North East and Yorkshire, North West, South East or South West",
        ),
        (
            "kind=xyz",
            "There is no kind of organisation “xyz”: choose All kinds of organisation, or one of "
            "NHS trust, NHS foundation trust, Integrated care board, Primary care provider or "
            "Independent provider",
        ),
    ],
)
def test_an_unknown_filter_is_a_400_page_that_says_so_and_lists_the_choices(
    client_as, cases, february_2027, query, message
):
    """region=Narnia showed every organisation, with no word, as if the filter had been
    applied; the CSV already refused it."""
    client = client_as(Role.NATIONAL_ANALYST)
    response = client.get(f"{PAGE}?{HALF}&{query}")
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "<title>Error: National view" in page
    summary = page.split('class="nhsuk-error-summary"')[1].split("</div>")[0]
    assert message in summary
    assert page.count(message) == 2  # in the summary and above the list it is about
    assert 'id="table-organisations"' not in page and "Download these figures" not in page
    csv = client.get(f"/reports/national/view.csv?{HALF}&{query}")
    assert csv.status_code == 400  # the same check refuses the CSV


def test_a_filter_given_in_words_is_chosen_in_its_list(client_as, cases, february_2027):
    client = client_as(Role.NATIONAL_ANALYST)
    response = client.get(f"{PAGE}?{HALF}&region=north%20west&kind=NHS%20TRUST")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<option value="north_west"\s+selected', page)
    assert re.search(r'<option value="nhs_trust"\s+selected', page)
    assert "No NHS trusts in North West report to speakup yet." in page


def test_a_region_with_no_organisations_says_so(client_as, cases, february_2027):
    """London in the demo showed empty region tables and charts, and no word why."""
    client = client_as(Role.NATIONAL_ANALYST)
    page = client.get(f"{PAGE}?{HALF}&region=midlands").content.decode()
    assert "No organisations in Midlands report to speakup yet." in page
    assert 'id="table-regions"' not in page and 'id="table-organisations"' not in page
    page = client.get(f"{PAGE}?{HALF}&region=london&kind=icb").content.decode()
    assert "No integrated care boards in London report to speakup yet." in page
    # Every region: the ones with none are named under the regions' tables.
    page = client.get(f"{PAGE}?{HALF}").content.decode()
    assert 'id="table-regions"' in page
    assert (
        "No organisations in East of England, Midlands, North East and Yorkshire, North West, "
        "South East and South West report to speakup yet."
    ) in page
    page = client.get(f"{PAGE}?{HALF}&kind=icb").content.decode()
    assert "No integrated care boards report to speakup yet." in page


def test_sorting_by_a_measure_puts_hidden_figures_last(client_as, cases, february_2027):
    client = client_as(Role.NATIONAL_ANALYST)
    rows = _csv(client.get(f"/reports/national/view.csv?{HALF}&sort=cases_per_thousand&order=desc"))
    assert rows[0]["ODS code"] == "TST01"
    assert rows[-1]["Cases per 1,000 workers"] in ("not shown", "not applicable")
    page = client.get(f"{PAGE}?{HALF}&sort=cases_per_thousand&order=desc").content.decode()
    assert 'aria-sort="descending"' in page


def test_the_sorted_table_names_modules_as_written_and_its_links_open_at_the_table(
    client_as, cases, february_2027
):
    client = client_as(Role.NATIONAL_ANALYST)
    page = client.get(f"{PAGE}?{HALF}&sort=speak_up_compliance&order=desc").content.decode()
    assert "Organisations, sorted by Speak Up compliance (highest first)" in page
    page = client.get(f"{PAGE}?{HALF}&sort=board_follow_up&order=asc").content.decode()
    assert "Organisations, sorted by board members with Follow Up<" in page
    # Each heading's link sorts and brings the reader back to the table, not the page's top.
    assert 'id="organisations"' in page
    assert "sort=speak_up_compliance&amp;order=desc#organisations" in page


def test_every_column_of_the_organisations_table_sorts(client_as, cases, february_2027):
    """The page said "Select a column heading to sort by it" but Mandatory modules and Cases
    were plain headings."""
    quiet = OrganisationFactory(ods_code="QUI01", name="Quiet Fictional NHS Trust")
    TrainingPolicyFactory(organisation=quiet, speak_up_mandatory=True)
    client = client_as(Role.NATIONAL_ANALYST)
    page = client.get(f"{PAGE}?{HALF}").content.decode()
    for key, heading in (("mandatory", "Mandatory modules"), ("cases", "Cases")):
        assert f'sort={key}&amp;order=desc#organisations">{heading}</a></th>' in page

    def order(query):
        rows = _csv(client.get(f"/reports/national/view.csv?{HALF}&{query}"))
        return [row["ODS code"] for row in rows if row["ODS code"] in ("TST01", "OTH01", "QUI01")]

    # "fewer than 5" (OTH01) sorts between 0 and 12, not last as a hidden figure would.
    assert order("sort=cases&order=asc") == ["QUI01", "OTH01", "TST01"]
    assert order("sort=cases&order=desc") == ["TST01", "OTH01", "QUI01"]
    assert order("sort=mandatory&order=desc")[0] == "QUI01"
    page = client.get(f"{PAGE}?{HALF}&sort=mandatory&order=desc").content.decode()
    assert "Organisations, sorted by mandatory modules (most first)" in page
    page = client.get(f"{PAGE}?{HALF}&sort=cases&order=asc").content.decode()
    assert "Organisations, sorted by cases<" in page


def test_organisations_tied_on_a_column_stay_in_name_order_either_way(
    client_as, cases, february_2027
):
    """Reversing the sort swapped two organisations both at 60%: ties read A to Z both ways."""
    OrganisationFactory(ods_code="AAA01", name="Alder Fictional NHS Trust")
    OrganisationFactory(ods_code="ZZZ01", name="Zeal Fictional NHS Trust")
    client = client_as(Role.NATIONAL_ANALYST)

    def order(direction):
        rows = _csv(
            client.get(f"/reports/national/view.csv?{HALF}&sort=mandatory&order={direction}")
        )
        return [row["ODS code"] for row in rows if row["ODS code"] in ("AAA01", "ZZZ01")]

    assert order("asc") == order("desc") == ["AAA01", "ZZZ01"]


def test_the_worst_tenth_is_flagged(client_as, february_2027):
    for number in range(10):
        organisation = OrganisationFactory(ods_code=f"ZZ{number:03d}")
        for day in range(1, 6):
            make_case(organisation, received=london(2026, 5, day))
    client = client_as(Role.NATIONAL_ANALYST)
    rows = _csv(client.get(f"/reports/national/view.csv?{HALF}"))
    flagged = [row for row in rows if "Acknowledged in time" in row["Worst 10% on"].split("; ")]
    # Nobody acknowledged anything: every organisation ties at 0%, all in the worst tenth.
    assert len(flagged) == 10


def test_a_bad_period_is_a_400(client_as, february_2027):
    client = client_as(Role.NATIONAL_ANALYST)
    response = client.get(f"{PAGE}?start=2026-09-30&end=2026-04-01")
    assert response.status_code == 400
    assert "The address does not give a whole financial quarter" in response.content.decode()
    assert (
        client.get("/reports/national/view.csv?start=2026-04-01&end=2030-01-01").status_code == 400
    )


@pytest.mark.parametrize(
    "query, label",
    [
        ("?year=2026&part=q3", "1 October 2026 to 31 December 2026"),
        ("?year=2026&part=h1", "1 April 2026 to 30 September 2026"),
        ("?year=2025&part=year", "1 April 2025 to 31 March 2026"),
        ("?start=2026-07-01&end=2026-09-30", "1 July 2026 to 30 September 2026"),
    ],
)
def test_the_national_view_covers_whole_quarters_half_years_and_years(
    client_as, query, label, february_2027
):
    response = client_as(Role.NATIONAL_ANALYST).get(PAGE + query)
    assert response.status_code == 200
    assert f"Cases raised and answers given from {label}" in response.content.decode()


@pytest.mark.parametrize(
    "moment, label, year, part",
    [
        # The tester's day: the whole of 2026/27, first in the list, had not ended.
        (london(2026, 11, 27, 9, 0), "1 April 2026 to 30 September 2026", "2026", "h1"),
        (london(2027, 2, 10, 9, 0), "1 October 2026 to 31 December 2026", "2026", "q3"),
        (london(2027, 5, 1, 9, 0), "1 April 2026 to 31 March 2027", "2026", "year"),
        (london(2026, 5, 1, 9, 0), "1 April 2025 to 31 March 2026", "2025", "year"),
    ],
)
def test_the_page_opens_at_the_latest_period_to_have_ended(
    client_as, organisation, moment, label, year, part
):
    with time_machine.travel(moment, tick=False):
        make_case(organisation, received=london(2025, 10, 1))
        response = client_as(Role.NATIONAL_ANALYST).get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Cases raised and answers given from {label}" in page
    assert f'<option value="{year}" selected' in page
    assert f'value="{part}" checked' in page


def test_the_period_list_says_which_periods_of_the_newest_year_have_ended(client_as):
    with time_machine.travel(london(2026, 11, 27, 9, 0), tick=False):
        page = html.unescape(client_as(Role.NATIONAL_ANALYST).get(PAGE).content.decode())
    assert (
        "Only a period that has ended can be chosen. Of 2026/27, these have ended so far: "
        "April to September; Q1: April to June; Q2: July to September."
    ) in page
    with time_machine.travel(london(2027, 5, 1, 9, 0), tick=False):
        page = client_as(Role.NATIONAL_ANALYST).get(PAGE).content.decode()
    assert "Only a period that has ended" not in page  # every part of 2026/27 has ended


@pytest.mark.parametrize(
    "query, message",
    [
        # A day apart: subtracting the two would give one organisation's cases of 7 May.
        ("?start=2025-05-07&end=2026-03-31", "7 May 2025 to 31 March 2026 is not a whole"),
        ("?start=2026-07-01&end=2026-09-29", "1 July 2026 to 29 September 2026 is not a whole"),
        ("?year=2026&part=q4", "1 January 2027 to 31 March 2027 has not ended yet"),
    ],
)
def test_the_national_view_refuses_any_other_period(client_as, query, message, february_2027):
    client = client_as(Role.NATIONAL_ANALYST)
    response = client.get(PAGE + query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "<title>Error: National view" in page
    assert "Cases raised and answers given from" not in page
    csv_response = client.get("/reports/national/view.csv" + query)
    assert csv_response.status_code == 400
    assert message in csv_response.content.decode()


def test_the_csv_download_starts_with_a_byte_order_mark_for_excel(client_as, organisation):
    response = client_as(Role.NATIONAL_ANALYST).get(f"/reports/national/view.csv?{HALF}")
    assert response.content.startswith(codecs.BOM_UTF8)
    assert response["Content-Disposition"].startswith('attachment; filename="ftsu-national-view-')


def _trained(organisation, workers: int, passed: int) -> None:
    records = StaffRecordFactory.create_batch(workers, organisation=organisation)
    for record in records[:passed]:
        CompletionFactory(staff_record=record, completed_on=london(2026, 6, 1, 9, 0).date())


def test_training_compliance_is_a_whole_percentage_as_on_the_training_pages(
    client_as, organisation, february_2027
):
    """The dashboard and the board report say 67% for 2 of 3 workers; this view said 66.7%."""
    _trained(organisation, workers=3, passed=2)
    client = client_as(Role.NATIONAL_ANALYST)
    rows = {row["ODS code"]: row for row in _csv(client.get(f"/reports/national/view.csv?{HALF}"))}
    assert rows["TST01"]["Speak Up compliance (%)"] == "67"
    page = client.get(f"{PAGE}?{HALF}").content.decode()
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">67%</td>' in page
    assert "66.7%" not in page


def test_a_training_share_of_an_exact_half_rounds_up_and_sorts_by_its_exact_value(
    client_as, organisation, other_organisation, february_2027
):
    """1 of 8 is 12.5%: round() gave 12. 2 of 15 (13.3%) shows 13% too, and still sorts above."""
    _trained(organisation, workers=8, passed=1)
    _trained(other_organisation, workers=15, passed=2)
    client = client_as(Role.NATIONAL_ANALYST)
    for order, expected in (("desc", ["OTH01", "TST01"]), ("asc", ["TST01", "OTH01"])):
        query = f"{HALF}&sort=speak_up_compliance&order={order}"
        rows = _csv(client.get(f"/reports/national/view.csv?{query}"))
        assert [row["ODS code"] for row in rows] == expected
        assert [row["Speak Up compliance (%)"] for row in rows] == ["13", "13"]
        page = client.get(f"{PAGE}?{query}").content.decode()
        assert page.index(f"({expected[0]})") < page.index(f"({expected[1]})")


def _row_cells(page: str, table_id: str, label: str) -> list[str]:
    """The cells after the row heading `label` in the table `table_id`, as text."""
    table = page[page.index(f'id="{table_id}"') :]
    row = table[table.index(label) :]
    row = row[: row.index("</tr>")]
    return [re.sub(r"<[^>]+>", "", cell.split(">", 1)[1]).strip() for cell in row.split("<td")[1:]]


def test_a_few_trained_of_many_read_under_1_percent_and_all_but_a_few_over_99_as_on_the_dashboard(
    client_as, organisation, other_organisation, february_2027
):
    """1 of 201 workers trained read "0%", as if nobody, and 200 of 201 "100%", as if everybody,
    in the organisations' table and the regions' (the chart's figures); the dashboard says
    "under 1%" and "over 99%". The CSV keeps the number for a spreadsheet: 0 and 100."""
    other_organisation.region = Region.NORTH_WEST
    other_organisation.save()
    _trained(organisation, workers=201, passed=1)
    _trained(other_organisation, workers=201, passed=200)
    client = client_as(Role.NATIONAL_ANALYST)
    page = html.unescape(client.get(f"{PAGE}?{HALF}").content.decode())

    speak_up = 3  # after the mandatory modules, workers and cases
    ours = _row_cells(page, "table-organisations", "(TST01)")
    theirs = _row_cells(page, "table-organisations", "(OTH01)")
    assert ours[speak_up] == "under 1%"
    assert theirs[speak_up] == "over 99%"
    assert _row_cells(page, "table-region-training", ">London<")[0] == "under 1%"
    assert _row_cells(page, "table-region-training", ">North West<")[0] == "over 99%"
    rows = {row["ODS code"]: row for row in _csv(client.get(f"/reports/national/view.csv?{HALF}"))}
    assert rows["TST01"]["Speak Up compliance (%)"] == "0"
    assert rows["OTH01"]["Speak Up compliance (%)"] == "100"
