"""A national analyst looks up a quarter's returns, corrects a mistyped quarter, downloads CSV."""

import csv
import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.reporting import services
from speakup.reporting.quarters import current_quarter
from tests.browser.conftest import assert_accessible, sign_in
from tests.reporting.factories import london, make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_analyst_finds_submitted_and_missing_returns_and_downloads_them(
    page, organisation, other_organisation, person_with_role
):
    quarter = current_quarter().previous()
    day = quarter.first_day + timedelta(days=10)
    make_case(organisation, received=london(day.year, day.month, day.day))
    services.data_return_submit(
        organisation=organisation, quarter=quarter, by=person_with_role(Role.GUARDIAN)
    )
    analyst = person_with_role(Role.NATIONAL_ANALYST, full_name="Nadia Analyst")
    sign_in(page, analyst, two_factor=True)

    page.get_by_role("link", name="National returns").first.click()
    page.get_by_label("Quarter").fill("2026-Q5")
    page.get_by_role("button", name="Show returns").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Quarter").fill(str(quarter))
    page.get_by_role("button", name="Show returns").click()
    expect(
        page.get_by_role("heading", name=f"National data returns for {quarter.label}")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Submitted (1)")).to_be_visible()
    missing = page.get_by_role("table", name="Missing (1)")
    expect(missing.get_by_role("row", name="Otherton Fictional NHS Trust (OTH01)")).to_be_visible()
    assert_accessible(page)

    href = page.get_by_role("link", name="Download every return").get_attribute("href")
    rows = list(csv.DictReader(io.StringIO(page.request.get(href).text())))
    assert [(r["organisation"], r["status"]) for r in rows] == [
        ("TST01", "submitted"),
        ("OTH01", "missing"),
    ]
