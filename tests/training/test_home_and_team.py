"""Workers see their own training on their home page; line managers see their team's."""

import datetime
import re
import uuid

import pytest
import time_machine

from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.training.content import course
from speakup.training.models import CompletionSource
from tests.conftest import sign_in
from tests.training.factories import (
    CompletionFactory,
    StaffRecordFactory,
    TrainingPolicyFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 3, 1, 9)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def worker(client, person_with_role, organisation):
    user = person_with_role(Role.WORKER, full_name="Wren Worker")
    StaffRecordFactory(
        organisation=organisation,
        user=user,
        employee_number="1001",
        first_name="Wren",
        last_name="Worker",
        directorate="Surgery",
        assignment_start=datetime.date(2026, 1, 1),
    )
    return user


@time_machine.travel(TODAY, tick=False)
def test_a_workers_home_page_shows_speak_up_with_its_status_reason_and_a_link(client, worker):
    sign_in(client, worker)
    page = client.get("/")
    shown = text(page)
    assert "Your training" in shown
    assert "Speak Up Overdue Every worker takes Speak Up; was due by 31 January 2026." in shown
    assert "Listen Up Not required" in shown
    assert 'href="/training/modules/speak_up/"' in page.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_someone_with_no_training_to_do_sees_no_training_section(client_as):
    page = client_as(Role.NATIONAL_ANALYST).get("/")
    assert "Your training" not in text(page)


@pytest.fixture
def manager(person_with_role, organisation):
    user = person_with_role(Role.WORKER, full_name="Mona Manager")
    StaffRecordFactory(
        organisation=organisation,
        user=user,
        first_name="Mona",
        last_name="Manager",
        directorate="Surgery",
        is_line_manager=True,
    )
    return user


@time_machine.travel(TODAY, tick=False)
def test_a_line_manager_sees_their_teams_modules_and_status(client, manager, worker, organisation):
    done = StaffRecordFactory(
        organisation=organisation,
        employee_number="1002",
        first_name="Cleo",
        last_name="Done",
        directorate="Surgery",
    )
    CompletionFactory(staff_record=done, completed_on=datetime.date(2025, 6, 1))
    StaffRecordFactory(organisation=organisation, first_name="Xena", directorate="Pharmacy")
    sign_in(client, manager)
    home = client.get("/")
    assert 'href="/training/team/"' in home.content.decode()  # the header link
    team = client.get("/training/team/")
    shown = text(team)
    assert "Testshire Fictional NHS Trust: Surgery" in shown
    assert "Wren Worker 1001 Overdue" in shown
    assert "Cleo Done 1002 Complete until 1 June 2028" in shown
    assert "Xena" not in shown  # another directorate
    assert '<th scope="row">Mona Manager' not in team.content.decode()  # not themselves


@time_machine.travel(TODAY, tick=False)
def test_a_line_manager_can_tell_apart_two_workers_with_the_same_name(
    client, manager, organisation
):
    """Two "Esme Greystone" rows could not be told apart: each has her employee number."""
    for number in ("3101", "3102"):
        StaffRecordFactory(
            organisation=organisation,
            employee_number=number,
            first_name="Esme",
            last_name="Greystone",
            directorate="Surgery",
        )
    sign_in(client, manager)
    page = client.get("/training/team/").content.decode()
    assert '<th scope="col">Employee number</th>' in page
    rows = [row.split("</tr>")[0] for row in page.split("<tr") if "Esme Greystone" in row]
    assert [re.search(r"<td[^>]*>(\w+)</td>", row)[1] for row in rows] == ["3101", "3102"]


def test_people_who_manage_nobody_get_page_not_found(client, worker):
    sign_in(client, worker)
    assert client.get("/training/team/").status_code == 404
    assert 'href="/training/team/"' not in client.get("/").content.decode()


def test_the_team_page_needs_signing_in(client):
    assert client.get("/training/team/").status_code == 302


@time_machine.travel(TODAY, tick=False)
def test_workers_who_name_their_line_manager_are_in_that_managers_team_only(
    client, manager, worker, organisation, person_with_role
):
    """Wren (Surgery) names Nia, who has no directorate and no Line Manager flag: Wren is in
    Nia's team, and no longer in the team of Surgery's line manager, Mona."""
    nia = person_with_role(Role.WORKER, full_name="Nia Named")
    StaffRecordFactory(
        organisation=organisation, user=nia, employee_number="N-1", first_name="Nia", directorate=""
    )
    organisation.staff_records.filter(user=worker).update(line_manager_number="N-1")
    StaffRecordFactory(organisation=organisation, first_name="Sami", directorate="Surgery")

    sign_in(client, nia)
    team = text(client.get("/training/team/"))
    assert "Wren Worker 1001 Overdue" in team
    assert "Sami" not in team

    sign_in(client, manager)
    team = text(client.get("/training/team/"))
    assert "Sami" in team
    assert "Wren" not in team


@time_machine.travel(TODAY, tick=False)
def test_a_large_team_lists_the_most_urgent_first_and_downloads_whole(
    client, manager, organisation, monkeypatch
):
    """Three shown of five: the two overdue first, then the one due; all five in the CSV."""
    monkeypatch.setattr("speakup.training.views.team.ROWS_SHOWN", 3)
    for name in ("Abe", "Bo"):  # complete: listed last
        done = StaffRecordFactory(
            organisation=organisation, first_name=name, last_name="Done", directorate="Surgery"
        )
        CompletionFactory(staff_record=done, completed_on=datetime.date(2025, 6, 1))
    StaffRecordFactory(
        organisation=organisation,
        first_name="Cy",
        last_name="Due",
        directorate="Surgery",
        assignment_start=datetime.date(2026, 2, 20),
    )
    for name in ("Di", "Ed"):
        StaffRecordFactory(
            organisation=organisation,
            first_name=name,
            last_name="Late",
            directorate="Surgery",
            assignment_start=datetime.date(2025, 1, 1),
            # Ed, a new line manager, is due Listen Up too: counted once, as late.
            is_line_manager=name == "Ed",
            line_manager_since=datetime.date(2026, 2, 20) if name == "Ed" else None,
        )
    sign_in(client, manager)
    shown = text(client.get("/training/team/"))
    assert "5 people: 2 with training overdue or expired, 1 more with training due." in shown
    assert "The 3 whose training needs attention soonest are listed here." in shown
    listed = re.findall(r"(\w+) (?:Late|Due|Done) \d+ (?:Overdue|Due|Complete)", shown)
    assert listed == ["Di", "Ed", "Cy"]
    # The file's kind ends the link's words, after the organisation a screen reader hears.
    assert "Download your team's training at Testshire Fictional NHS Trust (CSV)" in shown

    download = client.get("/training/team/TST01.csv")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = download.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith(
        "Employee Number,Name,Staff Group,Directorate,Band,Line Manager,Senior Leader,"
        "Board Member,Speak Up status"
    )
    assert [row.split(",")[1] for row in rows[1:]] == [
        "Di Late",
        "Ed Late",
        "Cy Due",
        "Abe Done",
        "Bo Done",
    ]
    assert client.get("/training/team/XXX99.csv").status_code == 404  # no team there
    downloaded = AuditRecord.objects.get(action="training.team_export")
    assert downloaded.actor == manager and downloaded.detail == {"workers": 5}


@time_machine.travel(TODAY, tick=False)
def test_a_large_team_lists_the_longest_overdue_first_not_in_name_order(
    client, manager, organisation, monkeypatch
):
    """The page says it lists those "whose training needs attention soonest": a tester's listed
    100 late workers from A, and left out hundreds late for longer."""
    monkeypatch.setattr("speakup.training.views.team.ROWS_SHOWN", 2)
    for first, started in [("Ann", 2025), ("Bea", 2024), ("Cal", 2023)]:
        StaffRecordFactory(
            organisation=organisation,
            first_name=first,
            last_name="Late",
            directorate="Surgery",
            assignment_start=datetime.date(started, 1, 1),
        )
    sign_in(client, manager)
    shown = text(client.get("/training/team/"))
    listed = re.findall(r"(\w+) Late \d+ Overdue", shown)
    assert listed == ["Cal", "Bea"]
    rows = client.get("/training/team/TST01.csv").content.decode("utf-8-sig").splitlines()
    assert [row.split(",")[1] for row in rows[1:]] == ["Cal Late", "Bea Late", "Ann Late"]


@time_machine.travel(TODAY, tick=False)
def test_a_team_as_late_as_each_other_is_in_name_order_with_the_accents_ignored(
    client, manager, organisation
):
    """ "Ångström" came after "Smith": ties in lateness are in name order as a reader reads it."""
    for first, last in [("Sam", "Smith"), ("Öz", "Ölander"), ("Zoë", "Ångström-Éclair")]:
        StaffRecordFactory(
            organisation=organisation,
            first_name=first,
            last_name=last,
            directorate="Surgery",
            assignment_start=datetime.date(2025, 1, 1),
        )
    sign_in(client, manager)
    rows = client.get("/training/team/TST01.csv").content.decode("utf-8-sig").splitlines()
    assert [row.split(",")[1] for row in rows[1:]] == [
        "Zoë Ångström-Éclair",
        "Öz Ölander",
        "Sam Smith",
    ]
    shown = text(client.get("/training/team/"))
    assert shown.index("Zoë Ångström-Éclair") < shown.index("Öz Ölander") < shown.index("Sam")


@pytest.mark.parametrize(
    ("late", "due", "done", "in_numbers"),
    [
        (0, 1, 0, "1 person: 1 with training due."),
        (1, 0, 0, "1 person: 1 with training overdue or expired."),
        (0, 0, 1, "1 person, up to date with their training."),
        (0, 0, 3, "3 people, all up to date with their training."),
        (0, 2, 1, "3 people: 2 with training due."),
        (1, 0, 1, "2 people: 1 with training overdue or expired."),
        (1, 1, 0, "2 people: 1 with training overdue or expired, 1 more with training due."),
        (2, 1, 2, "5 people: 2 with training overdue or expired, 1 more with training due."),
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_the_team_page_counts_its_people_with_no_clause_saying_0(
    client, manager, organisation, late, due, done, in_numbers
):
    """It said "1 person: 0 with training overdue or expired, 1 more with training due"."""
    for _ in range(late):  # started over a year ago, nothing taken
        StaffRecordFactory(
            organisation=organisation,
            directorate="Surgery",
            assignment_start=datetime.date(2025, 1, 1),
        )
    for _ in range(due):  # started a week ago
        StaffRecordFactory(
            organisation=organisation,
            directorate="Surgery",
            assignment_start=datetime.date(2026, 2, 20),
        )
    for _ in range(done):
        trained = StaffRecordFactory(organisation=organisation, directorate="Surgery")
        CompletionFactory(staff_record=trained, completed_on=datetime.date(2025, 6, 1))
    sign_in(client, manager)
    shown = text(client.get("/training/team/"))
    assert in_numbers in shown
    assert not re.search(r"\b0 (more )?with", shown)


@time_machine.travel(TODAY, tick=False)
def test_a_manager_of_two_teams_hears_each_table_by_its_own_name(
    client, manager, worker, organisation, other_organisation
):
    """A screen reader lists regions and tables by name: two teams must not both be called
    "Your team's training"."""
    StaffRecordFactory(
        organisation=other_organisation,
        user=manager,
        employee_number="M-2",
        directorate="Pharmacy",
        is_line_manager=True,
    )
    StaffRecordFactory(organisation=other_organisation, first_name="Ola", directorate="Pharmacy")
    sign_in(client, manager)
    page = client.get("/training/team/").content.decode()
    # Each box the table scrolls in, and each table, is named by its team's heading: written
    # once, not repeated after the heading in an aria-label.
    assert 'role="region" aria-label=' not in page
    for named in ('role="region" aria-labelledby', '<table class="nhsuk-table" aria-labelledby'):
        keys = re.findall(rf'{named}="([^"]+)"', page)
        headings = [re.search(rf'<h2 id="{key}">([^<]+)</h2>', page)[1] for key in keys]
        assert sorted(headings) == [
            "Otherton Fictional NHS Trust: Pharmacy",
            "Testshire Fictional NHS Trust: Surgery",
        ]
    assert 'nhsuk-u-visually-hidden">Training of your team' not in page


def link_names(page: str, href_start: str) -> list[str]:
    """What a screen reader says for each link to `href_start…`: its text, hidden parts too."""
    links = re.findall(rf'<a\s[^>]*href="{re.escape(href_start)}[^"]*"[^>]*>(.*?)</a>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", link).split()) for link in links]


@time_machine.travel(TODAY, tick=False)
def test_the_home_pages_training_links_read_as_what_they_do(client, worker):
    """A screen reader heard "Take it Speak Up": the visible "Take it" and the hidden module."""
    sign_in(client, worker)
    page = client.get("/").content.decode()
    section = page[page.index("<h2>Your training</h2>") :]
    assert link_names(section, "/training/") == [
        "Take Speak Up",
        "Open Listen Up",
        "Open Follow Up",
        "All your training",
    ]


def home_training_links(client) -> list[str]:
    page = client.get("/").content.decode()
    return link_names(page[page.index("<h2>Your training</h2>") :], "/training/modules/")


@time_machine.travel(TODAY, tick=False)
def test_the_home_page_says_continue_for_a_module_under_way(client, worker):
    """It said "Take Speak Up" while the module's page said "Continue where you left off"."""
    sign_in(client, worker)
    client.get("/training/modules/speak_up/screens/1/")
    assert home_training_links(client)[0] == "Take Speak Up"  # the first screen, no further
    assert "You have started this module" not in text(client.get("/training/"))
    client.post("/training/modules/speak_up/screens/1/", follow=True)
    assert home_training_links(client)[0] == "Continue Speak Up"
    # "Your training", which says it shows "where you are with each", says so too.
    assert (
        "Speak Up Overdue Every worker takes Speak Up; was due by 31 January 2026. You have "
        "started this module: open it to continue where you left off."
    ) in text(client.get("/training/"))


@time_machine.travel(TODAY, tick=False)
def test_a_module_that_must_wait_for_others_is_opened_not_taken(client, person_with_role):
    """A board member was offered "Take Follow Up", which leads to a page saying they cannot
    yet: the row's reason says which modules come first."""
    chair = person_with_role(Role.BOARD_MEMBER, full_name="Cass Chair")
    sign_in(client, chair)
    assert home_training_links(client) == ["Take Speak Up", "Open Listen Up", "Open Follow Up"]
    shown = text(client.get("/"))
    assert "Complete Speak Up and Listen Up before starting Follow Up." in shown


def passed(user, module: str, day: datetime.date):
    """A pass in speakup, as taking the module records it: with a certificate."""
    return CompletionFactory(
        staff_record=user.staff_records.get(),
        user=user,
        module=module,
        version=str(course(module).version),
        completed_on=day,
        source=CompletionSource.IN_PRODUCT,
        score_percent=100,
        certificate_id=uuid.uuid4(),
    )


@time_machine.travel(TODAY, tick=False)
def test_a_worker_sees_a_module_they_took_without_needing_it_as_completed(client, worker):
    """As a leaver sees their training: "Not required", and the completion with its certificate,
    like a module they must take."""
    passed(worker, "speak_up", datetime.date(2026, 2, 3))
    passed(worker, "listen_up", datetime.date(2026, 2, 10))
    sign_in(client, worker)
    for page in (text(client.get("/")), text(client.get("/training/"))):
        assert "Speak Up Complete until 3 February 2029" in page
        assert (
            "Listen Up Not required Listen Up is for line managers; completed on 10 February "
            "2026, valid until 10 February 2029."
        ) in page
    page = client.get("/training/").content.decode()
    assert link_names(page, "/training/certificates/") == [
        "Download your Speak Up certificate (PDF)",
        "Download your Listen Up certificate (PDF)",
    ]


@time_machine.travel(TODAY, tick=False)
def test_a_module_page_says_when_learning_records_show_it_was_completed(client, worker):
    """It showed only "Start the module", as if never taken, while the home page said "Complete
    until 1 June 2028 ... completed on 1 June 2025"."""
    sign_in(client, worker)
    CompletionFactory(
        staff_record=worker.staff_records.get(),
        module="speak_up",
        completed_on=datetime.date(2025, 6, 1),
        source=CompletionSource.IMPORT,
    )
    page = text(client.get("/training/modules/speak_up/"))
    assert (
        "You completed Speak Up on 1 June 2025, as your learning records show. Your training "
        "says whether it is still up to date. Taking the module in speakup gives you a "
        "certificate as well."
    ) in page
    assert "Start the module" in page
    passed(worker, "speak_up", datetime.date(2026, 2, 3))  # a later pass here: its own words
    page = text(client.get("/training/modules/speak_up/"))
    assert "You completed this module on 3 February 2026." in page
    assert "as your learning records show" not in page


@pytest.mark.parametrize(
    ("completed_on", "version", "refresher_years", "reason"),
    [
        (datetime.date(2025, 6, 1), "2", 3, "; completed on 1 June 2025, valid until 1 June 2028."),
        (
            datetime.date(2022, 6, 1),
            "2",
            3,
            "; completed on 1 June 2022, valid until 1 June 2025 (now out of date).",
        ),
        (datetime.date(2025, 6, 1), "2", None, "; completed on 1 June 2025."),
        (
            datetime.date(2025, 6, 1),
            "0",
            3,
            "; completed on 1 June 2025, in a version of the module since replaced.",
        ),
        (datetime.date(2026, 3, 2), "2", 3, "."),  # a day still to come counts as nothing yet
    ],
    ids=["valid", "out of date", "no refresher", "a replaced version", "tomorrow"],
)
@time_machine.travel(TODAY, tick=False)
def test_a_module_not_required_says_how_far_its_completion_still_counts(
    client, worker, organisation, completed_on, version, refresher_years, reason
):
    TrainingPolicyFactory(organisation=organisation, listen_up_refresher_years=refresher_years)
    CompletionFactory(
        staff_record=worker.staff_records.get(),
        module="listen_up",
        version=version,
        completed_on=completed_on,
    )
    sign_in(client, worker)
    expected = f"Listen Up Not required Listen Up is for line managers{reason}"
    assert expected in text(client.get("/training/"))
