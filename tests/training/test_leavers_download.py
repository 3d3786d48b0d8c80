"""Every leaver of an organisation, downloaded: the dashboard, its compliance download and the
team pages count active workers only, and an import's result names only the first 20 leavers
it made. For those who see the dashboard, with the second factor, and written to the audit log
as the other downloads are."""

import csv
import io

import pytest

from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.training.roster.importing import staff_import
from tests.training.factories import StaffRecordFactory
from tests.training.test_roster_import import each_import_path  # noqa: F401  (a fixture)
from tests.training.test_roster_import_result import clock  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

DOWNLOAD = "/training/organisations/TST01/leavers.csv"
HEADER = (
    "Employee Number,First Name,Last Name,Staff Group,Directorate,Line Manager (Y/N),"
    "Senior Leader (Y/N),Board Member (Y/N),Assignment Start,Assignment End\n"
)


def roster(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(f"{row}\n" for row in rows)).encode())


def worker(number: int, first: str, *, end: str = "") -> str:
    return f"{number},{first},Fictional,Students,Surgery,N,N,N,2020-01-01,{end}"


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.usefixtures("each_import_path")
def test_an_admin_downloads_every_leaver_with_the_day_they_left_the_latest_first(
    client_as, organisation
):
    staying = [worker(1000 + n, f"Stays{n:02d}") for n in range(30)]
    ended = worker(2001, "Ended", end="2025-03-31")
    staff_import(organisation=organisation, file=roster(*staying, ended, worker(2002, "Goes")))
    staff_import(organisation=organisation, file=roster(*staying), full=True)
    # Made a leaver by hand before the import recorded the day (or in the Django admin).
    StaffRecordFactory(
        organisation=organisation, employee_number="2003", first_name="Old", active=False
    )

    response = client_as(Role.ORGANISATION_ADMIN).get(DOWNLOAD)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "training-leavers-TST01-2025-06-02.csv" in response["Content-Disposition"]
    assert rows_of(response) == [
        {
            "Employee Number": "2002",
            "Name": "Goes Fictional",
            "Staff Group": "Students",
            "Directorate": "Surgery",
            "Left on": "2025-06-02",
            "Why a leaver": "Not on the whole roster imported that day",
        },
        {
            "Employee Number": "2001",
            "Name": "Ended Fictional",
            "Staff Group": "Students",
            "Directorate": "Surgery",
            "Left on": "2025-03-31",
            "Why a leaver": "Their Assignment End has passed",
        },
        {
            "Employee Number": "2003",
            "Name": "Old Fictional",
            "Staff Group": "Administrative and Clerical",
            "Directorate": "Corporate",
            "Left on": "",
            "Why a leaver": "The day they left was not recorded",
        },
    ]
    record = AuditRecord.objects.filter(action="training.leavers_export").latest("id")
    assert record.detail == {"workers": 3} and record.organisation == organisation
    assert record.actor == response.wsgi_request.user


def test_the_dashboard_links_to_the_leavers(client_as, organisation):
    page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content.decode()
    assert f'<a href="{DOWNLOAD}">Download the leavers (CSV)</a>' in page


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.EXECUTIVE_LEAD, Role.NON_EXECUTIVE_LEAD])
def test_those_who_see_the_dashboard_may_download_the_leavers(client_as, organisation, role):
    StaffRecordFactory(organisation=organisation, active=False)
    response = client_as(role).get(DOWNLOAD)
    assert response.status_code == 200 and len(rows_of(response)) == 1


@pytest.mark.parametrize("role", [Role.WORKER, Role.LINE_MANAGER, Role.CHAMPION])
def test_nobody_else_may_download_the_leavers(client_as, organisation, role):
    StaffRecordFactory(organisation=organisation, active=False)
    assert client_as(role).get(DOWNLOAD).status_code == 404


def test_another_organisations_admin_may_not_download_the_leavers(
    client_as, organisation, other_organisation
):
    StaffRecordFactory(organisation=organisation, active=False)
    admin = client_as(Role.ORGANISATION_ADMIN, other_organisation)
    assert admin.get(DOWNLOAD).status_code == 404
    assert not AuditRecord.objects.filter(action="training.leavers_export").exists()


def test_a_board_member_gives_the_second_factor_before_downloading_the_leavers(
    client, person_with_role
):
    from speakup.core.two_factor import current_code, enrol_confirmed_device

    board_member = person_with_role(Role.BOARD_MEMBER)
    device = enrol_confirmed_device(board_member)
    client.force_login(board_member)
    response = client.get(DOWNLOAD)
    assert response.status_code == 302 and response.url.startswith("/account/two-factor/")
    given = client.post(response.url, {"code": current_code(device)}, follow=True)
    assert given.redirect_chain[-1][0] == "/training/organisations/TST01/?code-given-for=leavers"
    told = " ".join(given.content.decode().split())
    assert "Your security code is accepted. Choose “Download the leavers (CSV)” again" in told
    assert client.get(DOWNLOAD).status_code == 200


def test_leavers_who_left_on_the_same_day_are_in_name_order_with_the_accents_ignored(
    client_as, organisation
):
    """ "Ångström" and "Øberg" came after "Smith", and "de Vries" after every capital."""
    for number, last in enumerate(["Smith", "de Vries", "Øberg", "Ångström", "Davies"]):
        StaffRecordFactory(
            organisation=organisation,
            employee_number=f"30{number}",
            first_name="Al",
            last_name=last,
            active=False,
        )

    rows = rows_of(client_as(Role.ORGANISATION_ADMIN).get(DOWNLOAD))

    assert [row["Name"] for row in rows] == [
        "Al Ångström",
        "Al Davies",
        "Al de Vries",
        "Al Øberg",
        "Al Smith",
    ]
