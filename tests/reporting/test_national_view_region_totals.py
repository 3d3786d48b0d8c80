"""The national view's region and England lines never give away, by subtraction, a figure an
organisation's line hides. Checked by brute force over every number the page and the CSV show,
as an attacker who knows the rules would read them."""

import base64
import datetime
import html
import itertools
import re

import pytest

from speakup.organisations.models import Region
from speakup.organisations.roles import Role
from tests.organisations.factories import OrganisationFactory
from tests.reporting.board_report_fixtures import half_year_of_cases
from tests.reporting.factories import london, make_case
from tests.reporting.test_national_view import HALF, PAGE, _csv_lines, _row_cells

CSV = "/reports/national/view.csv"
ENGLAND = "England (all organisations)"
SMALL = "fewer than 5"

# Cases per organisation, by region: one hidden in a region; two hidden adding up to fewer
# than 5, to 5 or more, to 8 (both 4, the most each can be); none hidden; hidden in two regions.
CONFIGURATIONS = {
    "one hidden": {Region.LONDON: [12, 3], Region.NORTH_WEST: [7]},
    "two hidden, fewer than 5 together": {Region.LONDON: [12, 1, 2], Region.NORTH_WEST: [9]},
    "two hidden, 5 or more together": {Region.LONDON: [12, 3, 4], Region.NORTH_WEST: [9]},
    "two hidden, both at the most": {Region.LONDON: [12, 4, 4], Region.NORTH_WEST: [9]},
    "none hidden": {Region.LONDON: [12, 6], Region.NORTH_WEST: [7, 0]},
    "hidden in two regions": {Region.LONDON: [12, 3], Region.NORTH_WEST: [9, 2]},
}


def _organisations_with_cases(configuration: dict) -> None:
    """Make the organisations and their cases received in the half-year."""
    for region, counts in configuration.items():
        for index, count in enumerate(counts):
            ods = f"{region[:3].upper()}{index:02d}"
            organisation = OrganisationFactory(ods_code=ods, name=f"{ods} Fictional Trust")
            organisation.region = region
            organisation.save()
            for day in range(count):
                make_case(organisation, received=london(2026, 6, 1 + day))


def _fits(shown: str, value: int) -> bool:
    """Whether a true count of `value` could be shown as `shown`."""
    if shown == "not shown":
        return True
    if shown == SMALL:
        return 1 <= value <= 4
    return int(shown.replace(",", "")) == value


def _pinned_counts(organisations: dict[str, str], totals: dict[str, str], regions: dict) -> list:
    """The organisations whose hidden number of cases only one value fits, beside every region
    total and England's. `organisations`: ODS code -> cases shown; `regions`: ODS -> region."""
    hidden = [ods for ods, shown in organisations.items() if shown == SMALL]
    known = {ods: int(shown) for ods, shown in organisations.items() if shown != SMALL}
    solutions = []
    for values in itertools.product(range(1, 5), repeat=len(hidden)):
        cases = {**known, **dict(zip(hidden, values, strict=True))}
        by_region = {label: 0 for label in totals if label != ENGLAND}
        for ods, count in cases.items():
            by_region[regions[ods]] += count
        if _fits(totals[ENGLAND], sum(cases.values())) and all(
            _fits(totals[label], count) for label, count in by_region.items()
        ):
            solutions.append(values)
    assert solutions, "the true counts fit what is shown"
    return [ods for i, ods in enumerate(hidden) if len({s[i] for s in solutions}) < 2]


def _shown_counts(client) -> tuple[dict, dict, dict]:
    """Every organisation's cases and every region's and England's, as the page shows them
    (the CSV's must be the same), and each organisation's region."""
    lines = _csv_lines(client.get(f"{CSV}?{HALF}"))
    regions = {line["ODS code"]: line["Region"] for line in lines[:-1]}
    page = html.unescape(client.get(f"{PAGE}?{HALF}").content.decode())
    organisations = {ods: _row_cells(page, "table-organisations", f"({ods})")[2] for ods in regions}
    totals = {
        label: _row_cells(page, "table-regions", f">{label}<")[1]
        for label in {*regions.values(), ENGLAND}
    }
    assert {line["ODS code"]: line["Cases"] for line in lines[:-1]} == organisations
    assert lines[-1]["Organisation"] == ENGLAND and lines[-1]["Cases"] == totals[ENGLAND]
    return organisations, totals, regions


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_no_hidden_number_of_cases_can_be_worked_out_from_the_region_and_england_lines(
    client_as, february_2027, name
):
    _organisations_with_cases(CONFIGURATIONS[name])
    organisations, totals, regions = _shown_counts(client_as(Role.NATIONAL_ANALYST))
    assert _pinned_counts(organisations, totals, regions) == []
    if name == "none hidden":  # nothing to protect: every total is shown
        assert totals == {"London": "18", "North West": "7", ENGLAND: "25"}
    if name == "two hidden, fewer than 5 together":
        assert totals["London"] == "not shown"  # 15 less 12: 3 people in two organisations
    if name == "two hidden, 5 or more together":
        assert totals["London"] == "19"  # 3 and 4, or 4 and 3, or ...: pins neither


def test_london_beside_tst01_and_oth01_does_not_give_oth01s_three_away(
    client_as, organisation, other_organisation, february_2027
):
    """London showed 15 cases beside TST01's 12 and OTH01's "fewer than 5": 15 - 12 = 3. Its
    rate and shares, from which 15 could be worked back, and its bar are not shown either."""
    half_year_of_cases(organisation, other_organisation)
    client = client_as(Role.NATIONAL_ANALYST)
    page = html.unescape(client.get(f"{PAGE}?{HALF}").content.decode())
    london_line = _row_cells(page, "table-regions", ">London<")
    assert london_line[1:] == ["not shown"] * 6  # cases, per 1,000 and the four shares
    assert "would give away a figure they hide" in page
    assert re.search(r">London</text><text[^>]*>not shown</text>", _chart(page, "chart-regions"))


def _chart(page: str, chart_id: str) -> str:
    """The SVG drawn for the chart `chart_id` (an image of the page)."""
    source = re.search(rf'id="{chart_id}" src="data:image/svg\+xml;base64,([^"]+)"', page)
    return base64.b64decode(source.group(1)).decode()


def test_a_regions_share_does_not_give_away_the_share_an_organisations_line_hides(
    client_as, organisation, other_organisation, february_2027
):
    """OTH01 acknowledged 9 of its 10 cases in time, hidden (the one late case would show);
    TST01 5 of 10. London's 70% (14 of 20) less TST01's 50% gave OTH01's 9 of 10 back."""
    for received_by, late in ((organisation, 5), (other_organisation, 1)):
        for day in range(10):
            case = make_case(received_by, received=london(2026, 6, 1 + day))
            case.acknowledged_at = case.received_at + datetime.timedelta(
                days=10 if day < late else 2
            )
            case.save()
    client = client_as(Role.NATIONAL_ANALYST)
    lines = {line["ODS code"]: line for line in _csv_lines(client.get(f"{CSV}?{HALF}"))}
    assert lines["OTH01"]["Acknowledged in time (%)"] == "not shown"
    assert lines["TST01"]["Acknowledged in time (%)"] == "50"
    page = html.unescape(client.get(f"{PAGE}?{HALF}").content.decode())
    london_line = _row_cells(page, "table-regions", ">London<")
    assert london_line[1] == "20"  # two counts of 10: nothing hidden to work out
    assert london_line[3] == "not shown"
    assert lines["not applicable"]["Acknowledged in time (%)"] == "not shown"  # England's too
