"""A roster file without an optional column (no Band column, or a misspelt "Directorates")
says nothing about it: the workers already on the roster keep what they have, and the import
says which columns it read and which it did not."""

import datetime

import pytest
from django.core.management import call_command

from speakup.training.models import StaffRecord
from speakup.training.roster.importing import staff_import
from speakup.training.roster.unknown_values import UNKNOWN_BANDS
from tests.organisations.factories import UserFactory
from tests.training.test_roster_import import (  # noqa: F401  (frozen, each_import_path: fixtures)
    ADA,
    BRYN,
    EVERY_COLUMN,
    csv_file,
    each_import_path,
    frozen,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "each_import_path")]

REQUIRED_ONLY = (
    "Employee Number,First Name,Last Name,Staff Group,Line Manager (Y/N),Senior Leader (Y/N),"
    "Board Member (Y/N),Assignment Start"
)
ADA_REQUIRED_ONLY = "1001,Ada,Ashdown,Nursing and Midwifery Registered,N,N,N,2021-03-01"
# Ada with every column: an end ahead, a line manager (Bryn).
ADA_IN_FULL = ADA.rstrip(",") + ",2026-03-31,1002"
THE_COLUMNS = (
    "the columns it reads are Employee Number, First Name, Last Name, Email, Staff Group, Job "
    "Role, Directorate, Band, Line Manager (Y/N), Line Manager Employee Number, Senior Leader "
    "(Y/N), Board Member (Y/N), Assignment Start, Assignment End"
)
MANAGED_BY_THEIR_DIRECTORATE = (
    "The file has no Line Manager Employee Number column, so the worker it added is on the team "
    "of the line managers in their directorate, who see their training and are told when it is "
    "overdue."
)
# Bryn is Medicine's only line manager, and not his own.
BRYN_MANAGED_BY_NOBODY = (
    "The file has no Line Manager Employee Number column, and the worker it added is in a "
    "directorate with no line manager, so no line manager has them on their team or is told "
    "about their training: Medicine (1 worker)."
)
KEPT = [
    "email",
    "user_id",
    "job_role",
    "directorate",
    "band",
    "line_manager_number",
    "assignment_end",
    "active",
]


def stored(number: str, *fields: str) -> dict:
    return StaffRecord.objects.filter(employee_number=number).values(*KEPT, *fields).get()


def test_a_file_without_the_optional_columns_leaves_workers_values_as_they_were(organisation):
    ada_account = UserFactory(email="ada@fictional.test")
    staff_import(
        organisation=organisation, file=csv_file(ADA_IN_FULL, BRYN + ",", header=EVERY_COLUMN)
    )
    before = stored("1001")
    assert (before["directorate"], before["band"], before["user_id"]) == (
        "Surgery",
        "Band 5",
        ada_account.pk,
    )

    married = ADA_REQUIRED_ONLY.replace("Ashdown", "Ashdown-Reyes")
    result = staff_import(organisation=organisation, file=csv_file(married, header=REQUIRED_ONLY))
    assert result.imported and result.updated == 1
    assert result.warnings == [
        "The file has no Email, Job Role, Directorate, Band or Assignment End column: workers' "
        "email addresses, job roles, directorates, bands and assignment end dates were left as "
        "they were."
    ]
    assert stored("1001") == before
    assert stored("1001", "last_name")["last_name"] == "Ashdown-Reyes"

    again = staff_import(organisation=organisation, file=csv_file(married, header=REQUIRED_ONLY))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert stored("1001") == before


def test_a_misspelt_column_is_named_and_the_values_under_it_are_not_read(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA + ",", header=EVERY_COLUMN))
    header = EVERY_COLUMN.replace("Directorate", "Directorates")
    moved = ADA.replace("Surgery", "Medicine") + ","
    result = staff_import(organisation=organisation, file=csv_file(moved, header=header))
    assert result.imported and result.summary() == (
        "Nothing changed: the roster already matched this file (1 worker)."
    )
    # What explains it is said; that the directorates were left as they were is not: nothing
    # changed of any worker.
    assert result.warnings == [
        f"The column “Directorates” is not one speakup reads, so it was left out: {THE_COLUMNS}."
    ]
    assert StaffRecord.objects.get().directorate == "Surgery"


def test_a_column_given_twice_is_read_once_and_said(organisation):
    # A spreadsheet's column copied beside the original (two "Band" columns): the first is read,
    # and the import says the second was not, rather than leave someone wondering which counts.
    header = EVERY_COLUMN + ",band,BAND"
    result = staff_import(
        organisation=organisation, file=csv_file(ADA + ",,Band 9,Band 2", header=header)
    )
    assert result.imported
    assert result.warnings == [
        "The column “Band” is in the file more than once: only the first was read."
    ]
    assert StaffRecord.objects.get().band == "Band 5"


def test_workers_added_by_a_file_without_a_column_have_nothing_in_it(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA + ",", header=EVERY_COLUMN))
    header = REQUIRED_ONLY + ",Directorate,Band"
    bryn = "1002,Bryn,Birchley,Medical and Dental,Y,N,N,01/09/2019,Medicine,Consultant"
    result = staff_import(
        organisation=organisation,
        file=csv_file(ADA_REQUIRED_ONLY + ",Surgery,Band 5", bryn, header=header),
    )
    assert (result.created, result.unchanged) == (1, 1)
    assert result.warnings == [
        "The file has no Email, Job Role or Assignment End column: workers' email addresses, job "
        "roles and assignment end dates were left as they were, and the worker added has none.",
        BRYN_MANAGED_BY_NOBODY,
        UNKNOWN_BANDS + ": Consultant (row 3).",
    ]
    assert stored("1001")["job_role"] == "Staff Nurse"
    assert (stored("1002")["job_role"], stored("1002")["directorate"]) == ("", "Medicine")

    # Another Medicine worker: on Bryn's team.
    first = staff_import(
        organisation=organisation,
        file=csv_file(bryn.replace("1002", "1003"), header=header),
    )
    assert first.warnings == [
        "The file has no Email, Job Role or Assignment End column: the worker added has no "
        "email address, job role or assignment end date.",
        UNKNOWN_BANDS + ": Consultant (row 2).",
    ]
    assert first.notes == [MANAGED_BY_THEIR_DIRECTORATE]


def test_without_an_end_column_a_workers_end_stays_unless_they_have_come_back(organisation):
    left = "1002,Bryn,Birchley,,Medical and Dental,,,,N,N,N,01/09/2019,2024-12-31,"
    staff_import(organisation=organisation, file=csv_file(ADA_IN_FULL, left, header=EVERY_COLUMN))
    assert not stored("1002")["active"]

    back = "1002,Bryn,Birchley,Medical and Dental,N,N,N,2025-02-01"
    result = staff_import(
        organisation=organisation, file=csv_file(ADA_REQUIRED_ONLY, back, header=REQUIRED_ONLY)
    )
    assert (result.updated, result.unchanged) == (1, 1)
    # Ada's end (ahead) stays; Bryn's ended his earlier assignment, before this one began.
    assert (stored("1001")["assignment_end"], stored("1001")["active"]) == (
        datetime.date(2026, 3, 31),
        True,
    )
    assert (stored("1002")["assignment_end"], stored("1002")["active"]) == (None, True)

    still_left = "1004,Cai,Cole,,Students,,,,N,N,N,2020-01-01,2025-01-31,"
    staff_import(organisation=organisation, file=csv_file(still_left, header=EVERY_COLUMN))
    same_assignment = "1004,Cai,Cole,Students,N,N,N,2020-01-01"
    staff_import(organisation=organisation, file=csv_file(same_assignment, header=REQUIRED_ONLY))
    assert (stored("1004")["assignment_end"], stored("1004")["active"]) == (
        datetime.date(2025, 1, 31),
        False,
    )


def test_a_misspelt_required_column_is_named_beside_the_refusal(organisation):
    header = EVERY_COLUMN.replace("Employee Number,", "Employe Number,", 1)
    result = staff_import(organisation=organisation, file=csv_file(ADA, header=header))
    assert not result.imported
    assert result.summary() == (
        "Nothing was imported: the file is missing this column: Employee Number. Check that the "
        "file's first row names its columns."
    )
    assert result.warnings == [
        f"The column “Employe Number” is not one speakup reads, so it was left out: {THE_COLUMNS}."
    ]


def test_many_unread_columns_are_named_up_to_ten_and_blank_ones_not_at_all(organisation):
    extra = [f"Extra {n}" for n in range(12)]
    header = ",".join([EVERY_COLUMN, "", *extra])
    result = staff_import(organisation=organisation, file=csv_file(ADA + "," * 14, header=header))
    assert result.imported
    named = ", ".join(f"“Extra {n}”" for n in range(10))
    assert result.warnings == [
        f"The columns {named} and 2 more are not ones speakup reads, so they were left out: "
        f"{THE_COLUMNS}."
    ]


def test_the_command_warns_of_the_columns_it_did_not_read(organisation, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_file(ADA + ",", header=EVERY_COLUMN.replace("Band", "Bnad")).getvalue())
    call_command("import-staff", str(path), "--organisation", "TST01")
    err = capsys.readouterr().err
    assert "Warning: The column “Bnad” is not one speakup reads, so it was left out" in err
    assert "Warning: The file has no Band column: the worker added has no band." in err


def test_a_file_in_esrs_layout_says_who_manages_the_workers_it_added_and_nothing_else(
    organisation,
):
    """ESR's 13 columns have no Line Manager Employee Number: until 27 November 2026 every such
    file, refused ones too, said "the workers added have no line managers", though the line
    managers of their directorate see them (docs/training.md, section 7); then, that they all
    did, though here Surgery has no line manager and Medicine only Bryn."""
    result = staff_import(organisation=organisation, file=csv_file(ADA, BRYN))
    assert result.imported and result.created == 2
    # Bryn's "Consultant" is no Agenda for Change band: that warning is the file's own.
    assert result.warnings == [
        "The file has no Line Manager Employee Number column, and the workers it added are in a "
        "directorate with no line manager, so no line manager has them on their team or is told "
        "about their training: Medicine (1 worker) and Surgery (1 worker).",
        UNKNOWN_BANDS + ": Consultant (row 3).",
    ]
    # Nobody added: nothing to say of line managers.
    again = staff_import(organisation=organisation, file=csv_file(ADA.replace("Ada", "Adah"), BRYN))
    assert again.imported and again.updated == 1
    assert again.warnings == [UNKNOWN_BANDS + ": Consultant (row 3)."]


@pytest.mark.parametrize(
    "refused",
    [
        ADA.replace("Ashdown", "Again"),  # Ada's number twice
        "1003,Cai,Cole,,Students,,,,N,N,N,31/02/2024,",  # a date that cannot be
    ],
)
def test_a_refused_file_in_esrs_layout_says_nothing_of_line_managers(organisation, refused):
    result = staff_import(organisation=organisation, file=csv_file(ADA, refused))
    assert not result.imported
    assert result.warnings == []


def test_workers_added_without_a_directorate_or_a_line_manager_are_on_no_team(organisation):
    result = staff_import(
        organisation=organisation, file=csv_file(ADA_REQUIRED_ONLY, header=REQUIRED_ONLY)
    )
    assert result.imported
    assert result.warnings[-1] == (
        "The file has no Line Manager Employee Number or Directorate column, so no line manager "
        "has the worker it added on their team or is told about their training."
    )
