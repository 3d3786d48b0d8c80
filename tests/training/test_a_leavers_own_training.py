"""A leaver who still holds a role (a board member a whole roster left out) sees on their own
pages that they are not on the staff list and that nothing is required of them: not a new
starter's due date worked out from their role. The training they completed is still shown, with
its certificate: their proof, if they were dropped by mistake or move to another trust."""

import datetime
import re

import pytest

from speakup.organisations.roles import Role
from speakup.training.models import StaffRecord
from tests.conftest import sign_in
from tests.training.factories import CompletionFactory, StaffRecordFactory
from tests.training.test_home_and_team import link_names, passed, text
from tests.training.test_leavers_missing_from_a_whole_roster import import_on, on, row

pytestmark = pytest.mark.django_db

LEFT_OUT = datetime.date(2026, 11, 20)  # the whole roster without Hal
TODAY = datetime.date(2026, 11, 27)
ADA = row("3001", "Ada")
HAL = "4001,Hal,Hollins,Other,N,N,Y,2025-10-23,"
NOT_REQUIRED = (
    "It does not currently require any training of you, but you can still take the modules."
)


@pytest.fixture
def hal(client, person_with_role, organisation):
    """Hal Hollins, a board member on the roster since 23 October 2025, Follow Up not taken."""
    user = person_with_role(Role.BOARD_MEMBER, full_name="Hal Hollins")
    import_on(datetime.date(2026, 1, 5), ADA, HAL)
    StaffRecord.objects.filter(employee_number="4001").update(user=user)
    sign_in(client, user)
    return user


def own_pages(client) -> tuple[str, str]:
    with on(TODAY):
        return text(client.get("/")), text(client.get("/training/"))


def assert_told_not_on_the_list(client, *, because: str, module: str) -> None:
    """Both of the worker's own pages say they are not on the staff list (`because`: since
    when, if known), and that `module`, like the others, is not required of them."""
    for page in own_pages(client):
        assert (
            f"You are not on the current staff list of Testshire Fictional NHS Trust{because}. "
            f"{NOT_REQUIRED}"
        ) in page
        assert f"{module} Not required Not on the current staff list." in page
        assert "Overdue" not in page and "due by" not in page.lower()


def test_a_board_member_left_out_of_a_whole_roster_is_told_so_and_is_due_nothing(client, hal):
    home, _ = own_pages(client)
    assert "Follow Up Overdue Board members take Follow Up; was due by 21 January 2026." in home

    import_on(LEFT_OUT, ADA)

    assert_told_not_on_the_list(
        client,
        because=": the staff list it sent on 20 November 2026 did not include you",
        module="Follow Up",
    )
    with on(TODAY):
        page = client.get("/").content.decode()
        assert link_names(page, "/training/modules/")[-1] == "Open Follow Up"
        assert client.get("/training/modules/follow_up/").status_code == 200

    import_on(TODAY, ADA, HAL)  # put back on the roster
    home, _ = own_pages(client)
    assert "Follow Up Overdue Board members take Follow Up; was due by 21 January 2026." in home
    assert "staff list" not in home


@pytest.mark.parametrize(
    ("assignment_end", "because"),
    [
        (datetime.date(2026, 10, 31), ": your assignment there ended on 31 October 2026"),
        (None, ""),  # a leaver made before the day was kept (ADR 0022), or by hand
    ],
    ids=["an assignment end", "no day"],
)
def test_a_leaver_is_told_the_day_their_assignment_ended_if_known(
    client, person_with_role, organisation, assignment_end, because
):
    user = person_with_role(Role.LINE_MANAGER)
    StaffRecordFactory(
        organisation=organisation, user=user, active=False, assignment_end=assignment_end
    )
    sign_in(client, user)
    assert_told_not_on_the_list(client, because=because, module="Listen Up")


def test_someone_the_roster_never_had_is_due_from_their_role_as_before(client, person_with_role):
    with on(TODAY):
        user = person_with_role(Role.BOARD_MEMBER)
    sign_in(client, user)
    for page in own_pages(client):
        assert "Follow Up Due Board members take Follow Up; due by 25 February 2027." in page
        assert "staff list" not in page


def test_a_leaver_still_sees_the_training_they_completed_and_its_certificate(client, hal):
    record = StaffRecord.objects.get(user=hal)
    passed(hal, "speak_up", datetime.date(2026, 3, 2))  # in speakup: it has a certificate
    # Imported from the learning records: no certificate to give.
    CompletionFactory(
        staff_record=record, module="listen_up", completed_on=datetime.date(2026, 3, 9)
    )
    import_on(LEFT_OUT, ADA)

    assert_told_not_on_the_list(
        client,
        because=": the staff list it sent on 20 November 2026 did not include you",
        module="Follow Up",
    )
    for page in own_pages(client):
        assert (
            "Speak Up Not required Not on the current staff list; completed on 2 March 2026, "
            "valid until 2 March 2029."
        ) in page
        assert (
            "Listen Up Not required Not on the current staff list; completed on 9 March 2026, "
            "valid until 9 March 2029."
        ) in page
    with on(TODAY):
        page = client.get("/training/").content.decode()
        certificates = link_names(page, "/training/certificates/")
        assert certificates == ["Download your Speak Up certificate (PDF)"]
        (href,) = re.findall(r'href="(/training/certificates/[^"]+)"', page)
        assert client.get(href)["Content-Type"] == "application/pdf"
