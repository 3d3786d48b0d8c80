"""A roster upload runs as a background job; its page shows how far it has gone."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from speakup.organisations.roles import Role
from speakup.training import tasks
from speakup.training.models import ImportStatus, StaffImport, record_upload_progress

pytestmark = pytest.mark.django_db


def test_a_running_upload_shows_a_progress_bar_and_how_to_see_more(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    job = StaffImport.objects.create(
        organisation=organisation,
        file_name="roster.csv",
        stored_path="/nonexistent/roster.csv",
        status=ImportStatus.RUNNING,
    )
    record_upload_progress(job.pk, 100, 400)
    page = client.get(f"/training/organisations/TST01/roster/uploads/{job.pk}/").content.decode()
    assert "25% done" in page
    assert 'max="100" value="25"' in page
    assert "<h1>Roster upload: Importing</h1>" in page
    assert "Refresh to see progress" in page  # without JavaScript, the way to see more
    assert "<p data-followed hidden>This page shows the progress as it goes" in page


def test_the_job_reports_progress_while_it_imports(organisation, tmp_path, monkeypatch):
    monkeypatch.setattr("speakup.training.roster.importing.BATCH_SIZE", 5)
    header = (
        "Employee Number,First Name,Last Name,Email,Staff Group,"
        "Line Manager,Senior Leader,Board Member,Assignment Start"
    )
    lines = [f"{4000 + n},W{n},Fictional,,Students,N,N,N,2024-01-01" for n in range(30)]
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    job = StaffImport.objects.create(
        organisation=organisation, file_name="roster.csv", stored_path=str(path)
    )
    seen = []

    def watch(import_id, done, total):
        record_upload_progress(import_id, done, total)
        # What the upload's page would show now (read without the database: the import holds it)
        seen.append(StaffImport(pk=import_id, status=ImportStatus.RUNNING).percent_done)

    monkeypatch.setattr(tasks, "record_upload_progress", watch)
    assert tasks.run_staff_import(str(job.pk)) == ImportStatus.DONE
    assert len(seen) > 2 and seen == sorted(seen) and 0 < seen[0] < 100  # it moves, never back
    job.refresh_from_db()
    assert job.percent_done == 100 and job.result["created"] == 30
    assert not path.exists()  # the uploaded roster holds personal data: deleted once imported


def test_an_upload_left_unimported_is_deleted_by_the_tick_and_says_so(
    client_as, organisation, tmp_path
):
    """The worker was down: six hours on, the tick deletes the file (it holds personal data)
    and the upload's page says to upload it again. A newer upload is left to the worker."""
    old_file, new_file = tmp_path / "old.csv", tmp_path / "new.csv"
    for path in (old_file, new_file):
        path.write_text("Employee Number\n1\n")
    seven_hours_ago = timezone.now() - datetime.timedelta(hours=7)
    old = StaffImport.objects.create(
        organisation=organisation,
        file_name="old.csv",
        stored_path=str(old_file),
        created_at=seven_hours_ago,
    )
    new = StaffImport.objects.create(
        organisation=organisation, file_name="new.csv", stored_path=str(new_file)
    )
    assert "Uploads abandoned: 1" in call_tick()
    assert not old_file.exists() and new_file.exists()
    page = client_as(Role.ORGANISATION_ADMIN).get(
        f"/training/organisations/TST01/roster/uploads/{old.pk}/"
    )
    assert "Roster upload: Not imported" in page.content.decode()
    assert "did not finish within 6 hours, so the file was deleted" in page.content.decode()
    new.refresh_from_db()
    assert new.status == ImportStatus.WAITING
    assert tasks.run_staff_import(str(old.pk)) == ImportStatus.FAILED  # a late message: nothing


def call_tick() -> str:
    out = io.StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def test_an_upload_whose_import_fails_on_our_side_says_so_instead_of_running_for_hours(
    client_as, organisation, tmp_path, monkeypatch, caplog
):
    from django.db import OperationalError

    path = tmp_path / "roster.csv"
    path.write_text("Employee Number\n1\n")
    job = StaffImport.objects.create(
        organisation=organisation, file_name="roster.csv", stored_path=str(path)
    )

    def database_refuses(**kwargs):
        # What SQLite says when another import holds the database for longer than it waits.
        raise OperationalError("database is locked")

    monkeypatch.setattr(tasks, "staff_import", database_refuses)
    assert tasks.run_staff_import(str(job.pk)) == ImportStatus.FAILED
    page = client_as(Role.ORGANISATION_ADMIN).get(
        f"/training/organisations/TST01/roster/uploads/{job.pk}/"
    )
    text = page.content.decode()
    assert "<h1>Roster upload: Not imported</h1>" in text and "Nothing was imported" in text
    assert "The import stopped because of a problem on our side, so the file was deleted." in text
    assert "database is locked" not in text  # for the log, not the page
    assert "database is locked" in caplog.text
    assert not path.exists()  # the roster holds personal data


def test_an_upload_waiting_to_start_shows_no_progress_yet(client_as, organisation):
    """The page read the row as waiting; the worker then took the small file and all but
    finished it before the page read its progress. The bar agrees with the words."""
    job = StaffImport.objects.create(
        organisation=organisation, file_name="roster.csv", stored_path="/nonexistent/roster.csv"
    )
    record_upload_progress(job.pk, 99, 100)
    page = (
        client_as(Role.ORGANISATION_ADMIN)
        .get(f"/training/organisations/TST01/roster/uploads/{job.pk}/")
        .content.decode()
    )
    assert "The import is waiting to start." in page
    assert 'max="100" value="0"' in page and ">0%</progress>" in page
    assert "99%" not in page
