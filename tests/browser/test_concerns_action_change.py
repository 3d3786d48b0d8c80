"""An overdue action in a real browser: the guardian gives it a new date and hands it to another
line manager, saying why; the one it was with no longer sees it, the new one does."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from speakup.concerns.models import Action
from speakup.concerns.services import handling
from speakup.organisations.roles import Role
from tests.browser.conftest import assert_accessible, fill_date
from tests.browser.test_concerns_staff_journey import sign_in_as
from tests.concerns.factories import ConcernFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def kek_file(settings, tmp_path):
    settings.SPEAKUP_KEK_FILE = tmp_path / "keys" / "kek.json"


def test_the_guardian_gives_an_overdue_action_a_new_date_and_hands_it_on(page, person_with_role):
    guardian = person_with_role(Role.GUARDIAN, full_name="Gina Guardian")
    manager = person_with_role(Role.LINE_MANAGER, full_name="Manny Manager")
    other = person_with_role(Role.LINE_MANAGER, full_name="Olive Other")
    lead = person_with_role(Role.EXECUTIVE_LEAD, full_name="Eve Executive")
    concern = ConcernFactory(organisation=guardian.memberships.get().organisation)
    handling.concern_acknowledge(user=guardian, concern=concern)
    concern.refresh_from_db()
    action = handling.action_assign(
        user=guardian,
        concern=concern,
        handler=manager,
        respond_by=timezone.localdate() + timedelta(days=1),
        accountable_lead=lead,
        description="Review the night rota on the ward",
        shared_summary="Staffing at night on one ward",
    )
    Action.objects.filter(pk=action.pk).update(respond_by=timezone.localdate() - timedelta(days=3))

    sign_in_as(page, guardian)
    page.goto(f"/concerns/cases/{concern.reference}/")
    page.get_by_role("link", name="Change the date or line manager for action 1").click()
    expect(page.get_by_role("heading", name="Change action 1")).to_be_visible()
    expect(page.get_by_text("Review the night rota on the ward")).to_be_visible()
    assert_accessible(page)

    # Handed on without a reason, and with the date that has passed: both are refused.
    page.get_by_label("Line manager", exact=True).select_option(
        label=f"Olive Other ({other.email})"
    )
    page.get_by_role("button", name="Save the change").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The date to respond by must be today or in the future")
    expect(summary).to_contain_text("Enter the reason for the change")
    assert_accessible(page)

    new_date = timezone.localdate() + timedelta(days=10)
    fill_date(page, "Respond by", new_date)
    page.get_by_label("Why are you making this change?").fill("Manny is on leave for a month")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Action handed on, with a new date")).to_be_visible()
    changes = page.get_by_role("table", name="Changes to action 1")
    expect(changes).to_contain_text("Handed from Manny Manager to Olive Other")
    expect(changes).to_contain_text("Manny is on leave for a month")
    assert page.get_by_text("Overdue", exact=True).count() == 0
    assert_accessible(page)

    # The line manager it was with: no longer on their list, and the page is not found.
    sign_in_as(page, manager)
    page.get_by_role("link", name="Your actions").first.click()
    assert page.get_by_role("link", name="Review the night rota on the ward").count() == 0
    page.goto(f"/concerns/actions/{action.pk}/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()

    # The line manager it was handed to: the action, never the speaker nor the reason.
    sign_in_as(page, other)
    page.get_by_role("link", name="Your actions").first.click()
    page.get_by_role("link", name="Review the night rota on the ward").click()
    expect(page.get_by_text("Staffing at night on one ward")).to_be_visible()
    assert page.get_by_text("Sam Speaker").count() == 0
    assert page.get_by_text("on leave for a month").count() == 0
    assert_accessible(page)
