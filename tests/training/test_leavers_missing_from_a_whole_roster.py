"""A worker missing from a whole roster becomes a leaver on the day it is imported (ADR 0022):
the trend counts them in the months before that day, without an Assignment End being made up
for them, and a later file that has them again puts them back."""

import datetime
import html
import io
import re

import pytest
import time_machine

from speakup.organisations.models import Organisation
from speakup.organisations.roles import Role
from speakup.training.leavers import ended_assignments_close
from speakup.training.models import StaffRecord
from speakup.training.roster.importing import staff_import
from tests.conftest import sign_in
from tests.organisations.factories import UserFactory
from tests.training.factories import CompletionFactory
from tests.training.test_promotions import save_in_the_admin
from tests.training.test_roster_import import each_import_path  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("each_import_path")]

HEADER = (
    "Employee Number,First Name,Last Name,Staff Group,Line Manager (Y/N),Senior Leader (Y/N),"
    "Board Member (Y/N),Assignment Start,Assignment End"
)
WITHOUT_END = HEADER.removesuffix(",Assignment End")
FIRST_IMPORT = datetime.date(2027, 1, 10)
DROPPED = datetime.date(2027, 3, 3)  # the whole roster without Bryn
LOOKED_AT = datetime.date(2027, 4, 10)


def row(number: str, name: str, end: str = "", *, header: str = HEADER) -> str:
    cells = f"{number},{name},Fictional,Other,N,N,N,2020-01-01"
    return cells if header == WITHOUT_END else f"{cells},{end}"


ADA = row("3001", "Ada")
BRYN = row("3002", "Bryn")


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False)


def import_on(day: datetime.date, *lines: str, full: bool = True, header: str = HEADER):
    """Import a roster of `lines` on `day`, and say what it did."""
    file = io.BytesIO("\n".join([header, *lines]).encode())
    with on(day):
        result = staff_import(
            organisation=Organisation.objects.get(ods_code="TST01"), file=file, full=full
        )
    assert result.imported, result.summary()
    return result


def bryn() -> StaffRecord:
    return StaffRecord.objects.get(employee_number="3002")


def speak_up_trend(client) -> dict[str, str]:
    """The dashboard trend's Speak Up figure for each of its rows, as the page shows them."""
    with on(LOOKED_AT):
        page = client.get("/training/organisations/TST01/").content.decode()
    table = page.split('aria-labelledby="trend-heading"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">([^<]*)</th>\s*<td>([^<]*)', table)
    return {html.unescape(day): figure.strip() for day, figure in rows}  # the counts left out


@pytest.fixture
def guardian(client_as, organisation):
    with on(LOOKED_AT):
        return client_as(Role.GUARDIAN, organisation)


@pytest.fixture
def ada_trained(organisation):
    """Ada and Bryn on the roster since 2020; Ada did Speak Up on 1 December 2026, Bryn never."""
    import_on(FIRST_IMPORT, ADA, BRYN)
    ada = StaffRecord.objects.get(employee_number="3001")
    CompletionFactory(staff_record=ada, completed_on=datetime.date(2026, 12, 1))


@pytest.mark.usefixtures("ada_trained")
def test_a_worker_missing_from_a_whole_roster_counts_in_the_months_before_that_day(guardian):
    result = import_on(DROPPED, ADA)

    assert result.left == 1
    assert (bryn().active, bryn().left_on, bryn().assignment_end) == (False, DROPPED, None)
    assert speak_up_trend(guardian) == {
        "30 November 2026": "0%",
        "31 December 2026": "50%",  # Bryn was on the roster, untrained
        "31 January 2027": "50%",
        "28 February 2027": "50%",
        "31 March 2027": "100%",  # he was not on the roster imported on 3 March
        "10 April 2027 (today)": "100%",
    }


@pytest.mark.usefixtures("ada_trained")
@pytest.mark.parametrize(
    ("dropped", "march"),
    [(datetime.date(2027, 3, 31), "100%"), (datetime.date(2027, 4, 1), "50%")],
)
def test_a_leaver_counts_up_to_the_day_before_the_roster_without_them(guardian, dropped, march):
    import_on(dropped, ADA)
    assert speak_up_trend(guardian)["31 March 2027"] == march


def test_a_leaver_with_an_assignment_end_counts_up_to_it_not_to_the_day_they_were_missed(
    organisation, guardian
):
    import_on(FIRST_IMPORT, ADA, row("3002", "Bryn", "2027-02-20"))
    ada = StaffRecord.objects.get(employee_number="3001")
    CompletionFactory(staff_record=ada, completed_on=datetime.date(2026, 12, 1))
    # No tick ran after 20 February: he was still active when the roster left him out.
    import_on(DROPPED, ADA)

    assert bryn().assignment_end == datetime.date(2027, 2, 20)  # ESR's own, kept
    assert bryn().left_on == DROPPED
    trend = speak_up_trend(guardian)
    assert trend["31 January 2027"] == "50%"
    assert trend["28 February 2027"] == "100%"  # gone since 20 February


@pytest.mark.usefixtures("ada_trained")
@pytest.mark.parametrize("header", [HEADER, WITHOUT_END], ids=["with ends", "without ends"])
def test_a_leaver_put_back_by_a_later_roster_is_active_and_the_tick_leaves_them(guardian, header):
    import_on(DROPPED, ADA)
    import_on(
        datetime.date(2027, 3, 10),
        row("3001", "Ada", header=header),
        row("3002", "Bryn", header=header),
        header=header,
    )

    assert (bryn().active, bryn().left_on, bryn().assignment_end) == (True, None, None)
    with on(datetime.date(2027, 3, 11)):
        assert ended_assignments_close() == "Workers whose assignment ended, marked as leavers: 0"
    assert bryn().active
    assert speak_up_trend(guardian)["31 March 2027"] == "50%"  # counted again


@pytest.mark.usefixtures("ada_trained")
def test_the_same_whole_roster_imported_again_changes_nothing(organisation):
    import_on(DROPPED, ADA)
    before = list(StaffRecord.objects.order_by("pk").values())

    again = import_on(datetime.date(2027, 3, 17), ADA)

    assert (again.left, again.updated, again.unchanged) == (0, 0, 1)
    assert list(StaffRecord.objects.order_by("pk").values()) == before
    assert bryn().left_on == DROPPED  # not moved on to the second import's day


@pytest.mark.usefixtures("ada_trained")
def test_the_admin_staff_record_page_says_when_a_leaver_was_missing_from_the_roster(client):
    import_on(DROPPED, ADA)
    operator = sign_in(client, UserFactory(is_superuser=True, is_staff=True))

    page = operator.get(f"/admin/training/staffrecord/{bryn().pk}/change/").content.decode()
    ada = StaffRecord.objects.get(employee_number="3001")
    active = operator.get(f"/admin/training/staffrecord/{ada.pk}/change/").content.decode()

    assert "Not on the roster imported on 3 March 2027" in page
    assert 'name="left_on"' not in page  # set by imports, not typed
    assert "Not on the roster imported" not in active


@pytest.mark.usefixtures("ada_trained")
def test_a_leaver_put_back_on_the_admin_page_is_no_longer_missing_from_the_roster(client):
    import_on(DROPPED, ADA)
    operator = sign_in(client, UserFactory(is_superuser=True, is_staff=True))

    save_in_the_admin(operator, bryn(), active=True)

    assert (bryn().active, bryn().left_on) == (True, None)
    page = operator.get(f"/admin/training/staffrecord/{bryn().pk}/change/").content.decode()
    assert "Not on the roster imported" not in page
