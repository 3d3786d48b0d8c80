"""Background jobs: roster uploads (inline when no broker is configured)."""

from pathlib import Path

from celery import shared_task
from django.utils import timezone

from speakup.training.models import ImportStatus, StaffImport, record_upload_progress
from speakup.training.roster import ImportResult, RowError, staff_import


@shared_task
def run_staff_import(import_id: str) -> str:
    job = StaffImport.objects.select_related("organisation").get(pk=import_id)
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
            )
    except OSError:
        result = ImportResult(errors=[RowError(0, "", "The uploaded file could not be read")])
    finally:
        path.unlink(missing_ok=True)  # the roster holds personal data: keep it no longer
    job.refresh_from_db()
    job.result = result.as_dict()
    job.status = ImportStatus.DONE if result.imported else ImportStatus.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "status", "finished_at"])
    return job.status
