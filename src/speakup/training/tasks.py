"""Background jobs: uploads from the web, of rosters and of completions (inline when no broker
is configured)."""

import datetime
import logging
from pathlib import Path

from celery import shared_task
from django.utils import timezone

from speakup.training.models import ImportStatus, StaffImport, UploadKind, record_upload_progress
from speakup.training.roster.importing import staff_import
from speakup.training.roster.results import MAX_LISTED_ERRORS, ImportResult, RowError
from speakup.training.services import CompletionImportResult, completions_import

# An upload not imported within this long never will be: the worker was down, or died midway.
ABANDONED_AFTER = datetime.timedelta(hours=6)
ABANDONED = "The import did not finish within 6 hours, so the file was deleted. Upload it again."
# The import failed on our side (the database refused a write: another import of the same
# workers at the same moment, say). It is one transaction, so nothing of it was kept.
STOPPED = (
    "The import stopped because of a problem on our side, so the file was deleted. Upload it again."
)

log = logging.getLogger(__name__)


def _import_roster(job: StaffImport, file, on_progress):
    return staff_import(
        organisation=job.organisation,
        file=file,
        full=job.full,
        skip_invalid=job.skip_invalid,
        expect_leavers=job.expect_leavers,
        on_progress=on_progress,
        actor=job.uploaded_by,
    )


def _import_completions(job: StaffImport, file, on_progress):
    # Only the organisation it was uploaded to: another's rows are refused, row by row.
    return completions_import(
        file=file,
        organisations={job.organisation.ods_code},
        skip_invalid=job.skip_invalid,
        on_progress=on_progress,
        actor=job.uploaded_by,
    )


# Each kind of upload: how it is imported, and the result it gives (also when it fails).
IMPORTS = {
    UploadKind.ROSTER: (_import_roster, ImportResult),
    UploadKind.COMPLETIONS: (_import_completions, CompletionImportResult),
}


def result_of(job: StaffImport):
    """The job's stored result, as its kind's result, or None while it has none."""
    return IMPORTS[job.kind][1].from_dict(job.result) if job.result else None


def _failed(job: StaffImport, reason: str) -> dict:
    return IMPORTS[job.kind][1](errors=[RowError(0, "", reason)]).as_dict()


@shared_task
def run_staff_import(import_id: str) -> str:
    """Import an upload of any kind (the name is kept: messages already queued carry it)."""
    job = StaffImport.objects.select_related("organisation").get(pk=import_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return job.status  # a message delivered again, or one for an abandoned upload
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])

    def on_progress(done: int, total: int) -> None:
        # Not to the database: the import holds its connection (and a COPY, on PostgreSQL) in
        # one transaction until the end, so a row updated here would be seen by nobody.
        record_upload_progress(job.pk, done, total)

    importer, _ = IMPORTS[job.kind]
    path = Path(job.stored_path)
    try:
        with path.open("rb") as file:
            result = importer(job, file, on_progress).as_dict()
    except OSError:
        result = _failed(job, "The uploaded file could not be read")
    except Exception:
        # Said on the upload's page, which would otherwise show the import running until the
        # tick gives it up hours later; the details go to the log.
        log.exception("Upload %s failed", import_id)
        result = _failed(job, STOPPED)
    finally:
        path.unlink(missing_ok=True)  # rosters and completions hold personal data
    # Every bad row is counted; the page lists the first thousand, as the roster keeps them.
    result["errors"] = result["errors"][:MAX_LISTED_ERRORS]
    job.refresh_from_db()
    job.result = result
    job.status = ImportStatus.DONE if result["imported"] else ImportStatus.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "status", "finished_at"])
    return job.status


def abandon_stale_uploads(*, now: datetime.datetime | None = None) -> str:
    """Delete the files of uploads left unimported for ABANDONED_AFTER (they hold personal
    data) and mark them failed, so their page says what happened. Run by the tick."""
    now = now or timezone.now()
    stale = StaffImport.objects.filter(
        status__in=(ImportStatus.WAITING, ImportStatus.RUNNING),
        created_at__lt=now - ABANDONED_AFTER,
    )
    abandoned = 0
    for job in stale:
        Path(job.stored_path).unlink(missing_ok=True)
        job.status = ImportStatus.FAILED
        job.result = _failed(job, ABANDONED)
        job.finished_at = now
        job.save(update_fields=["status", "result", "finished_at"])
        abandoned += 1
    return f"Uploads abandoned: {abandoned}"
