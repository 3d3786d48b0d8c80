"""The guardian's case list in a real browser: a page at a time, and a case found by the
reference a speaker reads out on the phone, typed as it is heard."""

import re

import pytest
from playwright.sync_api import expect

from speakup.concerns.models import Status
from speakup.concerns.references import new_reference
from speakup.organisations.roles import Role
from tests.browser.conftest import assert_accessible
from tests.browser.test_concerns_staff_journey import sign_in_as
from tests.concerns.factories import ConcernFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def kek_file(settings, tmp_path):
    settings.SPEAKUP_KEK_FILE = tmp_path / "keys" / "kek.json"


def test_the_guardian_pages_through_the_cases_and_finds_one_by_its_reference(
    page, person_with_role
):
    guardian = person_with_role(Role.GUARDIAN, full_name="Gina Guardian")
    organisation = guardian.memberships.get().organisation
    for _ in range(51):
        ConcernFactory(organisation=organisation, reference=new_reference())
    ConcernFactory(organisation=organisation, reference="ABCD-2345")
    ConcernFactory(organisation=organisation, reference="HJKM-2345", status=Status.CLOSED)

    sign_in_as(page, guardian)
    page.get_by_role("link", name="Cases").first.click()
    expect(page.get_by_text("Cases 1 to 50 of 52")).to_be_visible()
    assert_accessible(page)
    pages = page.get_by_role("navigation", name="Pages of cases")
    pages.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Cases 51 to 52 of 52")).to_be_visible()

    # The speaker reads out the reference of their closed case; it is typed as it is heard.
    search = page.get_by_label("Find a case by its reference")
    search.fill("hjkm 2345")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Concern HJKM-2345")).to_be_visible()

    # Only part of it: every case that has it is listed, to choose from.
    page.get_by_role("link", name="Cases").first.click()
    page.get_by_label("Find a case by its reference").fill("2345")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Cases with “2345” in their reference (2)")).to_be_visible()
    expect(page.get_by_role("link", name="ABCD-2345")).to_be_visible()
    expect(page.get_by_role("link", name="HJKM-2345")).to_be_visible()
    assert_accessible(page)

    # Misheard: a reference never has a 0, and the page says so by the box.
    page.get_by_label("Find a case by its reference").fill("ABC0-2345")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_title(re.compile(r"^Error: Cases"))
    expect(page.get_by_role("alert")).to_contain_text("It never has the letters I, L or O")
    assert_accessible(page)
    page.get_by_role("link", name="Show all cases").click()
    expect(page.get_by_text("Cases 1 to 50 of 52")).to_be_visible()
