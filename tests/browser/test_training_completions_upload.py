"""An organisation admin uploads completions from their learning records in a real browser,
reads which rows were not imported and why, and sees the dashboard count the rest."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.training.models import Completion
from tests.browser.conftest import assert_accessible, sign_in
from tests.training.factories import StaffRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_uploads_completions_and_sees_the_dashboard_count_them(
    page, person_with_role, organisation, tmp_path
):
    StaffRecordFactory(
        organisation=organisation,
        employee_number="2001",
        first_name="Cora",
        last_name="Calloway",
        is_board_member=True,
    )
    StaffRecordFactory(organisation=organisation, employee_number="2002")
    admin = person_with_role(Role.ORGANISATION_ADMIN, full_name="Otis Admin")
    sign_in(page, admin, two_factor=True)
    page.get_by_role("link", name="Training dashboard").first.click()
    expect(page.get_by_text("0 of 1 board members have completed Follow Up")).to_be_visible()

    page.get_by_role("link", name="Upload completions from your learning records").click()
    expect(
        page.get_by_role("heading", name="Upload completions from your learning records")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Upload and import").click()  # no file chosen
    expect(page.get_by_role("link", name="Choose a CSV file to upload")).to_be_visible()
    assert_accessible(page)

    last_month = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    completions = tmp_path / "completions.csv"
    completions.write_text(
        "Employee Number,Organisation,Module,Completed On,Source\n"
        f"2001,{organisation.ods_code},Freedom to Speak Up: Speak Up,{last_month},\n"
        f"2001,{organisation.ods_code},Freedom to Speak Up: Listen Up,{last_month},\n"
        f"2001,{organisation.ods_code},Freedom to Speak Up: Follow Up,{last_month},\n"
        f"2002,OTH01,speak_up,{last_month},\n"
    )
    page.locator("input[type=file][name=file]").set_input_files(str(completions))
    page.get_by_label("Import the rows without problems even if some rows have problems").check()
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name="Completions upload: Imported")).to_be_visible()
    expect(page.get_by_text("4 rows read: 3 completions added, 0 already recorded")).to_be_visible()
    problems = page.get_by_role("table", name="Rows with problems")
    expect(problems.get_by_role("row")).to_have_count(2)  # the header and row 5
    expect(problems.get_by_role("rowheader", name="5")).to_be_visible()  # read with each cell
    expect(problems).to_contain_text("“OTH01” is not the ODS code of any organisation on speakup")
    assert Completion.objects.count() == 3
    assert_accessible(page)

    page.get_by_role("link", name="Training dashboard").first.click()
    expect(page.get_by_text("1 of 1 board members have completed Follow Up")).to_be_visible()
    expect(page.get_by_role("row", name="Cora Calloway")).to_contain_text("Complete")
    assert_accessible(page)
