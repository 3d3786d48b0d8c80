"""An organisation admin uploads part of their roster as the whole roster: speakup refuses to
make most of the workers leavers, says how many and lists who, and lets them go ahead by
saying they expect that many, then lists who became leavers and downloads every leaver."""

import csv
import io

import pytest
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.training.models import StaffRecord
from tests.browser.conftest import assert_accessible, sign_in
from tests.training.factories import StaffRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)


def first_workers(tmp_path, workers: int, *, board: str = "N"):
    """A file of the first `workers` of a roster numbered from 3000: part of it."""
    part = tmp_path / "board.csv"
    part.write_text(
        "Employee Number,First Name,Last Name,Staff Group,Line Manager (Y/N),"
        "Senior Leader (Y/N),Board Member (Y/N),Assignment Start\n"
        + "".join(
            f"{3000 + n},W{n},Fictional,Students,N,N,{board},2020-01-01\n" for n in range(workers)
        )
    )
    return part


def upload_as_the_whole_roster(page, part) -> None:
    page.locator("input[type=file][name=file]").set_input_files(str(part))
    page.get_by_label("This file is our whole roster").check()
    page.get_by_role("button", name="Upload and import").click()


def test_an_admin_is_stopped_from_making_most_workers_leavers_then_goes_ahead_deliberately(
    page, person_with_role, organisation, tmp_path
):
    for n in range(20):
        StaffRecordFactory(organisation=organisation, employee_number=f"{3000 + n}")
    admin = person_with_role(Role.ORGANISATION_ADMIN, full_name="Otis Admin")
    sign_in(page, admin, two_factor=True)
    page.goto(f"/training/organisations/{organisation.ods_code}/roster/")
    part = first_workers(tmp_path, 4, board="Y")

    # Listed as the roster lists them, by name: the wrong file is seen for one before it counts.
    leaving = [
        str(worker)
        for worker in StaffRecord.objects.exclude(
            employee_number__in=["3000", "3001", "3002", "3003"]
        )
    ]
    upload_as_the_whole_roster(page, part)
    expect(page.get_by_role("heading", name="Roster upload: Not imported")).to_be_visible()
    expect(
        page.get_by_text(
            "As a whole roster the file would mark 16 of the organisation's 20 active workers "
            "as leavers; if you expect that, upload it again with “I expect 16 workers to "
            "become leavers” ticked."
        )
    ).to_be_visible()
    # The refusal is the page's message, read out and focused as a form's errors are.
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    expect(page.get_by_role("heading", name="Who would become leavers")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Fictional (")).to_have_text(leaving)
    assert_accessible(page)
    assert StaffRecord.objects.filter(active=True).count() == 20

    page.get_by_role("link", name="Upload the file again").click()
    expected = page.get_by_label("I expect 16 workers to become leavers")
    expect(expected).not_to_be_checked()
    expect(page.get_by_text("Tick this if they have left.")).to_be_visible()
    assert_accessible(page)
    expected.check()
    upload_as_the_whole_roster(page, part)
    expect(page.get_by_role("heading", name="Roster upload: Imported")).to_be_visible()
    expect(page.get_by_text("16 marked as leavers")).to_be_visible()
    # Listed, so that a wrong file's leavers can be checked, with a way to every leaver.
    expect(page.get_by_role("heading", name="Marked as leavers")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Fictional (")).to_have_text(leaving)
    assert_accessible(page)
    assert StaffRecord.objects.filter(active=True).count() == 4
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the leavers (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert sorted(row["Employee Number"] for row in rows) == [f"{3004 + n}" for n in range(16)]
    assert {row["Why a leaver"] for row in rows} == {"Not on the whole roster imported that day"}


def test_an_admin_reads_every_worker_a_refused_roster_would_make_leavers(
    page, person_with_role, organisation, tmp_path
):
    """More than the 20 named: the rest are a click away, in a details component, so that the
    admin who says they expect 26 leavers has read all 26."""
    for n in range(30):
        StaffRecordFactory(organisation=organisation, employee_number=f"{3000 + n}")
    sign_in(page, person_with_role(Role.ORGANISATION_ADMIN), two_factor=True)
    page.goto(f"/training/organisations/{organisation.ods_code}/roster/")
    upload_as_the_whole_roster(page, first_workers(tmp_path, 4))

    leaving = [str(worker) for worker in StaffRecord.objects.filter(employee_number__gte="3004")]
    named = page.get_by_role("listitem").filter(has_text="Fictional (")
    expect(named).to_have_text(leaving[:20])  # the rest are not shown until asked for
    everyone = page.locator("details").get_by_role("listitem")
    page.get_by_text("Show all 26 workers this file would make leavers").click()
    expect(everyone).to_have_text(leaving)
    assert_accessible(page)
