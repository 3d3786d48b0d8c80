"""A guardian writing to a speaker is warned before their session ends, stays signed in, and,
once it has ended, is told so with what they typed still on the page."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.concerns.factories import ConcernFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_signed_in_page_warns_before_the_session_ends_and_lets_the_guardian_stay(
    page, person_with_role, settings
):
    settings.SESSION_COOKIE_AGE = 5 * 60
    guardian = person_with_role(Role.GUARDIAN)
    concern = ConcernFactory(organisation=guardian.memberships.get().organisation)
    page.clock.install()
    sign_in(page, guardian, two_factor=True)
    page.goto(f"/concerns/cases/{concern.reference}/message/")
    note = page.get_by_label("Message to the speaker")
    note.fill("We have spoken to the ward manager about the rota (synthetic).")
    warning = page.get_by_role("alert").filter(has_text="about to be signed out")
    expect(warning).to_be_hidden()

    page.clock.run_for("02:30")
    expect(warning).to_be_hidden()
    page.clock.run_for("00:31")  # two minutes before the end, give or take the sign-in
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You will be signed out in 2 minutes")
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert_accessible(page)
    ends = Session.objects.get().expire_date
    stay.click()
    expect(warning).to_be_hidden()
    expect(note).to_be_focused()  # back to where they were writing
    assert Session.objects.get().expire_date > ends

    page.clock.run_for("05:01")
    ended = page.get_by_role("alert").filter(has_text="You have been signed out")
    expect(ended).to_be_visible()
    expect(stay).to_be_hidden()
    expect(note).to_have_value("We have spoken to the ward manager about the rota (synthetic).")
    expect(ended.get_by_role("link", name="sign in again")).to_have_attribute(
        "href", f"/account/sign-in/?next=/concerns/cases/{concern.reference}/message/"
    )
    assert_accessible(page)
