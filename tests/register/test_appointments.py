"""Adding, ending and importing appointments: the refusals are clear and nothing is half-saved."""

from datetime import date

import pytest

from speakup.organisations.roles import Role
from speakup.register.models import Appointment, Director, Status
from speakup.register.services import board_files
from speakup.register.services.common import RegisterRefusal
from speakup.register.services.entries import appointment_add, appointment_end
from tests.conftest import date_boxes, sign_in
from tests.register.factories import AppointmentFactory, DirectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(person_with_role):
    return person_with_role(Role.ORGANISATION_ADMIN)


def add(admin, organisation, **fields):
    values = {
        "actor": admin,
        "organisation": organisation,
        "role_title": "Chief Executive",
        "executive": True,
        "start_date": date(2026, 1, 1),
        "first_name": "Ada",
        "last_name": "Ashdown",
        "email": "ada@fictional.test",
    }
    values.update(fields)
    return appointment_add(**values)


def test_a_new_director_gets_a_register_number_that_is_never_reused(admin, organisation):
    first = add(admin, organisation).director
    second = add(admin, organisation, email="bryn@fictional.test", first_name="Bryn").director
    assert first.register_number == "D000001"
    assert second.register_number == "D000002"
    Appointment.objects.filter(director=second).delete()
    second.delete()
    third = add(admin, organisation, email="cora@fictional.test", first_name="Cora").director
    assert third.register_number == "D000003"


def test_an_existing_director_is_appointed_by_register_number(
    admin, organisation, other_organisation
):
    director = add(admin, organisation).director
    again = add(
        admin,
        other_organisation,
        register_number=director.register_number.lower(),
        first_name="",
        last_name="",
        email="",
    )
    assert again.director == director


def test_an_unknown_register_number_is_refused(admin, organisation):
    with pytest.raises(RegisterRefusal, match="no director with register number D999999"):
        add(admin, organisation, register_number="D999999")


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"first_name": "\u200b"}, "Enter the director's first name, last name and email address."),
        (
            {"last_name": " \u2060 "},
            "Enter the director's first name, last name and email address.",
        ),
        ({"role_title": "\ufeff"}, "Enter the role title, for example Chief Executive."),
    ],
)
def test_a_name_or_role_of_only_invisible_characters_is_refused(
    admin, organisation, fields, refusal
):
    with pytest.raises(RegisterRefusal) as refused:
        add(admin, organisation, **fields)
    assert refused.value.messages == [refusal]
    assert not Director.objects.exists()


def test_an_appointment_cannot_end_before_it_starts(admin, organisation):
    with pytest.raises(RegisterRefusal, match="end date must be the same as or after"):
        add(admin, organisation, start_date=date(2026, 3, 1), end_date=date(2026, 2, 1))
    assert not Director.objects.exists()


def test_overlapping_appointments_to_the_same_role_are_refused(admin, organisation):
    first = add(admin, organisation, end_date=date(2026, 12, 31))
    with pytest.raises(RegisterRefusal, match="cannot overlap"):
        add(
            admin,
            organisation,
            register_number=first.director.register_number,
            role_title="chief executive",
            start_date=date(2026, 6, 1),
        )
    assert Appointment.objects.count() == 1
    # After the first ends, the same role can be held again.
    later = add(
        admin,
        organisation,
        register_number=first.director.register_number,
        start_date=date(2027, 1, 1),
    )
    assert later.pk


def test_a_removed_director_cannot_be_given_a_new_appointment(admin, organisation):
    director = DirectorFactory(status=Status.REMOVED)
    with pytest.raises(RegisterRefusal, match="has been removed from the register and cannot"):
        add(admin, organisation, register_number=director.register_number)
    # Nor by adding them again as if new, with the same email.
    with pytest.raises(RegisterRefusal, match="has been removed"):
        add(admin, organisation, email=director.email.upper())
    assert not Appointment.objects.exists()


def test_ending_an_appointment_before_its_start_is_refused(admin, organisation):
    appointment = AppointmentFactory(organisation=organisation, start_date=date(2026, 5, 1))
    with pytest.raises(RegisterRefusal, match="on or after the start date"):
        appointment_end(actor=admin, appointment=appointment, end_date=date(2026, 4, 1))
    ended = appointment_end(actor=admin, appointment=appointment, end_date=date(2026, 6, 1))
    assert ended.end_date == date(2026, 6, 1)
    with pytest.raises(RegisterRefusal, match="already ended"):
        appointment_end(actor=admin, appointment=appointment, end_date=date(2026, 7, 1))


HEADER = (
    "Register Number?,First Name,Last Name,Email,Organisation,Role Title,Executive (Y/N),"
    "FTSU Role,Start Date,End Date\n"
)


def test_a_board_is_imported_from_csv_and_importing_again_changes_nothing(admin, organisation):
    csv_text = HEADER + (
        ",Ada,Ashdown,ada@fictional.test,TST01,Chair,N,,2026-01-01,\n"
        ",Bryn,Birchley,bryn@fictional.test,Testshire Fictional NHS Trust,Chief Executive,Y,"
        "Executive lead,01/02/2026,\n"
    )
    result = board_files.board_import(actor=admin, csv_text=csv_text, organisation=organisation)
    assert (result.added, result.unchanged) == (2, 0)
    bryn = Appointment.objects.get(director__last_name="Birchley")
    assert bryn.executive and bryn.ftsu_role == "executive_lead"
    assert bryn.start_date == date(2026, 2, 1)
    again = board_files.board_import(actor=admin, csv_text=csv_text, organisation=organisation)
    assert (again.added, again.unchanged) == (0, 2)


def test_a_csv_row_naming_an_unknown_organisation_refuses_the_whole_file(admin, organisation):
    csv_text = HEADER + (
        ",Ada,Ashdown,ada@fictional.test,TST01,Chair,N,,2026-01-01,\n"
        ",Bryn,Birchley,bryn@fictional.test,Nowhere Trust,Chief Executive,Y,,2026-01-01,\n"
    )
    with pytest.raises(RegisterRefusal) as refusal:
        board_files.board_import(actor=admin, csv_text=csv_text, organisation=organisation)
    assert refusal.value.messages == ["Row 3: there is no organisation called “Nowhere Trust”."]
    assert not Director.objects.exists()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("rows", "refusal"),
    [
        (
            ',Ada,Ashdown,ada@fictional.test,TST01,"' + "x" * 131_073 + '",N,,2026-01-01,\n',
            "Row 2 has a value longer than 131,072 characters, so the file cannot be read.",
        ),
        (
            ",Ada,Ashdown,ada@fictional.test,TST01,Chair,N,,2026-01-01,\n"
            ",Bryn,Birch\x00ley,bryn@fictional.test,TST01,Chief Executive,Y,,2026-01-01,\n",
            "Row 3 contains a NUL character, so the file cannot be read: save it again as a CSV "
            "file (UTF-8).",
        ),
        (
            ',Ada,Ashdown,ada@fictional.test,TST01,"Chair,N,,2026-01-01,\n'
            ",Bryn,Birchley,bryn@fictional.test,TST01,Chief Executive,Y,,2026-01-01,\n",
            'Row 2 opens a quotation mark (") that is never closed, so the rest of the file '
            "cannot be read.",
        ),
    ],
    ids=["value over the field limit", "NUL character", "quotation mark never closed"],
)
def test_a_board_file_that_stops_being_csv_is_refused_naming_the_row(
    admin, organisation, rows, refusal
):
    with pytest.raises(RegisterRefusal) as refused:
        board_files.board_import(actor=admin, csv_text=HEADER + rows, organisation=organisation)
    assert refused.value.messages == [refusal]
    assert not Appointment.objects.exists()


def test_a_csv_without_the_expected_columns_is_refused(admin, organisation):
    with pytest.raises(RegisterRefusal, match="missing the columns"):
        board_files.board_import(actor=admin, csv_text="Name,Email\nAda,a@b.test\n")


def test_a_csv_row_for_another_organisation_is_refused_on_a_board_import(
    admin, organisation, other_organisation
):
    csv_text = HEADER + ",Ada,Ashdown,ada@fictional.test,OTH01,Chair,N,,2026-01-01,\n"
    with pytest.raises(RegisterRefusal, match="only import the board of Testshire"):
        board_files.board_import(actor=admin, csv_text=csv_text, organisation=organisation)


def test_a_csv_with_overlapping_duplicate_rows_refuses_the_whole_file(admin, organisation):
    csv_text = HEADER + (
        ",Ada,Ashdown,ada@fictional.test,TST01,Chair,N,,2026-01-01,\n"
        ",Ada,Ashdown,ada@fictional.test,TST01,Chair,N,,2026-03-01,\n"
    )
    with pytest.raises(RegisterRefusal) as refusal:
        board_files.board_import(actor=admin, csv_text=csv_text, organisation=organisation)
    assert "Row 3:" in refusal.value.messages[0]
    assert "Appointments to the same role cannot overlap" in refusal.value.messages[0]
    assert not Director.objects.exists()
    assert not Appointment.objects.exists()


def test_a_name_that_is_not_the_entrys_is_refused_rather_than_appointing_someone_else(
    admin, organisation
):
    finn = add(admin, organisation, first_name="Finn", last_name="Larkfield", email="finn@f.test")
    # A register number mistyped by one digit, or an email address already on someone's entry:
    # the named person is not the one on the entry, so nobody is appointed.
    paula = {"first_name": "Paula", "last_name": "Penn", "role_title": "Director of Strategy"}
    refusals = [
        ({"register_number": "d000001"}, "D000001 is the entry of Finn Larkfield, not Paula Penn"),
        ({"email": "FINN@f.test"}, "finn@f.test is on the entry of Finn Larkfield"),
    ]
    for found_by, message in refusals:
        with pytest.raises(RegisterRefusal, match=message):
            add(admin, organisation, **paula, **found_by)
    assert Appointment.objects.count() == 1
    # The entry's own name (spacing and capitals aside), or no name with the register number,
    # appoints them.
    appointed = [
        {"register_number": "D000001", "first_name": " finn ", "last_name": "LARKFIELD"},
        {"first_name": "Finn", "last_name": "Larkfield", "email": "finn@f.test"},
        {"register_number": "D000001", "first_name": "", "last_name": "", "email": ""},
    ]
    for number, found_by in enumerate(appointed):
        appointment = add(admin, organisation, role_title=f"Director {number}", **found_by)
        assert appointment.director == finn.director


def test_a_csv_row_naming_someone_else_than_the_register_numbers_entry_refuses_the_file(
    admin, organisation
):
    DirectorFactory(register_number="D000001", first_name="Finn", last_name="Larkfield")
    csv_text = (
        "Register Number,First Name,Last Name,Email,Organisation,Role Title,Executive (Y/N),"
        "FTSU Role,Start Date,End Date\n"
        "D000001,Paula,Penn,paula@f.test,TST01,Director of Strategy,Y,,2026-01-01,\n"
    )
    with pytest.raises(RegisterRefusal) as refusal:
        board_files.board_import(actor=admin, csv_text=csv_text, organisation=organisation)
    assert "Row 2: Register number D000001 is the entry of Finn Larkfield" in str(refusal.value)
    assert not Appointment.objects.exists()


def test_an_appointment_planned_to_end_later_can_be_ended_sooner(admin, organisation):
    """A director who resigns before the end of their term: the register must not show them
    on the board until the term would have ended."""
    appointment = AppointmentFactory(
        organisation=organisation, start_date=date(2026, 1, 1), end_date=date(2027, 3, 31)
    )
    with pytest.raises(RegisterRefusal, match="already planned to end on 31 March 2027"):
        appointment_end(actor=admin, appointment=appointment, end_date=date(2027, 6, 30))
    ended = appointment_end(actor=admin, appointment=appointment, end_date=date(2026, 11, 20))
    assert ended.end_date == date(2026, 11, 20)
    with pytest.raises(RegisterRefusal, match="already ended on 20 November 2026"):
        appointment_end(actor=admin, appointment=appointment, end_date=date(2026, 11, 1))


def test_the_board_page_offers_to_end_sooner_a_term_planned_to_end_later(
    client, admin, organisation
):
    appointment = AppointmentFactory(
        organisation=organisation, start_date=date(2026, 1, 1), end_date=date(2027, 3, 31)
    )
    sign_in(client, admin)
    board = client.get(f"/register/boards/{organisation.ods_code}/").content.decode()
    url = f"/register/boards/{organisation.ods_code}/appointments/{appointment.pk}/end/"
    assert f'<a href="{url}">End sooner' in board
    assert "planned to end on 31 March 2027" in client.get(url).content.decode()
    response = client.post(url, date_boxes("end_date", date(2026, 11, 20)), follow=True)
    assert "has ended." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.end_date == date(2026, 11, 20)
