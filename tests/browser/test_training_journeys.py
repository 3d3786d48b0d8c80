"""Training journeys in a real browser: a worker completes Speak Up and downloads the
certificate; an admin imports a roster and sees the dashboard; a guardian reads each chart
whole on a computer and on a phone; a board member sees Follow Up required and overdue, then,
left out of a whole roster, required nothing but shown the training they had done."""

import datetime
import re
import uuid

import pytest
import time_machine
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.training.content import course
from speakup.training.models import CompletionSource, StaffRecord
from tests.browser.conftest import (
    assert_accessible,
    assert_charts_fit_the_screen,
    assert_fits_the_screen,
    choose_and_let_it_save,
    read_every_screen,
    sign_in,
)
from tests.reporting.factories import london
from tests.training.factories import CompletionFactory, StaffRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_completes_speak_up_and_downloads_the_certificate(page, person_with_role):
    worker = person_with_role(Role.WORKER, full_name="Wren Worker")
    sign_in(page, worker, two_factor=False)
    page.get_by_role("link", name="Your training").first.click()
    expect(page.get_by_role("heading", name="Your training")).to_be_visible()
    assert_accessible(page)

    # Each page checked once it is shown, not the one before it as the click's page loads.
    page.get_by_role("link", name="Speak Up", exact=True).click()
    expect(page.get_by_role("heading", name="Speak Up module")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start the module").click()
    expect(page.get_by_text("Screen 1 of")).to_be_visible()
    assert_accessible(page)
    read_every_screen(page, "speak_up")
    assert_accessible(page)

    page.get_by_role("button", name="Submit your answers").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    assert_accessible(page)
    # Leaving during the check and coming back to the module brings the worker back to it.
    page.goto("/training/modules/speak_up/")
    page.get_by_role("button", name="Continue where you left off").click()
    expect(page.get_by_role("heading", name="Speak Up knowledge check")).to_be_visible()
    for number, question in enumerate(course("speak_up").questions, start=1):
        group = page.get_by_role("group", name=f"{number}. {question.text}")
        choose_and_let_it_save(page, group.get_by_label(question.correct, exact=True))
    page.get_by_role("button", name="Submit your answers").click()

    expect(page.get_by_role("heading", name="You have completed Speak Up")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your certificate (PDF)").click()
    assert re.fullmatch(
        r"speak-up-certificate-\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename
    )
    page.goto("/training/")
    expect(page.get_by_text("Complete until").first).to_be_visible()
    assert_accessible(page)


def test_an_admin_imports_a_roster_and_sees_the_dashboard(
    page, person_with_role, organisation, tmp_path
):
    admin = person_with_role(Role.ORGANISATION_ADMIN, full_name="Otis Admin")
    sign_in(page, admin, two_factor=True)
    page.get_by_role("link", name="Training dashboard").first.click()
    expect(page.get_by_role("heading", name=organisation.name)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Upload your staff roster").click()
    expect(page.get_by_role("heading", name="Upload your staff roster")).to_be_visible()
    assert_accessible(page)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Employee Number,First Name,Last Name,Staff Group,Line Manager (Y/N),"
        "Senior Leader (Y/N),Board Member (Y/N),Assignment Start\n"
        "1001,Ada,Ashdown,Students,N,N,N,2024-01-01\n"
        "1002,Cora,Calloway,Administrative and Clerical,N,Y,Y,2024-01-01\n"
    )
    page.locator("input[type=file][name=file]").set_input_files(str(roster))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_text("2 workers added")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Training dashboard").first.click()
    expect(page.get_by_text("0 of 1 board members have completed Follow Up")).to_be_visible()
    expect(page.get_by_role("row", name="Cora Calloway")).to_be_visible()
    # Each chart is an image named for its figures, followed by the table that gives them.
    for chart in ("Compliance by module", "Compliance per module by staff group"):
        image = page.get_by_role("img", name=f"{chart}. The table after this chart")
        expect(image).to_be_visible()
    expect(page.get_by_role("img", name="Compliance at each month end and today.")).to_be_visible()
    expect(page.get_by_role("table", name="Trend, month by month")).to_be_visible()
    # A table's box is named once, by the heading above it (not a copy of it).
    box = page.get_by_role("region", name="Compliance by staff group", exact=True)
    expect(box.get_by_role("table", name="Compliance by staff group")).to_be_visible()
    expect(box).to_have_attribute("aria-labelledby", "staff_group-heading")
    assert_accessible(page)

    # Before making a module mandatory, the admin reads it, answers included.
    page.get_by_role("link", name="Review the courses your workers take").click()
    expect(page.get_by_role("heading", name="Review the courses")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Read all of Follow Up").click()
    expect(page.get_by_role("heading", name="Knowledge check")).to_be_visible()
    expect(page.get_by_text("Correct answer").first).to_be_visible()
    assert_accessible(page)


def test_a_guardian_reads_each_chart_whole_on_a_computer_and_on_a_phone(
    page, person_with_role, organisation
):
    """On a wide screen no chart is cut off: a table that leaves its chart too little room goes
    below it (the trend's, whose month ends run to "30 September 2026"). On a phone each chart
    is drawn narrower, its words the same size, and fits the screen."""
    for number, group in enumerate(("Students", "Medical and Dental", "Healthcare Scientists")):
        worker = StaffRecordFactory(organisation=organisation, staff_group=group)
        CompletionFactory(staff_record=worker, completed_on=datetime.date(2026, 7 + number, 10))
    guardian = person_with_role(Role.GUARDIAN, full_name="Gwen Guardian")
    with time_machine.travel(london(2026, 11, 26, 9, 0), tick=True):
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, guardian, two_factor=True)
        page.goto(f"/training/organisations/{organisation.ods_code}/")
        expect(page.get_by_role("row", name="30 September 2026")).to_be_visible()
        charts = page.locator(".speakup-chart-pair__chart")
        expect(charts).to_have_count(3)
        for box in charts.all():
            shown, whole = box.evaluate("box => [box.clientWidth, box.scrollWidth]")
            assert whole <= shown, f"{box.locator('img').get_attribute('alt')}: cut off"
        assert_accessible(page)

        page.set_viewport_size({"width": 375, "height": 800})
        assert_charts_fit_the_screen(page, 375)
        assert_fits_the_screen(page, 375)
        assert_accessible(page)


def test_a_board_member_sees_follow_up_required_and_overdue(page, person_with_role, organisation):
    member = person_with_role(Role.BOARD_MEMBER, full_name="Bryn Board")
    StaffRecordFactory(
        organisation=organisation,
        user=member,
        first_name="Bryn",
        last_name="Board",
        is_board_member=True,
        assignment_start=datetime.date(2023, 1, 1),
    )
    sign_in(page, member, two_factor=False)
    page.get_by_role("link", name="Your training").first.click()
    follow_up = page.locator(".nhsuk-card").filter(
        has=page.get_by_role("heading", name="Follow Up", exact=True)
    )
    expect(follow_up.get_by_text("Overdue")).to_be_visible()
    expect(follow_up.get_by_text("Board members take Follow Up")).to_be_visible()
    assert_accessible(page)
    follow_up.get_by_role("link", name="Follow Up").click()
    expect(page.get_by_text("Complete Speak Up and Listen Up before starting")).to_be_visible()
    assert_accessible(page)

    # A whole roster left them out: a leaver, still on the board in speakup, is required nothing,
    # and keeps the proof of the training they had done.
    CompletionFactory(
        staff_record=StaffRecord.objects.get(user=member),
        user=member,
        version=str(course("speak_up").version),
        completed_on=datetime.date.today(),
        source=CompletionSource.IN_PRODUCT,
        score_percent=100,
        certificate_id=uuid.uuid4(),
    )
    StaffRecord.objects.filter(user=member).update(active=False, left_on=datetime.date.today())
    page.goto("/training/")
    expect(page.get_by_text("You are not on the current staff list of")).to_be_visible()
    expect(follow_up.get_by_text("Not required")).to_be_visible()
    expect(page.get_by_text("Overdue")).to_have_count(0)
    speak_up = page.locator(".nhsuk-card").filter(
        has=page.get_by_role("heading", name="Speak Up", exact=True)
    )
    expect(speak_up.get_by_text("Not required")).to_be_visible()
    expect(speak_up.get_by_text("Not on the current staff list; completed on")).to_be_visible()
    with page.expect_download() as download:
        speak_up.get_by_role("link", name="Download your Speak Up certificate (PDF)").click()
    assert download.value.suggested_filename.startswith("speak-up-certificate-")
    assert_accessible(page)
