"""Appointments made ahead of time: up to a year ahead, shown as upcoming on every page that lists
appointments (never as past), and current from their start date."""

import re
from datetime import date

import pytest

from speakup.organisations.roles import Role
from speakup.register.models import Appointment
from speakup.register.services import board_files, common
from tests.register.factories import AppointmentFactory, DirectorFactory, appointment_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to("2026-11-26 10:00", tick=False)


@pytest.fixture
def future_chair(organisation):
    """Iris chairs the board from 1 March 2027; until then she is a non-executive director."""
    director = DirectorFactory(first_name="Iris", last_name="Ingleby")
    AppointmentFactory(
        director=director,
        organisation=organisation,
        role_title="Non-executive director",
        start_date=date(2024, 4, 1),
    )
    AppointmentFactory(
        director=director,
        organisation=organisation,
        role_title="Chair",
        executive=False,
        start_date=date(2027, 3, 1),
    )
    AppointmentFactory(
        director=director,
        organisation=organisation,
        role_title="Vice Chair",
        start_date=date(2021, 1, 1),
        end_date=date(2023, 12, 31),
    )
    return director


def cells(html: str) -> list[str]:
    """The text of each table cell, after the column's heading (a responsive table repeats it
    in each cell): "Role Chair"."""
    found = re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in found]


def section(page: str, heading: str) -> list[str]:
    """The table cells from an <h2> heading to the next one."""
    found = re.search(rf"<h2[^>]*>{heading}</h2>(.*?)(<h2|$)", page, re.S)
    assert found, f"no section {heading!r}"
    return cells(found.group(1))


def add_appointment(client, start: date):
    return client.post("/register/boards/TST01/appointments/new/", appointment_form(start=start))


def test_a_start_date_more_than_a_year_ahead_is_refused_beside_the_date(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    response = add_appointment(client, date(2099, 9, 1))
    page = response.content.decode()
    assert "<title>Error: Add an appointment" in page
    message = "The start date must be no more than a year from today: 26 November 2027 or earlier."
    assert page.count(message) == 2  # in the error summary and beside the start date
    assert 'href="#id_start_date-day"' in page
    assert not Appointment.objects.exists()


def test_a_start_date_up_to_a_year_ahead_is_accepted(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    assert add_appointment(client, date(2027, 11, 26)).status_code == 302
    assert Appointment.objects.get().start_date == date(2027, 11, 26)


def test_a_csv_row_starting_more_than_a_year_ahead_refuses_the_whole_file(
    person_with_role, organisation
):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    csv_text = (
        "First Name,Last Name,Email,Organisation,Role Title,Executive (Y/N),FTSU Role,"
        "Start Date,End Date\n"
        "Ada,Ashdown,ada@fictional.test,TST01,Chair,N,,2026-04-01,\n"
        "Bryn,Brook,bryn@fictional.test,TST01,Chief Executive,Y,,01/09/2099,\n"
    )
    with pytest.raises(common.RegisterRefusal) as refusal:
        board_files.board_import(actor=admin, csv_text=csv_text, organisation=organisation)
    assert refusal.value.messages == [
        "Row 3: The start date must be no more than a year from today: 26 November 2027 or earlier."
    ]
    assert not Appointment.objects.exists()


def test_the_public_page_shows_an_appointment_that_starts_later_as_upcoming(client, future_chair):
    page = client.get(f"/register/directors/{future_chair.register_number}/").content.decode()
    current = section(page, "Current appointments")
    upcoming = section(page, "Upcoming appointments")
    past = section(page, "Past appointments")
    assert "Role Non-executive director" in current and "Role Chair" not in current
    assert upcoming[1:] == [
        "Role Chair",
        "Executive or non-executive Non-executive",
        "FTSU lead role None",
        "From 1 March 2027",
        "To Continuing",
    ]
    assert "Role Vice Chair" in past and "Role Chair" not in past


def test_a_director_with_nothing_upcoming_has_no_upcoming_section(client, organisation):
    director = AppointmentFactory(organisation=organisation).director
    page = client.get(f"/register/directors/{director.register_number}/").content.decode()
    assert "Upcoming appointments" not in page


def test_search_results_say_when_an_upcoming_appointment_starts(client, future_chair):
    page = client.get("/register/", {"q": "Ingleby"}).content.decode()
    assert (
        "Non-executive director, Testshire Fictional NHS Trust; "
        "Chair, Testshire Fictional NHS Trust (starts 1 March 2027)"
    ) in page


def test_the_board_page_lists_upcoming_appointments_apart_and_not_yet_as_the_chair(
    client, client_as, future_chair, person_with_role, time_machine
):
    admin = client_as(Role.ORGANISATION_ADMIN)
    page = admin.get("/register/boards/TST01/").content.decode()
    tables = {
        caption: cells(table)
        for caption, table in re.findall(
            r"<caption[^>]*>\s*(.*?)\s*</caption>(.*?)</table>", page, re.S
        )
    }
    assert "Role Chair" in tables["Upcoming appointments"]
    assert "From 1 March 2027" in tables["Upcoming appointments"]
    assert "Role Chair" not in tables["Current appointments"] + tables["Past appointments"]
    # Not the chair before the appointment starts: no board compliance for her yet.
    iris = person_with_role(Role.BOARD_MEMBER, email=future_chair.email)
    client.force_login(iris)
    assert client.get("/register/boards/TST01/").status_code == 404
    time_machine.move_to("2027-03-01 10:00", tick=False)
    client.force_login(iris)
    assert client.get("/register/boards/TST01/").status_code == 200


def test_an_upcoming_appointment_alone_gives_no_duties_until_it_starts(
    client_as, organisation, time_machine
):
    director = AppointmentFactory(organisation=organisation, start_date=date(2027, 3, 1)).director
    officer = client_as(Role.REGISTER_OFFICER)
    page = officer.get("/register/officer/").content.decode()
    assert "0 directors hold a current appointment" in page
    time_machine.move_to("2027-03-01 10:00", tick=False)
    officer = client_as(Role.REGISTER_OFFICER)  # signed in again: three months have passed
    page = officer.get("/register/officer/").content.decode()
    assert "1 directors hold a current appointment" in page
    public = officer.get(f"/register/directors/{director.register_number}/").content.decode()
    assert "Upcoming appointments" not in public
    assert "From 1 March 2027" in section(public, "Current appointments")


def test_open_data_lists_an_upcoming_appointment_with_its_start_date(client, future_chair):
    rows = client.get("/register/open-data.csv").content.decode().splitlines()
    chair = next(row for row in rows if ",Chair," in row)
    assert chair.endswith(",2027-03-01,")
