"""A national analyst filters the national view by region, sorts it and downloads the CSV."""

import csv
import io
import re

import pytest
import time_machine
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.organisations.factories import OrganisationFactory
from tests.reporting.board_report_fixtures import half_year_of_cases
from tests.reporting.factories import london, make_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def february_2027_ticking():
    with time_machine.travel(london(2027, 2, 10, 9, 0), tick=True):
        yield


def test_national_analyst_filters_sorts_and_downloads_the_national_view(
    page, organisation, other_organisation, person_with_role, february_2027_ticking
):
    half_year_of_cases(organisation, other_organisation)
    elsewhere = next(r for r in ("london", "north_west") if r != organisation.region)
    far_away = OrganisationFactory(ods_code="FAR01", name="Faraway NHS Trust", region=elsewhere)
    for day in range(1, 7):
        make_case(far_away, received=london(2026, 5, day))
    analyst = person_with_role(Role.NATIONAL_ANALYST)
    sign_in(page, analyst, two_factor=True)

    page.get_by_role("link", name="National view").first.click()
    expect(page.get_by_role("heading", name="National view")).to_be_visible()
    organisations = page.locator("#table-organisations")
    expect(organisations.get_by_text("(FAR01)")).to_be_visible()
    assert_accessible(page)

    # Whole financial quarters, half-years and years only, chosen from lists.
    page.get_by_label("Financial year").select_option(label="2026/27")
    page.get_by_label("April to September").check()
    page.get_by_label("Region", exact=True).select_option(organisation.region)
    page.get_by_role("button", name="Apply filters").click()
    expect(organisations.get_by_text(f"({organisation.ods_code})")).to_be_visible()
    expect(organisations.get_by_text("(FAR01)")).to_have_count(0)
    assert "1 April 2026 to 30 September 2026" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Cases per 1,000 workers").click()
    header = organisations.get_by_role("columnheader", name="Cases per 1,000 workers")
    expect(header).to_have_attribute("aria-sort", "descending")
    first_row = organisations.locator("tbody tr").first
    assert f"({organisation.ods_code})" in first_row.inner_text()
    assert "Faraway" not in page.locator("#table-organisations").inner_text()
    assert_accessible(page)

    # By keyboard: Enter on a heading sorts, and the page opens at the table, so that the next
    # Tab is in it rather than back at the top of the page.
    organisations.get_by_role("link", name="Speak Up compliance").focus()
    page.keyboard.press("Enter")
    expect(organisations.locator("caption")).to_have_text(
        "Organisations, sorted by Speak Up compliance (highest first)"
    )
    # The caption shows while the page is still loading; the browser moves to the table only
    # once it has loaded, and a person pressing Tab does so later than that.
    page.wait_for_load_state("load")
    page.keyboard.press("Tab")
    box = page.get_by_role("region", name=re.compile(r"^By organisation \(\d+\)$"))
    focused = box.evaluate("box => box.contains(document.activeElement)")
    assert focused, "the next Tab after sorting left the table"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "ftsu-national-view-2026-04-01-to-2026-09-30.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert rows[0]["ODS code"] == organisation.ods_code
    assert "FAR01" not in {row["ODS code"] for row in rows}
    ours = next(row for row in rows if row["ODS code"] == organisation.ods_code)
    assert ours["Cases"] == "12"
    assert ours["Cases per 1,000 workers"] == "3000"  # as the page writes it
    assert ours["Workers at the period's end"] == "4"
    # England adds up every organisation, whatever the filters; every row says when training
    # and the register were counted, as the page does.
    assert rows[-1]["Organisation"] == "England (all organisations)"
    assert rows[-1]["Workers at the period's end"] == "4"  # FAR01 has no roster
    assert {row["Training and register as of"][:10] for row in rows} == {"2027-02-10"}
    assert_accessible(page)
