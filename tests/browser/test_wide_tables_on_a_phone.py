"""On a phone 320 pixels wide a table wider than the screen scrolls sideways in its own box,
named and reachable by keyboard, and the page itself never does (WCAG 1.4.10, reflow)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.reporting import services
from speakup.reporting.quarters import current_quarter
from tests.browser.conftest import assert_accessible, assert_fits_the_screen, sign_in
from tests.register.factories import AppointmentFactory, DirectorFactory
from tests.register.test_condition_review import impose
from tests.reporting.factories import london, make_case

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = 320


def assert_table_scrolls_in_its_own_box(page, region: str, table: str) -> None:
    """The page fits the phone; the table, wider, scrolls inside the region named `region`,
    which the keyboard can reach to scroll it."""
    page.set_viewport_size({"width": PHONE, "height": 800})
    expect(page.get_by_role("table", name=table)).to_be_visible()
    assert_fits_the_screen(page, PHONE)
    box = page.get_by_role("region", name=region)
    expect(box.get_by_role("table", name=table)).to_be_visible()
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    expect(box).to_have_attribute("tabindex", "0")
    # Said just above the box, where a shadow at its edge is otherwise the only sign.
    hint = box.locator("xpath=preceding-sibling::*[1]")
    expect(hint).to_have_text(
        "This table is wider than the page: scroll it sideways to see every column."
    )
    expect(hint).to_be_visible()
    assert_accessible(page)
    # On a computer the table fits, and neither the hint nor an extra tab stop is there.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(hint).to_be_hidden()
    expect(box).not_to_have_attribute("tabindex", "0")


def ended(quarter, day: int = 10):
    moment = quarter.first_day + timedelta(days=day)
    return london(moment.year, moment.month, moment.day)


def test_the_national_returns_table_scrolls_in_its_box(
    page, organisation, other_organisation, person_with_role
):
    quarter = current_quarter().previous()
    make_case(organisation, received=ended(quarter))
    services.data_return_submit(
        organisation=organisation, quarter=quarter, by=person_with_role(Role.GUARDIAN)
    )
    sign_in(page, person_with_role(Role.NATIONAL_ANALYST), two_factor=True)
    page.goto("/reports/national/data-returns/")
    assert_table_scrolls_in_its_own_box(page, "Submitted (1)", "Submitted (1)")


def test_the_steps_of_a_regulatory_case_scroll_in_their_box(page, person_with_role, organisation):
    officers = [person_with_role(Role.REGISTER_OFFICER) for _ in range(2)]
    director = DirectorFactory(first_name="Hal", last_name="Hollins")
    AppointmentFactory(director=director, organisation=organisation, role_title="Chair")
    (condition,) = impose(officers, director, "Report to the register each quarter.")
    sign_in(page, officers[0], two_factor=True)
    page.goto(f"/register/officer/cases/{condition.decision.case.pk}/")
    assert_table_scrolls_in_its_own_box(page, "Every step", "Steps of the case")


def test_the_fourth_quarters_reconciliation_scrolls_in_its_box(
    page, organisation, person_with_role
):
    fourth = current_quarter().previous()
    while fourth.number != 4:
        fourth = fourth.previous()
    guardian = person_with_role(Role.GUARDIAN)
    earlier = fourth.previous()
    make_case(organisation, received=ended(earlier))
    services.data_return_submit(organisation=organisation, quarter=earlier, by=guardian)
    sign_in(page, guardian, two_factor=True)
    page.goto(f"/reports/data-returns/{organisation.ods_code}/{fourth}/")
    assert_table_scrolls_in_its_own_box(page, "Reconciling Q1 to Q3", "Q1 to Q3: submitted and now")
