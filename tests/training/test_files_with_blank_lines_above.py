"""A roster or completions file saved with empty lines above its header is read as it looks,
its rows named by the rows a spreadsheet shows; and a long list of unknown staff groups says
how many it leaves out."""

import io

import pytest

from speakup.training.models import Completion, StaffRecord
from speakup.training.roster.importing import staff_import
from speakup.training.services import completions_import
from tests.training.factories import StaffRecordFactory
from tests.training.test_roster_import import ADA, HEADER

pytestmark = pytest.mark.django_db


def test_a_roster_with_empty_lines_above_its_header_is_imported_and_rows_keep_their_numbers(
    organisation,
):
    bad = "1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,"
    text = "\r\n".join(["", ",,,", HEADER, ADA, bad]) + "\r\n"
    result = staff_import(organisation=organisation, file=io.BytesIO(text.encode()))
    assert [(e.row, e.column, e.reason) for e in result.errors] == [(5, "First Name", "is empty")]
    assert not StaffRecord.objects.exists()  # nothing imported while a row is bad
    result = staff_import(
        organisation=organisation, file=io.BytesIO(text.encode()), skip_invalid=True
    )
    assert result.imported and result.created == 1


def test_a_completions_file_with_an_empty_line_above_its_header_is_imported(organisation):
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    text = "\nEmployee Number,Organisation,Module,Completed On,Source\n" + (
        "1001,TST01,speak_up,2025-02-01,import\n1002,TST01,speak_up,2025-02-01,import\n"
    )
    result = completions_import(file=io.BytesIO(text.encode()), skip_invalid=True)
    assert result.imported and result.created == 1
    assert [(e.row, e.column) for e in result.errors] == [(4, "Employee Number")]
    assert Completion.objects.count() == 1


def test_more_than_twenty_unknown_staff_groups_are_named_up_to_twenty_and_the_rest_counted(
    organisation,
):
    rows = [
        f"{2000 + n},W{n},Fictional,,Made up group {n:02d},,,,N,N,N,2024-01-01," for n in range(23)
    ]
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    result = staff_import(organisation=organisation, file=io.BytesIO(text.encode()))
    warning = next(w for w in result.warnings if "Staff groups not on the ESR list" in w)
    assert "Made up group 19 (row 21)" in warning and "Made up group 20" not in warning
    assert warning.endswith(", and 3 more groups.")
