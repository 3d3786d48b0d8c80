"""What a roster import's result says about the workers it changed, on every way in (the
command, the upload's result page, the API) and both import paths: who a whole roster made
leavers (or would, refused), who came back onto the roster, who of the workers added or back
has no line manager, who stays a leaver by an Assignment End stored for them, that nothing
changed, and the unknown bands and staff groups with their rows (of a refused file's bad rows
too); the page shows warnings as warnings and lists the workers it names."""

import datetime
import html
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from speakup.organisations.roles import Role
from speakup.training.models import StaffImport, StaffRecord
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


def imported(organisation, *rows: str, header: str = HEADER, full: bool = False) -> None:
    """The roster before the import under test (`full`: as the whole roster, whatever leavers
    it makes)."""
    result = staff_import(
        organisation=organisation,
        file=io.BytesIO(roster(*rows, header=header)),
        full=full,
        expect_leavers=1_000_000 if full else 0,
    )
    assert result.imported, result.summary()


class ResultPage(HTMLParser):
    """The parts of an upload's result page a person tells apart: the text of each panel,
    refusal (error summary), warning callout and inset (by kind), and the items of each list
    under its heading (of a list in a details component, under its summary text)."""

    BOXES = {
        "nhsuk-panel": "panel",
        "nhsuk-error-summary": "refusal",
        "nhsuk-card--warning": "warning",
        "nhsuk-inset-text": "inset",
    }

    def __init__(self, page: str):
        super().__init__()
        self.boxes: dict[str, list[str]] = {kind: [] for kind in self.BOXES.values()}
        self.lists: dict[str, list[str]] = {}
        self.links: list[tuple[str, str]] = []
        self._open: list[tuple[str, str | None]] = []  # (tag, the box it opens)
        self._heading = self._item = self._link = None
        self._summary: str | None = None  # of the details component the page is in
        self._in_summary = False
        self.feed(page[page.index("<main") : page.index("</main>")])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        box = next((kind for name, kind in self.BOXES.items() if name in classes), None)
        if tag in ("br", "img", "input", "meta", "link"):
            return
        self._open.append((tag, box))
        if box:
            self.boxes[box].append("")
        if tag == "h2":
            self._heading = ""
        elif tag == "details":
            self._summary = ""
        elif tag == "summary":
            self._in_summary = True
        elif tag == "li" and self._heading is not None:
            self._item = ""
        elif tag == "a":
            self._link = (attrs.get("href"), "")

    def handle_endtag(self, tag):
        while self._open:
            opened, _ = self._open.pop()
            if opened == tag:
                break
        if tag == "li" and self._item is not None:
            under = self._heading if self._summary is None else " ".join(self._summary.split())
            self.lists.setdefault(under, []).append(" ".join(self._item.split()))
            self._item = None
        elif tag == "summary":
            self._in_summary = False
        elif tag == "details":
            self._summary = None
        elif tag == "a" and self._link:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None

    def handle_data(self, data):
        for _, box in self._open:
            if box:
                self.boxes[box][-1] += data
        if any(tag == "h2" for tag, _ in self._open):
            self._heading = " ".join(f"{self._heading or ''} {data}".split())
        if self._item is not None:
            self._item += data
        if self._in_summary:
            self._summary += data
        if self._link:
            self._link = (self._link[0], self._link[1] + data)

    def box_texts(self, kind: str) -> list[str]:
        return [" ".join(text.split()) for text in self.boxes[kind]]


@dataclass
class Told:
    """What one way in told its user: every word of it (on one line), the API's JSON answer,
    and the result page's parts."""

    text: str
    answer: dict = field(default_factory=dict)
    page: ResultPage | None = None


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
            return Told(" ".join((out.getvalue() + "\n" + err.getvalue()).split()))
        client = client_as(Role.ORGANISATION_ADMIN)
        if channel == "page":
            upload = SimpleUploadedFile("roster.csv", body, content_type="text/csv")
            data = {"file": upload, **({"full": "on"} if full else {})}
            sent = client.post("/training/organisations/TST01/roster/", data)
            page = html.unescape(client.get(sent.url).content.decode())
            text = " ".join(re.sub(r"<[^>]+>", " ", page[page.index("<main") :]).split())
            return Told(text, page=ResultPage(page))
        url = "/api/v1/organisations/TST01/staff" + ("?full=true" if full else "")
        answer = client.post(url, body, content_type="text/csv").json()
        return Told(" ".join([answer["summary"], *answer["warnings"], *answer["notes"]]), answer)

    sending.channel = channel
    return sending


# --- 1. who a whole roster made leavers, or would ------------------------------------------

STAYING = [row(4000 + n, f"Stays{n:02d}") for n in range(30)]
LEAVERS_CSV = "/training/organisations/TST01/leavers.csv"


def test_a_whole_roster_lists_the_workers_it_made_leavers(organisation, send):
    imported(
        organisation,
        *STAYING,
        row(4101, "Bryn", "Birchley"),
        row(4102, "Ada", "Ashdown"),
        row(4103, "Cai", "Ashdown"),
    )
    told = send(roster(*STAYING), full=True)

    assert "30 rows read: 0 workers added, 0 updated, 30 unchanged, 3 marked as leavers." in (
        told.text
    )
    leavers = ["Ada Ashdown (4102)", "Cai Ashdown (4103)", "Bryn Birchley (4101)"]
    if send.channel == "page":
        # A list to scan, not a paragraph, and a way to every leaver.
        assert told.page.lists["Marked as leavers"] == leavers
        assert (LEAVERS_CSV, "Download the leavers (CSV)") in told.page.links
        assert "Bryn" not in told.page.box_texts("panel")[0]
    else:
        assert "The leavers are Ada Ashdown (4102), Cai Ashdown (4103) and Bryn Birchley " in (
            told.text
        )
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

    named = [f"Goes{n:02d} Fictional ({6021 - n})" for n in range(20)]
    assert "22 marked as leavers." in told.text
    if send.channel == "page":
        assert told.page.lists["Marked as leavers"] == named
        assert "The first 20 of 22, by last name: " in told.text
        assert "And 2 more workers. Download the leavers (CSV)" in told.text
    else:
        assert f"The leavers include {', '.join(named)} and 2 more workers." in told.text
    if send.channel == "API":
        assert (told.answer["left"], len(told.answer["leavers"])) == (22, 20)
        assert told.answer["leavers"][0] == {"employee_number": "6021", "name": "Goes00 Fictional"}


def test_only_a_whole_roster_names_leavers_and_a_leaver_already_is_not_named_again(
    organisation, send
):
    imported(organisation, *STAYING, row(4101, "Bryn", "Birchley"))
    imported(organisation, *STAYING, full=True)
    told = send(roster(*STAYING), full=True)

    assert "Bryn" not in told.text and "Marked as leavers" not in told.text
    if send.channel == "API":
        assert told.answer["leavers"] == []


def test_a_roster_refused_for_many_leavers_names_who_would_leave(organisation, send):
    """The refusal is when a wrong file most needs seeing for one: whose names are these?"""
    imported(organisation, *STAYING, *(row(4200 + n, f"Goes{n:02d}") for n in range(25)))
    told = send(roster(*STAYING[:5]), full=True)

    assert "would mark 50 of the organisation's 55 active workers as leavers" in told.text
    named = [f"Goes{n:02d} Fictional ({4200 + n})" for n in range(20)]
    if send.channel == "page":
        assert told.page.lists["Who would become leavers"] == named
        assert "The first 20 of 50, by last name:" in told.text
        assert "And 30 more workers." in told.text
    else:
        assert (
            f"The workers who would become leavers include {', '.join(named)} and 30 more workers."
        ) in told.text
    if send.channel == "API":
        assert told.answer["leavers_to_confirm"] == 50
        assert told.answer["leavers_to_confirm_named"][:2] == [
            {"employee_number": "4200", "name": "Goes00 Fictional"},
            {"employee_number": "4201", "name": "Goes01 Fictional"},
        ]
        assert told.answer["leavers"] == []
    assert StaffRecord.objects.filter(active=True).count() == 55


GOING = [row(4200 + n, f"Goes{n:03d}") for n in range(110)]
EVERYONE_GOING = [f"Goes{n:03d} Fictional ({4200 + n})" for n in range(110)]


def test_a_roster_refused_for_many_leavers_lists_every_one_who_would_leave(organisation, send):
    """With 110 would-be leavers the admin read only 20 before saying they expect 110 (until
    27 November 2026): each way in now gives every one, the first 20 named as before."""
    imported(organisation, *STAYING[:5], *GOING)
    told = send(roster(*STAYING[:5]), full=True)

    assert "would mark 110 of the organisation's 115 active workers as leavers" in told.text
    assert "probably not this organisation's whole roster" not in told.text  # every one listed
    if send.channel == "page":
        assert told.page.lists["Who would become leavers"] == EVERYONE_GOING[:20]
        assert "The first 20 of 110, by last name:" in told.text
        assert "And 90 more workers." in told.text
        shown = told.page.lists["Show all 110 workers this file would make leavers"]
        assert shown == EVERYONE_GOING
        assert "not listed" not in told.text
    else:
        assert (
            f"The workers who would become leavers include {', '.join(EVERYONE_GOING[:20])} and "
            "90 more workers."
        ) in told.text
    if send.channel == "command":
        assert told.text.endswith(
            "and 90 more workers. All 110 workers this file would make leavers, by last name: "
            + " ".join(EVERYONE_GOING)
        )
    if send.channel == "API":
        assert told.answer["leavers_to_confirm"] == 110
        assert told.answer["leavers_to_confirm_named"] == [
            {"employee_number": str(4200 + n), "name": f"Goes{n:03d} Fictional"} for n in range(110)
        ]
    assert StaffRecord.objects.filter(active=True).count() == 115


def test_a_roster_refused_for_more_leavers_than_it_lists_counts_the_rest(
    organisation, send, monkeypatch
):
    """Beyond the bound (1,000; 30 here) the rest are counted, and so many leavers said to be
    unlikely of a whole roster, once, on every way in. The upload's stored result keeps no more
    than the bound."""
    monkeypatch.setattr("speakup.training.roster.importing.LEAVERS_TO_CONFIRM_LISTED", 30)
    imported(organisation, *STAYING[:5], *GOING)
    told = send(roster(*STAYING[:5]), full=True)

    beyond = (
        "And 80 more workers, not listed: a file that would make so many workers leavers is "
        "probably not this organisation's whole roster."
    )
    if send.channel == "page":
        assert told.page.lists["Who would become leavers"] == EVERYONE_GOING[:20]
        shown = told.page.lists["Show the first 30 of the 110 workers this file would make leavers"]
        assert shown == EVERYONE_GOING[:30]
        assert beyond in told.text
        stored = StaffImport.objects.get().result["leavers_to_confirm_named"]
        assert len(stored) == 30
    if send.channel == "command":
        assert told.text.endswith(
            "The first 30 of the 110 workers this file would make leavers, by last name: "
            + " ".join(EVERYONE_GOING[:30])
            + " "
            + beyond
        )
    if send.channel == "API":
        assert told.answer["leavers_to_confirm"] == 110
        assert len(told.answer["leavers_to_confirm_named"]) == 30
        # Said by the page and the command alone until 28 November 2026: the same words.
        assert told.answer["summary"].endswith(
            "and 90 more workers. A file that would make so many workers leavers is probably "
            "not this organisation's whole roster."
        )
    assert told.text.count("probably not this organisation's whole roster") == 1


# --- 2. who came back onto the roster --------------------------------------------------------


def test_workers_back_on_the_roster_are_counted_and_named(organisation, send):
    imported(organisation, *STAYING, row(4101, "Bryn", "Birchley"), row(4102, "Ada", "Ashdown"))
    imported(organisation, *STAYING, full=True)
    # Back, and one of those staying moves directorate: 3 updated, 2 of them back.
    moved = row(4000, "Stays00", directorate="Medicine")
    told = send(
        roster(moved, *STAYING[1:], row(4101, "Bryn", "Birchley"), row(4102, "Ada", "Ashdown"))
    )

    assert (
        "32 rows read: 0 workers added, 3 updated (2 of them back on the roster), 29 unchanged."
    ) in told.text
    if send.channel == "page":
        back = told.page.lists["Back on the roster"]
        assert back == ["Ada Ashdown (4102)", "Bryn Birchley (4101)"]
    else:
        assert (
            "The workers back on the roster are Ada Ashdown (4102) and Bryn Birchley (4101)."
        ) in told.text
    if send.channel == "API":
        assert (told.answer["updated"], told.answer["returned"]) == (3, 2)
        assert told.answer["returners"] == [
            {"employee_number": "4102", "name": "Ada Ashdown"},
            {"employee_number": "4101", "name": "Bryn Birchley"},
        ]
    assert StaffRecord.objects.filter(active=True).count() == 32


def test_the_first_twenty_back_are_named_by_name_whatever_their_rows(organisation, send):
    """Rows in the reverse of name order: the first 20 by name, not the first 20 rows."""
    back = [row(7000 + n, f"Back{21 - n:02d}") for n in range(22)]
    imported(organisation, *STAYING, *back)
    imported(organisation, *STAYING, full=True)
    told = send(roster(*back))

    assert "22 rows read: 0 workers added, 22 updated (all back on the roster), 0 unchanged." in (
        told.text
    )
    named = [f"Back{n:02d} Fictional ({7021 - n})" for n in range(20)]
    if send.channel == "page":
        assert told.page.lists["Back on the roster"] == named
        assert "And 2 more workers." in told.text
    else:
        assert f"The workers back on the roster include {', '.join(named)} and 2 more workers." in (
            told.text
        )


def test_a_worker_back_by_a_new_start_in_a_file_without_ends_is_back_on_the_roster(
    organisation, send
):
    imported(organisation, ADA, BRYN_LEFT)
    told = send(
        roster(
            row(2001, "Ada", "Ashdown", end=None),
            row(2002, "Bryn", "Birchley", start="2025-02-01", end=None),
            header=WITHOUT_END,
        )
    )

    assert "2 rows read: 0 workers added, 1 updated (back on the roster), 1 unchanged." in (
        told.text
    )
    assert "Bryn Birchley (2002)" in told.text


# --- 3. workers added or back where no line manager is --------------------------------------

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

    warning = (
        "The file has no Line Manager Employee Number column, and 6 of the workers it added are "
        "in a directorate with no line manager, so no line manager has them on their team or is "
        "told about their training: Estates (2 workers), Catering (1 worker), Domestic (1 "
        "worker), 1 more directorate and no directorate given (1 worker). The other workers it "
        "added are on the team of the line managers in their directorate, who see their "
        "training and are told when it is overdue."
    )
    assert warning in told.text
    if send.channel == "page":
        assert warning in told.page.box_texts("warning")[0]
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


def test_one_other_worker_added_is_said_to_be_on_a_team_in_the_singular(organisation, send):
    imported(organisation, MONA)
    told = send(
        roster(
            MONA, row(3001, "Ada", "Ashdown"), row(3002, "Eve", "Estates", directorate="Estates")
        )
    )

    assert (
        "1 of the workers it added is in a directorate with no line manager, so no line manager "
        "has them on their team or is told about their training: Estates (1 worker). The other "
        "worker it added is on the team of the line managers in their directorate"
    ) in told.text


def test_workers_added_where_a_line_manager_is_are_said_to_be_on_their_team(organisation, send):
    imported(organisation, MONA)
    told = send(roster(MONA, row(3001, "Ada", "Ashdown")))

    note = (
        "The file has no Line Manager Employee Number column, so the worker it added is on the "
        "team of the line managers in their directorate, who see their training and are told "
        "when it is overdue."
    )
    assert note in told.text
    assert "no line manager" not in told.text
    if send.channel == "page":
        # Worth knowing, nothing to check: information, not a warning.
        assert told.page.box_texts("inset") == [f"Information: {note}"]
        assert not told.page.box_texts("warning")
    if send.channel == "command":
        assert f"Note: {note}" in told.text
    if send.channel == "API":
        assert told.answer["notes"] == [note] and told.answer["warnings"] == []


def test_workers_back_in_a_directorate_with_no_line_manager_are_said_to_have_none(
    organisation, send
):
    imported(
        organisation,
        MONA,
        row(3002, "Eve", "Estates", directorate="Estates"),
        row(3009, "Sam", "Surgeon"),
    )
    imported(organisation, MONA, full=True)
    told = send(
        roster(
            MONA,
            row(3002, "Eve", "Estates", directorate="Estates"),
            row(3009, "Sam", "Surgeon"),
            row(3010, "Ira", "Estates", directorate="Estates"),
        )
    )

    assert (
        "The file has no Line Manager Employee Number column, and 2 of the workers it added or "
        "brought back are in a directorate with no line manager, so no line manager has them on "
        "their team or is told about their training: Estates (2 workers). The other worker it "
        "added or brought back is on the team of the line managers in their directorate"
    ) in told.text


def test_a_worker_back_where_a_line_manager_is_is_said_to_be_on_their_team(organisation, send):
    imported(organisation, MONA, row(3009, "Sam", "Surgeon"))
    imported(organisation, MONA, full=True)
    told = send(roster(MONA, row(3009, "Sam", "Surgeon")))

    assert (
        "The file has no Line Manager Employee Number column, so the worker it brought back is "
        "on the team of the line managers in their directorate"
    ) in told.text


# --- 4. Assignment Ends ----------------------------------------------------------------------

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

    assert "3 rows read: 0 workers added, 1 updated (back on the roster), 2 unchanged." in (
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
        # Objects, as every list of workers the answer gives.
        assert told.answer["leavers_by_stored_end_named"] == [
            {"employee_number": "2004", "name": "Cai Cole"}
        ]
        assert told.answer["stored_ends_cleared"] == 1


def test_an_unchanged_file_says_nothing_of_ends_gone_by_of_workers_who_were_leavers(
    organisation, send
):
    imported(organisation, ADA, CAI_LEFT)
    told = send(roster(ADA, CAI_LEFT))

    assert "Assignment End gone by" not in told.text
    if send.channel == "API":
        assert told.answer["ended"] == 0


def test_an_end_gone_by_that_makes_an_active_worker_a_leaver_is_counted(organisation, send):
    imported(organisation, ADA, row(2004, "Cai", "Cole"))
    told = send(roster(ADA, CAI_LEFT))

    assert (
        "2 rows read: 0 workers added, 1 updated, 1 unchanged, 1 row with an Assignment End gone "
        "by (a leaver)."
    ) in told.text
    if send.channel == "API":
        assert told.answer["ended"] == 1


@pytest.mark.parametrize("full", [False, True], ids=["part of the roster", "whole roster"])
def test_the_leavers_an_end_gone_by_makes_are_named_with_a_way_to_every_leaver(
    organisation, send, full
):
    imported(organisation, ADA, row(2004, "Cai", "Cole"))
    told = send(roster(ADA, CAI_LEFT, row(2005, "Di", "Dale", end="2025-02-28")), full=full)

    leavers = ["Cai Cole (2004)", "Di Dale (2005)"]
    if send.channel == "page":
        assert told.page.lists["Marked as leavers by their Assignment End"] == leavers
        assert (LEAVERS_CSV, "Download the leavers (CSV)") in told.page.links
    else:
        assert "The leavers by their Assignment End are Cai Cole (2004) and Di Dale (2005)." in (
            told.text
        )
    if send.channel == "API":
        assert (told.answer["ended"], told.answer["leavers"]) == (2, [])
        assert told.answer["ended_leavers"] == [
            {"employee_number": "2004", "name": "Cai Cole"},
            {"employee_number": "2005", "name": "Di Dale"},
        ]


def test_both_kinds_of_leaver_are_listed_with_one_way_to_download_them(organisation, send):
    imported(organisation, *STAYING, ADA, row(4101, "Bryn", "Birchley"))
    told = send(roster(*STAYING, ADA, CAI_LEFT), full=True)

    assert "1 row with an Assignment End gone by" in told.text
    if send.channel == "page":
        assert told.page.lists["Marked as leavers"] == ["Bryn Birchley (4101)"]
        assert told.page.lists["Marked as leavers by their Assignment End"] == ["Cai Cole (2004)"]
        assert told.text.count("Download the leavers (CSV)") == 1
    else:
        assert "The leaver is Bryn Birchley (4101). The leaver by their Assignment End is Cai " in (
            told.text
        )


def test_a_whole_roster_that_leaves_out_every_line_manager_of_a_directorate_warns(
    organisation, send
):
    """Their workers are left on nobody's team, and nobody is told their training is late."""
    community = [row(7000 + n, f"Nurse{n}", directorate="Community") for n in range(3)]
    manager = row(7100, "Mo", "Manager", directorate="Community", manager="Y")
    imported(organisation, *STAYING, *community, manager)
    told = send(roster(*STAYING, *community), full=True)

    assert (
        "3 workers in Community now have no line manager: the roster left out every line "
        "manager there, so nobody has them on their team or is told when their training is "
        "overdue."
    ) in told.text
    if send.channel == "page":
        assert any("now have no line manager" in text for text in told.page.box_texts("warning"))


def test_line_managers_left_out_of_several_directorates_are_named_by_directorate(organisation):
    staff_import(
        organisation=organisation,
        file=io.BytesIO(
            roster(
                *STAYING,
                row(7000, "Ann", directorate="Community"),
                row(7001, "Ben", directorate="Community"),
                row(7002, "Cy", directorate="Estates"),
                row(7100, "Mo", directorate="Community", manager="Y"),
                row(7101, "Max", directorate="Estates", manager="Y"),
                row(7102, "Sal", directorate="Surgery", manager="Y"),
            )
        ),
    )
    result = staff_import(
        organisation=organisation,
        file=io.BytesIO(
            roster(
                *STAYING,
                *(
                    row(n, "Kept", directorate=d)
                    for n, d in [(7000, "Community"), (7001, "Community"), (7002, "Estates")]
                ),
            )
        ),
        full=True,
    )
    assert result.imported
    # Surgery's 30 have no line manager there either now: they are named too.
    assert result.warnings[-1].startswith(
        "33 workers now have no line manager, in Surgery (30 workers), Community (2 workers) "
        "and Estates (1 worker): the roster left out every line manager in those directorates"
    )


def test_a_whole_roster_that_keeps_a_line_manager_in_the_directorate_does_not_warn(
    organisation, send
):
    community = [row(7000 + n, f"Nurse{n}", directorate="Community") for n in range(3)]
    managers = [
        row(7100 + n, f"Mo{n}", "Manager", directorate="Community", manager="Y") for n in range(2)
    ]
    imported(organisation, *STAYING, *community, *managers)
    told = send(roster(*STAYING, *community, managers[0]), full=True)

    assert "1 marked as" in told.text and "no line manager" not in told.text


# --- 5. a file the roster already matches -----------------------------------------------------


def test_importing_the_same_file_again_says_plainly_that_nothing_changed(organisation, send):
    imported(organisation, ADA)
    moved = roster(row(2001, "Ada", "Ashdown", band="Band 6", end=None), header=WITHOUT_END)
    told = send(moved)
    again = send(moved)

    assert "Nothing changed" not in told.text  # the first time: a note on the ends it kept
    assert "assignment end dates were left as they were" in told.text
    said = "Nothing changed: the roster already matched this file (1 worker)."
    assert said in again.text
    # Said first, and nothing after it that describes no change.
    assert "unchanged" not in again.text and "left as they were" not in again.text
    if send.channel == "page":
        assert again.page.box_texts("panel") == [f"Roster imported {said}"]
        assert not again.page.box_texts("warning") and not again.page.box_texts("inset")


def test_a_file_that_changes_nothing_but_skips_a_row_says_both(organisation):
    imported(organisation, ADA)
    result = staff_import(
        organisation=organisation, file=io.BytesIO(roster(ADA, row(2002, ""))), skip_invalid=True
    )

    assert result.summary() == (
        "Nothing changed: the roster already matched this file (1 worker). 1 row was skipped "
        "because of problems."
    )


def test_a_whole_roster_that_changes_nothing_says_so(organisation, send):
    imported(organisation, *STAYING)
    told = send(roster(*STAYING), full=True)

    assert "Nothing changed: the roster already matched this file (30 workers)." in told.text
    assert "marked as leavers" not in told.text


def test_only_a_whole_roster_says_how_many_it_marked_as_leavers(organisation, send):
    imported(organisation, ADA)
    told = send(roster(row(2001, "Ada", "Ashdown", band="Band 6")))

    assert "1 row read: 0 workers added, 1 updated, 0 unchanged." in told.text
    assert "leavers" not in told.text


# --- 6. warnings are warnings -----------------------------------------------------------------


def test_warnings_are_shown_as_warnings_as_the_command_calls_them(organisation, send):
    imported(organisation, MONA)
    told = send(roster(MONA, row(3002, "Eve", "Estates", directorate="Estates", band="Band 10")))

    no_line_manager = "so no line manager has them on their team or is told about their training"
    if send.channel == "command":
        assert "Warning: The file has no Line Manager Employee Number column, and the" in told.text
        assert "Warning: Bands that are not Agenda for Change bands" in told.text
    if send.channel == "page":
        (warnings,) = told.page.box_texts("warning")
        assert warnings.startswith("Important: 2 things to check ")
        assert no_line_manager in warnings and "Band 10 (row 3)" in warnings
        listed = told.page.lists["Important: 2 things to check"]
        assert listed[1].startswith("Bands that are not Agenda for Change")
        assert not told.page.box_texts("inset")


def test_the_warnings_heading_reads_as_words_after_the_callouts_important(organisation, send):
    """A screen reader read "Important: Warning": the callout says "Important:" before its
    heading, out of sight, so the heading says what there is to do."""
    imported(organisation, MONA)
    told = send(roster(MONA, row(3002, "Eve", "Eddings", band="Band 10")))

    assert "Bands that are not Agenda for Change bands" in told.text
    if send.channel == "page":
        (warning,) = told.page.box_texts("warning")
        assert warning.startswith("Important: 1 thing to check Bands that are not Agenda")
        assert "Important: Warning" not in told.text


# --- 7. unknown bands and staff groups, with their rows ----------------------------------------


def test_unknown_bands_and_staff_groups_name_their_first_rows(organisation, send):
    porters = [row(2100 + n, f"Porter{n:02d}").replace(",Other,", ",Porters,") for n in range(12)]
    rows = [ADA, row(2010, "Dai", band="Band 10"), *porters, row(2011, "Em", band="Band 10")]
    told = send(roster(*rows))

    assert "Band 10 (rows 3 and 16)." in told.text
    assert "Porters (12 rows: 4, 5, 6 and 9 more)." in told.text
    if send.channel == "API":
        assert told.answer["unknown_bands"] == {"Band 10": 2}
        assert told.answer["unknown_bands_first_rows"] == {"Band 10": [3, 16]}
        assert told.answer["unknown_staff_groups"] == {"Porters": 12}
        assert told.answer["unknown_staff_groups_first_rows"] == {"Porters": [4, 5, 6]}


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
            row(2008, "Gus", "Gale", band="Band 10"),
        )
    )

    assert "3 of 5 rows have problems." in told.text
    assert f"{UNKNOWN_GROUPS_REFUSED}: Porters (row 4)." in told.text
    # A good row's and a bad row's, in the order of the file.
    assert f"{UNKNOWN_BANDS_REFUSED}: Band 10 (rows 3 and 6)." in told.text
    assert "BBBB" not in told.text.replace(f"“{'B' * 31}”", "")
    if send.channel == "API":
        assert told.answer["unknown_bands"] == {"Band 10": 2}
        assert told.answer["unknown_bands_first_rows"] == {"Band 10": [3, 6]}
        assert told.answer["unknown_staff_groups"] == {"Porters": 1}
    assert not StaffRecord.objects.exists()


def test_a_refusal_stands_apart_from_the_warnings_on_the_result_page(organisation, send):
    """Nothing imported is the page's message, not one more yellow box among the warnings."""
    if send.channel != "page":
        pytest.skip("the result page only")
    told = send(roster(row(2001, "Ada", start="2020-13-45", end=None), header=WITHOUT_END))

    [refusal] = told.page.box_texts("refusal")
    assert refusal.startswith("Nothing was imported") and "1 of 1 row has a problem" in refusal
    [warning] = told.page.box_texts("warning")
    assert "Nothing was imported" not in warning and "no Assignment End column" in warning


# --- 8. words for one worker -----------------------------------------------------------------


def test_a_file_adding_one_worker_without_columns_says_so_in_the_singular_with_or(
    organisation, send
):
    told = send(
        roster(
            "2001,Ada,Ashdown,Other,Y,N,N,2020-01-01",
            header="Employee Number,First Name,Last Name,Staff Group,Line Manager (Y/N),"
            "Senior Leader (Y/N),Board Member (Y/N),Assignment Start",
        )
    )

    assert (
        "The file has no Email, Job Role, Directorate, Band or Assignment End column: the "
        "worker added has no email address, job role, directorate, band or assignment end date."
    ) in told.text
    assert (
        "The file has no Line Manager Employee Number or Directorate column, so no line manager "
        "has the worker it added on their team or is told about their training."
    ) in told.text


# --- one worker in the singular ----------------------------------------------------------------


def test_one_leaver_of_each_kind_is_counted_in_the_singular(organisation, send):
    imported(organisation, *STAYING, ADA, row(4101, "Bryn", "Birchley"))
    told = send(roster(*STAYING, ADA, CAI_LEFT), full=True)

    assert "1 marked as a leaver, 1 row with an Assignment End gone by (a leaver)." in told.text, (
        told.text
    )


def test_the_form_offering_to_let_one_leaver_through_says_a_leaver(client_as):
    page = client_as(Role.ORGANISATION_ADMIN).get(
        "/training/organisations/TST01/roster/?expect_leavers=1"
    )
    text = " ".join(html.unescape(page.content.decode()).split())
    assert "I expect 1 worker to become a leaver" in text
    assert "would have made 1 worker a leaver at once" in text


def test_a_file_whose_every_row_has_a_problem_is_not_told_to_skip_them(organisation, send):
    """Skipping its one bad row imports nothing, which is refused: advice that goes round."""
    told = send(roster(row(2001, "Ada", "Ashdown", start="2020-13-45")))

    assert "1 of 1 row has a problem. Correct it and import the file again." in told.text
    assert "skip" not in told.text.lower() and "without problems" not in told.text


# --- names in the order a reader looks for them ----------------------------------------------

IN_NAME_ORDER = ["Al Ångström", "Al Davies", "Al de Vries", "Al Øberg", "Al Smith"]


def test_the_workers_an_import_names_are_in_name_order_with_the_accents_ignored(organisation):
    """ "Ångström" and "Øberg" came after "Smith", and "de Vries" after every capital."""
    lasts = ["Smith", "de Vries", "Øberg", "Ångström", "Davies"]
    named = [row(5000 + n, "Al", last) for n, last in enumerate(lasts)]
    ended = [row(6000 + n, "Al", last, end="2025-01-31") for n, last in enumerate(lasts)]
    imported(organisation, *STAYING, *named)

    def names(workers: list[dict[str, str]]) -> list[str]:
        return [worker["name"] for worker in workers]

    left = staff_import(
        organisation=organisation, file=io.BytesIO(roster(*STAYING)), full=True, expect_leavers=5
    )
    assert names(left.leavers) == IN_NAME_ORDER
    back = staff_import(organisation=organisation, file=io.BytesIO(roster(*named, *ended)))
    assert names(back.returners) == IN_NAME_ORDER
    assert names(back.ended_leavers) == IN_NAME_ORDER
