"""The data return leaves as CSV or JSON: the command, the API and the download links."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from speakup.concerns.taxonomy import ELEMENT_CODES, WORKER_GROUP_CODES
from speakup.organisations.roles import Role
from speakup.reporting import services
from speakup.reporting.quarters import Quarter
from tests.reporting.factories import london, make_case

URL = "/api/v1/organisations/TST01/data-returns/2026-Q3"
EXPECTED_HEADER = (
    ["organisation", "financial_year", "quarter", "total_cases", "anonymous_cases"]
    + [f"element_{code}" for code in ELEMENT_CODES]
    + [f"worker_group_{code}" for code in WORKER_GROUP_CODES]
    + ["feedback_received", "feedback_yes", "feedback_no", "feedback_maybe", "feedback_dont_know"]
)


@pytest.fixture
def some_cases(organisation):
    make_case(
        organisation,
        received=london(2026, 10, 5),
        confidentiality="anonymous",
        elements=["patient_safety", "bullying_harassment"],
        feedback="yes",
        feedback_at=london(2026, 12, 1),
    )
    make_case(organisation, received=london(2026, 11, 5), worker_group="ahp")


def rows_of(text):
    return list(csv.reader(io.StringIO(text)))


def test_the_command_prints_the_csv_in_the_documented_column_order(some_cases, february_2027):
    out = io.StringIO()
    call_command("data-return", organisation="tst01", quarter="2026-Q3", stdout=out)
    header, row = rows_of(out.getvalue())
    assert header == EXPECTED_HEADER
    figures = dict(zip(header, row, strict=True))
    assert figures["organisation"] == "TST01"
    assert (figures["financial_year"], figures["quarter"]) == ("2026", "3")
    assert (figures["total_cases"], figures["anonymous_cases"]) == ("2", "1")
    assert figures["element_patient_safety"] == "1"
    assert figures["worker_group_ahp"] == "1"
    assert (figures["feedback_received"], figures["feedback_yes"]) == ("1", "1")


def test_the_command_prints_json_with_the_same_keys(some_cases, february_2027):
    out = io.StringIO()
    call_command("data-return", organisation="TST01", quarter="2026-Q3", format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data)[: len(EXPECTED_HEADER)] == EXPECTED_HEADER
    assert data["total_cases"] == 2
    assert data["submitted"] is False
    assert data["reconciliation"] == []


@pytest.mark.parametrize(
    ("organisation_code", "quarter", "message"),
    [
        ("TST01", "2026-Q5", "There is no Q5"),
        ("TST01", "2027-Q2", "has not started yet"),
        ("TST01", "9999-Q4", "has not started yet"),
        ("NOPE1", "2026-Q3", "No organisation has the ODS code 'NOPE1'"),
    ],
)
def test_the_command_refuses_bad_input_with_a_clear_message(
    organisation, february_2027, organisation_code, quarter, message
):
    with pytest.raises(CommandError, match=message):
        call_command("data-return", organisation=organisation_code, quarter=quarter)


def test_a_guardian_gets_json_by_default(client_as, some_cases, february_2027):
    response = client_as(Role.GUARDIAN).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["total_cases"] == 2


def test_a_guardian_gets_csv_by_asking_for_it(client_as, some_cases, february_2027):
    client = client_as(Role.GUARDIAN)
    by_header = client.get(URL, HTTP_ACCEPT="text/csv")
    by_query = client.get(URL + "?format=csv")
    for response in (by_header, by_query):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        header, row = rows_of(response.content.decode())
        assert header == EXPECTED_HEADER
        assert row[3] == "2"


def test_a_quarter_with_no_cases_is_a_nil_return_not_an_error(client_as, february_2027):
    response = client_as(Role.GUARDIAN).get("/api/v1/organisations/TST01/data-returns/2025-Q2")
    assert response.status_code == 200
    data = response.json()
    assert data["total_cases"] == 0 and data["feedback_received"] == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/organisations/TST01/data-returns/2026-Q5", "There is no Q5"),
        ("/api/v1/organisations/TST01/data-returns/26-Q1", "Write the year in full"),
        ("/api/v1/organisations/TST01/data-returns/2030-Q1", "has not started yet"),
        ("/api/v1/organisations/TST01/data-returns/9999-Q4", "has not started yet"),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(client_as, february_2027, url, message):
    response = client_as(Role.GUARDIAN).get(url)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_an_unknown_organisation_is_not_found_like_anyone_elses(
    client_as, other_organisation, february_2027
):
    client = client_as(Role.GUARDIAN)
    unknown = client.get("/api/v1/organisations/ZZZ99/data-returns/2026-Q3")
    not_ours = client.get("/api/v1/organisations/OTH01/data-returns/2026-Q3")
    assert unknown.status_code == not_ours.status_code == 404
    assert unknown.json() == not_ours.json()


def test_a_bad_quarter_in_csv_is_still_a_clear_400(client_as, february_2027):
    response = client_as(Role.GUARDIAN).get(
        "/api/v1/organisations/TST01/data-returns/2026-Q5", HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 400
    assert "There is no Q5" in response.content.decode()


@pytest.mark.parametrize("role", [Role.WORKER, Role.BOARD_MEMBER, Role.NATIONAL_ANALYST])
def test_anyone_but_the_organisations_guardian_gets_404(client_as, some_cases, role):
    assert client_as(role).get(URL).status_code == 404


def test_another_organisations_guardian_gets_404(client_as, other_organisation, some_cases):
    assert client_as(Role.GUARDIAN, other_organisation).get(URL).status_code == 404


def test_someone_not_signed_in_is_refused(client, organisation):
    assert client.get(URL).status_code in (401, 403)


def test_the_q4_csv_adds_the_reconciled_earlier_quarters(
    client_as, organisation, person_with_role, may_2027
):
    guardian = person_with_role(Role.GUARDIAN)
    make_case(organisation, received=london(2026, 5, 1))
    services.data_return_submit(organisation=organisation, quarter=Quarter(2026, 1), by=guardian)
    make_case(organisation, received=london(2026, 6, 1))  # a late Q1 case
    client = client_as(Role.GUARDIAN)
    url = "/api/v1/organisations/TST01/data-returns/2026-Q4"

    header, *rows = rows_of(client.get(url + "?format=csv").content.decode())
    assert [row[2] for row in rows] == ["4", "1", "2", "3"]
    assert rows[1][3] == "2"  # Q1 as it stands now

    reconciliation = client.get(url).json()["reconciliation"]
    assert [r["quarter"] for r in reconciliation] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert reconciliation[0]["submitted_figures"]["total_cases"] == 1
    assert reconciliation[0]["figures"]["total_cases"] == 2
    assert {"column": "total_cases", "submitted": 1, "now": 2} in reconciliation[0]["corrections"]
    assert reconciliation[1]["submitted"] is False
