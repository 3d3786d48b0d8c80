"""An organisation admin uploads completions from their learning records on a web page: the
import runs as a background job, like a roster upload, and its page shows every bad row."""

import codecs
import datetime
import html

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.training import services, tasks, uploads
from speakup.training.models import (
    Completion,
    ImportStatus,
    StaffImport,
    UploadKind,
    record_upload_progress,
)
from tests.training.factories import StaffRecordFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

UPLOAD = "/training/organisations/TST01/completions/"
HEADER = "Employee Number,Organisation,Module,Completed On,Source\n"
GOOD = (
    HEADER + "1001,TST01,speak_up,2025-02-01,\n"
    "1002,TST01,Freedom to Speak Up: Listen Up,01/03/2025,import\n"
)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def roster(organisation):
    return [
        StaffRecordFactory(organisation=organisation, employee_number=number)
        for number in ("1001", "1002")
    ]


@pytest.fixture
def admin(client_as):
    return client_as(Role.ORGANISATION_ADMIN)


def upload(client, text: str | bytes, name="completions.csv", **options):
    body = text.encode() if isinstance(text, str) else text
    file = SimpleUploadedFile(name, body, content_type="text/csv")
    return client.post(UPLOAD, {"file": file, **options})


def result_page(client, response) -> str:
    assert response.status_code == 302, response.content.decode()
    return client.get(response.url).content.decode()


def test_an_admin_uploads_completions_and_sees_them_counted(admin, roster, media_root):
    dashboard = admin.get("/training/organisations/TST01/").content.decode()
    assert f'href="{UPLOAD}">Upload completions from your learning records</a>' in dashboard
    form_page = admin.get(UPLOAD).content.decode()
    assert "<h1>Upload completions from your learning records</h1>" in form_page
    assert "Your ODS code, TST01" in form_page

    response = upload(admin, GOOD)
    job = StaffImport.objects.get()
    assert response.url == f"/training/organisations/TST01/completions/uploads/{job.pk}/"
    page = result_page(admin, response)
    assert "<h1>Completions upload: Imported</h1>" in page and "Completions imported" in page
    assert "2 rows read: 2 completions added, 0 already recorded." in page
    assert sorted(Completion.objects.values_list("staff_record__employee_number", "module")) == [
        ("1001", "speak_up"),
        ("1002", "listen_up"),
    ]
    assert job.kind == UploadKind.COMPLETIONS
    assert not list((media_root / "training" / "imports").iterdir())  # the file is deleted
    record = AuditRecord.objects.filter(action="training.completions_import").get()
    assert record.actor == admin.user and record.detail["created"] == 2

    again = result_page(admin, upload(admin, GOOD))
    assert "2 rows read: 0 completions added, 2 already recorded." in again
    assert Completion.objects.count() == 2


@pytest.mark.parametrize("batch", [2_000, 2], ids=["one batch", "rows in several batches"])
def test_rows_repeating_an_earlier_row_of_the_file_are_counted_apart(
    admin, roster, monkeypatch, batch
):
    """A tester's file repeating 3,000 completions said "597,000 already recorded": recorded by
    the file itself, not before it."""
    monkeypatch.setattr("speakup.training.services.COMPLETION_BATCH", batch)
    result_page(admin, upload(admin, HEADER + "1001,TST01,speak_up,2025-02-01,\n"))
    repeated = (
        HEADER + "1001,TST01,speak_up,2025-02-01,\n" + "1002,TST01,listen_up,2025-03-01,\n" * 4
    )
    page = result_page(admin, upload(admin, repeated))
    assert (
        "5 rows read: 1 completion added, 1 already recorded, 3 rows repeating a completion on "
        "an earlier row of the file." in page
    )
    assert Completion.objects.count() == 2


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.WORKER, Role.BOARD_MEMBER])
def test_only_the_organisations_admins_upload_completions(client_as, roster, role):
    client = client_as(role)
    assert client.get(UPLOAD).status_code == 404
    assert upload(client, GOOD).status_code == 404
    assert not StaffImport.objects.exists() and not Completion.objects.exists()


def test_another_organisations_admin_neither_uploads_nor_sees_an_upload(
    client_as, roster, other_organisation
):
    own = client_as(Role.ORGANISATION_ADMIN)
    job_url = upload(own, GOOD).url
    outsider = client_as(Role.ORGANISATION_ADMIN, other_organisation)
    assert outsider.get(UPLOAD).status_code == 404
    assert upload(outsider, GOOD).status_code == 404
    assert outsider.get(job_url).status_code == 404
    assert StaffImport.objects.count() == 1


def test_a_completions_upload_is_not_shown_as_a_roster_upload(admin, roster):
    job = StaffImport.objects.get(pk=upload(admin, GOOD).url.split("/")[-2])
    assert admin.get(f"/training/organisations/TST01/roster/uploads/{job.pk}/").status_code == 404


def test_a_file_with_bad_rows_saves_nothing_and_lists_every_one(admin, roster):
    bad = GOOD + "9999,TST01,speak_up,2025-02-01,\n1001,TST01,Fire safety,2030-01-01,\n"
    page = result_page(admin, upload(admin, bad))
    assert "<h1>Completions upload: Not imported</h1>" in page
    assert (
        "2 of 4 rows have problems. Correct them and import the file again, or import it again "
        "with “Import the rows without problems even if some rows have problems” ticked."
    ) in page
    for row, column, reason in [
        (4, "Employee Number", "“9999” is not on the roster of TST01"),
        (5, "Module", "“Fire safety” is not a module speakup knows"),
        (5, "Completed On", "1 January 2030 is in the future"),
    ]:
        assert f'<th scope="row">{row}</th><td>{column}</td><td>{reason}</td>' in page
    # What to write instead is said once, above the table, with the kind of problem.
    assert (
        "Module: not a module speakup knows — 1 row. Write speak_up, listen_up or follow_up, or "
        "the course title used in e-Learning for Healthcare or ESR"
    ) in page
    assert not Completion.objects.exists()
    assert not AuditRecord.objects.filter(action="training.completions_import").exists()


def test_with_the_box_ticked_the_good_rows_are_imported_and_the_rest_listed(admin, roster):
    bad = GOOD + "9999,TST01,speak_up,2025-02-01,\n"
    page = result_page(admin, upload(admin, bad, skip_invalid="on"))
    assert "3 rows read: 2 completions added, 0 already recorded, 1 row skipped because of " in page
    assert '<th scope="row">4</th><td>Employee Number</td>' in page
    assert Completion.objects.count() == 2


def test_rows_for_another_organisation_are_refused_row_by_row(
    client_as, roster, organisation, other_organisation
):
    """Even from an admin of both: the upload is for the organisation it was made on."""
    theirs = StaffRecordFactory(organisation=other_organisation, employee_number="1001")
    admin = client_as(Role.ORGANISATION_ADMIN)
    admin.user.memberships.create(role=Role.ORGANISATION_ADMIN, organisation=other_organisation)
    file = GOOD + "1001,OTH01,speak_up,2025-02-01,\n"
    refused = result_page(admin, upload(admin, file))
    assert (
        '<th scope="row">4</th><td>Organisation</td><td>“OTH01” is not an organisation you can '
        "import for</td>"
    ) in refused
    assert not Completion.objects.exists()
    skipped = result_page(admin, upload(admin, file, skip_invalid="on"))
    assert "1 row skipped because of problems" in skipped
    assert not Completion.objects.filter(staff_record=theirs).exists()
    assert Completion.objects.filter(organisation=organisation).count() == 2


@pytest.mark.parametrize(
    "body, sentence",
    [
        (
            codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"),
            "The file is saved as UTF-16 (Unicode text), which cannot be read here. Save it "
            "from your spreadsheet as CSV UTF-8 and try again.",
        ),
        (
            b"Employee Number,Module\n1001,speak_up\n",
            "The file is missing these columns: Organisation, Completed On. Check that the "
            "file&#39;s first row names its columns.",
        ),
        (HEADER.encode(), "The file has no completions in it."),
    ],
)
def test_a_bad_file_is_refused_in_one_sentence(admin, roster, body, sentence):
    page = result_page(admin, upload(admin, body))
    assert "<h1>Completions upload: Not imported</h1>" in page
    assert sentence in page
    assert "Rows with problems" not in page and "Traceback" not in page
    assert not Completion.objects.exists()


def test_a_column_the_import_does_not_read_is_named_beside_the_missing_ones(admin, roster):
    """It said only that Organisation and Completed On were missing, as if "Completed" were not
    there: a roster names such a column, and so does this."""
    body = "Employee Number,Module,Completed\n1001,speak_up,2025-02-01\n"
    page = html.unescape(result_page(admin, upload(admin, body)))
    assert "The file is missing these columns: Organisation, Completed On." in page
    assert (
        "The column “Completed” is not one speakup reads, so it was left out: the columns it "
        "reads are Employee Number, Organisation, Module, Completed On, Source"
    ) in page


def test_an_empty_or_too_big_file_is_refused_on_the_form(admin, roster, monkeypatch):
    empty = upload(admin, b"").content.decode()
    assert "<title>Error: Upload completions" in empty
    assert "The file is empty: choose your completions CSV file" in empty
    monkeypatch.setattr(uploads, "MAX_COMPLETIONS_FILE_MB", 1)
    big = upload(admin, GOOD + " " * 1024 * 1024).content.decode()
    assert "The file is larger than 1 MB: split it into smaller files and upload each" in big
    assert not StaffImport.objects.exists()


@pytest.mark.parametrize("page", [UPLOAD, "/training/organisations/TST01/roster/"])
def test_an_excel_workbook_is_refused_with_how_to_save_it_as_csv(admin, roster, page):
    """It said only "The file must be a CSV file", leaving the admin to find out how."""
    workbook = SimpleUploadedFile("staff.xlsx", b"PK\x03\x04workbook", content_type="text/csv")
    response = admin.post(page, {"file": workbook})
    text = html.unescape(response.content.decode())
    assert "<title>Error: " in text
    assert (
        "The file is an Excel workbook, not a CSV file. In Excel, choose File, Save As, and the "
        "type “CSV UTF-8 (Comma delimited)”, then upload that file"
    ) in text
    assert not StaffImport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n", "a PNG image"),
        ("minutes.docx", b"PK\x03\x04word", "a Word document"),  # a ZIP, as an .xlsx is
        ("minutes.doc", b"not a known start", "a Word document"),
        ("notes.rtf", b"{\\rtf1", None),
    ],
)
def test_a_file_that_is_not_csv_is_told_what_it_is_when_it_can_be(
    admin, roster, name, content, kind
):
    """A PNG picked by mistake was told only "The file must be a CSV file"."""
    response = admin.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    text = html.unescape(response.content.decode())
    said = f"The file is {kind}, not a CSV file." if kind else "The file must be a CSV file."
    assert f"{said} In Excel, choose File, Save As" in text
    assert not StaffImport.objects.exists()


# The ways of writing a date that the import reads, said the same on both pages and in a refusal.
DATES_READ = (
    "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or with the month's name (1 February 2024, "
    "1 Feb 2024, 1 Sept 2024 or 01-Feb-2024), the day first and the year in full; a time "
    "after the date, as in 2024-02-01 00:00:00, is left aside"
)


@pytest.mark.parametrize("page", [UPLOAD, "/training/organisations/TST01/roster/"])
def test_the_upload_pages_name_every_way_of_writing_a_date_that_the_import_reads(admin, page):
    """They said "YYYY-MM-DD or DD/MM/YYYY", where the import reads "1 Sept 2026" too."""
    assert f"written {DATES_READ}." in html.unescape(admin.get(page).content.decode())


def test_a_date_written_another_way_is_refused_in_the_pages_words(admin, roster):
    page = html.unescape(
        result_page(admin, upload(admin, HEADER + "1001,TST01,speak_up,01/02/25,\n"))
    )
    assert "<td>“01/02/25” is not written as a date speakup reads</td>" in page
    assert (
        f"Completed On: not written as a date speakup reads — 1 row. Write it as {DATES_READ}"
        in (page)
    )


def test_the_job_reports_progress_while_it_imports(organisation, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "COMPLETION_BATCH", 100)
    numbers = [str(5000 + n) for n in range(50)]
    for number in numbers:
        StaffRecordFactory(organisation=organisation, employee_number=number)
    days = [datetime.date(2025, 1, 1) + datetime.timedelta(days=n) for n in range(40)]
    rows = [f"{n},TST01,speak_up,{day},\n" for day in days for n in numbers]  # 70 KB
    path = tmp_path / "completions.csv"
    path.write_text(HEADER + "".join(rows))
    job = StaffImport.objects.create(
        organisation=organisation,
        kind=UploadKind.COMPLETIONS,
        file_name="completions.csv",
        stored_path=str(path),
    )
    seen = []

    def watch(import_id, done, total):
        record_upload_progress(import_id, done, total)
        seen.append(StaffImport(pk=import_id, status=ImportStatus.RUNNING).percent_done)

    monkeypatch.setattr(tasks, "record_upload_progress", watch)
    assert tasks.run_staff_import(str(job.pk)) == ImportStatus.DONE
    assert len(seen) > 2 and seen == sorted(seen) and 0 < seen[0] < seen[-1] < 100
    job.refresh_from_db()
    assert job.percent_done == 100 and job.result["created"] == 2000
    assert not path.exists()


def test_a_completions_upload_left_unimported_is_given_up_and_says_so(
    admin, organisation, tmp_path
):
    path = tmp_path / "completions.csv"
    path.write_text(GOOD)
    job = StaffImport.objects.create(
        organisation=organisation,
        kind=UploadKind.COMPLETIONS,
        file_name="completions.csv",
        stored_path=str(path),
        created_at=datetime.datetime(2025, 6, 1, 5, tzinfo=datetime.UTC),
    )
    assert tasks.abandon_stale_uploads() == "Uploads abandoned: 1"
    assert not path.exists()
    page = admin.get(f"/training/organisations/TST01/completions/uploads/{job.pk}/")
    text = page.content.decode()
    assert "<h1>Completions upload: Not imported</h1>" in text
    assert "did not finish within 6 hours, so the file was deleted. Upload it again." in text


def test_a_file_of_many_bad_rows_lists_the_first_and_counts_them_all(admin, roster, monkeypatch):
    monkeypatch.setattr(tasks, "MAX_LISTED_ERRORS", 2)
    page = result_page(admin, upload(admin, HEADER + "9999,TST01,speak_up,2025-02-01,\n" * 5))
    assert "5 of 5 rows have problems." in page
    assert page.count("is not on the roster of TST01") == 2
    assert "This list is cut short: it shows the problems of 2 of the 5 rows with problems." in page


def test_a_list_cut_short_says_so_when_rows_have_several_problems_each(admin, roster, monkeypatch):
    # Four problems listed, all from two rows: the list is cut although it is as long as the
    # number of rows with problems.
    monkeypatch.setattr(tasks, "MAX_LISTED_ERRORS", 4)
    page = result_page(admin, upload(admin, HEADER + "9999,TST01,Fire safety,2030-01-01,\n" * 4))
    assert "4 of 4 rows have problems." in page
    assert "This list is cut short: it shows the problems of 2 of the 4 rows with problems." in page


def test_the_api_counts_the_rows_with_problems_as_the_page_does(admin, roster):
    body = HEADER + "9999,TST01,speak_up,2025-02-01,\n1001,TST01,Fire safety,2030-01-01,\n"
    response = admin.post("/api/v1/training/completions", body, content_type="text/csv")
    assert response.status_code == 400
    assert response.json()["bad_rows"] == 2 and len(response.json()["errors"]) == 3
