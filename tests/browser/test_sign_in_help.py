"""An organisation admin helps a guardian who lost their phone: finds them by email address and,
asked to check it is really the guardian asking, removes their authenticator app; the guardian
then signs in and sets up the app again. A worker sets a new password from their link on the
computer their admin is signed in on."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from speakup.core.password_links import password_link
from speakup.core.two_factor import current_code, enrol_confirmed_device
from speakup.organisations.roles import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.organisations.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a new long password for speakup"


def test_an_admin_removes_a_guardians_authenticator_and_the_guardian_sets_up_a_new_one(
    page, browser, live_server, person_with_role
):
    guardian = person_with_role(Role.GUARDIAN, full_name="Gina Guardian")
    enrol_confirmed_device(guardian)
    admin = person_with_role(Role.ORGANISATION_ADMIN, full_name="Otis Admin")
    sign_in(page, admin, two_factor=True)

    page.get_by_role("link", name="Help someone sign in").first.click()
    expect(page.get_by_role("heading", name="Help someone sign in")).to_be_visible()
    page.get_by_role("button", name="Find").click()
    expect(page).to_have_title(re.compile(r"^Error: Help someone sign in"))
    assert_accessible(page)

    page.get_by_label("Their email address").fill(guardian.email)
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name="Gina Guardian")).to_be_visible()
    expect(page.get_by_text("Set up on ")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Remove authenticator app").click()
    expect(page.get_by_role("heading", name="Check it is really them asking")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, remove their authenticator app").click()
    expect(page.get_by_text("Authenticator app removed.")).to_be_visible()
    expect(page.get_by_text("Not set up")).to_be_visible()
    assert_accessible(page)

    their_page = browser.new_context(base_url=live_server.url).new_page()
    their_page.goto("/account/sign-in/")
    their_page.get_by_label("Email address").fill(guardian.email)
    their_page.get_by_label("Password").fill(TEST_PASSWORD)
    their_page.get_by_role("button", name="Sign in").click()
    expect(their_page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    their_page.get_by_label("Security code").fill(current_code(_new_device(guardian)))
    their_page.get_by_role("button", name="Continue").click()
    expect(their_page.get_by_role("heading", name="Your speakup home")).to_be_visible()
    their_page.context.close()


def _new_device(guardian):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get(user=guardian, confirmed=False)


def test_a_worker_sets_a_new_password_on_the_computer_their_admin_is_signed_in_on(
    page, live_server, person_with_role
):
    """The admin is signed out when the worker sets their password, and the sign-in page that
    follows has the worker's email address ready."""
    worker = person_with_role(Role.WORKER, full_name="Wendy Worker")
    admin = person_with_role(Role.ORGANISATION_ADMIN, full_name="Otis Admin")
    sign_in(page, admin, two_factor=True)

    page.goto(urlsplit(password_link(worker)).path)
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("Wendy2024only")
    page.get_by_label("Type the new password again").fill("Wendy2024only")
    page.get_by_role("button", name="Set new password").click()
    expect(
        page.get_by_text("Your password must not be like your name or email address").first
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Your new password is set. Sign in with it now.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_label("Email address")).to_have_value(worker.email)
    assert_accessible(page)

    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your speakup home")).to_be_visible()
    expect(page.get_by_text(worker.email)).to_be_visible()
