"""A board's appointments from a CSV file: every row checked, all or nothing."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q

from speakup.core import csvfiles
from speakup.organisations.models import Organisation
from speakup.register.models import (
    Appointment,
    FtsuRole,
)
from speakup.register.services.common import RegisterRefusal
from speakup.register.services.entries import appointment_add

IMPORT_COLUMNS = [
    "Register Number",
    "First Name",
    "Last Name",
    "Email",
    "Organisation",
    "Role Title",
    "Executive (Y/N)",
    "FTSU Role",
    "Start Date",
    "End Date",
]


_FTSU_WORDS = {
    "": FtsuRole.NONE,
    "none": FtsuRole.NONE,
    "no": FtsuRole.NONE,
    "executive lead": FtsuRole.EXECUTIVE_LEAD,
    "executive ftsu lead": FtsuRole.EXECUTIVE_LEAD,
    "executive_lead": FtsuRole.EXECUTIVE_LEAD,
    "ned lead": FtsuRole.NED_LEAD,
    "ned ftsu lead": FtsuRole.NED_LEAD,
    "ned_lead": FtsuRole.NED_LEAD,
    "non-executive ftsu lead": FtsuRole.NED_LEAD,
    "non-executive lead": FtsuRole.NED_LEAD,
}


@dataclass(frozen=True)
class ImportResult:
    added: int
    unchanged: int


def _header_key(name: str) -> str:
    return name.strip().rstrip("?").strip().lower()


def _parse_date(text: str, *, what: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RegisterRefusal(f"The {what} “{text}” is not a date: use YYYY-MM-DD or DD/MM/YYYY.")


def _find_organisation(text: str) -> Organisation | None:
    text = (text or "").strip()
    if not text:
        return None
    return (
        Organisation.objects.filter(ods_code__iexact=text).first()
        or Organisation.objects.filter(name__iexact=text).first()
    )


def board_import(*, actor, csv_text: str, organisation: Organisation | None = None) -> ImportResult:
    """Add every appointment in the CSV, or none: any bad row refuses the whole file."""
    reader = csvfiles.dict_records(io.StringIO(csv_text.lstrip("\ufeff")))
    try:
        headers = {_header_key(h): h for h in (reader.fieldnames or [])}
    except csv.Error as error:
        raise RegisterRefusal(csvfiles.unreadable_row(1, error) + ".") from error
    missing = [
        c for c in IMPORT_COLUMNS if _header_key(c) not in headers and c != "Register Number"
    ]
    if missing:
        raise RegisterRefusal(
            "The file is missing the column"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(missing)
            + ". The first row must name the columns: "
            + ", ".join(IMPORT_COLUMNS)
            + "."
        )
    problems: list[str] = []
    added = unchanged = 0
    # Raising inside the block rolls back every row already added: all or nothing.
    number = 1  # the last row read, to say where a file stops being CSV
    with transaction.atomic():
        try:
            for number, raw in enumerate(reader, start=2):
                row = {_header_key(k or ""): (v or "").strip() for k, v in raw.items() if k}
                if not any(row.values()):
                    continue
                try:
                    was_added = _import_row(actor=actor, row=row, organisation=organisation)
                except RegisterRefusal as refusal:
                    problems.append(f"Row {number}: {' '.join(refusal.messages)}")
                    continue
                added += was_added
                unchanged += not was_added
        except csv.Error as error:
            raise RegisterRefusal(csvfiles.unreadable_row(number + 1, error) + ".") from error
        if problems:
            raise RegisterRefusal(problems)
        if added + unchanged == 0:
            raise RegisterRefusal("The file has no rows to import.")
    return ImportResult(added=added, unchanged=unchanged)


def _import_row(*, actor, row: dict, organisation: Organisation | None) -> bool:
    named = _find_organisation(row.get("organisation", ""))
    if named is None:
        raise RegisterRefusal(f"there is no organisation called “{row.get('organisation', '')}”.")
    if organisation is not None and named != organisation:
        raise RegisterRefusal(f"you can only import the board of {organisation.name} here.")
    executive_text = row.get("executive (y/n)", "").lower()
    if executive_text not in {"y", "yes", "n", "no"}:
        raise RegisterRefusal("Executive must be Y or N.")
    ftsu = _FTSU_WORDS.get(row.get("ftsu role", "").lower())
    if ftsu is None:
        raise RegisterRefusal("FTSU Role must be blank, Executive lead or NED lead.")
    start = _parse_date(row.get("start date", ""), what="start date")
    if start is None:
        raise RegisterRefusal("enter a start date.")
    end = _parse_date(row.get("end date", ""), what="end date")
    email = row.get("email", "")
    register_number = row.get("register number", "")
    # The same appointment already on the register is left as it is, so a board can be
    # imported again after a change.
    same = Appointment.objects.filter(
        organisation=named, role_title__iexact=row.get("role title", ""), start_date=start
    ).filter(
        Q(director__register_number=register_number.upper())
        if register_number
        else Q(director__email__iexact=email)
    )
    if (email or register_number) and same.exists():
        return False
    appointment_add(
        actor=actor,
        organisation=named,
        role_title=row.get("role title", ""),
        executive=executive_text.startswith("y"),
        ftsu_role=ftsu,
        start_date=start,
        end_date=end,
        register_number=register_number,
        first_name=row.get("first name", ""),
        last_name=row.get("last name", ""),
        email=email,
    )
    return True
