"""National analysts see every submitted return for a quarter and who has not sent one."""

import csv
import io

import pytest

from speakup.organisations.models import OrganisationKind
from speakup.organisations.roles import Role
from speakup.reporting import services
from speakup.reporting.formats import NATIONAL_COLUMNS
from speakup.reporting.quarters import Quarter
from tests.organisations.factories import OrganisationFactory
from tests.reporting.factories import london, make_case

Q3 = Quarter(2026, 3)


@pytest.fixture
def returns(organisation, other_organisation, person_with_role, february_2027):
    """TST01 submitted (3 cases, then a late one); OTH01 and a GP practice did not."""
    guardian = person_with_role(Role.GUARDIAN)
    for day in (1, 2, 3):
        make_case(organisation, received=london(2026, 10, day))
    services.data_return_submit(organisation=organisation, quarter=Q3, by=guardian)
    make_case(organisation, received=london(2026, 10, 4))  # after submission
    OrganisationFactory(
        ods_code="GP001", name="Fictional Surgery", kind=OrganisationKind.PRIMARY_CARE
    )
    OrganisationFactory(ods_code="NAT01", name="National Body", kind=OrganisationKind.NATIONAL_BODY)


def test_the_analyst_downloads_every_return_as_submitted_with_missing_ones_listed(
    client_as, returns, february_2027
):
    response = client_as(Role.NATIONAL_ANALYST).get("/reports/national/data-returns/2026-Q3.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == list(NATIONAL_COLUMNS)
    by_code = {row["organisation"]: row for row in rows}
    assert set(by_code) == {"TST01", "OTH01", "GP001"}  # national bodies send no return
    assert by_code["TST01"]["status"] == "submitted"
    assert by_code["TST01"]["total_cases"] == "3"  # as submitted, not the live 4
    assert by_code["OTH01"]["status"] == "missing"
    assert by_code["OTH01"]["total_cases"] == ""
    assert (by_code["OTH01"]["return_required"], by_code["GP001"]["return_required"]) == (
        "yes",
        "no",
    )
    assert [row["status"] for row in rows] == ["submitted", "missing", "missing"]


def test_the_analyst_page_lists_submitted_and_missing_returns(client_as, returns, february_2027):
    response = client_as(Role.NATIONAL_ANALYST).get(
        "/reports/national/data-returns/", {"quarter": "2026-Q3"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "National data returns for Q3 2026/27" in page
    assert "Submitted (1)" in page and "Missing (2)" in page
    assert "Voluntary" in page


def test_a_bad_quarter_on_the_analyst_page_is_an_error_on_the_field(client_as, february_2027):
    response = client_as(Role.NATIONAL_ANALYST).get(
        "/reports/national/data-returns/", {"quarter": "2026-Q5"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is no Q5" in page


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.REGISTER_OFFICER, Role.BOARD_MEMBER])
def test_only_national_analysts_see_national_returns(client_as, returns, role):
    client = client_as(role)
    assert client.get("/reports/national/data-returns/").status_code == 404
    assert client.get("/reports/national/data-returns/2026-Q3.csv").status_code == 404


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.NATIONAL_ANALYST, "/reports/national/data-returns/?quarter=9999-Q4"),
        (Role.NATIONAL_ANALYST, "/reports/national/data-returns/9999-Q3.csv"),
        (Role.GUARDIAN, "/reports/data-returns/TST01/9999-Q4/"),
    ],
)
def test_a_quarter_ending_past_the_year_9999_has_not_started_and_is_no_server_error(
    client_as, organisation, february_2027, role, url
):
    response = client_as(role).get(url)
    assert response.status_code == 400
    assert "has not started yet: choose a quarter that has" in response.content.decode()
