"""Completions files are checked against the roster and written a batch at a time, so a large
file takes a few queries a batch rather than three a row, with the same result."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from speakup.training import services
from speakup.training.models import Completion
from tests.training.factories import StaffRecordFactory

pytestmark = pytest.mark.django_db


def _file(numbers, *, day="01/03/2025") -> io.BytesIO:
    lines = ["Employee Number,Organisation,Module,Completed On,Source"]
    lines += [f"{n},TST01,speak_up,{day},import" for n in numbers]
    return io.BytesIO("\n".join(lines).encode())


def _queries_to_import(numbers) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = services.completions_import(file=_file(numbers))
    assert result.imported, result.errors
    return len(captured.captured_queries)


def test_a_file_of_many_completions_takes_no_more_queries_than_a_file_of_a_few(organisation):
    for n in range(60):
        StaffRecordFactory(organisation=organisation, employee_number=f"E{n:03d}")
    few = _queries_to_import([f"E{n:03d}" for n in range(3)])
    many = _queries_to_import([f"E{n:03d}" for n in range(3, 60)])
    assert many <= few
    assert Completion.objects.count() == 60


def test_rows_across_batches_are_reported_in_order_and_repeats_count_once(
    organisation, monkeypatch
):
    monkeypatch.setattr(services, "COMPLETION_BATCH", 2)
    StaffRecordFactory(organisation=organisation, employee_number="E1")
    StaffRecordFactory(organisation=organisation, employee_number="E2")
    numbers = ["E1", "NOPE", "E2", "E1", "E2", "GONE"]
    result = services.completions_import(file=_file(numbers), skip_invalid=True)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Employee Number"),
        (7, "Employee Number"),
    ]
    assert (result.created, result.already_recorded, result.repeated_in_file) == (2, 0, 2)
    again = services.completions_import(file=_file(["E1", "E2"]))
    assert (again.created, again.already_recorded, again.repeated_in_file) == (0, 2, 0)
