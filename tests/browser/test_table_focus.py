"""On a phone, a link reached by Tab inside a table that scrolls sideways is shown whole."""

import pytest
import time_machine
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.reporting.factories import london

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_sorting_heading_reached_by_tab_on_a_phone_is_scrolled_wholly_into_view(
    page, organisation, other_organisation, person_with_role
):
    """The national view's table is wider than a phone: Tab to each of its headings in turn.
    The browser left a heading showing a sliver at the box's right edge, its focus hidden."""
    analyst = person_with_role(Role.NATIONAL_ANALYST)
    with time_machine.travel(london(2027, 2, 10, 9, 0), tick=True):
        page.set_viewport_size({"width": 320, "height": 800})
        sign_in(page, analyst, two_factor=True)
        page.goto("/reports/national/view/")
        table = page.locator("#table-organisations")
        expect(table).to_be_visible()
        box = page.locator(".speakup-table-scroll").filter(has=table)
        links = table.locator("thead a")
        links.first.focus()
        for number in range(1, links.count()):
            page.keyboard.press("Tab")
            link = links.nth(number)
            expect(link).to_be_focused()
            page.wait_for_function(
                "([link, box]) => {const l = link.getBoundingClientRect(),"
                " b = box.getBoundingClientRect();"
                " return l.left >= b.left - 1 && l.right <= b.right + 1}",
                arg=[link.element_handle(), box.element_handle()],
                timeout=2_000,
            )
        assert box.evaluate("box => box.scrollLeft") > 0
        assert_accessible(page)
