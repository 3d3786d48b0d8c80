"""Completions, by CSV (API, command, upload page) or xAPI, are checked as a roster is: an empty
cell is said to be empty, a day before 1900 is too long ago, and a leaver's completion is kept by
both ways in, matched to the worker still here first."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from speakup.organisations.roles import Role
from speakup.training.models import Completion, CompletionSource
from speakup.training.roster.importing import staff_import
from tests.training.factories import StaffRecordFactory
from tests.training.test_roster_import import frozen  # noqa: F401  (a fixture)
from tests.training.test_xapi import post, statement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HEADER = "Employee Number,Organisation,Module,Completed On,Source"
ROSTER = (
    "Employee Number,First Name,Last Name,Staff Group,Line Manager (Y/N),Senior Leader (Y/N),"
    "Board Member (Y/N),Assignment Start\n"
)


@pytest.fixture
def admin(client_as):
    return client_as(Role.ORGANISATION_ADMIN)


def post_completions(client, *rows: str):
    body = "\n".join([HEADER, *rows]) + "\n"
    return client.post("/api/v1/training/completions", body, content_type="text/csv")


def problems(response) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["reason"]) for e in response.json()["errors"] if e["row"]]


def post_statement(client, actor: dict, timestamp: str = "2025-05-20T10:00:00Z"):
    return post(client, statement(actor, timestamp=timestamp))


def test_each_empty_cell_of_a_completions_file_is_said_to_be_empty(admin, organisation):
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    response = post_completions(
        admin,
        ",TST01,speak_up,2025-02-01,",
        "1001,,speak_up,2025-02-01,",
        "1001,TST01, ,2025-02-01,import",
        "1001,TST01,speak_up,,import",
        ",,,,",  # a blank line, as spreadsheets leave at the end: not a row
    )
    assert response.status_code == 400
    assert problems(response) == [
        (2, "Employee Number", "is empty"),
        (3, "Organisation", "is empty"),
        (4, "Module", "is empty"),
        (5, "Completed On", "is empty"),
    ]
    assert not Completion.objects.exists()


def test_an_empty_source_is_an_import_not_a_problem(admin, organisation):
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    response = post_completions(admin, "1001,TST01,speak_up,2025-02-01,")
    assert response.status_code == 200, response.json()["errors"]
    assert Completion.objects.get().source == CompletionSource.IMPORT


def _rosters_reason_for(organisation, day: str) -> str:
    refused = staff_import(
        organisation=organisation,
        file=io.BytesIO(f"{ROSTER}1001,Ada,Ashdown,Other,N,N,N,{day}\n".encode()),
    )
    (error,) = refused.errors
    return error.reason


def test_a_completion_before_1900_is_too_long_ago_in_the_rosters_words(
    admin, organisation, tmp_path, capsys
):
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    rosters = _rosters_reason_for(organisation, "1899-01-01")
    assert rosters == "1 January 1899 is too long ago to be right: the year must be 1900 or later"
    response = post_completions(
        admin, "1001,TST01,speak_up,1899-01-01,", "1001,TST01,speak_up,1900-01-01,"
    )
    assert problems(response) == [(2, "Completed On", rosters)]
    path = tmp_path / "completions.csv"
    path.write_text(f"{HEADER}\n1001,TST01,speak_up,01/01/1899,\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-completions", str(path))
    assert f"row 2, Completed On: {rosters}" in capsys.readouterr().err
    assert not Completion.objects.exists()


def test_a_completion_in_the_year_1_is_written_with_its_year_in_four_digits(admin, organisation):
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    response = post_completions(admin, "1001,TST01,speak_up,0001-01-01,")
    reason = "1 January 0001 is too long ago to be right: the year must be 1900 or later"
    assert problems(response) == [(2, "Completed On", reason)]
    assert _rosters_reason_for(organisation, "01/01/0001") == reason


@pytest.mark.parametrize(
    "timestamp, day",
    [("1890-01-01T10:00:00Z", "1 January 1890"), ("0001-01-01T00:00:00Z", "1 January 0001")],
)
def test_a_statement_before_1900_is_too_long_ago_in_the_rosters_words(
    admin, organisation, timestamp, day
):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    response = post_statement(admin, {"mbox": "mailto:ada@fictional.test"}, timestamp)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "statement": 0,
            "reason": f"The timestamp's day, {day}, is too long ago to be right: "
            "the year must be 1900 or later",
        }
    ]
    assert not Completion.objects.exists()


def test_a_statement_of_the_last_moment_of_9999_elsewhere_is_in_the_future(admin, organisation):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    response = post_statement(
        admin, {"mbox": "mailto:ada@fictional.test"}, "9999-12-31T23:00:00-05:00"
    )
    assert response.json()["errors"] == [
        {"statement": 0, "reason": "The timestamp is in the future"}
    ]


@pytest.fixture
def leaver(organisation):
    return StaffRecordFactory(
        organisation=organisation,
        employee_number="1001",
        email="lee@fictional.test",
        active=False,
        assignment_end=datetime.date(2025, 4, 30),
    )


def test_a_leavers_completion_is_kept_by_csv_and_by_xapi_alike(admin, leaver):
    by_csv = post_completions(admin, "1001,TST01,speak_up,2025-04-01,")
    assert by_csv.status_code == 200, by_csv.json()["errors"]
    by_mbox = post_statement(admin, {"mbox": "mailto:lee@fictional.test"})
    assert by_mbox.status_code == 200, by_mbox.json()["errors"]
    by_account = post_statement(admin, {"account": {"name": "1001"}}, "2025-05-21T10:00:00Z")
    assert by_account.status_code == 200, by_account.json()["errors"]
    assert list(
        Completion.objects.order_by("completed_on").values_list("staff_record", "source")
    ) == [
        (leaver.pk, CompletionSource.IMPORT),
        (leaver.pk, CompletionSource.XAPI),
        (leaver.pk, CompletionSource.XAPI),
    ]


def test_a_statement_goes_to_the_worker_still_here_not_a_leaver_with_the_same_email(
    admin, organisation, leaver
):
    back = StaffRecordFactory(
        organisation=organisation, employee_number="2001", email="lee@fictional.test"
    )
    response = post_statement(admin, {"mbox": "mailto:lee@fictional.test"})
    assert response.status_code == 200, response.json()["errors"]
    assert Completion.objects.get().staff_record == back


def test_a_leavers_completion_counts_once_a_later_roster_brings_them_back(
    admin, organisation, leaver
):
    speak_up = "https://speakup.nhs.example/xapi/activities/speak_up"
    post(admin, statement({"mbox": "mailto:lee@fictional.test"}, activity=speak_up))
    back = f"{ROSTER}1001,Lee,Fictional,Other,N,N,N,2025-05-26\n"
    assert staff_import(organisation=organisation, file=io.BytesIO(back.encode())).imported
    counts = admin.get("/api/v1/organisations/TST01/training/compliance").json()
    # Whether it is mandatory, and from when, is not what this test is about.
    assert counts["modules"][0] | {"mandatory": None, "mandatory_from": None} == {
        "module": "speak_up",
        "mandatory": None,
        "mandatory_from": None,
        "required": 1,
        "compliant": 1,
        "due": 0,
        "overdue": 0,
        "expired": 0,
    }


def test_the_command_names_the_column_at_fault_when_a_worker_is_on_another_roster(
    organisation, other_organisation, tmp_path, capsys
):
    """The command imports for every organisation: a worker of TST01 under OTH01 was said to be
    a wrong Employee Number until 27 November 2026, and an unknown ODS code one "you cannot
    import for", as if it existed."""
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    path = tmp_path / "completions.csv"
    rows = [
        "1001,OTH01,speak_up,2025-02-01,",
        "9999,TST01,speak_up,2025-02-01,",
        "1001,NOPE1,speak_up,2025-02-01,",
        ",TST01,speak_up,2025-02-01,",
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    with pytest.raises(CommandError, match="Nothing was imported: 4 of 4 rows have problems"):
        call_command("import-completions", str(path))
    assert capsys.readouterr().err.splitlines() == [
        "  row 2, Organisation: “1001” is on the roster of TST01, not OTH01",
        "  row 3, Employee Number: “9999” is not on the roster of TST01",
        "  row 4, Organisation: “NOPE1” is not the ODS code of any organisation on speakup",
        "  row 5, Employee Number is empty",
    ]
    assert not Completion.objects.exists()


def test_the_api_looks_for_a_worker_only_on_the_rosters_the_admin_imports_for(
    admin, organisation, other_organisation
):
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    StaffRecordFactory(organisation=other_organisation, employee_number="2001")
    rows = ["1001,OTH01,speak_up,2025-02-01,", "2001,TST01,speak_up,2025-02-01,"]
    rows.append("1001,NOPE1,speak_up,2025-02-01,")
    assert problems(post_completions(admin, *rows)) == [
        (2, "Organisation", "“OTH01” is not an organisation you can import for"),
        (3, "Employee Number", "“2001” is not on the roster of TST01"),
        (4, "Organisation", "“NOPE1” is not the ODS code of any organisation on speakup"),
    ]
    # An admin of both is told where the worker is.
    admin.user.memberships.create(role=Role.ORGANISATION_ADMIN, organisation=other_organisation)
    assert problems(post_completions(admin, rows[1])) == [
        (2, "Organisation", "“2001” is on the roster of OTH01, not TST01")
    ]
    assert not Completion.objects.exists()
