"""An organisation admin uploads part of their roster as the whole roster: speakup refuses to
make most of the workers leavers, says how many, and lets them go ahead by saying they expect
that many, then names who became leavers."""

import pytest
from playwright.sync_api import expect

from speakup.core.words import listed
from speakup.organisations.roles import Role
from speakup.training.models import StaffRecord
from tests.browser.conftest import assert_accessible, sign_in
from tests.training.factories import StaffRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_is_stopped_from_making_most_workers_leavers_then_goes_ahead_deliberately(
    page, person_with_role, organisation, tmp_path
):
    for n in range(20):
        StaffRecordFactory(organisation=organisation, employee_number=f"{3000 + n}")
    admin = person_with_role(Role.ORGANISATION_ADMIN, full_name="Otis Admin")
    sign_in(page, admin, two_factor=True)
    page.goto(f"/training/organisations/{organisation.ods_code}/roster/")
    part = tmp_path / "board.csv"
    part.write_text(
        "Employee Number,First Name,Last Name,Staff Group,Line Manager (Y/N),"
        "Senior Leader (Y/N),Board Member (Y/N),Assignment Start\n"
        + "".join(f"{3000 + n},W{n},Fictional,Students,N,N,Y,2020-01-01\n" for n in range(4))
    )

    def upload_as_the_whole_roster():
        page.locator("input[type=file][name=file]").set_input_files(str(part))
        full = page.get_by_label("This file is our whole roster")
        full.check()
        page.get_by_role("button", name="Upload and import").click()

    upload_as_the_whole_roster()
    expect(page.get_by_role("heading", name="Roster upload: Not imported")).to_be_visible()
    expect(
        page.get_by_text(
            "As a whole roster the file would mark 16 of the organisation's 20 active workers "
            "as leavers; if you expect that, upload it again with “I expect 16 workers to "
            "become leavers” ticked."
        )
    ).to_be_visible()
    assert_accessible(page)
    assert StaffRecord.objects.filter(active=True).count() == 20

    page.get_by_role("link", name="Upload the file again").click()
    expected = page.get_by_label("I expect 16 workers to become leavers")
    expect(expected).not_to_be_checked()
    expect(page.get_by_text("Tick this if they have left.")).to_be_visible()
    assert_accessible(page)
    expected.check()
    upload_as_the_whole_roster()
    expect(page.get_by_role("heading", name="Roster upload: Imported")).to_be_visible()
    expect(page.get_by_text("16 marked as leavers")).to_be_visible()
    # Named, so that a wrong file's leavers can be checked: by name, as the roster lists them.
    leavers = StaffRecord.objects.filter(active=False).order_by("last_name", "first_name")
    named = listed([str(leaver) for leaver in leavers])
    expect(page.get_by_text(f"The leavers are {named}.")).to_be_visible()
    assert_accessible(page)
    assert StaffRecord.objects.filter(active=True).count() == 4
