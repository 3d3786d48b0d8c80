"""A row with more values than the header has columns (a comma inside a value not in quotation
marks) or fewer (a comma missing) is a row problem, in a roster by both import paths and in a
completions file: its values cannot be told to be in their columns. Until 27 November 2026 the
extra values were dropped and the missing ones read as empty, without a word."""

import pytest
from django.core.management import CommandError, call_command

from speakup.organisations.roles import Role
from speakup.training.models import Completion, StaffRecord
from speakup.training.roster.importing import staff_import
from tests.training.factories import StaffRecordFactory
from tests.training.test_completions_as_the_roster import post_completions, problems
from tests.training.test_roster_import import (  # noqa: F401  (frozen, each_import_path: fixtures)
    ADA,
    BRYN,
    csv_file,
    each_import_path,
    frozen,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

# Bryn's job role written with commas and no quotation marks: two values too many, and every
# value after it two columns along (his directorate read as his band).
BRYN_UNQUOTED = BRYN.replace("Consultant,Medicine", "Consultant, Cardiology, Ward 5, Medicine", 1)
TOO_MANY = (
    "has 15 values but the header has 13 columns: check for a comma inside a value that is not "
    'in quotation marks (write "Ward 5, Surgery" with its quotation marks)'
)
# Ada's row cut short of its Assignment End (and its comma).
ADA_SHORT = ADA.removesuffix(",")
TOO_FEW = (
    "has 12 values but the header has 13 columns: check for a missing comma (an empty value "
    "still needs its comma)"
)


@pytest.mark.usefixtures("each_import_path")
def test_a_row_with_more_values_than_the_header_has_columns_is_a_row_problem(organisation):
    result = staff_import(organisation=organisation, file=csv_file(ADA, BRYN_UNQUOTED))
    assert not result.imported and result.bad_rows == 1
    (error,) = result.errors
    assert (error.row, error.column, error.reason) == (3, "", TOO_MANY)
    assert str(error) == f"row 3 {TOO_MANY}"
    assert not StaffRecord.objects.exists()


@pytest.mark.usefixtures("each_import_path")
def test_a_row_with_fewer_values_than_the_header_has_columns_is_a_row_problem(organisation):
    result = staff_import(organisation=organisation, file=csv_file(ADA_SHORT, BRYN))
    assert not result.imported
    assert [(e.row, e.column, e.reason) for e in result.errors] == [(2, "", TOO_FEW)]
    assert not StaffRecord.objects.exists()


@pytest.mark.usefixtures("each_import_path")
def test_a_value_with_a_comma_in_quotation_marks_fits_and_a_skipped_row_stays_on_the_roster(
    organisation,
):
    quoted = BRYN.replace("Consultant,Medicine", '"Consultant, Cardiology",Medicine', 1)
    staff_import(organisation=organisation, file=csv_file(ADA, quoted))
    assert StaffRecord.objects.get(employee_number="1002").job_role == "Consultant, Cardiology"
    # Skipped, a row that does not fit is in the file still: a whole roster keeps its worker.
    result = staff_import(
        organisation=organisation,
        file=csv_file(ADA, BRYN_UNQUOTED),
        full=True,
        skip_invalid=True,
    )
    assert result.imported and (result.skipped, result.left) == (1, 0)
    assert StaffRecord.objects.get(employee_number="1002").job_role == "Consultant, Cardiology"


def test_the_command_and_the_api_name_the_row_and_the_counts(
    client_as, organisation, tmp_path, capsys
):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_file(ADA, BRYN_UNQUOTED).getvalue())
    with pytest.raises(CommandError, match="Nothing was imported: 1 of 2 rows has a problem"):
        call_command("import-staff", str(path), "--organisation", "TST01")
    assert f"  row 3 {TOO_MANY}\n" in capsys.readouterr().err

    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/organisations/TST01/staff",
        csv_file(ADA_SHORT, BRYN).getvalue(),
        content_type="text/csv",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 2, "column": "", "reason": TOO_FEW}]
    assert not StaffRecord.objects.exists()


def test_a_completions_row_that_does_not_fit_its_header_is_a_row_problem(client_as, organisation):
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    response = post_completions(
        client_as(Role.ORGANISATION_ADMIN),
        "1001,TST01,speak_up,2025-02-01,import",
        "1001,TST01,Freedom to Speak Up: Listen Up, e-LfH,2025-02-01,import",
        "1001,TST01,follow_up,2025-02-01",
    )
    assert response.status_code == 400
    assert problems(response) == [
        (
            3,
            "",
            "has 6 values but the header has 5 columns: check for a comma inside a value that "
            'is not in quotation marks (write "Ward 5, Surgery" with its quotation marks)',
        ),
        (
            4,
            "",
            "has 4 values but the header has 5 columns: check for a missing comma (an empty "
            "value still needs its comma)",
        ),
    ]
    assert not Completion.objects.exists()
