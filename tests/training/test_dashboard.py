"""The organisation's training dashboard, its CSV export and the roster upload."""

import base64
import codecs
import csv
import datetime
import html
import importlib
import io
import re

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from speakup.organisations.roles import Role
from speakup.training.models import StaffImport, StaffRecord
from tests.conftest import date_boxes
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory

pytestmark = pytest.mark.django_db

ROSTER = (
    "Employee Number,First Name,Last Name,Staff Group,Line Manager (Y/N),Senior Leader (Y/N),"
    "Board Member (Y/N),Assignment Start\r\n"
    "1001,Ada,Ashdown,Students,N,N,N,2024-01-01\r\n"
    "1002,Bryn,Birchley,Porters,Y,N,N,2024-01-01\r\n"
)


@pytest.fixture
def trust(organisation):
    TrainingPolicyFactory(
        organisation=organisation,
        speak_up_mandatory=True,
        speak_up_mandatory_from=datetime.date(2024, 4, 1),
    )
    chair = StaffRecordFactory(
        organisation=organisation,
        first_name="Cora",
        last_name="Chair",
        is_board_member=True,
        directorate="Board",
    )
    worker = StaffRecordFactory(organisation=organisation, directorate="Surgery")
    CompletionFactory(staff_record=worker, completed_on=datetime.date(2025, 3, 1))
    return chair, worker


@pytest.mark.parametrize(
    "role",
    [
        Role.ORGANISATION_ADMIN,
        Role.GUARDIAN,
        Role.EXECUTIVE_LEAD,
        Role.NON_EXECUTIVE_LEAD,
        Role.BOARD_MEMBER,
    ],
)
@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_leaders_see_the_dashboard_with_adoption_and_the_boards_follow_up(client_as, role, trust):
    client = client_as(role)
    assert client.get("/training/organisations/").url == "/training/organisations/TST01/"
    page = client.get("/training/organisations/TST01/").content.decode()
    assert "Training adoption, as of 1 June 2025" in page
    assert "Mandatory" in page and "since 1 April 2024" in page
    assert "Not mandatory" in page
    assert "0 of 1 board members have completed Follow Up" in page
    assert "Cora Chair" in page and "Overdue" in page
    assert "Compliance by staff group" in page and "Surgery" in page
    assert "Trend, month by month" in page


def test_a_roster_with_no_board_members_is_said_to_have_none_and_how_one_is_marked(
    client_as, organisation
):
    """It read "0 of 0 board members have completed Follow Up"."""
    StaffRecordFactory(organisation=organisation, is_senior_leader=True)
    page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content.decode()
    board = " ".join(page.split('id="board-heading"')[1].split("<h2")[0].split())
    assert "0 of 0" not in board and "<table" not in board
    assert (
        "No board members are on the roster. A worker is marked as a board member by Y in the "
        "Board Member (Y/N) column of the staff roster." in board
    )


def _chart_svg(html: str) -> str:
    encoded = re.search(r'class="speakup-chart"[^>]*src="data:image/svg\+xml;base64,([^"]+)"', html)
    return base64.b64decode(encoded.group(1)).decode()


def _table_names(page: str) -> dict[str, str]:
    """Each table (by its opening tag's attributes) and the heading that names it, which must
    come before it; a table with a caption hidden from sight fails here."""
    names = {}
    for attributes in re.findall(r"<table([^>]*)>", page):
        labelledby = re.search(r'aria-labelledby="([^"]+)"', attributes)
        assert labelledby, f"a table named by no heading: <table{attributes}>"
        heading = re.search(rf'<h2 id="{labelledby.group(1)}">([^<]*)</h2>', page)
        assert heading and heading.start() < page.index(f"<table{attributes}>")
        names[attributes] = html.unescape(heading.group(1))
    assert "nhsuk-table__caption nhsuk-u-visually-hidden" not in page
    return names


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_each_table_is_named_by_its_heading_not_by_a_hidden_caption_that_repeats_it(
    client_as, trust
):
    """A screen reader read each table's name twice: the heading, then a hidden caption."""
    page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content.decode()
    assert sorted(_table_names(page).values()) == [
        "Compliance by band",
        "Compliance by directorate",
        "Compliance by module",
        "Compliance by staff group",
        "The board's Follow Up training",
        "Trend, month by month",
    ]


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_each_box_a_table_scrolls_in_is_named_by_its_heading_not_by_a_copy_of_it(client_as, trust):
    """The boxes a wide table scrolls in repeated the heading above them in an aria-label: one
    name, written in the heading and pointed to, as the tables inside are."""
    page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content.decode()
    boxes = re.findall(r'<div class="speakup-table-scroll" role="region"([^>]*)>', page)
    names = []
    for attributes in boxes:
        assert "aria-label=" not in attributes
        labelledby = re.search(r'aria-labelledby="([^"]+)"', attributes).group(1)
        names.append(html.unescape(re.search(rf'<h2 id="{labelledby}">([^<]*)</h2>', page)[1]))
    assert sorted(names) == [
        "Compliance by band",
        "Compliance by directorate",
        "Compliance by module",
        "Compliance by staff group",
    ]


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_each_chart_sits_beside_the_table_of_its_figures(client_as, trust):
    page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content.decode()
    pairs = page.split('<div class="speakup-chart-pair">')[1:]
    expected = [
        ("Compliance by module", "Compliance by module"),
        ("Compliance per module by staff group", "Compliance by staff group"),
        ("Compliance at each month end and today", "Trend, month by month"),
    ]
    assert len(pairs) == len(expected)
    names = _table_names(page)
    for pair, (title, heading) in zip(pairs, expected, strict=True):
        chart, table = pair.split('class="speakup-chart-pair__table"')
        assert f'alt="{title}. The table after this chart gives the same figures."' in chart
        assert f"<title>{title}</title>" in _chart_svg(chart)
        assert names[table.split("<table")[1].split(">")[0]] == heading
    # Speak Up: one of the two workers is complete, in the chart as in the table beside it.
    modules_chart, modules_table = pairs[0].split('class="speakup-chart-pair__table"')
    assert "50%" in _chart_svg(modules_chart) and "<td>50%</td>" in modules_table
    trend_chart, trend_table = pairs[2].split('class="speakup-chart-pair__table"')
    assert "31 Mar" in _chart_svg(trend_chart) and "31 March 2025" in trend_table


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_module_nobody_in_a_group_takes_says_not_applicable_as_its_chart_does(
    client_as, organisation, trust
):
    """A tester heard a bare "–" in these cells read out as "en dash", or not at all, beside a
    chart that says "not applicable"."""
    StaffRecordFactory(organisation=organisation, staff_group="Students", directorate="Surgery")
    page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content.decode()
    directorates = page.split(">Compliance by directorate</h2>")[1].split("</table>")[0]
    surgery = re.search(r'<th scope="row">Surgery</th>(.*?)</tr>', directorates, re.S)[1]
    workers, speak_up, listen_up, follow_up = re.findall(r"<td>(.*?)</td>", surgery, re.S)
    assert speak_up.startswith("50%")
    # Nobody in Surgery is a line manager, a senior leader or on the board.
    assert listen_up == follow_up == "not applicable"
    staff_groups = page.split('<div class="speakup-chart-pair">')[2]
    chart, table = staff_groups.split('class="speakup-chart-pair__table"')
    students = re.search(r'<th scope="row">Students</th>(.*?)</tr>', table, re.S)[1]
    assert re.findall(r"<td>(.*?)</td>", students, re.S)[2:] == ["not applicable"] * 2
    assert "not applicable" in _chart_svg(chart)  # the same words, in the chart's labels
    assert "<td>–" not in page


@time_machine.travel(datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.UTC), tick=False)
def test_the_trends_last_point_is_called_today_not_a_month_end(client_as, trust):
    """The column said "Month end" over a last row of 27 November 2026."""
    page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content.decode()
    trend_chart, trend_table = page.split('<div class="speakup-chart-pair">')[3].split(
        'class="speakup-chart-pair__table"'
    )
    assert "Month end" not in page
    assert '<th scope="col">Date</th>' in trend_table
    assert '<th scope="row">31 October 2026</th>' in trend_table
    assert '<th scope="row">27 November 2026 (today)</th>' in trend_table
    labels = _chart_svg(trend_chart)
    assert ">31 Oct<" in labels and ">Today<" in labels and "27 Nov" not in labels


@pytest.mark.parametrize("role", [Role.WORKER, Role.LINE_MANAGER, Role.CHAMPION])
def test_other_roles_get_not_found(client_as, role, trust):
    client = client_as(role)
    assert client.get("/training/organisations/TST01/").status_code == 404
    assert client.get("/training/organisations/TST01/compliance.csv").status_code == 404
    assert client.get("/training/organisations/").status_code == 404


def test_leaders_of_another_organisation_get_not_found(client_as, other_organisation, trust):
    client = client_as(Role.ORGANISATION_ADMIN, other_organisation)
    assert client.get("/training/organisations/TST01/").status_code == 404


COLUMNS = ("status", "due by", "completed on", "refresher due by")


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_csv_export_lists_every_worker_with_their_status_in_the_pages_words(
    client_as, organisation, trust
):
    """Every status as the pages write it ("Complete", not "compliant"), and each day under a
    heading that reads right for it: an expired module's refresher day was "complete until"."""
    StaffRecordFactory(  # a new starter: due within the month
        organisation=organisation, first_name="Nia", last_name="New",
        assignment_start=datetime.date(2025, 5, 20),
    )  # fmt: skip
    lapsed = StaffRecordFactory(organisation=organisation, first_name="Len", last_name="Lapsed")
    CompletionFactory(staff_record=lapsed, completed_on=datetime.date(2021, 3, 1))  # 3 years on
    client = client_as(Role.GUARDIAN)
    response = client.get("/training/organisations/TST01/compliance.csv")
    rows = {r["Name"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert len(rows) == 4
    worker = next(name for name in rows if name.startswith("Worker"))
    assert list(rows[worker])[2:8] == [
        "Staff Group",
        "Directorate",
        "Band",
        "Line Manager",
        "Senior Leader",
        "Board Member",
    ]
    assert list(rows[worker])[8:12] == [
        "Speak Up status",
        "Speak Up due by",
        "Speak Up completed on",
        "Speak Up refresher due by",
    ]
    assert rows[worker]["Speak Up status"] == "Complete"
    assert rows[worker]["Speak Up completed on"] == "2025-03-01"
    assert rows[worker]["Speak Up refresher due by"] == "2028-03-01"
    assert rows[worker]["Listen Up status"] == "Not required"
    assert rows["Cora Chair"]["Follow Up status"] == "Overdue"
    # The board can be listed in a spreadsheet: a filter on "Board Member" gives it.
    board = [name for name, row in rows.items() if row["Board Member"] == "Yes"]
    assert board == ["Cora Chair"]
    assert {row["Line Manager"] for row in rows.values()} == {"No"}
    assert rows["Nia New"]["Speak Up status"] == "Due"
    assert rows["Nia New"]["Speak Up due by"] == "2025-06-19"
    # Expired, as the page says it: "completed on 1 March 2021, the refresher was due by
    # 1 March 2024", not "complete until" a day long gone.
    assert [rows["Len Lapsed"][f"Speak Up {column}"] for column in COLUMNS] == [
        "Expired",
        "",
        "2021-03-01",
        "2024-03-01",
    ]
    assert "Speak Up complete until" not in rows["Len Lapsed"]
    statuses = {value for row in rows.values() for key, value in row.items() if "status" in key}
    assert statuses == {"Complete", "Not required", "Overdue", "Due", "Expired"}
    # The same words head the dashboard's table of counts.
    page = client.get("/training/organisations/TST01/").content.decode()
    for word in ("Required", "Complete", "Due", "Overdue", "Expired"):
        assert f'<th scope="col">{word}</th>' in page


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_version_to_retake_is_expired_in_the_csv_with_the_day_it_was_completed(
    client_as, organisation, trust, monkeypatch
):
    """As the page says, "a new version of the module replaced the one completed on 10 January
    2025": no refresher day, and no day it is due by (it gave the day of the download)."""
    monkeypatch.setattr(
        "speakup.training.queries.is_current_version", lambda module, version: version != "1"
    )
    retaker = StaffRecordFactory(organisation=organisation, first_name="Rex", last_name="Retake")
    CompletionFactory(staff_record=retaker, version="1", completed_on=datetime.date(2025, 1, 10))
    client = client_as(Role.GUARDIAN)
    response = client.get("/training/organisations/TST01/compliance.csv")
    rows = {r["Name"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert [rows["Rex Retake"][f"Speak Up {column}"] for column in COLUMNS] == [
        "Expired",
        "",
        "2025-01-10",
        "",
    ]


def test_an_admin_uploads_a_roster_and_sees_the_result(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    assert (
        "Upload your staff roster" in client.get("/training/organisations/TST01/").content.decode()
    )
    upload = SimpleUploadedFile("roster.csv", ROSTER.encode(), content_type="text/csv")
    response = client.post("/training/organisations/TST01/roster/", {"file": upload})
    job = StaffImport.objects.get()
    assert response.url == f"/training/organisations/TST01/roster/uploads/{job.pk}/"
    page = client.get(response.url).content.decode()
    assert "Roster imported" in page and "2 workers added" in page
    assert "Staff groups not on the ESR list were kept as written: Porters (row 3)" in page
    assert StaffRecord.objects.count() == 2
    # One h1, the page's; the result is a heading under it, so headings go in order.
    assert page.count("<h1") == 1 and re.search(r"<h2[^>]*>\s*Roster imported", page)
    refused = SimpleUploadedFile("roster.csv", b"Employee Number\r\n1\r\n")
    response = client.post("/training/organisations/TST01/roster/", {"file": refused})
    page = client.get(response.url).content.decode()
    assert page.count("<h1") == 1 and re.search(
        r"<h2[^>]*>(?:(?!</h2>).)*Nothing was imported", page, re.S
    )


def table_of(page: str, breakdown: str = "staff group") -> str:
    return page.split(f">Compliance by {breakdown}</h2>")[1].split("</table>")[0]


def breakdown_rows(page: str, breakdown: str) -> dict[str, str]:
    """A "Compliance by …" table: each row's value (without its flag) -> workers."""
    row = r'<th scope="row">([^<]*?)(?: <span[^>]*>\([^)]*\)</span>)?</th><td>(\d+)</td>'
    return dict(re.findall(row, table_of(page, breakdown)))


def band_rows(page: str) -> dict[str, str]:
    return breakdown_rows(page, "band")


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_an_uploaded_roster_counts_each_band_once_however_it_is_written(client_as, organisation):
    TrainingPolicyFactory(organisation=organisation, listen_up_from_band="8a")
    client = client_as(Role.ORGANISATION_ADMIN)
    roster = (
        "Employee Number,First Name,Last Name,Staff Group,Band,Line Manager (Y/N),"
        "Senior Leader (Y/N),Board Member (Y/N),Assignment Start\r\n"
        "1001,Ada,Ashdown,Students,5,N,N,N,2024-01-01\r\n"
        "1002,Bryn,Birchley,Students,Band 5,N,N,N,2024-01-01\r\n"
        "1003,Cai,Cole,Students,band5,N,N,N,2024-01-01\r\n"
        "1004,Dee,Dunn,Students,8d,N,N,N,2024-01-01\r\n"
        "1005,Eli,Ede,Students,Band 8d,N,N,N,2024-01-01\r\n"
        "1006,Fay,Fox,Students,Apprentice,N,N,N,2024-01-01\r\n"
    )
    upload = SimpleUploadedFile("roster.csv", roster.encode(), content_type="text/csv")
    client.post("/training/organisations/TST01/roster/", {"file": upload})
    page = client.get("/training/organisations/TST01/").content.decode()
    assert band_rows(page) == {"Apprentice": "1", "Band 5": "3", "Band 8d": "2"}
    listen_up = re.search(r'<th scope="row">Listen Up</th><td>(\d+)</td>', page)
    assert listen_up.group(1) == "2"  # the two band 8d workers: from band 8a up


def test_staff_groups_stored_in_another_case_are_counted_once_after_the_migration(
    client_as, organisation
):
    for group in ["Students", "STUDENTS", "students", "Porters"]:
        StaffRecordFactory(
            organisation=organisation,
            staff_group=group,
            staff_group_recognised=group == "Students",  # as imports before recognised them
        )
    migration = importlib.import_module(
        "speakup.training.migrations.0014_staff_groups_in_esr_spelling"
    )
    migration.groups_in_esr_spelling(apps, schema_editor=None)
    page = client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/").content.decode()
    assert breakdown_rows(page, "staff group") == {"Porters": "1", "Students": "3"}
    assert (
        StaffRecord.objects.filter(staff_group="Students", staff_group_recognised=True).count() == 3
    )


def row_heads(table: str) -> list[str]:
    heads = re.findall(r'<th scope="row">(.*?)</th>', table, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", head).split()) for head in heads]


def test_staff_groups_and_bands_the_upload_warned_of_are_flagged_on_the_dashboard(
    client_as, organisation
):
    """The upload said "Staff groups not on the ESR list were kept as written: Wizards (row 9)",
    and the dashboard then showed Wizards and Band 10 as any other row."""
    for group, band in [("Wizards", "Band 10"), ("Students", "Band 5"), ("", "")]:
        StaffRecordFactory(organisation=organisation, staff_group=group, band=band)
    page = client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/").content.decode()
    assert row_heads(table_of(page)) == [
        "Not given",
        "Students",
        "Wizards (not an ESR staff group)",
    ]
    assert row_heads(table_of(page, "band")) == [
        "Band 5",
        "Band 10 (not an Agenda for Change band)",
        "Not given",
    ]


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_bands_stored_before_one_spelling_are_counted_once_after_the_migration(
    client_as, organisation
):
    from speakup.training.models import TrainingPolicy

    for band in ["5", "Band 5", "band5", "8D", "Band 8d", "Apprentice"]:
        StaffRecordFactory(organisation=organisation, band=band)
    TrainingPolicyFactory(organisation=organisation, listen_up_from_band="band 8a")
    migration = importlib.import_module("speakup.training.migrations.0007_bands_in_one_spelling")
    migration.bands_in_one_spelling(apps, schema_editor=None)
    page = client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/").content.decode()
    assert band_rows(page) == {"Apprentice": "1", "Band 5": "3", "Band 8d": "2"}
    assert TrainingPolicy.objects.get().listen_up_from_band == "8a"  # as the form saves it
    listen_up = re.search(r'<th scope="row">Listen Up</th><td>(\d+)</td>', page)
    assert listen_up.group(1) == "2"


def test_an_upload_with_bad_rows_imports_nothing_and_lists_them(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    bad = ROSTER + "1003,,Calloway,Students,N,N,N,2024-01-01\r\n"
    upload = SimpleUploadedFile("roster.csv", bad.encode(), content_type="text/csv")
    response = client.post("/training/organisations/TST01/roster/", {"file": upload})
    page = client.get(response.url).content.decode()
    assert "Nothing was imported" in page and "First Name" in page and "is empty" in page
    assert list(_table_names(page).values()) == ["Rows with problems"]  # no hidden caption
    assert StaffRecord.objects.count() == 0


def test_an_upload_missing_columns_says_which_in_a_sentence_not_a_table(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    header_only = "Employee Number,First Name,Last Name,Staff Group,Assignment Start\r\n"
    upload = SimpleUploadedFile("roster.csv", header_only.encode(), content_type="text/csv")
    response = client.post("/training/organisations/TST01/roster/", {"file": upload})
    page = client.get(response.url).content.decode()
    assert page.count("Nothing was imported") == 1
    assert (
        "The file is missing these columns: Line Manager (Y/N), Senior Leader (Y/N), "
        "Board Member (Y/N). Check that the file&#39;s first row names its columns." in page
    )
    assert "file:" not in page and "Rows with problems" not in page and "<td>–</td>" not in page


def test_uploading_nothing_is_an_error(client_as, organisation):
    page = (
        client_as(Role.ORGANISATION_ADMIN)
        .post("/training/organisations/TST01/roster/", {})
        .content.decode()
    )
    assert "<title>Error: Upload your staff roster" in page and "Choose a CSV file" in page


def test_an_empty_file_is_an_error_in_plain_words(client_as, organisation):
    empty = SimpleUploadedFile("roster.csv", b"", content_type="text/csv")
    client = client_as(Role.ORGANISATION_ADMIN)
    page = client.post("/training/organisations/TST01/roster/", {"file": empty}).content.decode()
    assert "The file is empty: choose your roster&#39;s CSV file" in page


def test_only_admins_upload_rosters(client_as, organisation):
    assert client_as(Role.GUARDIAN).get("/training/organisations/TST01/roster/").status_code == 404


def test_the_roster_and_policy_links_sit_under_their_own_heading_for_admins(
    client_as, organisation
):
    """Not under "The courses", which is about the modules workers take."""
    page = client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/").content
    headed = page.decode().split("<h2>Your roster and training policy</h2>")
    assert len(headed) == 2
    assert "Upload your staff roster" in headed[1] and "Change your training policy" in headed[1]
    assert "Upload your staff roster" not in headed[0]
    guardian_page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content
    assert "Your roster and training policy" not in guardian_page.decode()


def test_an_admin_makes_modules_mandatory_and_sets_refreshers(client_as, organisation):
    from speakup.training.models import TrainingPolicy

    client = client_as(Role.ORGANISATION_ADMIN)
    page = client.get("/training/organisations/TST01/policy/").content.decode()
    assert 'value="3"' in page and 'value="30"' in page and 'value="90"' in page
    response = client.post(
        "/training/organisations/TST01/policy/",
        {
            "speak_up_mandatory": "on",
            "speak_up_mandatory_from_day": "1",
            "speak_up_mandatory_from_month": "4",
            "speak_up_mandatory_from_year": "2024",
            "speak_up_refresher_years": "",
            "listen_up_refresher_years": "3",
            "follow_up_refresher_years": "2",
            "new_starter_due_days": "60",
            "board_follow_up_due_days": "90",
            "listen_up_from_band": "6",
        },
    )
    assert response.url == "/training/organisations/TST01/"
    policy = TrainingPolicy.objects.get()
    assert policy.speak_up_mandatory and policy.speak_up_mandatory_from == datetime.date(2024, 4, 1)
    assert policy.speak_up_refresher_years is None and policy.follow_up_refresher_years == 2
    assert policy.new_starter_due_days == 60 and policy.listen_up_from_band == "6"
    assert "Your training policy has been saved" in client.get(response.url).content.decode()


POLICY = {"new_starter_due_days": "30", "board_follow_up_due_days": "90"}


def test_a_module_ticked_mandatory_needs_the_date_it_is_mandatory_from(client_as, organisation):
    from speakup.training.models import TrainingPolicy

    client = client_as(Role.ORGANISATION_ADMIN)
    page = client.post(
        "/training/organisations/TST01/policy/",
        {**POLICY, "follow_up_mandatory": "on", "new_starter_due_days": "45"},
    ).content.decode()
    assert "<title>Error: Your training policy" in page
    assert "Enter the date Follow Up is mandatory from" in page
    assert not TrainingPolicy.objects.filter(organisation=organisation).exists()


NATIONAL = (
    "The national recommendation is filled in for you: Speak Up for every worker, Listen Up "
    "for line managers, Follow Up for senior leaders and board members, a refresher every 3 "
    "years."
)
UNCHANGED = {
    **POLICY,
    "speak_up_refresher_years": "3",
    "listen_up_refresher_years": "3",
    "follow_up_refresher_years": "3",
}


def policy_page_opening(client) -> str:
    page = client.get("/training/organisations/TST01/policy/").content.decode()
    return " ".join(page.split("</h1>")[1].split("<form")[0].split())


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_policy_page_says_it_holds_the_national_recommendation_only_until_it_is_changed(
    client_as, organisation
):
    """A tester's policy with a 1-year refresher, a band rule and Follow Up mandatory from
    2027 still opened with "The national recommendation is filled in for you"."""
    client = client_as(Role.ORGANISATION_ADMIN)
    assert NATIONAL in policy_page_opening(client)
    assert "The months its trend has recorded at their end keep the figures they had" in (
        policy_page_opening(client)
    )
    client.post("/training/organisations/TST01/policy/", UNCHANGED)  # saved as it was filled in
    assert NATIONAL in policy_page_opening(client)
    client.post(
        "/training/organisations/TST01/policy/",
        {
            **UNCHANGED,
            "speak_up_refresher_years": "1",
            "follow_up_refresher_years": "",
            "listen_up_from_band": "7",
            "follow_up_mandatory": "on",
            "follow_up_mandatory_from_day": "1",
            "follow_up_mandatory_from_month": "1",
            "follow_up_mandatory_from_year": "2027",
            "board_follow_up_due_days": "120",
        },
    )
    opening = policy_page_opening(client)
    assert "filled in for you" not in opening
    assert (
        "This is your organisation's policy. The national recommendation is Speak Up for every "
        "worker, Listen Up for line managers, Follow Up for senior leaders and board members, a "
        "refresher every 3 years. Your policy differs from it:" in opening
    )
    changes = re.findall(r"<li>(.*?)</li>", opening)
    assert changes == [
        "Speak Up: a refresher every year (recommended: a refresher every 3 years)",
        "Follow Up: once is enough, with no refresher (recommended: a refresher every 3 years)",
        "Everyone from Band 7 up also takes Listen Up (recommended: line managers)",
        "Board members have 120 days for Follow Up (recommended: 90)",
    ]

    # Which modules are mandatory is said apart, with what is recommended: a tester read
    # "Speak Up is mandatory since …" among the differences, with nothing recommended beside it.
    assert (
        "Mandatory: Follow Up from 1 January 2027. Not mandatory: Speak Up and Listen Up. The "
        "National Guardian recommends making all three mandatory." in opening
    )


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_policy_page_says_which_modules_are_mandatory_apart_from_the_rules(
    client_as, organisation
):
    client = client_as(Role.ORGANISATION_ADMIN)
    assert (
        "None of the three modules is mandatory yet. The National Guardian recommends making all "
        "three mandatory." in policy_page_opening(client)
    )
    every_module = {}
    for module in ("speak_up", "listen_up", "follow_up"):
        every_module |= {
            f"{module}_mandatory": "on",
            f"{module}_mandatory_from_day": "1",
            f"{module}_mandatory_from_month": "4",
            f"{module}_mandatory_from_year": "2025",
        }
    client.post("/training/organisations/TST01/policy/", {**UNCHANGED, **every_module})
    opening = policy_page_opening(client)
    assert (
        "All three modules are mandatory: Speak Up since 1 April 2025, Listen Up since 1 April "
        "2025 and Follow Up since 1 April 2025." in opening
    )
    assert "differs" not in opening  # the rules are the recommendation still


def speak_up_from(day, month, year):
    return {
        "speak_up_mandatory": "on",
        "speak_up_mandatory_from_day": day,
        "speak_up_mandatory_from_month": month,
        "speak_up_mandatory_from_year": year,
    }


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("1800", "The date Speak Up is mandatory from must be 1 January 2000 or later"),
        ("1999", "The date Speak Up is mandatory from must be 1 January 2000 or later"),
        (
            "2099",
            "The date Speak Up is mandatory from must be no more than a year from today: "
            "1 June 2026 or earlier",
        ),
    ],
)
@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_an_impossible_mandatory_date_is_refused(client_as, organisation, year, message):
    from speakup.training.models import TrainingPolicy

    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post(
        "/training/organisations/TST01/policy/", {**POLICY, **speak_up_from("1", "4", year)}
    )
    page = response.content.decode()
    assert "<title>Error: Your training policy" in page and message in page
    assert not TrainingPolicy.objects.exists()


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_mandatory_date_up_to_a_year_ahead_is_kept(client_as, organisation):
    from speakup.training.models import TrainingPolicy

    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/training/organisations/TST01/policy/", {**POLICY, **speak_up_from("1", "6", "2026")}
    )
    assert response.status_code == 302
    assert TrainingPolicy.objects.get().speak_up_mandatory_from == datetime.date(2026, 6, 1)


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_module_mandatory_from_a_date_to_come_is_not_mandatory_yet(client_as, organisation):
    from speakup.training.national import training_counts_by_organisation

    TrainingPolicyFactory(
        organisation=organisation,
        speak_up_mandatory=True,
        speak_up_mandatory_from=datetime.date(2024, 4, 1),
        listen_up_mandatory=True,
        listen_up_mandatory_from=datetime.date(2026, 4, 1),
        follow_up_mandatory=True,
    )
    client = client_as(Role.ORGANISATION_ADMIN)
    page = client.get("/training/organisations/TST01/").content.decode()
    assert "Mandatory since 1 April 2024" in page
    assert "Mandatory from 1 April 2026" in page and "since 1 April 2026" not in page
    assert re.search(r"Follow Up\s*</dt>\s*<dd[^>]*>\s*<strong[^>]*>\s*Mandatory\s*<", page)
    api = client.get("/api/v1/organisations/TST01/training/compliance").json()
    assert [row["mandatory"] for row in api["modules"]] == [True, False, True]
    # The national view's flags, counted with its figures, follow the same rule.
    national = training_counts_by_organisation(today=datetime.date(2025, 6, 1))[organisation.pk]
    modules = ("speak_up", "listen_up", "follow_up")
    assert [national[f"{module}_mandatory"] for module in modules] == [True, False, True]
    with time_machine.travel(datetime.datetime(2026, 4, 1, 12, tzinfo=datetime.UTC), tick=False):
        client = client_as(Role.ORGANISATION_ADMIN)  # signed in afresh: ten months on
        page = client.get("/training/organisations/TST01/").content.decode()
        assert "Mandatory since 1 April 2026" in page


@pytest.mark.parametrize(
    ("mandatory_from", "mandatory"),
    [(datetime.date(2027, 3, 1), False), (datetime.date(2026, 10, 1), True)],
    ids=["a date to come", "a date gone by"],
)
@time_machine.travel(datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC), tick=False)
def test_a_mandatory_date_future_or_past_leaves_an_overdue_leader_overdue(
    client_as, organisation, mandatory_from, mandatory
):
    """Recording when Follow Up became mandatory used to move a board member's due date to
    90 days after it, hiding overdue training from the dashboard. It moves nobody's now."""
    member = StaffRecordFactory(
        organisation=organisation,
        first_name="Hal",
        last_name="Hollins",
        is_board_member=True,
        assignment_start=datetime.date(2025, 8, 10),  # Follow Up was due by 8 November 2025
    )
    for module in ("speak_up", "listen_up"):
        CompletionFactory(
            staff_record=member, module=module, completed_on=datetime.date(2025, 9, 1)
        )
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post(
        "/training/organisations/TST01/policy/",
        {
            **POLICY,
            "follow_up_mandatory": "on",
            **date_boxes("follow_up_mandatory_from", mandatory_from),
        },
    )
    assert response.status_code == 302
    page = html.unescape(client.get("/training/organisations/TST01/").content.decode())
    assert re.search(r'<th scope="row">Hal Hollins</th>\s*<td>Overdue</td>', page)
    assert "Board members take Follow Up; was due by 8 November 2025" in page
    api = client.get("/api/v1/organisations/TST01/training/compliance").json()
    follow_up = next(row for row in api["modules"] if row["module"] == "follow_up")
    assert (follow_up["mandatory"], follow_up["due"], follow_up["overdue"]) == (mandatory, 0, 1)


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_module_not_mandatory_with_workers_overdue_says_what_mandatory_and_overdue_mean(
    client_as, trust
):
    """ "Not mandatory" beside board members "Overdue" read as a contradiction: due dates follow
    the requirement rules whether or not the module is mandatory (ADR 0014)."""
    page = html.unescape(
        client_as(Role.BOARD_MEMBER).get("/training/organisations/TST01/").content.decode()
    )
    assert "Cora Chair" in page and "was due by" in page
    said = page.split("<h2>Has the organisation made each module mandatory?</h2>")[1]
    said = said.split('<h2 id="modules-heading">')[0]
    # Speak Up is mandatory: only the two that are not are named.
    named = "Listen Up and Follow Up are not mandatory, but workers are due or overdue for them."
    assert named in said
    assert "“Mandatory” here says only whether your organisation has made a module" in said
    assert "the national recommendation unless you have changed them" in said
    assert "“Overdue” means that date has passed and the module is not yet complete." in said


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_nothing_is_said_of_mandatory_when_no_module_not_mandatory_has_anyone_due(
    client_as, organisation
):
    TrainingPolicyFactory(organisation=organisation)  # nothing mandatory
    done = StaffRecordFactory(organisation=organisation)
    CompletionFactory(staff_record=done, completed_on=datetime.date(2025, 3, 1))
    page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content.decode()
    assert "Not mandatory" in page
    assert "not mandatory, but workers are due or overdue" not in page


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_policy_form_names_each_field_in_its_messages(client_as, organisation):
    page = (
        client_as(Role.ORGANISATION_ADMIN)
        .post(
            "/training/organisations/TST01/policy/",
            {
                "speak_up_refresher_years": "0",
                "listen_up_refresher_years": "11",
                "follow_up_refresher_years": "two",
                "new_starter_due_days": "0",
                "board_follow_up_due_days": "400",
            },
        )
        .content.decode()
    )
    assert "Ensure this value" not in page and "Enter a whole number." not in page
    for message in [
        "The Speak Up refresher period must be at least 1 year, or leave it empty",
        "The Listen Up refresher period must be 10 years or fewer",
        "The Follow Up refresher period must be a whole number of years, like 3",
        "The number of days new starters have must be at least 1 day",
        "The number of days board members have for Follow Up must be 365 days or fewer",
    ]:
        assert message in page


def test_listen_up_from_band_is_chosen_from_the_agenda_for_change_bands(client_as, organisation):
    from speakup.training.models import TrainingPolicy

    client = client_as(Role.ORGANISATION_ADMIN)
    page = client.get("/training/organisations/TST01/policy/").content.decode()
    bands = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page)
    assert [text for _, text in bands][1:] == [
        "Band 1 (every worker on a band)",
        "Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7",
        "Band 8a", "Band 8b", "Band 8c", "Band 8d", "Band 9", "Very senior managers (VSM)",
    ]  # fmt: skip
    refused = client.post(
        "/training/organisations/TST01/policy/", {**POLICY, "listen_up_from_band": "<b>x</b>"}
    ).content.decode()
    assert "Choose a band from the list, or no band" in refused
    assert not TrainingPolicy.objects.exists()
    client.post("/training/organisations/TST01/policy/", {**POLICY, "listen_up_from_band": "8a"})
    assert TrainingPolicy.objects.get().listen_up_from_band == "8a"
    page = client.get("/training/organisations/TST01/policy/").content.decode()
    assert re.search(r'<option value="8a"\s+selected', page)
    client.post("/training/organisations/TST01/policy/", {**POLICY, "listen_up_from_band": "VSM"})
    page = client.get("/training/organisations/TST01/policy/").content.decode()
    assert re.search(r'<option value="VSM"\s+selected', page)


def test_a_policy_from_band_1_up_shows_band_1_and_saving_keeps_it(client_as, organisation):
    from speakup.training.models import TrainingPolicy

    TrainingPolicyFactory(organisation=organisation, listen_up_from_band="1")
    client = client_as(Role.ORGANISATION_ADMIN)
    page = client.get("/training/organisations/TST01/policy/").content.decode()
    chosen = re.findall(r'<option value="([^"]*)"\s+selected[^>]*>([^<]*)</option>', page)
    assert chosen == [("1", "Band 1 (every worker on a band)")]
    client.post(
        "/training/organisations/TST01/policy/", {**POLICY, "listen_up_from_band": chosen[0][0]}
    )
    assert TrainingPolicy.objects.get().listen_up_from_band == "1"


def test_only_admins_change_the_policy(client_as, organisation):
    assert (
        client_as(Role.BOARD_MEMBER).get("/training/organisations/TST01/policy/").status_code == 404
    )


def test_the_csv_export_opens_in_excel_with_accented_names_intact(client_as, organisation, trust):
    """Excel on Windows reads a CSV without a byte order mark as Windows-1252: "Zoë" would show
    as "ZoÃ«". The download starts with the UTF-8 byte order mark, which Excel takes as UTF-8."""
    StaffRecordFactory(organisation=organisation, first_name="Zoë", last_name="O'Brien-Ñúñez")
    response = client_as(Role.GUARDIAN).get("/training/organisations/TST01/compliance.csv")
    assert response.content.startswith(codecs.BOM_UTF8)
    assert response.content.count(codecs.BOM_UTF8) == 1
    assert "Zoë O'Brien-Ñúñez" in response.content.decode("utf-8-sig")


# Last names as a reader looks for them: accents and case ignored.
IN_NAME_ORDER = ["Zoë Ångström-Éclair", "Dai Davies", "anna de Vries", "Öz Ölander", "Sam Smith"]


def _people(organisation, **fields) -> None:
    for number, name in enumerate(["Sam Smith", "Öz Ölander", "anna de Vries", "Dai Davies",
                                   "Zoë Ångström-Éclair"]):  # fmt: skip
        first, last = name.split(" ", 1)
        StaffRecordFactory(
            organisation=organisation, employee_number=f"90{number}", first_name=first,
            last_name=last, **fields,
        )  # fmt: skip


def test_the_csv_lists_accented_names_in_order_with_the_accents_ignored(client_as, organisation):
    """ "Zoë Ångström-Éclair" came after "Smith", and "de Vries" after every capital."""
    _people(organisation)
    StaffRecordFactory(organisation=organisation, first_name="李", last_name="小龍")
    response = client_as(Role.GUARDIAN).get("/training/organisations/TST01/compliance.csv")
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert [row["Name"] for row in rows] == [*IN_NAME_ORDER, "李 小龍"]


def test_the_boards_table_lists_accented_names_in_order_with_the_accents_ignored(
    client_as, organisation
):
    _people(organisation, is_board_member=True)
    page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content.decode()
    board = page.split('<table class="nhsuk-table" aria-labelledby="board-heading">')[1]
    named = re.findall(r'<th scope="row">([^<]*)</th>', board.split("</table>")[0])
    assert [html.unescape(name) for name in named] == IN_NAME_ORDER


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_half_percent_rounds_up_in_the_tables_and_charts(client_as, organisation):
    """42 of 80 showed as 52% and 5 of 8 as 62%: Python's round() sends a half to the even."""
    for number in range(80):
        record = StaffRecordFactory(
            organisation=organisation,
            staff_group="Estates and Ancillary" if number < 8 else "Administrative and Clerical",
        )
        if number < 5 or 8 <= number < 45:  # 5 of the 8 estates staff, 42 of all 80
            CompletionFactory(staff_record=record, completed_on=datetime.date(2025, 3, 1))
    page = client_as(Role.GUARDIAN).get("/training/organisations/TST01/").content.decode()
    modules_chart, modules_table = page.split('<div class="speakup-chart-pair">')[1].split(
        'class="speakup-chart-pair__table"'
    )
    assert "<td>53%</td>" in modules_table and "53%" in _chart_svg(modules_chart)
    groups = page.split('<div class="speakup-chart-pair">')[2].split("</table>")[0]
    estates = groups.split("Estates and Ancillary")[1].split("</tr>")[0]
    assert "63%" in estates and "62%" not in page and "52%" not in page


def _cells(row: str) -> list[str]:
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in cells]


@time_machine.travel(datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC), tick=False)
def test_numbers_over_999_have_commas_in_the_dashboards_tables_and_the_policy_page(
    client_as, organisation
):
    """A tester's roster read "Speak Up | 30004 | 0 | 1 | 30003" and "0% (0 of 7500)" on the
    dashboard, where the import's result and the national view write 30,004."""
    from speakup.training.models import Completion

    workers = StaffRecord.objects.bulk_create(
        StaffRecordFactory.build_batch(1234, organisation=organisation, is_board_member=True)
    )
    Completion.objects.bulk_create(
        CompletionFactory.build(staff_record=worker, completed_on=datetime.date(2025, 1, 10))
        for worker in workers[:1001]
    )
    client = client_as(Role.GUARDIAN)
    page = client.get("/training/organisations/TST01/").content.decode()
    rows = [_cells(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)]
    assert ["Speak Up", "1,234", "1,001", "0", "233", "0", "81%"] in rows
    assert [
        "Administrative and Clerical",
        "1,234",
        "81% (1,001 of 1,234)",
        "0% (0 of 1,234)",
        "0% (0 of 1,234)",
    ] in rows
    assert "0 of 1,234 board members have completed Follow Up" in page

    admin = client_as(Role.ORGANISATION_ADMIN)
    page = admin.post(
        "/training/organisations/TST01/policy/", {**UNCHANGED, "speak_up_refresher_years": "1"}
    ).content.decode()
    assert "This change would make 1,001 workers overdue or expired at once" in page
    assert ["Speak Up", "0", "1,001"] in [
        _cells(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    ]


def test_a_board_member_gives_the_second_factor_before_downloading_the_roster(
    client, person_with_role, trust
):
    """Board members sign in with a password alone; every worker's names need more. Once the
    code is given they are back on the dashboard, told to download again: sent on to the file,
    the browser stayed on the code page, which went on asking for the code."""
    from speakup.core.two_factor import current_code, enrol_confirmed_device

    board_member = person_with_role(Role.BOARD_MEMBER)
    device = enrol_confirmed_device(board_member)
    client.force_login(board_member)
    assert client.get("/training/organisations/TST01/").status_code == 200
    response = client.get("/training/organisations/TST01/compliance.csv")
    assert response.status_code == 302
    assert response.url.startswith("/account/two-factor/?next=")
    asked = " ".join(client.get(response.url).content.decode().split())
    assert "Downloading your workers&#39; names (their compliance, or the leavers) needs a" in asked
    given = client.post(response.url, {"code": current_code(device)}, follow=True)
    assert given.redirect_chain[-1][0] == "/training/organisations/TST01/?code-given-for=download"
    told = " ".join(given.content.decode().split())
    assert "Your security code is accepted. Choose “Download every worker&#39;s compliance" in told
    response = client.get("/training/organisations/TST01/compliance.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_the_upload_page_says_yes_and_no_are_read_too(client_as, organisation):
    """It said "Yes/no columns take Y or N", though the import reads Yes and No as well."""
    page = client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/roster/")
    assert "Yes/no columns take Y or N (Yes or No too)." in page.content.decode()


def test_a_few_complete_of_many_is_under_1_percent_not_0(client_as, organisation):
    """A tester read "0% (80 of 90,103)": as if nobody had completed it."""
    done = StaffRecordFactory(organisation=organisation, staff_group="Students")
    CompletionFactory(staff_record=done, module="speak_up", completed_on=datetime.date(2026, 1, 5))
    StaffRecordFactory.create_batch(250, organisation=organisation, staff_group="Students")
    page = client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/").content.decode()
    table = page.split(">Compliance by staff group</h2>")[1].split("</table>")[0]
    assert re.search(r"<td>under 1% <span[^>]*>\(1 of 251\)</span>", table)
    assert "<td>0%" not in table


def _dashboard_table(client, heading: str) -> str:
    page = client.get("/training/organisations/TST01/").content.decode()
    """The table under `heading`, without the chart beside it."""
    after = page.split(f">{heading}</h2>")[1]
    return after[after.index("<table") : after.index("</table>")]


def _speak_up_by_row(table: str) -> list[str]:
    """The Speak Up cell (the first after the row's heading) of each row of a table of shares."""
    return re.findall(r'<th scope="row">[^<]*</th>\s*<td>([^<]*?)(?: <span|</td>)', table)


@time_machine.travel(datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.UTC), tick=False)
def test_a_few_complete_of_many_is_under_1_percent_in_the_trend_too(client_as, organisation):
    """The trend's table, the chart's figures, still said "0%" at every month end and today."""
    done = StaffRecordFactory(organisation=organisation)
    CompletionFactory(staff_record=done, module="speak_up", completed_on=datetime.date(2026, 1, 5))
    StaffRecordFactory.create_batch(250, organisation=organisation)

    trend = _dashboard_table(client_as(Role.ORGANISATION_ADMIN), "Trend, month by month")
    assert _speak_up_by_row(trend) == ["under 1%"] * 6
    # With the counts it is of, as every other table on the page gives them.
    assert trend.count('<td>under 1% <span class="nhsuk-body-s">(1 of 251)</span>') == 6


@time_machine.travel(datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.UTC), tick=False)
def test_all_but_a_few_of_many_complete_is_over_99_percent_not_100(client_as, organisation):
    """250 of 251 rounds to 100%, which reads as everyone: the tables say "over 99%"."""
    workers = StaffRecordFactory.create_batch(
        251, organisation=organisation, staff_group="Students"
    )
    for worker in workers[1:]:
        CompletionFactory(staff_record=worker, completed_on=datetime.date(2026, 1, 5))
    client = client_as(Role.ORGANISATION_ADMIN)

    modules = _dashboard_table(client, "Compliance by module")
    speak_up = modules.split('<th scope="row">Speak Up</th>')[1].split("</tr>")[0]
    assert "<td>over 99%</td>" in speak_up
    by_group = _dashboard_table(client, "Compliance by staff group")
    assert re.search(r"<td>over 99% <span[^>]*>\(250 of 251\)</span>", by_group)
    trend = _dashboard_table(client, "Trend, month by month")
    assert _speak_up_by_row(trend) == ["over 99%"] * 6
    assert trend.count('<td>over 99% <span class="nhsuk-body-s">(250 of 251)</span>') == 6
    assert "100%" not in modules + by_group + trend
