"""An upload's result page (a roster's or completions') lists its rows with problems: the
problems by kind first, each kind's explanation said once, then a table with a row header for
each row's number and, in its Problem column, what is wrong with that row's own value."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from speakup.organisations.roles import Role
from speakup.training import tasks
from speakup.training.models import StaffRecord
from speakup.training.roster.row_checks import DATE_FORMS

pytestmark = pytest.mark.django_db

ROSTER = (
    "Employee Number,First Name,Last Name,Staff Group,Line Manager (Y/N),Senior Leader (Y/N),"
    "Board Member (Y/N),Assignment Start,Email\r\n"
)
COMPLETIONS = "Employee Number,Organisation,Module,Completed On,Source\n"


def result_page(client, address: str, text: str) -> str:
    file = SimpleUploadedFile("file.csv", text.encode(), content_type="text/csv")
    response = client.post(address, {"file": file})
    assert response.status_code == 302, response.content.decode()
    return html.unescape(client.get(response.url).content.decode())


def kinds_said(page: str) -> list[str]:
    """The problems by kind, as the list above the table says them."""
    listed = page.split(">Rows with problems</h2>")[1].split("<table")[0]
    return re.findall(r"<li>([^<]*)</li>", listed)


def table_rows(page: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<tr class="nhsuk-table__row"><th scope="row">(\d+)</th><td>([^<]*)</td><td>([^<]*)</td>',
        page,
    )


def test_300_rows_with_the_same_three_problems_are_summed_up_in_three_lines(client_as):
    rows = "".join(
        f"{1000 + n},Ada,Ashdown,Students,maybe,N,N,2024-13-01,ada{n}\r\n" for n in range(300)
    )
    page = result_page(
        client_as(Role.ORGANISATION_ADMIN), "/training/organisations/TST01/roster/", ROSTER + rows
    )
    assert "300 of 300 rows have problems" in page
    assert kinds_said(page) == [
        "Email: not an email address — 300 rows",
        "Line Manager (Y/N): should be Y or N — 300 rows",
        f"Assignment Start: not a real date — 300 rows. Dates are read as {DATE_FORMS}",
    ]
    assert page.count(DATE_FORMS) == 1  # said once, not on each of the 300 rows
    table = table_rows(page)
    assert len(table) == 900
    assert table[:3] == [
        ("2", "Email", "“ada0” is not an email address"),
        ("2", "Line Manager (Y/N)", "“maybe” should be Y or N"),
        ("2", "Assignment Start", "“2024-13-01” is not a real date"),
    ]
    assert table[-3] == ("301", "Email", "“ada299” is not an email address")  # its own value
    assert not StaffRecord.objects.exists()


def test_duplicate_employee_numbers_are_one_kind_whichever_row_they_repeat(client_as):
    rows = "".join(f"{number},Ada,Ashdown,Students,N,N,N,2024-01-01,\r\n" for number in "112233")
    page = result_page(
        client_as(Role.ORGANISATION_ADMIN), "/training/organisations/TST01/roster/", ROSTER + rows
    )
    assert kinds_said(page) == ["Employee Number: already on an earlier row — 3 rows"]
    assert ("5", "Employee Number", "2 is already on row 4") in table_rows(page)


def test_completions_list_their_problems_by_kind_with_a_row_header_too(client_as):
    rows = "9999,TST01,Fire safety,01/02/25,\n9998,TST01,Fire safety,2025-02-01,\n"
    page = result_page(
        client_as(Role.ORGANISATION_ADMIN),
        "/training/organisations/TST01/completions/",
        COMPLETIONS + rows,
    )
    assert kinds_said(page) == [
        "Module: not a module speakup knows — 2 rows. Write speak_up, listen_up or follow_up, or "
        "the course title used in e-Learning for Healthcare or ESR",
        "Employee Number: not on the roster of TST01 — 2 rows",
        f"Completed On: not written as a date speakup reads — 1 row. Write it as {DATE_FORMS}",
    ]
    assert ("2", "Completed On", "“01/02/25” is not written as a date speakup reads") in (
        table_rows(page)
    )


def test_a_row_that_does_not_fit_the_header_is_said_of_the_row(client_as):
    rows = "1001,Ada,Ashdown,Students,N,N,N,2024-01-01,,extra\r\n"
    page = result_page(
        client_as(Role.ORGANISATION_ADMIN), "/training/organisations/TST01/roster/", ROSTER + rows
    )
    (said,) = kinds_said(page)
    assert said.startswith("The row has 10 values but the header has 9 columns — 1 row. Check ")
    assert table_rows(page) == [("2", "–", "has 10 values but the header has 9 columns")]


def test_a_list_cut_short_sums_up_the_rows_it_lists(client_as, monkeypatch):
    monkeypatch.setattr(tasks, "MAX_LISTED_ERRORS", 2)
    rows = "9999,TST01,speak_up,2025-02-01,\n" * 5
    page = result_page(
        client_as(Role.ORGANISATION_ADMIN),
        "/training/organisations/TST01/completions/",
        COMPLETIONS + rows,
    )
    assert "The problems of the 2 rows listed below, with how many rows have each:" in page
    assert kinds_said(page) == ["Employee Number: not on the roster of TST01 — 2 rows"]
    assert "it shows the problems of 2 of the 5 rows with problems." in page
