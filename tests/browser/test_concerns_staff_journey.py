"""Listen Up to Follow Up in a real browser: the guardian downloads the speaker's file,
acknowledges, triages and assigns; the line manager responds; the accountable leader signs off;
the guardian closes, then reopens after confirming."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from speakup.concerns.models import Status
from speakup.core.two_factor import current_code, enrol_confirmed_device
from speakup.organisations.roles import Role
from tests.browser.conftest import assert_accessible, fill_date
from tests.concerns.factories import ConcernFactory, attached_file
from tests.organisations.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def kek_file(settings, tmp_path):
    settings.SPEAKUP_KEK_FILE = tmp_path / "keys" / "kek.json"


def sign_in_as(page, user):
    device = enrol_confirmed_device(user)
    page.context.clear_cookies()
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if not page.get_by_label("Security code").count():
        # Line managers are asked for their second factor when they first open case content.
        page.goto("/account/two-factor/?next=/")
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()


def test_a_case_goes_from_guardian_to_handler_to_leader_and_closes(page, person_with_role):
    guardian = person_with_role(Role.GUARDIAN, full_name="Gina Guardian")
    manager = person_with_role(Role.LINE_MANAGER, full_name="Manny Manager")
    lead = person_with_role(Role.EXECUTIVE_LEAD, full_name="Eve Executive")
    concern = ConcernFactory(organisation=guardian.memberships.get().organisation)
    attached_file(concern, "Rota – ward 7.txt", b"Tuesday: one nurse on nights")

    # Listen up: the guardian.
    sign_in_as(page, guardian)
    page.get_by_role("link", name="Cases").first.click()
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=concern.reference).click()
    expect(page.get_by_text("one nurse for 30 patients")).to_be_visible()
    expect(page.get_by_text("Sam Speaker")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Rota – ward 7.txt").click()
    assert download.value.suggested_filename == "Rota – ward 7.txt"
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge the concern").click()
    expect(page.get_by_text("Concern acknowledged")).to_be_visible()

    page.get_by_role("link", name="Triage the concern").click()
    page.get_by_label("Patient safety or quality").check()
    page.get_by_label("Registered nurses and midwives").check()
    page.get_by_label("I have reviewed how open the speaker wants to be").check()
    assert_accessible(page)
    page.get_by_role("button", name="Triage the concern").click()
    expect(page.get_by_text("Triage recorded")).to_be_visible()

    page.get_by_role("link", name="Assign an action").click()
    page.get_by_role("button", name="Assign an action").click()  # nothing filled in
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    page.get_by_label("What needs to be done").fill("Review the night rota on the ward")
    page.get_by_label("What the line manager may know about the concern").fill(
        "Staffing at night on one ward"
    )
    page.get_by_label("Line manager", exact=True).select_option(
        label=f"Manny Manager ({manager.email})"
    )
    fill_date(page, "Respond by", timezone.localdate() + timedelta(days=7))
    page.get_by_label("Accountable leader", exact=True).select_option(
        label=f"Eve Executive ({lead.email})"
    )
    page.get_by_role("button", name="Assign an action").click()
    expect(page.get_by_text("Action assigned")).to_be_visible()

    page.get_by_role("link", name="Give the speaker feedback").click()
    page.get_by_label("Feedback to the speaker").fill("The rota has been reviewed. Thank you.")
    page.get_by_role("button", name="Give the speaker feedback").click()
    page.get_by_role("link", name="Record the outcome and learning").click()
    page.get_by_label("Outcome", exact=True).fill("A second nurse is now rostered at night")
    page.get_by_label("Learning", exact=True).fill("Check night staffing every month")
    page.get_by_role("button", name="Record the outcome and learning").click()
    expect(page.get_by_text("Outcome and learning recorded")).to_be_visible()
    assert_accessible(page)

    # The handler: sees the shared summary only.
    sign_in_as(page, manager)
    page.get_by_role("link", name="Your actions").first.click()
    assert_accessible(page)
    # Each action is listed by the start of what needs doing, on the case's reference.
    expect(page.get_by_role("row", name=concern.reference)).to_contain_text("Open")
    page.get_by_role("link", name="Review the night rota on the ward").click()
    expect(page.get_by_text("Staffing at night on one ward")).to_be_visible()
    assert page.get_by_text("Sam Speaker").count() == 0
    assert page.get_by_text("one nurse for 30 patients").count() == 0
    page.get_by_label("Your response").fill("Rota changed from next week")
    page.get_by_role("button", name="Send your response").click()
    expect(page.get_by_text("Response sent to the guardian")).to_be_visible()
    assert_accessible(page)

    # Cases you lead: the accountable leader signs off the action and the learning.
    sign_in_as(page, lead)
    page.get_by_role("link", name="Cases you lead").first.click()
    assert_accessible(page)
    page.get_by_role("link", name=concern.reference).first.click()
    assert page.get_by_text("Sam Speaker").count() == 0  # a confidential speaker
    page.get_by_role("button", name="Sign off action 1").click()
    expect(page.get_by_text("Action signed off")).to_be_visible()
    page.get_by_role("button", name="Sign off the learning").click()
    expect(page.get_by_text("Learning signed off")).to_be_visible()
    assert_accessible(page)

    # The guardian closes the case.
    sign_in_as(page, guardian)
    page.goto(f"/concerns/cases/{concern.reference}/")
    page.get_by_role("link", name="Close the concern").click()
    assert_accessible(page)
    page.get_by_label("The speaker has had feedback and the case can close").check()
    page.get_by_role("button", name="Close the concern").click()
    expect(page.get_by_text("Concern closed")).to_be_visible()
    # The speaker will be asked about detriment at 1 and 3 months; not yet.
    checkins = page.get_by_role("table", name="Detriment check-ins")
    expect(checkins.get_by_role("row")).to_have_count(3)
    expect(checkins.get_by_text("No answer yet").first).to_be_visible()
    assert_accessible(page)
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED

    # Reopening asks first.
    page.get_by_role("button", name="Reopen the concern").click()  # a link to the question
    expect(page.get_by_role("heading", name="Reopen the concern")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Reopen the concern").click()
    expect(page.get_by_text("Concern reopened")).to_be_visible()
    concern.refresh_from_db()
    assert concern.status == Status.IN_PROGRESS
