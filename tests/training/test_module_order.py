"""The order of the modules (Listen Up after Speak Up; Follow Up after both), said alike by the
module page, starting a module, the team page and the reminder emails."""

import datetime
import re

import pytest
import time_machine

from speakup.organisations.roles import Role
from speakup.training.models import ModuleProgress
from speakup.training.reminders import training_reminders_send
from tests.conftest import sign_in
from tests.training.factories import CompletionFactory, StaffRecordFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)
today = time_machine.travel(datetime.datetime(2026, 3, 1, 9), tick=False)
EXPIRED_PASS = datetime.date(2022, 6, 1)  # its 3-year refresher was due 1 June 2025


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def team_member(person_with_role, organisation, first_name, **fields):
    """A worker in Surgery with an account, where their reminders go."""
    user = person_with_role(Role.WORKER, full_name=f"{first_name} Fictional")
    record = StaffRecordFactory(
        organisation=organisation, user=user, first_name=first_name, directorate="Surgery", **fields
    )
    return user, record


@pytest.fixture
def mona(person_with_role, organisation):
    """A line manager in Surgery: the team page is hers."""
    return team_member(person_with_role, organisation, "Mona", is_line_manager=True)[0]


def team_row(page: str, name: str) -> str:
    row = next(row for row in page.split("<tr") if name in row).split("</tr>")[0]
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def reminder_to(first_name: str, mailoutbox) -> str:
    """The day's reminder the worker is sent about their own training."""
    with today:
        training_reminders_send(today=TODAY)
    return next(
        message.body
        for message in mailoutbox
        if message.subject == "Your Freedom to Speak Up training"
        and message.body.startswith(f"Hello {first_name},")
    )


def test_a_line_manager_whose_speak_up_expired_can_start_listen_up_and_is_told_so_everywhere(
    client, mona, person_with_role, organisation, mailoutbox
):
    """The team page and the emails said "Listen Up … Take Speak Up first" while the worker
    could start Listen Up at once: a pass is a pass for the order."""
    rhys, record = team_member(person_with_role, organisation, "Rhys", is_line_manager=True)
    CompletionFactory(staff_record=record, completed_on=EXPIRED_PASS)
    with today:
        sign_in(client, mona)
        row = team_row(client.get("/training/team/").content.decode(), "Rhys")
    assert "Expired" in row and "Line managers take Listen Up; was due by 31 January 2020" in row
    assert "before starting" not in row and "first" not in row

    to_rhys = reminder_to("Rhys", mailoutbox)
    assert "- Listen Up: overdue: it was due by 31 January 2020.\n" in to_rhys
    assert "before starting" not in to_rhys and "first" not in to_rhys

    with today:
        sign_in(client, rhys)
        page = client.get("/training/modules/listen_up/")
        assert "Taken after Speak Up, passed at any time" in text(page)
        assert "before starting" not in text(page) and "Start the module" in text(page)
        assert client.get("/training/modules/listen_up/screens/1/").status_code == 200


def test_a_worker_who_has_not_passed_speak_up_is_told_the_same_on_every_page_and_email(
    client, mona, person_with_role, organisation, mailoutbox
):
    nia, _ = team_member(person_with_role, organisation, "Nia", is_line_manager=True)
    rule = "Complete Speak Up before starting Listen Up"
    with today:
        sign_in(client, mona)
        row = team_row(client.get("/training/team/").content.decode(), "Nia")
    assert f"Line managers take Listen Up; was due by 31 January 2020. {rule}." in row
    assert f"- Listen Up: overdue: it was due by 31 January 2020. {rule}.\n" in (
        reminder_to("Nia", mailoutbox)
    )
    with today:
        sign_in(client, nia)
        assert f"{rule}." in text(client.get("/training/modules/listen_up/"))
        # Starting it (again) leads to that page and records no progress.
        for response in (
            client.post("/training/modules/listen_up/restart/"),
            client.get("/training/modules/listen_up/screens/1/"),
        ):
            assert response.url == "/training/modules/listen_up/"
    assert not ModuleProgress.objects.filter(user=nia, module="listen_up").exists()


def test_follow_up_names_both_modules_it_comes_after_and_asks_only_for_the_one_not_passed(
    client, person_with_role, organisation
):
    """The Follow Up page asked for Listen Up alone, never naming Speak Up."""
    chair, record = team_member(person_with_role, organisation, "Vic", is_board_member=True)
    CompletionFactory(staff_record=record, completed_on=EXPIRED_PASS)
    with today:
        sign_in(client, chair)
        page = text(client.get("/training/modules/follow_up/"))
    assert "Taken after Speak Up and Listen Up, passed at any time" in page
    assert "Complete Listen Up before starting Follow Up." in page
