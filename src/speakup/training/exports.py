"""Workers' training as CSV: the organisation's export and a line manager's team; and the
organisation's leavers."""

import datetime

from django.http import HttpResponse

from speakup.core import csvfiles
from speakup.core.audit import audit_by
from speakup.training.content import MODULE_ORDER
from speakup.training.queries import (
    DUE,
    LEFT_BY_ASSIGNMENT_END,
    LEFT_THE_WHOLE_ROSTER,
    MODULE_TITLES,
    OVERDUE,
    STATUS_LABELS,
    WorkerCompliance,
    why_a_leaver,
)

# The roles that make a worker take Listen Up and Follow Up, spelt as the roster's columns
# ("Board Member (Y/N)"), so that the board can be listed in a spreadsheet.
ROLE_COLUMNS = {
    "Line Manager": "line_manager",
    "Senior Leader": "senior_leader",
    "Board Member": "board_member",
}


def _yes_or_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def compliance_csv(
    filename: str, workers: list[WorkerCompliance], *, reader, organisation, what: str
) -> HttpResponse:
    """A download of each worker with their roles ("Yes" or "No") and, per module, their
    status, the day it is due by, the day they completed it and the day its refresher is due
    by, written to the audit log as read by `reader` (`what`: "roster" or "team").

    In the pages' words, not the API's keys: "Complete", "Expired"; an expired module "completed
    on 1 March 2021, the refresher was due by 1 March 2024". "Due by" is for a module not yet
    completed."""
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
    header = ["Employee Number", "Name", "Staff Group", "Directorate", "Band", *ROLE_COLUMNS]
    for module in MODULE_ORDER:
        title = MODULE_TITLES[module]
        header += [
            f"{title} status",
            f"{title} due by",
            f"{title} completed on",
            f"{title} refresher due by",
        ]
    writer.writerow(header)
    for worker in workers:
        row = [
            worker.record["employee_number"],
            worker.name,
            worker.record["staff_group"],
            worker.record["directorate"],
            worker.record["band"],
            *(_yes_or_no(worker.record[f"is_{role}"]) for role in ROLE_COLUMNS.values()),
        ]
        for status in worker.statuses:
            row += [
                STATUS_LABELS[status.status],
                status.due_on if status.status in (DUE, OVERDUE) else "",
                status.completed_on or "",
                status.valid_until or "",
            ]
        writer.writerow(row)
    return response


# Why each leaver in the leavers' download is one (queries.why_a_leaver).
WHY_A_LEAVER = {
    LEFT_BY_ASSIGNMENT_END: "Their Assignment End has passed",
    LEFT_THE_WHOLE_ROSTER: "Not on the whole roster imported that day",
}
LEFT_ON_A_DAY_NOT_RECORDED = "The day they left was not recorded"


def leavers_csv(
    filename: str, leavers: list[dict], *, today: datetime.date, reader, organisation
) -> HttpResponse:
    """A download of the organisation's `leavers` (queries.organisation_leavers), each with the
    day they left and why they are a leaver, written to the audit log as read by `reader`: the
    roster's pages and the compliance download leave leavers out."""
    audit_by(
        reader,
        action="training.leavers_export",
        object_type="roster",
        object_ref=organisation.ods_code,
        organisation=organisation,
        detail={"workers": len(leavers)},
    )
    response = csvfiles.spreadsheet_download(filename)
    writer = csvfiles.DownloadWriter(response)
    writer.writerow(
        ["Employee Number", "Name", "Staff Group", "Directorate", "Left on", "Why a leaver"]
    )
    for leaver in leavers:
        recorded = why_a_leaver(leaver["assignment_end"], leaver["left_on"], today)
        why = WHY_A_LEAVER[recorded[0]] if recorded else LEFT_ON_A_DAY_NOT_RECORDED
        writer.writerow(
            [
                leaver["employee_number"],
                f"{leaver['first_name']} {leaver['last_name']}".strip(),
                leaver["staff_group"],
                leaver["directorate"],
                leaver["left"] or "",
                why,
            ]
        )
    return response
