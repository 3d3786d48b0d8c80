"""Workers' training as CSV: the organisation's export and a line manager's team."""

from django.http import HttpResponse

from speakup.core import csvfiles
from speakup.core.audit import audit_by
from speakup.training.content import MODULE_ORDER
from speakup.training.queries import MODULE_TITLES, STATUS_LABELS, WorkerCompliance


def compliance_csv(
    filename: str, workers: list[WorkerCompliance], *, reader, organisation, what: str
) -> HttpResponse:
    """A download of each worker with their status per module, due date and valid-until date,
    written to the audit log as read by `reader` (`what`: "roster" or "team").

    Statuses are in the pages' words ("Complete", "Not required"), not the API's keys."""
    audit_by(
        reader,
        action=f"training.{what}_export",
        object_type=what,
        object_ref=organisation.ods_code,
        organisation=organisation,
        detail={"workers": len(workers)},
    )
    response = csvfiles.spreadsheet_download(filename)
    writer = csvfiles.DownloadWriter(response)
    header = ["Employee Number", "Name", "Staff Group", "Directorate", "Band"]
    for module in MODULE_ORDER:
        title = MODULE_TITLES[module]
        header += [f"{title} status", f"{title} due by", f"{title} complete until"]
    writer.writerow(header)
    for worker in workers:
        row = [
            worker.record["employee_number"],
            worker.name,
            worker.record["staff_group"],
            worker.record["directorate"],
            worker.record["band"],
        ]
        for status in worker.statuses:
            row += [STATUS_LABELS[status.status], status.due_on or "", status.valid_until or ""]
        writer.writerow(row)
    return response
