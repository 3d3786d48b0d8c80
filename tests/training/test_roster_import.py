"""Importing a staff roster: every bad row listed, nothing half-applied, idempotent."""

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from speakup.training.models import StaffRecord
from speakup.training.roster.importing import staff_import
from tests.organisations.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HEADER = (
    "Employee Number,First Name,Last Name,Email,Staff Group,Job Role,Directorate,Band,"
    "Line Manager (Y/N),Senior Leader (Y/N),Board Member (Y/N),Assignment Start,Assignment End"
)
EVERY_COLUMN = HEADER + ",Line Manager Employee Number"  # a file that gives no column warning
ADA = (
    "1001,Ada,Ashdown,ada@fictional.test,Nursing and Midwifery Registered,Staff Nurse,"
    "Surgery,Band 5,N,N,N,2021-03-01,"
)
BRYN = "1002,Bryn,Birchley,,Medical and Dental,Consultant,Medicine,Consultant,Y,N,N,01/09/2019,"
CORA = (
    "1003,Cora,Calloway,cora@fictional.test,Administrative and Clerical,Chair,Board,,"
    "N,Y,Y,2018-04-01,"
)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


def csv_file(*lines, header=HEADER, encoding="utf-8"):
    return io.BytesIO(("\r\n".join([header, *lines]) + "\r\n").encode(encoding))


def test_a_roster_is_imported_with_every_column(organisation):
    result = staff_import(organisation=organisation, file=csv_file(ADA, BRYN, CORA))
    assert result.imported and result.created == 3 and not result.errors
    bryn = StaffRecord.objects.get(employee_number="1002")
    assert bryn.full_name == "Bryn Birchley"
    assert bryn.is_line_manager and not bryn.is_board_member
    assert bryn.assignment_start == datetime.date(2019, 9, 1)
    cora = StaffRecord.objects.get(employee_number="1003")
    assert cora.is_senior_leader and cora.is_board_member and cora.active
    assert "3 rows read: 3 workers added" in result.summary()


def test_headers_are_matched_whatever_their_case_and_order(organisation):
    header = (
        "LAST NAME,employee number,first name,staff group,line manager,senior leader,"
        "board member,assignment start"
    )
    result = staff_import(
        organisation=organisation,
        file=csv_file("Ashdown,1001,Ada,Students,N,N,N,2024-09-01", header=header),
    )
    assert result.imported
    assert StaffRecord.objects.get().first_name == "Ada"


def test_reimporting_the_same_file_changes_nothing(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA, BRYN, CORA))
    before = list(StaffRecord.objects.order_by("pk").values())
    result = staff_import(organisation=organisation, file=csv_file(ADA, BRYN, CORA))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(StaffRecord.objects.order_by("pk").values()) == before


def test_a_changed_row_updates_the_worker(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA))
    result = staff_import(organisation=organisation, file=csv_file(ADA.replace("Band 5", "Band 6")))
    assert result.updated == 1
    assert StaffRecord.objects.get().band == "Band 6"


def test_a_worker_is_linked_to_their_account_by_email(organisation):
    ada = UserFactory(email="ada@fictional.test")
    staff_import(organisation=organisation, file=csv_file(ADA))
    assert StaffRecord.objects.get().user == ada


def test_a_full_roster_makes_missing_workers_leavers_without_deleting_them(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA, BRYN, CORA))
    result = staff_import(organisation=organisation, file=csv_file(ADA, CORA), full=True)
    assert result.left == 1
    assert StaffRecord.objects.count() == 3
    assert not StaffRecord.objects.get(employee_number="1002").active


def test_without_full_missing_workers_stay_active(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA, BRYN))
    staff_import(organisation=organisation, file=csv_file(ADA))
    assert StaffRecord.objects.filter(active=True).count() == 2


def test_a_worker_whose_assignment_ended_is_a_leaver(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA.rstrip(",") + ",2025-01-31"))
    assert not StaffRecord.objects.get().active


def test_every_bad_row_is_listed_and_nothing_is_imported(organisation):
    bad = [
        ADA,
        "1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,",  # no first name
        "1005,Esme,Ellery,not-an-email,Students,,,,N,N,N,2024-01-01,",
        "1006,Finn,Fairweather,,Students,,,,maybe,N,N,2024-01-01,",
        "1007,Gita,Greystone,,Students,,,,N,N,N,31/02/2024,",  # impossible date
        "1008,Hal,Hollins,,Students,,,,N,N,N,2030-01-01,",  # in the future
        "1001,Ada,Again,,Students,,,,N,N,N,2024-01-01,",  # duplicate number
    ]
    result = staff_import(organisation=organisation, file=csv_file(*bad))
    assert not result.imported
    assert StaffRecord.objects.count() == 0
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "First Name"),
        (4, "Email"),
        (5, "Line Manager (Y/N)"),
        (6, "Assignment Start"),
        (7, "Assignment Start"),
        (8, "Employee Number"),
    }
    reasons = {e.row: e.reason for e in result.errors}
    assert "not a real date" in reasons[6]
    assert "1 January 2030 is in the future" in reasons[7]
    assert "already on row 2" in reasons[8]
    assert "Nothing was imported: 6 of 7 rows have problems" in result.summary()


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(organisation):
    bad = "1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,"
    result = staff_import(
        organisation=organisation, file=csv_file(ADA, bad, BRYN), skip_invalid=True
    )
    assert result.imported and result.created == 2 and result.skipped == 1
    assert [str(e) for e in result.errors] == ["row 3, First Name is empty"]


def test_a_failed_import_leaves_an_earlier_roster_untouched(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA))
    staff_import(
        organisation=organisation,
        file=csv_file(ADA.replace("Ada", "Adah"), "1009,,X,,Students,,,,N,N,N,2024-01-01,"),
        full=True,
    )
    record = StaffRecord.objects.get()
    assert record.first_name == "Ada" and record.active


def test_missing_required_columns_give_one_error_naming_them(organisation):
    result = staff_import(
        organisation=organisation,
        file=csv_file("1001,Ada", header="Employee Number,First Name"),
    )
    assert not result.imported
    assert len(result.errors) == 1
    reason = result.errors[0].reason
    assert reason.startswith(
        "The file is missing these columns: Last Name, Staff Group, Line Manager (Y/N),"
    )
    assert "Assignment Start" in reason and "Employee Number" not in reason
    assert result.summary().startswith("Nothing was imported: the file is missing these columns")


def test_the_command_says_once_which_columns_a_file_is_missing(organisation, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_file("1001,Ada", header="Employee Number,First Name").getvalue())
    with pytest.raises(CommandError) as refused:
        call_command("import-staff", str(path), "--organisation", "TST01")
    message = str(refused.value)
    assert message.startswith("Nothing was imported: the file is missing these columns: Last Name")
    assert "file:" not in message and message.count("Nothing was imported") == 1
    assert "missing" not in capsys.readouterr().err  # said once, not listed as a row too


def test_the_command_counts_the_rows_it_does_not_list_not_their_problems(
    organisation, tmp_path, capsys
):
    """It listed the first thousand problems, then subtracted them from the rows with problems:
    of 600 rows with two problems each it said nothing of the 100 rows left unlisted."""
    rows = [f"{2000 + n},,Dunmore,not-an-email,Students,,,,N,N,N,2024-01-01," for n in range(600)]
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_file(*rows).getvalue())
    with pytest.raises(CommandError):
        call_command("import-staff", str(path), "--organisation", "TST01")
    err = capsys.readouterr().err
    assert err.count("First Name") == err.count("Email") == 500
    assert "  ... and 100 more rows with problems, not listed" in err


def test_utf8_with_a_byte_order_mark_is_read(organisation):
    file = io.BytesIO(
        b"\xef\xbb\xbf" + csv_file(ADA.replace("Ada", "Zoë") + ",", header=EVERY_COLUMN).getvalue()
    )
    result = staff_import(organisation=organisation, file=file)
    assert result.imported and not result.warnings
    assert StaffRecord.objects.get().first_name == "Zoë"


def test_windows_1252_is_read_with_a_warning(organisation):
    result = staff_import(
        organisation=organisation, file=csv_file(ADA.replace("Ada", "Zoë"), encoding="cp1252")
    )
    assert result.imported
    assert StaffRecord.objects.get().first_name == "Zoë"
    assert "Windows-1252" in result.warnings[0]


def test_a_file_neither_utf8_nor_windows_1252_is_refused_with_one_clear_error(organisation):
    # 0x81 and 0x8D are in no UTF-8 sequence and mean nothing in Windows-1252.
    file = io.BytesIO(
        HEADER.encode() + b"\r\n1001,Ada\x81\x8d,Ashdown,,Students,,,,N,N,N,2024-01-01,\r\n"
    )
    result = staff_import(organisation=organisation, file=file)
    assert not result.imported
    assert [(e.row, e.reason) for e in result.errors] == [
        (
            0,
            "The file's characters cannot be read: it is neither UTF-8 nor Windows-1252. "
            "Save it from your spreadsheet as CSV UTF-8 and try again.",
        )
    ]
    assert not StaffRecord.objects.exists()


@pytest.mark.parametrize(("separator", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_file_not_separated_by_commas_is_told_so_not_that_every_column_is_missing(
    organisation, separator, name
):
    file = csv_file(ADA.replace(",", separator), header=HEADER.replace(",", separator))
    result = staff_import(organisation=organisation, file=file)
    assert result.summary() == (
        f"Nothing was imported: the file's columns are separated by {name}, not commas. Save it "
        "from your spreadsheet as CSV (comma separated) and try again."
    )
    assert result.warnings == []  # not its one long "column" named as one speakup does not read
    assert not StaffRecord.objects.exists()


def test_a_completions_file_separated_by_semicolons_is_told_so(organisation, tmp_path):
    path = tmp_path / "completions.csv"
    path.write_text("Employee Number;Organisation;Module;Completed On\n1001;TST01;speak_up;\n")
    with pytest.raises(CommandError) as refused:
        call_command("import-completions", str(path))
    assert "the file's columns are separated by semicolons, not commas" in str(refused.value)


def test_a_utf16_file_is_refused_naming_its_encoding_with_no_windows_1252_warning(
    client_as, organisation
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from speakup.organisations.roles import Role

    # Excel's "Unicode Text": UTF-16 with a byte-order mark.
    upload = SimpleUploadedFile("roster.csv", csv_file(ADA).getvalue().decode().encode("utf-16"))
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post("/training/organisations/TST01/roster/", {"file": upload})
    page = client.get(response.url).content.decode()
    assert "Nothing was imported" in page
    assert (
        "The file is saved as UTF-16 (Unicode text), which cannot be read here. Save it from "
        "your spreadsheet as CSV UTF-8 and try again." in page
    )
    assert "Windows-1252" not in page and "NUL" not in page
    assert not StaffRecord.objects.exists()


def test_unknown_staff_groups_are_kept_as_given_and_flagged(organisation):
    result = staff_import(
        organisation=organisation,
        file=csv_file(ADA.replace("Nursing and Midwifery Registered", "Porters")),
    )
    assert result.imported
    record = StaffRecord.objects.get()
    assert record.staff_group == "Porters" and not record.staff_group_recognised
    assert result.unknown_staff_groups == {"Porters": 1}
    assert "Porters (row 2)" in result.warnings[-1]


@pytest.mark.usefixtures("each_import_path")
def test_a_staff_group_in_another_case_is_recognised_and_stored_in_esr_spelling(organisation):
    result = staff_import(
        organisation=organisation,
        file=csv_file(
            ADA.replace("Nursing and Midwifery Registered", "nursing and midwifery registered"),
            BRYN.replace(BRYN.split(",")[4], "ADMINISTRATIVE  AND CLERICAL"),
            CORA.replace("Administrative and Clerical", "Add Prof Scientific and Technic"),
        ),
    )
    assert result.imported and not result.unknown_staff_groups
    groups = StaffRecord.objects.order_by("employee_number").values_list(
        "staff_group", "staff_group_recognised"
    )
    assert list(groups) == [
        ("Nursing and Midwifery Registered", True),
        ("Administrative and Clerical", True),
        ("Additional Professional Scientific and Technical", True),  # ESR's own shortening
    ]


def test_an_empty_file_is_a_clear_error(organisation):
    result = staff_import(organisation=organisation, file=io.BytesIO(b""))
    assert not result.imported and "empty" in result.errors[0].reason


def test_rows_can_be_given_as_dicts(organisation):
    rows = [
        {
            "Employee Number": "1",
            "First Name": "Ada",
            "Last Name": "Ashdown",
            "Staff Group": "Students",
            "Line Manager": "N",
            "Senior Leader": "N",
            "Board Member": "N",
            "Assignment Start": "2024-01-01",
        }
    ]
    assert staff_import(organisation=organisation, rows=rows).created == 1


def test_large_files_are_written_in_batches(organisation, monkeypatch):
    monkeypatch.setattr("speakup.training.roster.row_by_row.BATCH_SIZE", 7)
    lines = [f"{2000 + n},W{n},Fictional,,Students,,,,N,N,N,2024-01-01," for n in range(50)]
    result = staff_import(organisation=organisation, file=csv_file(*lines))
    assert result.created == 50
    again = staff_import(organisation=organisation, file=csv_file(*lines), full=True)
    assert again.unchanged == 50 and again.left == 0


def test_a_reimport_that_changes_many_workers_writes_each_change_and_only_theirs(organisation):
    """The row-by-row path (every database but PostgreSQL) writes changed workers by one UPDATE
    run for each (docs/training.md gives the timings: a timed test would fail on a busy
    machine, so speed is measured by hand, not here)."""
    lines = [
        f"{20000 + n},W{n},Fictional,,Students,,,Band 5,N,N,N,2024-01-01," for n in range(2500)
    ]
    staff_import(organisation=organisation, file=csv_file(*lines))
    changed = [
        line.replace("Band 5", "Band 6").replace(",N,N,N,", ",Y,N,N,") if n % 2 else line
        for n, line in enumerate(lines)
    ]
    result = staff_import(organisation=organisation, file=csv_file(*changed))
    assert (result.updated, result.unchanged) == (1250, 1250)
    assert StaffRecord.objects.filter(band="Band 6", is_line_manager=True).count() == 1250
    assert StaffRecord.objects.filter(band="Band 5", is_line_manager=False).count() == 1250
    odd = StaffRecord.objects.get(employee_number="20001")
    assert (odd.first_name, odd.band, odd.is_line_manager) == ("W1", "Band 6", True)


def test_the_command_imports_a_file_and_reports(organisation, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_file(ADA, BRYN).getvalue())
    call_command("import-staff", str(path), "--organisation", "tst01")
    assert "2 workers added" in capsys.readouterr().out


def test_the_command_lists_bad_rows_and_fails(organisation, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_file(ADA, "1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,").getvalue())
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-staff", str(path), "--organisation", "TST01")
    assert "row 3, First Name is empty" in capsys.readouterr().err
    assert StaffRecord.objects.count() == 0


def test_the_command_with_skip_invalid_imports_the_good_rows(organisation, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_file(ADA, "1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,").getvalue())
    call_command("import-staff", str(path), "--organisation", "TST01", "--skip-invalid")
    assert StaffRecord.objects.count() == 1


def test_the_command_names_an_unknown_organisation(db, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_file(ADA).getvalue())
    with pytest.raises(CommandError, match="no organisation with ODS code NOPE1"):
        call_command("import-staff", str(path), "--organisation", "NOPE1")


def test_a_link_made_by_hand_stays_when_the_file_gives_no_email(organisation):
    staff_import(organisation=organisation, file=csv_file(BRYN))
    bryn = UserFactory(email="bryn@fictional.test")
    StaffRecord.objects.update(user=bryn)
    result = staff_import(organisation=organisation, file=csv_file(BRYN))
    assert result.unchanged == 1
    assert StaffRecord.objects.get().user == bryn


def test_a_full_roster_with_skipped_rows_keeps_those_workers(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA, BRYN))
    bryn_with_a_typo = BRYN.replace("01/09/2019", "31/09/2019")
    result = staff_import(
        organisation=organisation,
        file=csv_file(ADA, bryn_with_a_typo),
        full=True,
        skip_invalid=True,
    )
    assert result.imported and result.skipped == 1 and result.left == 0
    assert StaffRecord.objects.filter(active=True).count() == 2


def test_an_email_too_long_for_the_roster_is_a_row_problem(organisation):
    long_email = "a" * 250 + "@fictional.test"
    result = staff_import(
        organisation=organisation, file=csv_file(ADA.replace("ada@fictional.test", long_email))
    )
    assert not result.imported
    assert [str(e) for e in result.errors] == ["row 2, Email is longer than 254 characters"]


def test_spaces_around_values_are_ignored(organisation):
    spaced = ",".join(f"  {cell}\t" for cell in ADA.split(","))
    result = staff_import(organisation=organisation, file=csv_file(spaced))
    assert result.imported
    ada = StaffRecord.objects.get()
    assert (ada.employee_number, ada.email) == ("1001", "ada@fictional.test")


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("5", "Band 5"),
        ("band 5", "Band 5"),
        ("BAND 5", "Band 5"),
        ("Band5", "Band 5"),
        ("8d", "Band 8d"),
        ("Band 8D", "Band 8d"),
        ("9", "Band 9"),
        ("vsm", "VSM"),
        ("Consultant", "Consultant"),
        ("Band 10", "Band 10"),
    ],
)
def test_bands_are_written_one_way_and_unknown_ones_kept_as_given(organisation, written, kept):
    result = staff_import(organisation=organisation, file=csv_file(ADA.replace("Band 5", written)))
    assert result.imported
    assert StaffRecord.objects.get().band == kept


def test_progress_is_reported_up_to_the_whole_file(organisation, monkeypatch):
    monkeypatch.setattr("speakup.training.roster.importing.BATCH_SIZE", 10)
    lines = [f"{3000 + n},W{n},Fictional,,Students,,,,N,N,N,2024-01-01," for n in range(40)]
    file = csv_file(*lines)
    seen = []
    staff_import(organisation=organisation, file=file, on_progress=lambda *pair: seen.append(pair))
    size = len(file.getvalue())
    assert len(seen) > 2
    assert seen[-1] == (size, size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_worker_names_their_line_manager_by_employee_number(organisation):
    header = EVERY_COLUMN
    result = staff_import(
        organisation=organisation, file=csv_file(ADA + ",1002", BRYN + ",", header=header)
    )
    assert result.imported and not result.errors
    assert StaffRecord.objects.get(employee_number="1001").line_manager_number == "1002"
    assert StaffRecord.objects.get(employee_number="1002").line_manager_number == ""


def test_a_worker_cannot_be_their_own_line_manager(organisation):
    header = EVERY_COLUMN
    result = staff_import(organisation=organisation, file=csv_file(ADA + ",1001", header=header))
    assert not result.imported
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "Line Manager Employee Number", "is the worker's own employee number")
    ]


EVERY_PROBLEM = [
    ADA + ",",
    "1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,,",
    "1005,Esme,Ellery,not-an-email,Students,,,,N,N,N,2024-01-01,,",
    "1006,Finn,Fairweather,,Students,,,,maybe,N,N,2024-01-01,,",
    "1007,Gita,Greystone,,Students,,,,N,N,N,31/02/2024,,",
    "1008,Hal,Hollins,,Students,,,,N,N,N,2030-01-01,,",
    "1001,Ada,Again,,Students,,,,N,N,N,2024-01-01,,",
    "1009,Ivo,Ingram,,Students,,,,N,N,N,2024-01-01,2023-01-01,",
    "1010,Jo,Jessop,,Porters,,,,Y,N,N,1850-01-01,,",
    ",,,,,,,,,,,,,",
    "1004,Kai,,,,,,,x,y,z,,,",
    BRYN + ",",
    "1011,Lia,Lowe,,Students,,,,N,N,N,2024-01-01,,1011",
    "1012,Max,Mayhew,,Students,,,band 8D,N,N,N,2024-01-01,,1002",
    "1016,Quin,Quarry,,Students,Nurse, Ward 5,Surgery,,N,N,N,2024-01-01,,",  # a comma unquoted
    "1017,Rae,Reid,,Students,,,,N,N,N,2024-01-01",  # two values short
]


# A file after EVERY_PROBLEM's, without some columns and with one misspelt ("Job Roles"): what
# the roster has in them stays, unless an end is before a new start (Nia has come back). Pip's
# line manager is nobody on the roster.
FEWER_COLUMNS = (
    "Employee Number,First Name,Last Name,Staff Group,Job Roles,Line Manager (Y/N),"
    "Senior Leader (Y/N),Board Member (Y/N),Assignment Start,Line Manager Employee Number"
)
FEWER = [
    "1002,Bryn,Birchley,Medical and Dental,Surgeon,Y,N,N,01/09/2019,1003",
    "1003,Cora,Calloway,Administrative and Clerical,Chief,N,Y,Y,2018-04-01,",
    "1012,Max,Mayhew,Students,,N,N,N,2024-01-01,",
    "1013,Nia,Nash,Students,,N,N,N,2025-03-01,",
    "1014,Oki,Okafor,Students,,N,N,N,2025-03-01,1002",
    "1015,Pip,Price,Students,,N,N,N,2025-03-01,9999",  # a line manager nobody is
]
NIA_LEFT = "1013,Nia,Nash,,Students,Porter,Estates,Band 2,N,N,N,2020-01-01,2024-12-31"


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_both_import_paths_give_the_same_result(organisation, monkeypatch, skip_invalid):
    """On PostgreSQL rows go through COPY and SQL; elsewhere through the ORM. Same outcome."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the COPY path exists on PostgreSQL only")
    outcomes = []
    fields = ["employee_number", "first_name", "email", "active", "assignment_end", "band"]
    fields += ["line_manager_number", "is_line_manager", "line_manager_since"]
    fields += ["is_senior_leader", "senior_leader_since", "board_member_since", "band_since"]
    fields += ["job_role", "directorate", "assignment_start"]
    for staged in (True, False):
        monkeypatch.setattr("speakup.training.roster.staging.usable", lambda staged=staged: staged)
        # Bryn is not yet a line manager: the file below makes him one (a promotion).
        staff_import(
            organisation=organisation,
            file=csv_file(CORA, BRYN.replace(",Y,N,N,", ",N,N,N,"), NIA_LEFT),
        )
        outcome = []
        for file, full in (
            (csv_file(*EVERY_PROBLEM, header=EVERY_COLUMN), True),
            (csv_file(*FEWER, header=FEWER_COLUMNS), False),
        ):
            result = staff_import(
                organisation=organisation, file=file, full=full, skip_invalid=skip_invalid
            )
            roster = StaffRecord.objects.order_by("employee_number").values_list(*fields)
            outcome.append((result.as_dict(), list(roster)))
        outcomes.append(outcome)
        StaffRecord.objects.all().delete()
    assert outcomes[0] == outcomes[1]
    (every_problem, after), (fewer, last) = outcomes[0]
    assert every_problem["bad_rows"] == 12
    if skip_invalid:  # both paths write a band the one way, and the day Bryn's role began
        roster = {row[0]: dict(zip(fields, row, strict=True)) for row in after}
        assert roster["1012"]["band"] == "Band 8d"
        assert roster["1002"]["line_manager_since"] == datetime.date(2025, 6, 1)
    roster = {row[0]: dict(zip(fields, row, strict=True)) for row in last}
    assert "Job Roles" in fewer["warnings"][0]
    assert fewer["created"] == (2 if skip_invalid else 3)  # Oki, Pip (and Max, if not before)
    assert fewer["unknown_line_managers"] == {"9999": [7, 1]}
    assert roster["1003"]["job_role"] == "Chair" and roster["1002"]["directorate"] == "Medicine"
    assert roster["1013"]["active"] and roster["1013"]["band"] == "Band 2"


@pytest.fixture(params=["staged", "row by row"])
def each_import_path(request, monkeypatch):
    """Both ways a roster is written: COPY and SQL (PostgreSQL only), and batches of the ORM."""
    from django.db import connection

    staged = request.param == "staged"
    if staged and connection.vendor != "postgresql":
        pytest.skip("the COPY path exists on PostgreSQL only")
    monkeypatch.setattr("speakup.training.roster.staging.usable", lambda: staged)


@pytest.mark.usefixtures("each_import_path")
def test_a_whole_roster_with_no_workers_is_refused_and_nobody_becomes_a_leaver(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA, BRYN, CORA))
    result = staff_import(organisation=organisation, file=csv_file("", ""), full=True)
    assert not result.imported
    assert result.summary() == (
        "Nothing was imported: the file has no workers in it. As a whole roster it would mark "
        "all 3 workers as leavers."
    )
    assert StaffRecord.objects.filter(active=True).count() == 3


@pytest.mark.usefixtures("each_import_path")
def test_a_whole_roster_whose_rows_are_all_skipped_is_refused(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA, BRYN, CORA))
    result = staff_import(
        organisation=organisation,
        file=csv_file("1001,,Ashdown,,Students,,,,N,N,N,2024-01-01,"),
        full=True,
        skip_invalid=True,
    )
    assert not result.imported
    assert result.failure() == (
        "Every row has a problem. As a whole roster it would mark 2 of its 3 workers as leavers."
    )
    assert [str(error) for error in result.row_errors] == ["row 2, First Name is empty"]
    assert StaffRecord.objects.filter(active=True).count() == 3


@pytest.mark.usefixtures("each_import_path")
def test_a_part_roster_with_no_workers_is_refused_and_changes_nothing(organisation):
    staff_import(organisation=organisation, file=csv_file(ADA))
    result = staff_import(organisation=organisation, file=csv_file())
    assert not result.imported
    assert result.summary() == "Nothing was imported: the file has no workers in it."
    assert StaffRecord.objects.filter(active=True).count() == 1


@pytest.mark.usefixtures("each_import_path")
def test_skipping_bad_rows_when_every_row_is_bad_is_refused_not_a_success(organisation):
    """'0 workers added' under a success banner would hide that the whole file was wrong."""
    result = staff_import(
        organisation=organisation,
        file=csv_file(ADA.replace("Ada", ""), BRYN.replace(",Y,N,N,", ",maybe,N,N,")),
        skip_invalid=True,
    )
    assert not result.imported and result.created == 0
    assert result.summary() == (
        "Nothing was imported: every row has a problem, so there is nothing to import. Correct "
        "the rows and import the file again."
    )
    assert len(result.row_errors) == 2
    assert StaffRecord.objects.count() == 0


def test_the_command_refuses_a_whole_roster_of_only_a_header(organisation, tmp_path):
    staff_import(organisation=organisation, file=csv_file(ADA, BRYN))
    path = tmp_path / "headeronly.csv"
    path.write_bytes(csv_file().getvalue())
    with pytest.raises(CommandError, match="would mark all 2 workers as leavers"):
        call_command("import-staff", str(path), "--organisation", "TST01", "--full")
    assert StaffRecord.objects.filter(active=True).count() == 2


@pytest.mark.usefixtures("each_import_path")
def test_the_unknown_staff_groups_warned_of_are_this_files_only(organisation):
    staff_import(
        organisation=organisation, file=csv_file(BRYN.replace("Medical and Dental", "Wizards"))
    )
    first = staff_import(
        organisation=organisation,
        file=csv_file(
            ADA.replace("Nursing and Midwifery Registered", "Porters") + ",",
            CORA.replace("Administrative and Clerical", "Porters") + ",",
            header=EVERY_COLUMN,
        ),
    )
    assert first.unknown_staff_groups == {"Porters": 2}
    assert first.warnings == [
        "Staff groups not on the ESR list were kept as written: Porters (rows 2 and 3)."
    ]
    again = staff_import(organisation=organisation, file=csv_file(ADA + ",", header=EVERY_COLUMN))
    assert again.unknown_staff_groups == {} and again.warnings == []


def test_a_value_over_the_csv_field_limit_names_its_row_in_a_plain_sentence(organisation):
    huge = "x" * 131_073
    result = staff_import(organisation=organisation, file=csv_file(ADA, f'1002,"{huge}"'))
    assert not result.imported
    assert result.summary() == (
        "Nothing was imported: row 3 has a value longer than 131,072 characters, so the file "
        "cannot be read."
    )
    assert result.bad_rows <= result.rows_read
    assert StaffRecord.objects.count() == 0


@pytest.mark.parametrize("full", [False, True])
def test_a_quotation_mark_never_closed_refuses_the_file_and_names_its_row(organisation, full):
    """Read leniently, the open quote swallows Cora's row: a whole roster would lose her."""
    staff_import(organisation=organisation, file=csv_file(ADA, BRYN, CORA))
    unclosed = BRYN.replace(",Medical and Dental", ',"Medical and Dental')
    result = staff_import(
        organisation=organisation, file=csv_file(ADA, unclosed, CORA), full=full, skip_invalid=True
    )
    assert not result.imported
    assert result.summary() == (
        'Nothing was imported: row 3 opens a quotation mark (") that is never closed, so the '
        "rest of the file cannot be read."
    )
    assert StaffRecord.objects.filter(active=True).count() == 3


def test_a_nul_character_refuses_the_file_and_names_its_row(organisation):
    """PostgreSQL cannot store one; the file is refused the same way on every database."""
    result = staff_import(
        organisation=organisation, file=csv_file(BRYN, ADA.replace("Ada", "A\x00da"))
    )
    assert result.summary() == (
        "Nothing was imported: row 3 contains a NUL character, so the file cannot be read: save "
        "it again as a CSV file (UTF-8)."
    )
    assert StaffRecord.objects.count() == 0


def test_text_after_a_closing_quotation_mark_refuses_the_file_and_names_its_row(organisation):
    stray = ADA.replace("Staff Nurse", '"Staff" Nurse')
    result = staff_import(organisation=organisation, file=csv_file(BRYN, stray))
    assert result.summary() == (
        'Nothing was imported: row 3 has text straight after a closing quotation mark ("), so '
        "the file cannot be read: put the whole value inside the quotation marks."
    )
    assert StaffRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ([ADA, "1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,"], "1 of 2 rows has a problem"),
        (["1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,"], "1 of 1 row has a problem"),
        (
            ["1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,", "1005,,Eve,,Students,,,,N,N,N,,"],
            "2 of 2 rows have problems",
        ),
    ],
)
def test_the_count_of_rows_with_problems_is_singular_or_plural(organisation, lines, problem):
    result = staff_import(organisation=organisation, file=csv_file(*lines))
    assert result.failure().startswith(problem + ". Correct ")


def test_a_summary_of_one_row_speaks_of_one_row_and_one_worker(organisation):
    result = staff_import(organisation=organisation, file=csv_file(ADA))
    assert result.summary().startswith("1 row read: 1 worker added,")
    skipped = staff_import(
        organisation=organisation,
        file=csv_file(BRYN, "1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,"),
        skip_invalid=True,
    )
    assert skipped.summary().endswith(", 1 row skipped because of problems.")


def test_the_command_tells_of_skip_invalid_and_the_page_of_its_tick_box(organisation, tmp_path):
    from speakup.training.forms import RosterUploadForm

    path = tmp_path / "roster.csv"
    # A good row too: with every row bad, skipping them is not offered.
    path.write_bytes(csv_file(ADA, "1004,,Dunmore,,Students,,,,N,N,N,2024-01-01,").getvalue())
    with pytest.raises(CommandError) as refused:
        call_command("import-staff", str(path), "--organisation", "TST01")
    assert "import it again with --skip-invalid" in str(refused.value)
    assert "choosing" not in str(refused.value)
    with path.open("rb") as file:
        result = staff_import(organisation=organisation, file=file)
    label = RosterUploadForm.base_fields["skip_invalid"].label
    assert f"“{label}” ticked" in result.failure()


def test_the_upload_page_refuses_a_whole_roster_of_only_a_header(client_as, organisation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from speakup.organisations.roles import Role

    staff_import(organisation=organisation, file=csv_file(ADA, BRYN))
    upload = SimpleUploadedFile("roster.csv", csv_file().getvalue(), content_type="text/csv")
    page = (
        client_as(Role.ORGANISATION_ADMIN)
        .post("/training/organisations/TST01/roster/", {"file": upload, "full": "on"}, follow=True)
        .content.decode()
    )
    assert "Nothing was imported" in page
    assert "As a whole roster it would mark all 2 workers as leavers." in page
    assert StaffRecord.objects.filter(active=True).count() == 2


# Every form the import reads, in the words the upload pages and every refusal give.
DATES_READ = (
    "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or with the month's name (1 February 2024, "
    "1 Feb 2024, 1 Sept 2024 or 01-Feb-2024), the day first and the year in full; a time "
    "after the date, as in 2024-02-01 00:00:00, is left aside"
)


@pytest.mark.parametrize(
    "written, reason",
    [
        (
            "31/02/2024",
            "“31/02/2024” is not a real date: dates are read as " + DATES_READ,
        ),
        (
            "12/31/2024",
            "“12/31/2024” is not a real date: dates are read as " + DATES_READ,
        ),
        (
            "01/02/24",
            "“01/02/24” is not written as a date speakup reads: write it as " + DATES_READ,
        ),
        (
            "2024/02/01",
            "“2024/02/01” is not written as a date speakup reads: write it as " + DATES_READ,
        ),
    ],
)
def test_a_date_says_whether_it_is_impossible_or_written_another_way(organisation, written, reason):
    # "01/02/24" is a real date in a way the import does not read: calling it "not a real date"
    # sent people looking for a mistake in the day.
    row = f"1001,Ada,Ash,,Students,,,,N,N,N,{written},"
    result = staff_import(organisation=organisation, file=csv_file(row))
    assert [error.reason for error in result.errors] == [reason]


@pytest.mark.parametrize(
    "written",
    [
        "2024-02-01",
        "01/02/2024",
        "01-02-2024",
        "1 Feb 2024",
        "1 February 2024",
        # As spreadsheets and exports write them: a time after the day, "Sept".
        "2024-02-01 00:00:00",
        "01/02/2024 00:00",
        "2024-02-01T00:00:00",
    ],
)
def test_each_documented_way_of_writing_a_date_is_read(organisation, written):
    result = staff_import(
        organisation=organisation, file=csv_file(f"1001,Ada,Ash,,Students,,,,N,N,N,{written},")
    )
    assert result.imported
    assert StaffRecord.objects.get().assignment_start == datetime.date(2024, 2, 1)


def test_sept_is_read_as_september(organisation):
    result = staff_import(
        organisation=organisation, file=csv_file("1001,Ada,Ash,,Students,,,,N,N,N,1 Sept 2024,")
    )
    assert result.imported
    assert StaffRecord.objects.get().assignment_start == datetime.date(2024, 9, 1)


@pytest.mark.usefixtures("each_import_path")
def test_rows_whose_assignment_end_has_gone_by_are_counted_as_leavers(organisation):
    """A worker added or updated with an end already past is a leaver at once: the result said
    "0 marked as leavers" while the dashboard lost them."""
    result = staff_import(organisation=organisation, file=csv_file(ADA, NIA_LEFT))
    assert result.ended == 1 and result.as_dict()["ended"] == 1
    assert result.summary() == (
        "2 rows read: 2 workers added, 0 updated, 0 unchanged, "
        "1 row with an Assignment End gone by (a leaver). The leaver by their Assignment End is "
        "Nia Nash (1013)."
    )
    assert not StaffRecord.objects.get(employee_number="1013").active


@pytest.mark.usefixtures("each_import_path")
def test_one_email_on_two_active_workers_is_warned_of(organisation):
    """One person under two employee numbers (T0002 and t0002) was imported silently, then
    reminded twice, and their xAPI statements matched two workers."""
    tom = "T0002,Tom,Newstart,tom@fictional.test,Students,,,,N,N,N,2024-01-01,"
    result = staff_import(organisation=organisation, file=csv_file(tom, tom.replace("T0", "t0")))
    assert result.imported
    assert result.warnings[-1] == (
        "Some email addresses are on more than one active worker: tom@fictional.test (employee "
        "numbers T0002, t0002). If they are one person, give them one employee number: until "
        "then each record is reminded, and learning records sent by that address cannot be "
        "matched."
    )
    again = staff_import(organisation=organisation, file=csv_file(ADA))
    assert any("tom@fictional.test" in warning for warning in again.warnings)  # until mended
