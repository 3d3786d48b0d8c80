"""What a roster import's result says about the workers it changed, on every way in (the
command, the upload's result page, the API) and both import paths: who a whole roster made
leavers, who of the workers added has no line manager, who stays a leaver by an Assignment End
stored for them, and, of a refused file, the unknown bands and staff groups of its bad rows."""

import datetime
import html
import io
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from speakup.organisations.roles import Role
from speakup.training.models import StaffRecord
from speakup.training.queries import line_managers_in
from speakup.training.roster.importing import staff_import
from speakup.training.roster.unknown_values import UNKNOWN_BANDS_REFUSED, UNKNOWN_GROUPS_REFUSED
from tests.training.test_roster_import import each_import_path  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("each_import_path", "clock")]

HEADER = (
    "Employee Number,First Name,Last Name,Email,Staff Group,Job Role,Directorate,Band,"
    "Line Manager (Y/N),Senior Leader (Y/N),Board Member (Y/N),Assignment Start,Assignment End"
)
WITHOUT_END = HEADER.removesuffix(",Assignment End")


def row(
    number: int,
    first: str,
    last: str = "Fictional",
    *,
    directorate: str = "Surgery",
    manager: str = "N",
    band: str = "Band 5",
    start: str = "2020-01-01",
    end: str | None = "",
) -> str:
    """A worker's row; `end` None for a file without the Assignment End column."""
    cells = f"{number},{first},{last},,Other,,{directorate},{band},{manager},N,N,{start}"
    return cells if end is None else f"{cells},{end}"


def roster(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def clock():
    """A day in June 2025 whose clock runs: each import is stamped at a moment of its own."""
    with time_machine.travel(datetime.datetime(2025, 6, 2, 9, tzinfo=datetime.UTC), tick=True):
        yield


def imported(organisation, *rows: str, header: str = HEADER) -> None:
    """The roster before the import under test, imported as the whole roster."""
    result = staff_import(organisation=organisation, file=io.BytesIO(roster(*rows, header=header)))
    assert result.imported, result.summary()


@dataclass
class Told:
    """What one way in told its user: every word of it, and the API's JSON answer."""

    text: str
    answer: dict = field(default_factory=dict)


@pytest.fixture(params=["command", "page", "API"])
def send(request, tmp_path, client_as, organisation):
    """Send a file through one way in, and return what it told."""
    channel = request.param

    def sending(body: bytes, *, full: bool = False) -> Told:
        if channel == "command":
            path = tmp_path / "roster.csv"
            path.write_bytes(body)
            out, err = io.StringIO(), io.StringIO()
            flags = ["--full"] if full else []
            try:
                call_command(
                    "import-staff",
                    str(path),
                    "--organisation",
                    "TST01",
                    *flags,
                    stdout=out,
                    stderr=err,
                )
            except CommandError as refusal:
                err.write(str(refusal))
            return Told(out.getvalue() + err.getvalue())
        client = client_as(Role.ORGANISATION_ADMIN)
        if channel == "page":
            upload = SimpleUploadedFile("roster.csv", body, content_type="text/csv")
            data = {"file": upload, **({"full": "on"} if full else {})}
            sent = client.post("/training/organisations/TST01/roster/", data)
            return Told(html.unescape(client.get(sent.url).content.decode()))
        url = "/api/v1/organisations/TST01/staff" + ("?full=true" if full else "")
        answer = client.post(url, body, content_type="text/csv").json()
        return Told("\n".join([answer["summary"], *answer["warnings"]]), answer)

    sending.channel = channel
    return sending


# --- 1. who a whole roster made leavers ------------------------------------------------------

STAYING = [row(4000 + n, f"Stays{n:02d}") for n in range(30)]


def test_a_whole_roster_names_the_workers_it_made_leavers(organisation, send):
    imported(
        organisation,
        *STAYING,
        row(4101, "Bryn", "Birchley"),
        row(4102, "Ada", "Ashdown"),
        row(4103, "Cai", "Ashdown"),
    )
    told = send(roster(*STAYING), full=True)

    assert (
        "30 unchanged, 3 marked as leavers. The leavers are Ada Ashdown (4102), Cai " in told.text
    )
    assert "Cai Ashdown (4103) and Bryn Birchley (4101)." in told.text
    if send.channel == "API":
        assert told.answer["left"] == 3
        assert told.answer["leavers"] == [
            {"employee_number": "4102", "name": "Ada Ashdown"},
            {"employee_number": "4103", "name": "Cai Ashdown"},
            {"employee_number": "4101", "name": "Bryn Birchley"},
        ]


def test_a_whole_roster_names_twenty_leavers_and_counts_the_rest(organisation, send):
    """22 of 250 (under a tenth): no need to expect them. Named by name, not by number."""
    staying = [row(5000 + n, f"Stays{n:03d}") for n in range(228)]
    leaving = [row(6000 + n, f"Goes{21 - n:02d}") for n in range(22)]
    imported(organisation, *staying, *leaving)
    told = send(roster(*staying), full=True)

    named = ", ".join(f"Goes{n:02d} Fictional ({6021 - n})" for n in range(20))
    assert f"22 marked as leavers. The leavers include {named} and 2 more workers." in told.text
    if send.channel == "API":
        assert (told.answer["left"], len(told.answer["leavers"])) == (22, 20)
        assert told.answer["leavers"][0] == {"employee_number": "6021", "name": "Goes00 Fictional"}


def test_only_a_whole_roster_names_leavers_and_a_leaver_already_is_not_named_again(
    organisation, send
):
    imported(organisation, *STAYING, row(4101, "Bryn", "Birchley"))
    staff_import(organisation=organisation, file=io.BytesIO(roster(*STAYING)), full=True)
    told = send(roster(*STAYING), full=True)

    assert "0 marked as leavers." in told.text and "Bryn" not in told.text
    if send.channel == "API":
        assert told.answer["leavers"] == []


# --- 2. workers added where no line manager is -----------------------------------------------

MONA = row(3000, "Mona", "Manager", manager="Y")  # the line manager of Surgery


def test_workers_added_in_a_directorate_with_no_line_manager_are_said_to_have_none(
    organisation, send
):
    """The rule (docs/training.md, section 7): a worker whose row names no line manager is
    managed by the other line managers of their directorate, so in one with none, by nobody."""
    imported(organisation, MONA)
    told = send(
        roster(
            MONA,
            row(3001, "Ada", "Ashdown"),  # Surgery: Mona's team
            row(3002, "Eve", "Estates", directorate="Estates"),
            row(3003, "Ezra", "Estates", directorate="Estates"),
            row(3004, "Dan", "Domestic", directorate="Domestic", manager="Y"),  # not his own
            row(3005, "Dot", "Domestic", directorate="Domestic"),  # Dan's team
            row(3006, "Cas", "Catering", directorate="Catering"),
            row(3007, "Pia", "Pharmacy", directorate="Pharmacy"),
            row(3008, "Nell", "Nowhere", directorate=""),
        )
    )

    assert (
        "The file has no Line Manager Employee Number column, and 6 of the workers it added are "
        "in a directorate with no line manager, so no line manager has them on their team or is "
        "told about their training: Estates (2 workers), Catering (1 worker), Domestic (1 "
        "worker), 1 more directorate and no directorate given (1 worker). The other workers it "
        "added are on the team of the line managers in their directorate, who see their "
        "training and are told when it is overdue."
    ) in told.text
    # As the team page and the reminders have it: only Ada and Dot have a line manager.
    managers = line_managers_in(organisation=organisation)
    workers = StaffRecord.objects.values(
        "id", "employee_number", "directorate", "line_manager_number"
    )
    assert {w["employee_number"] for w in workers if managers.of(w)} == {"3001", "3005"}


def test_when_no_worker_added_has_a_line_manager_none_is_said_to(organisation, send):
    imported(organisation, MONA)
    told = send(roster(MONA, row(3002, "Eve", "Estates", directorate="Estates")))

    assert (
        "The file has no Line Manager Employee Number column, and the worker it added is in a "
        "directorate with no line manager, so no line manager has them on their team or is told "
        "about their training: Estates (1 worker)."
    ) in told.text
    assert "on the team of" not in told.text


def test_workers_added_where_a_line_manager_is_are_said_to_be_on_their_team(organisation, send):
    imported(organisation, MONA)
    told = send(roster(MONA, row(3001, "Ada", "Ashdown")))

    assert (
        "The file has no Line Manager Employee Number column, so each worker it added is on the "
        "team of the line managers in their directorate, who see their training and are told "
        "when it is overdue."
    ) in told.text
    assert "no line manager" not in told.text


# --- 3. Assignment Ends ----------------------------------------------------------------------

ADA = row(2001, "Ada", "Ashdown")
CAI_LEFT = row(2004, "Cai", "Cole", end="2025-01-31")  # his end has gone by: a leaver
BRYN_LEFT = row(2002, "Bryn", "Birchley", end="2024-12-31")


def test_a_file_without_assignment_ends_says_who_stays_a_leaver_by_their_stored_end(
    organisation, send
):
    imported(organisation, ADA, CAI_LEFT, BRYN_LEFT)
    # Bryn is back from February (his end is before it: cleared); Cai's assignment is the same.
    told = send(
        roster(
            row(2001, "Ada", "Ashdown", end=None),
            row(2002, "Bryn", "Birchley", start="2025-02-01", end=None),
            row(2004, "Cai", "Cole", end=None),
            header=WITHOUT_END,
        )
    )

    assert "3 rows read: 0 workers added, 1 updated, 2 unchanged, 0 marked as leavers." in (
        told.text
    )
    assert (
        "The file has no Assignment End column: workers' assignment end dates were left as they "
        "were, except 1 worker's Assignment End, which is before their Assignment Start in the "
        "file: it ended an earlier assignment, so it was cleared."
    ) in told.text
    assert (
        "1 worker in the file is a leaver because the Assignment End stored for them has gone "
        "by, and the file has no Assignment End column to change it. That worker is Cai Cole "
        "(2004). If they have come back, import them with their new Assignment Start, or in a "
        "file with an Assignment End column."
    ) in told.text
    active = dict(StaffRecord.objects.values_list("employee_number", "active"))
    assert active == {"2001": True, "2002": True, "2004": False}
    if send.channel == "API":
        assert told.answer["leavers_by_stored_end"] == 1
        assert told.answer["stored_ends_cleared"] == 1


def test_an_unchanged_file_says_nothing_of_ends_gone_by_of_workers_who_were_leavers(
    organisation, send
):
    imported(organisation, ADA, CAI_LEFT)
    told = send(roster(ADA, CAI_LEFT))

    assert "2 rows read: 0 workers added, 0 updated, 2 unchanged, 0 marked as leavers." in (
        told.text
    )
    assert "Assignment End gone by" not in told.text
    if send.channel == "API":
        assert told.answer["ended"] == 0


def test_an_end_gone_by_that_makes_an_active_worker_a_leaver_is_counted(organisation, send):
    imported(organisation, ADA, row(2004, "Cai", "Cole"))
    told = send(roster(ADA, CAI_LEFT))

    assert (
        "2 rows read: 0 workers added, 1 updated, 1 unchanged, 0 marked as leavers, 1 row with "
        "an Assignment End gone by (leavers)."
    ) in told.text
    if send.channel == "API":
        assert told.answer["ended"] == 1


# --- 4. a refused file's unknown bands and staff groups, of its bad rows too ------------------


def test_a_refused_file_names_the_unknown_band_and_group_of_a_row_with_a_bad_date(
    organisation, send
):
    told = send(
        roster(
            ADA,
            row(2005, "Dai", "Dunmore", band="Band 10", start="31/02/2024"),  # no such day
            row(2006, "Em", "Ellery", start="2030-01-01").replace(",Other,", ",Porters,"),
            # A band too long to be kept is that row's problem, not a band to warn of.
            row(2007, "Fy", "Fyfe", band="B" * 31),
        )
    )

    assert "3 of 4 rows have problems." in told.text
    assert f"{UNKNOWN_GROUPS_REFUSED}: Porters (1 row)." in told.text
    assert f"{UNKNOWN_BANDS_REFUSED}: Band 10 (1 row)." in told.text
    assert "BBBB (1 row)" not in told.text
    if send.channel == "API":
        assert told.answer["unknown_bands"] == {"Band 10": 1}
        assert told.answer["unknown_staff_groups"] == {"Porters": 1}
    assert not StaffRecord.objects.exists()
