"""Background jobs: roster uploads (inline when no broker is configured)."""

import datetime
import logging
from pathlib import Path

from celery import shared_task
from django.utils import timezone

from speakup.training.models import ImportStatus, StaffImport, record_upload_progress
from speakup.training.roster import ImportResult, RowError, staff_import

# An upload not imported within this long never will be: the worker was down, or died midway.
ABANDONED_AFTER = datetime.timedelta(hours=6)
ABANDONED = "The import did not finish within 6 hours, so the file was deleted. Upload it again."
# The import failed on our side (the database refused a write: another import of the same
# workers at the same moment, say). It is one transaction, so nothing of it was kept.
STOPPED = (
    "The import stopped because of a problem on our side, so the file was deleted. Upload it again."
)

log = logging.getLogger(__name__)


@shared_task
def run_staff_import(import_id: str) -> str:
    job = StaffImport.objects.select_related("organisation").get(pk=import_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return job.status  # a message delivered again, or one for an abandoned upload
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])

    def on_progress(done: int, total: int) -> None:
        # Not to the database: the import holds its connection (and a COPY, on PostgreSQL) in
        # one transaction until the end, so a row updated here would be seen by nobody.
        record_upload_progress(job.pk, done, total)

    path = Path(job.stored_path)
    try:
        with path.open("rb") as file:
            result = staff_import(
                organisation=job.organisation,
                file=file,
                full=job.full,
                skip_invalid=job.skip_invalid,
                on_progress=on_progress,
                actor=job.uploaded_by,
            )
    except OSError:
        result = ImportResult(errors=[RowError(0, "", "The uploaded file could not be read")])
    except Exception:
        # Said on the upload's page, which would otherwise show the import running until the
        # tick gives it up hours later; the details go to the log.
        log.exception("Roster upload %s failed", import_id)
        result = ImportResult(errors=[RowError(0, "", STOPPED)])
    finally:
        path.unlink(missing_ok=True)  # the roster holds personal data: keep it no longer
    job.refresh_from_db()
    job.result = result.as_dict()
    job.status = ImportStatus.DONE if result.imported else ImportStatus.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "status", "finished_at"])
    return job.status


def abandon_stale_uploads(*, now: datetime.datetime | None = None) -> str:
    """Delete the files of uploads left unimported for ABANDONED_AFTER (a roster holds personal
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
        job.result = ImportResult(errors=[RowError(0, "", ABANDONED)]).as_dict()
        job.finished_at = now
        job.save(update_fields=["status", "result", "finished_at"])
        abandoned += 1
    return f"Roster uploads abandoned: {abandoned}"
