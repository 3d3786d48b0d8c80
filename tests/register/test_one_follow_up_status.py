"""A director on the register who is a worker on the roster has one Follow Up status: the same on
their home page, both sections of the board report and the register officer's pages (ADR 0018)."""

import re
from datetime import date

import pytest
import time_machine

from speakup.organisations.roles import Role
from speakup.register.services.entries import appointment_add
from speakup.training.models import Completion, StaffRecord
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)
APPOINTED = date(2026, 11, 7)  # 20 days ago: Follow Up is due 90 days after, 5 February 2027


@pytest.fixture
def iris(organisation, person_with_role):
    """A worker on the roster as a board member since she started in 2024 (her first import),
    appointed to the board on the register 20 days ago, with Speak Up and Listen Up done."""
    person = person_with_role(Role.BOARD_MEMBER, email="iris.marlowe@fictional.test")
    record = StaffRecord.objects.create(
        organisation=organisation,
        employee_number="E00001",
        first_name="Iris",
        last_name="Marlowe",
        email="Iris.Marlowe@fictional.test",
        user=person,
        staff_group="Administrative and Clerical",
        is_board_member=True,
        assignment_start=date(2024, 3, 1),
    )
    for module in ("speak_up", "listen_up"):
        Completion.objects.create(
            organisation=organisation,
            staff_record=record,
            user=person,
            module=module,
            completed_on=date(2024, 4, 1),
            source="import",
        )
    return person


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@time_machine.travel(TODAY, tick=False)
def test_a_director_appointed_20_days_ago_is_due_by_the_same_day_everywhere(
    client, organisation, person_with_role, iris
):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    appointment_add(
        actor=admin,
        organisation=organisation,
        role_title="Non-executive director",
        executive=False,
        start_date=APPOINTED,
        first_name="Iris",
        last_name="Marlowe",
        email="iris.marlowe@fictional.test",
    )
    # Her roster record now has the day she joined the board, from the register.
    assert StaffRecord.objects.get(employee_number="E00001").board_member_since == APPOINTED

    sign_in(client, iris)
    home = text(client.get("/"))
    assert "Board members take Follow Up; due by 5 February 2027" in home
    assert "was due by" not in home

    report = text(client.get("/reports/board-reports/TST01/?start=2025-04-01&end=2026-03-31"))
    training = report[report.index("Board members' Follow Up") :]
    assert re.search(r"Iris Marlowe Due", training), training[:400]
    register = report[report.index("duties on the register") : report.index("Cases held")]
    # Director, attestation (no code of practice yet), fit and proper checks, Follow Up.
    assert re.search(r"Iris Marlowe Not known Due Due", register), register

    officer = person_with_role(Role.REGISTER_OFFICER)
    sign_in(client, officer)
    board = text(client.get("/register/boards/TST01/"))
    assert "Follow Up not completed: due by 5 February 2027" in board
    dashboard = text(client.get("/register/officer/"))
    assert "No director has an overdue duty" in dashboard


@time_machine.travel(TODAY, tick=False)
def test_a_director_not_on_the_roster_is_due_90_days_after_appointment(
    client, organisation, person_with_role
):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    appointment_add(
        actor=admin,
        organisation=organisation,
        role_title="Chair",
        executive=False,
        start_date=date(2026, 8, 1),
        first_name="Dana",
        last_name="Director",
        email="dana.director@fictional.test",
    )
    sign_in(client, person_with_role(Role.REGISTER_OFFICER))
    board = text(client.get("/register/boards/TST01/"))
    assert "Follow Up not completed: was due by 30 October 2026" in board
    assert "Dana Director" in text(client.get("/register/officer/"))
