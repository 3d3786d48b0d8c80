"""A line manager sees their own training on their home page, then their team's."""

import datetime

import pytest

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
    assert page.get_by_role("heading", name="Your training").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Your team's training").first.click()
    assert page.get_by_role("heading", name="Your team's training").is_visible()
    assert page.get_by_role("rowheader", name="Wren Worker").is_visible()
    assert_accessible(page)
