"""On a phone 320 pixels wide the header's links that do not fit are under "More": Escape from
inside the open menu closes it and leaves focus on "More", not on the page's start."""

import pytest
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = 320


def test_escape_from_the_more_menu_puts_focus_back_on_more(page, person_with_role):
    page.set_viewport_size({"width": PHONE, "height": 800})
    sign_in(page, person_with_role(Role.ORGANISATION_ADMIN), two_factor=True)
    more = page.get_by_role("button", name="Browse More")
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    in_the_menu = page.locator(".nhsuk-header__menu-list a:focus")
    expect(in_the_menu).to_have_count(1)
    page.keyboard.press("Escape")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(more).to_be_focused()
    assert_accessible(page)
