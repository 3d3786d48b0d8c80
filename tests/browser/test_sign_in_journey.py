"""A guardian signs in with their second factor, sees their home page and signs out."""

import re

import pytest
from playwright.sync_api import expect

from speakup.core.two_factor import current_code, enrol_confirmed_device
from speakup.organisations.roles import Role
from tests.browser.conftest import assert_accessible
from tests.organisations.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_guardian_signs_in_with_a_code_sees_home_and_signs_out(page, person_with_role):
    guardian = person_with_role(Role.GUARDIAN, full_name="Gina Guardian")
    device = enrol_confirmed_device(guardian)

    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(guardian.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Your speakup home")).to_be_visible()
    expect(page.get_by_text("FTSU guardian")).to_be_visible()
    expect(page).to_have_title(re.compile(r"Your speakup home"))
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    assert_accessible(page)


def test_a_wrong_password_is_announced_in_an_error_summary(page, person_with_role):
    worker = person_with_role(Role.WORKER)
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(worker.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert (
        page.get_by_role("alert").is_visible()
        or page.get_by_text("There is a problem").is_visible()
    )
    assert_accessible(page)
