"""A line manager sees their own training on their home page, then their team's."""

import datetime

import pytest
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.training.factories import StaffRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_line_manager_sees_their_training_at_home_and_their_teams_training(
    page, person_with_role, organisation
):
    manager = person_with_role(Role.WORKER, full_name="Mona Manager")
    StaffRecordFactory(
        organisation=organisation,
        user=manager,
        first_name="Mona",
        last_name="Manager",
        directorate="Surgery",
        is_line_manager=True,
    )
    StaffRecordFactory(
        organisation=organisation,
        first_name="Wren",
        last_name="Worker",
        directorate="Surgery",
        assignment_start=datetime.date.today() - datetime.timedelta(days=10),
    )
    sign_in(page, manager, two_factor=False)
    page.goto("/")
    expect(page.get_by_role("heading", name="Your training")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Your team's training").first.click()
    expect(page.get_by_role("heading", name="Your team's training")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Wren Worker")).to_be_visible()
    team = f"{organisation.name}: Surgery"  # the heading names the box and the table
    region = page.get_by_role("region", name=team, exact=True)
    expect(region.get_by_role("table", name=team)).to_be_visible()
    assert_accessible(page)
