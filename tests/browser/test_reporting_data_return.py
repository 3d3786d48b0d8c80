"""A guardian prepares the quarterly FTSU data return, downloads it and marks it submitted."""

import csv
import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.reporting.models import DataReturnSubmission
from speakup.reporting.quarters import current_quarter
from tests.browser.conftest import assert_accessible, sign_in
from tests.reporting.factories import london, make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_guardian_prepares_and_submits_the_quarterly_return(page, organisation, person_with_role):
    quarter = current_quarter().previous()  # the last quarter that has ended
    middle = quarter.first_day + timedelta(days=40)
    received = london(middle.year, middle.month, middle.day)
    make_case(organisation, received=received, elements=["patient_safety"], worker_group="ahp")
    make_case(
        organisation,
        received=received,
        confidentiality="anonymous",
        elements=["patient_safety", "bullying_harassment"],
        feedback="yes",
        feedback_at=received + timedelta(days=3),
    )
    guardian = person_with_role(Role.GUARDIAN, full_name="Gina Guardian")
    sign_in(page, guardian, two_factor=True)

    page.get_by_role("link", name="Data returns").first.click()
    expect(page.get_by_role("heading", name="Quarterly data returns")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=quarter.label).click()
    expect(page.get_by_role("heading", name=f"Data return for {quarter.label}")).to_be_visible()
    cases_table = page.get_by_role("table", name="Cases")
    expect(cases_table.get_by_role("row", name="Cases raised 2")).to_be_visible()
    expect(cases_table.get_by_role("row", name="Raised anonymously 1")).to_be_visible()
    elements = page.get_by_role(
        "table", name="Elements: what cases are about (a case can have several)"
    )
    expect(elements.get_by_role("row", name="Element: Patient safety or quality 2")).to_be_visible()
    expect(
        elements.get_by_role("row", name="Element: Worker safety or wellbeing 0")
    ).to_be_visible()
    assert_accessible(page)

    csv_link = page.get_by_role("link", name="Download as CSV").get_attribute("href")
    downloaded = page.request.get(csv_link)
    assert downloaded.ok
    header, row = list(csv.reader(io.StringIO(downloaded.text())))
    assert dict(zip(header, row, strict=True))["total_cases"] == "2"

    page.get_by_role("button", name="Mark as submitted").click()
    expect(
        page.get_by_text(f"The return for {quarter.label} is marked as submitted")
    ).to_be_visible()
    expect(page.get_by_text("Marked as submitted on")).to_be_visible()
    assert page.get_by_role("button", name="Mark as submitted").count() == 0
    assert DataReturnSubmission.objects.get().figures["total_cases"] == 2
    assert_accessible(page)
