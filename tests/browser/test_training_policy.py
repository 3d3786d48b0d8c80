"""An organisation admin changes the training policy in a real browser: unticks a module as
mandatory (its date, hidden under the tick box, no longer in the way)."""

import datetime

import pytest
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.training.models import TrainingPolicy
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.training.factories import TrainingPolicyFactory

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
