"""An organisation admin changes the training policy in a real browser: unticks a module as
mandatory (its date, hidden under the tick box, no longer in the way), and shortens a refresher,
which would expire workers' training at once, so is saved only once they say they expect it."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.training.models import TrainingPolicy
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_unticks_follow_up_as_mandatory_and_ticks_speak_up(
    page, person_with_role, organisation
):
    TrainingPolicyFactory(
        organisation=organisation,
        follow_up_mandatory=True,
        follow_up_mandatory_from=datetime.date(2024, 4, 1),
    )
    admin = person_with_role(Role.ORGANISATION_ADMIN, full_name="Otis Admin")
    sign_in(page, admin, two_factor=True)
    page.goto(f"/training/organisations/{organisation.ods_code}/policy/")
    follow_up_from = page.get_by_role("group", name="Follow Up mandatory from", exact=True)
    speak_up_from = page.get_by_role("group", name="Speak Up mandatory from", exact=True)
    expect(follow_up_from.get_by_label("Year")).to_have_value("2024")
    expect(speak_up_from).to_be_hidden()  # shown only once Speak Up is ticked
    assert_accessible(page)

    page.get_by_label("We have made Follow Up mandatory").uncheck()
    expect(follow_up_from).to_be_hidden()
    page.get_by_label("We have made Speak Up mandatory").check()
    expect(speak_up_from).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Speak Up mandatory from", datetime.date(2025, 9, 1))
    page.get_by_role("button", name="Save the policy").click()

    expect(page.get_by_text("Your training policy has been saved")).to_be_visible()
    adoption = page.locator(".nhsuk-summary-list")
    expect(adoption.locator(".nhsuk-summary-list__row", has_text="Follow Up")).to_contain_text(
        "Not mandatory"
    )
    expect(adoption.locator(".nhsuk-summary-list__row", has_text="Speak Up")).to_contain_text(
        "Mandatory since 1 September 2025"
    )
    assert_accessible(page)
    policy = TrainingPolicy.objects.get()
    assert (policy.follow_up_mandatory, policy.follow_up_mandatory_from) == (False, None)
    assert policy.speak_up_mandatory_from == datetime.date(2025, 9, 1)


def test_an_admin_shortening_a_refresher_confirms_the_workers_it_expires_at_once(
    page, person_with_role, organisation
):
    today = datetime.date.today()
    for days_ago in (700, 800, 100):  # a 1-year refresher expires the first two
        worker = StaffRecordFactory(organisation=organisation)
        CompletionFactory(staff_record=worker, completed_on=today - datetime.timedelta(days_ago))
    admin = person_with_role(Role.ORGANISATION_ADMIN, full_name="Otis Admin")
    sign_in(page, admin, two_factor=True)
    page.goto(f"/training/organisations/{organisation.ods_code}/policy/")
    page.get_by_label("Speak Up refresher every (years)").fill("1")
    page.get_by_role("button", name="Save the policy").click()

    expect(page.get_by_role("heading", name="Your training policy: not saved yet")).to_be_visible()
    expect(
        page.get_by_role("heading", name="This change would make 2 workers overdue or expired")
    ).to_be_visible()
    table = page.get_by_role("table", name="The workers the change would make late, by module")
    expect(table.get_by_role("row", name="Speak Up")).to_have_text(re.compile(r"Speak Up\s*0\s*2"))
    expect(page.get_by_label("Speak Up refresher every (years)")).to_have_value("1")
    assert_accessible(page)
    assert not TrainingPolicy.objects.exists()

    page.get_by_label("I expect 2 workers to become overdue or expired").check()
    page.get_by_role("button", name="Save the policy").click()
    expect(page.get_by_text("Your training policy has been saved")).to_be_visible()
    assert_accessible(page)
    assert TrainingPolicy.objects.get().speak_up_refresher_years == 1
