"""Everything that changes the register. Each function either does the whole thing or refuses
with a plain message (`RegisterRefusal`) and leaves nothing half-saved."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from speakup.core import csvfiles
from speakup.core.dates import (
    day_in_words,
    more_than_a_year_ahead,
    more_than_years_ahead,
    years_after,
)
from speakup.core.links import absolute_url
from speakup.core.words import too_long
from speakup.organisations.models import Organisation, User
from speakup.register.models import (
    Appeal,
    AppealOutcome,
    Appointment,
    Attestation,
    CaseStep,
    CodeOfPractice,
    Condition,
    Decision,
    Director,
    FpptCheck,
    FpptOutcome,
    FtsuRole,
    Outcome,
    RegisterSequence,
    RegulatoryCase,
    Status,
    StatusChange,
    StepKind,
)
from speakup.register.rules import decide_appeal_blocker, decide_blocker, is_own_entry

DEFAULT_RESPONSE_DAYS = 28
APPEAL_DAYS = 28
# How far ahead a decision may set a condition's review date or a suspension's end: two turns of
# the directors' yearly duties. Further than that is a mistyped year (docs/register.md).
DECISION_DATE_YEARS = 2
# Longest free text on a register entry: the public pages show these in full.
ROLE_TITLE_MAX = 100
NAME_MAX = 100
EMAIL_MAX = 254

# The six Leadership Competency Framework domains (domain.md), in the framework's order.
LCF_DOMAINS = {
    "outcomes": "Driving high-quality, sustainable outcomes",
    "strategy": "Setting strategy and delivering long-term transformation",
    "equality": "Promoting equality and inclusion, and reducing health and workforce inequalities",
    "governance": "Providing robust governance and assurance",
    "culture": "Creating a compassionate, just and positive culture",
    "relationships": "Building trusted relationships with partners and communities",
}
LCF_RATINGS = {
    "strong": "I meet this well",
    "developing": "I am developing in this",
    "needs_support": "I need support with this",
}


class RegisterRefusal(ValidationError):
    """A rule of the register said no; the message is written for the person who asked."""


def _audit(
    *, actor, action: str, object_type: str, object_ref: str, organisation=None, detail=None
):
    # Written inside the caller's transaction, so a refused action leaves no record.
    from speakup.core.audit import audit_by

    audit_by(
        actor,
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        organisation=organisation,
        detail=detail,
    )


def _notify(*, to: list[str], subject: str, body: str) -> None:
    recipients = [address for address in to if address]
    if recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _today() -> date:
    return timezone.localdate()


# --- Entries and appointments ------------------------------------------------------------


def _next_register_number() -> str:
    sequence, _ = RegisterSequence.objects.select_for_update().get_or_create(name="director")
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"D{sequence.last_value:06d}"


def _set_status(*, director: Director, to: Status, until=None, actor=None, reason: str) -> None:
    StatusChange.objects.create(
        director=director,
        from_status=director.status,
        to_status=to,
        until=until,
        changed_by=actor,
        reason=reason,
    )
    director.status = to
    director.status_until = until
    director.save(update_fields=["status", "status_until", "updated_at"])


def search_text_for(director: Director) -> str:
    organisations = Organisation.objects.filter(board_appointments__director=director).distinct()
    parts = [director.register_number, director.first_name, director.last_name]
    parts += [f"{o.name} {o.ods_code}" for o in organisations]
    return " ".join(parts).lower()


def director_reindex(*, director: Director) -> None:
    """Refresh the one column the public search reads (after appointments or names change)."""
    director.search_text = search_text_for(director)
    director.save(update_fields=["search_text", "updated_at"])


def _refuse_too_long(text: str, *, called: str, limit: int) -> None:
    if len(text) > limit:
        raise RegisterRefusal(too_long(f"the {called}", limit) + ".")


@transaction.atomic
def director_create(*, actor, first_name: str, last_name: str, email: str) -> Director:
    first_name, last_name, email = first_name.strip(), last_name.strip(), email.strip().lower()
    if not (first_name and last_name and email):
        raise RegisterRefusal("Enter the director's first name, last name and email address.")
    _refuse_too_long(first_name, called="first name", limit=NAME_MAX)
    _refuse_too_long(last_name, called="last name", limit=NAME_MAX)
    _refuse_too_long(email, called="email address", limit=EMAIL_MAX)
    director = Director.objects.create(
        register_number=_next_register_number(),
        first_name=first_name,
        last_name=last_name,
        email=email,
        user=User.objects.filter(email__iexact=email).first(),
    )
    director_reindex(director=director)
    StatusChange.objects.create(
        director=director,
        from_status="",
        to_status=Status.REGISTERED,
        changed_by=actor,
        reason="Added to the register",
    )
    _audit(
        actor=actor,
        action="register.director_create",
        object_type="director",
        object_ref=director.register_number,
    )
    return director


def _director_for_appointment(
    *, actor, register_number: str, first_name: str, last_name: str, email: str
) -> Director:
    register_number = (register_number or "").strip().upper()
    if register_number:
        director = Director.objects.filter(register_number=register_number).first()
        if director is None:
            raise RegisterRefusal(f"There is no director with register number {register_number}.")
        return director
    existing = (
        Director.objects.filter(email__iexact=(email or "").strip()).first() if email else None
    )
    if existing is not None:
        return existing
    return director_create(
        actor=actor, first_name=first_name or "", last_name=last_name or "", email=email or ""
    )


def _refuse_overlap(*, director, organisation, role_title, start_date, end_date, exclude=None):
    overlapping = Appointment.objects.filter(
        director=director, organisation=organisation, role_title__iexact=role_title
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    clash = overlapping.first()
    if clash is not None:
        raise RegisterRefusal(
            f"{director.name} already holds the role “{clash.role_title}” at "
            f"{organisation.name} from {day_in_words(clash.start_date)}"
            + (f" to {day_in_words(clash.end_date)}" if clash.end_date else "")
            + ". Appointments to the same role cannot overlap."
        )


def latest_start_date(today: date | None = None) -> date:
    """Boards appoint ahead of time, but not by more than a year: a later start is a typo."""
    return years_after(today or _today())


def refuse_distant_start(start_date: date) -> None:
    latest = latest_start_date()
    if start_date > latest:
        raise RegisterRefusal(more_than_a_year_ahead("The start date", latest) + ".")


@transaction.atomic
def appointment_add(
    *,
    actor,
    organisation: Organisation,
    role_title: str,
    executive: bool,
    start_date: date,
    ftsu_role: str = FtsuRole.NONE,
    end_date: date | None = None,
    register_number: str = "",
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> Appointment:
    """Appoint a director (found by register number or email, or new) to a board."""
    role_title = (role_title or "").strip()
    if not role_title:
        raise RegisterRefusal("Enter the role title, for example Chief Executive.")
    _refuse_too_long(role_title, called="role title", limit=ROLE_TITLE_MAX)
    refuse_distant_start(start_date)
    if end_date is not None and end_date < start_date:
        raise RegisterRefusal("The end date must be the same as or after the start date.")
    if ftsu_role not in FtsuRole.values:
        raise RegisterRefusal("Choose the FTSU role: none, executive FTSU lead or NED FTSU lead.")
    director = _director_for_appointment(
        actor=actor,
        register_number=register_number,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if director.status == Status.REMOVED:
        raise RegisterRefusal(
            f"{director.name} ({director.register_number}) has been removed from the register "
            "and cannot be given a new appointment."
        )
    _refuse_overlap(
        director=director,
        organisation=organisation,
        role_title=role_title,
        start_date=start_date,
        end_date=end_date,
    )
    appointment = Appointment.objects.create(
        director=director,
        organisation=organisation,
        role_title=role_title,
        executive=executive,
        ftsu_role=ftsu_role,
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
    )
    director_reindex(director=director)
    _audit(
        actor=actor,
        action="register.appointment_add",
        object_type="appointment",
        object_ref=str(appointment.pk),
        organisation=organisation,
        detail={"register_number": director.register_number, "role_title": role_title},
    )
    return appointment


@transaction.atomic
def appointment_end(*, actor, appointment: Appointment, end_date: date) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.end_date is not None:
        raise RegisterRefusal(
            f"This appointment already ended on {day_in_words(appointment.end_date)}."
        )
    if end_date < appointment.start_date:
        raise RegisterRefusal(
            "The end date must be on or after the start date, "
            f"{day_in_words(appointment.start_date)}."
        )
    appointment.end_date = end_date
    appointment.ended_by = actor
    appointment.save(update_fields=["end_date", "ended_by", "updated_at"])
    appointment.director.save(update_fields=["updated_at"])
    _audit(
        actor=actor,
        action="register.appointment_end",
        object_type="appointment",
        object_ref=str(appointment.pk),
        organisation=appointment.organisation,
        detail={"end_date": end_date.isoformat()},
    )
    return appointment


# --- Bulk import -------------------------------------------------------------------------

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


# --- Fit and proper person checks, code of practice, attestation ----------------------------


@transaction.atomic
def fppt_record(
    *,
    actor,
    director: Director,
    organisation: Organisation,
    year: int,
    references_6_years: bool,
    qualifications: bool,
    disqualified_director_check: bool,
    right_to_work: bool,
    chair_signed_off: bool,
    outcome: str,
    recorded_on: date,
) -> FpptCheck:
    if not director.appointments.filter(organisation=organisation).exists():
        raise RegisterRefusal(f"{director.name} has no appointment at {organisation.name}.")
    if is_own_entry(actor, director):
        raise RegisterRefusal(
            "You cannot record your own fit and proper person checks: the company secretary or "
            "another director records them."
        )
    if recorded_on > _today():
        # Named by field, so that the page shows it beside the date and links to it.
        raise RegisterRefusal({"recorded_on": "The date of the outcome cannot be in the future."})
    if outcome not in FpptOutcome.values:
        raise RegisterRefusal("Choose the outcome: fit, not fit or in progress.")
    all_done = all(
        [
            references_6_years,
            qualifications,
            disqualified_director_check,
            right_to_work,
            chair_signed_off,
        ]
    )
    if outcome == FpptOutcome.FIT and not all_done:
        raise RegisterRefusal(
            "A director can only be recorded as fit when every check is done and the chair has "
            "signed off. Record the outcome as in progress until then."
        )
    check = FpptCheck.objects.create(
        director=director,
        organisation=organisation,
        year=year,
        references_6_years=references_6_years,
        qualifications=qualifications,
        disqualified_director_check=disqualified_director_check,
        right_to_work=right_to_work,
        chair_signed_off=chair_signed_off,
        outcome=outcome,
        recorded_on=recorded_on,
        recorded_by=actor,
    )
    _audit(
        actor=actor,
        action="register.fppt_record",
        object_type="director",
        object_ref=director.register_number,
        organisation=organisation,
        detail={"year": year, "outcome": outcome},
    )
    return check


def current_code() -> CodeOfPractice | None:
    return CodeOfPractice.objects.order_by("-version").first()


@transaction.atomic
def code_publish(*, actor, title: str, body: str) -> CodeOfPractice:
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise RegisterRefusal("Enter the title and the text of the code of practice.")
    latest = CodeOfPractice.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    code = CodeOfPractice.objects.create(
        version=latest + 1, title=title, body=body, published_by=actor
    )
    _audit(
        actor=actor,
        action="register.code_publish",
        object_type="code_of_practice",
        object_ref=str(code.version),
    )
    return code


@transaction.atomic
def attestation_submit(
    *, actor, director: Director, code: CodeOfPractice, self_assessment: dict
) -> Attestation:
    latest = current_code()
    if latest is None or code.pk != latest.pk:
        raise RegisterRefusal(
            f"Version {code.version} of the code of practice is no longer current. "
            f"Read version {latest.version if latest else '?'} and attest to it."
        )
    answers = {}
    for key in LCF_DOMAINS:
        answer = self_assessment.get(key) or {}
        if answer.get("rating") not in LCF_RATINGS:
            raise RegisterRefusal(f"Rate yourself against “{LCF_DOMAINS[key]}”.")
        answers[key] = {"rating": answer["rating"], "note": (answer.get("note") or "").strip()}
    attestation = Attestation.objects.create(director=director, code=code, self_assessment=answers)
    _audit(
        actor=actor,
        action="register.attestation_submit",
        object_type="director",
        object_ref=director.register_number,
        detail={"code_version": code.version},
    )
    return attestation


# --- The regulatory process -----------------------------------------------------------------


def _refuse_own_entry(actor, director: Director, what: str) -> None:
    if is_own_entry(actor, director):
        raise RegisterRefusal(f"You cannot {what} a case about your own register entry.")


def latest_decision_date(today: date | None = None) -> date:
    """The latest review date for conditions, or end of a suspension, a decision may set."""
    return years_after(today or _today(), DECISION_DATE_YEARS)


def _date_ahead_problem(day: date | None, *, called: str) -> str:
    """What is wrong with a date a decision sets ahead ("" when nothing): `called` names it."""
    capital = called[:1].upper() + called[1:]
    if day is None:
        return f"Enter {called}"
    if day <= _today():
        return f"{capital} must be in the future"
    if day > (latest := latest_decision_date()):
        return more_than_years_ahead(capital, latest, years=DECISION_DATE_YEARS)
    return ""


def decision_terms_problems(
    *,
    outcome: str,
    conditions_text: str = "",
    review_date: date | None = None,
    suspended_until: date | None = None,
) -> dict[str, str]:
    """What the outcome still needs, by field: conditions their text and a review date, a
    suspension its end date. The decision form shows each beside its field."""
    problems = {}
    if outcome == Outcome.CONDITIONS:
        if not (conditions_text or "").strip():
            problems["conditions_text"] = "Enter the conditions"
        problems["review_date"] = _date_ahead_problem(
            review_date, called="the review date for the conditions"
        )
    if outcome == Outcome.SUSPENSION:
        problems["suspended_until"] = _date_ahead_problem(
            suspended_until, called="the date the suspension ends"
        )
    return {field: problem for field, problem in problems.items() if problem}


def new_review_date_problem(review_date: date | None) -> str:
    """Keeping a condition needs a new review date, ahead as a decision's is."""
    return _date_ahead_problem(review_date, called="the new review date")


def _step(case, kind, actor, detail=""):
    CaseStep.objects.create(case=case, kind=kind, actor=actor, detail=detail[:300])
    _audit(
        actor=actor,
        action=f"register.case_{kind}",
        object_type="regulatory_case",
        object_ref=case.reference,
        detail={"register_number": case.director.register_number},
    )


@transaction.atomic
def case_open(
    *, actor, director: Director, grounds: str, response_days: int = DEFAULT_RESPONSE_DAYS
) -> RegulatoryCase:
    grounds = grounds.strip()
    _refuse_own_entry(actor, director, "open")
    if not grounds:
        raise RegisterRefusal("Enter the grounds for the case: the director must know them.")
    if response_days < 14:
        raise RegisterRefusal("Give the director at least 14 days to respond.")
    case = RegulatoryCase.objects.create(
        director=director,
        grounds=grounds,
        opened_by=actor,
        response_due=_today() + timedelta(days=response_days),
    )
    _step(case, StepKind.OPENED, actor)
    link = absolute_url(reverse("register:show_my_case", args=[case.pk]))
    _notify(
        to=[director.email],
        subject=f"A regulatory case about your register entry ({case.reference})",
        body=(
            f"Dear {director.name},\n\n"
            f"A register officer has opened a regulatory case ({case.reference}) about your entry "
            f"{director.register_number} on the register of board directors.\n\n"
            f"The grounds are:\n{grounds}\n\n"
            f"You can respond until {day_in_words(case.response_due)}. No decision will be made "
            "before you respond or that date passes. To read the case and respond, sign in to "
            f"speakup and go to: {link}\n"
        ),
    )
    _step(
        case,
        StepKind.NOTIFIED,
        None,
        f"Notice sent to the director; respond by {day_in_words(case.response_due)}",
    )
    return case


@transaction.atomic
def case_respond(*, actor, case: RegulatoryCase, response: str) -> RegulatoryCase:
    case = RegulatoryCase.objects.select_for_update().get(pk=case.pk)
    response = response.strip()
    if not response:
        raise RegisterRefusal("Enter your response.")
    if case.responded_at is not None:
        raise RegisterRefusal("You have already responded to this case.")
    if hasattr(case, "decision"):
        raise RegisterRefusal("A decision has already been made on this case.")
    if _today() > case.response_due:
        raise RegisterRefusal(f"The time to respond ended on {day_in_words(case.response_due)}.")
    case.response = response
    case.responded_at = timezone.now()
    case.save(update_fields=["response", "responded_at"])
    _step(case, StepKind.RESPONDED, actor)
    _notify(
        to=[case.opened_by.email],
        subject=f"The director has responded ({case.reference})",
        body=f"{case.director.name} has responded to case {case.reference}. "
        "Another register officer can now decide it.",
    )
    return case


@transaction.atomic
def case_decide(
    *,
    actor,
    case: RegulatoryCase,
    outcome: str,
    reasons: str,
    conditions_text: str = "",
    review_date: date | None = None,
    suspended_until: date | None = None,
) -> Decision:
    case = RegulatoryCase.objects.select_for_update().get(pk=case.pk)
    reasons = reasons.strip()
    if blocker := decide_blocker(actor, case, _today()):
        raise RegisterRefusal(blocker)
    if outcome not in Outcome.values:
        raise RegisterRefusal("Choose an outcome.")
    if not reasons:
        raise RegisterRefusal("Write the reasons for the decision: they are published.")
    problems = decision_terms_problems(
        outcome=outcome,
        conditions_text=conditions_text,
        review_date=review_date,
        suspended_until=suspended_until,
    )
    if problems:
        raise RegisterRefusal(problems)  # named by field, so each shows beside its own
    director = Director.objects.select_for_update().get(pk=case.director_id)
    now = timezone.now()
    decision = Decision.objects.create(
        case=case,
        outcome=outcome,
        reasons=reasons,
        decided_by=actor,
        decided_at=now,
        suspended_until=suspended_until if outcome == Outcome.SUSPENSION else None,
        published_at=now,
        status_before=director.status,
    )
    reason = f"Decision on case {case.reference}"
    if outcome == Outcome.CONDITIONS:
        Condition.objects.create(
            director=director,
            decision=decision,
            text=conditions_text.strip(),
            review_date=review_date,
        )
        if director.status == Status.REGISTERED:
            _set_status(director=director, to=Status.CONDITIONS, actor=actor, reason=reason)
    elif outcome == Outcome.SUSPENSION:
        _set_status(
            director=director,
            to=Status.SUSPENDED,
            until=suspended_until,
            actor=actor,
            reason=reason,
        )
    elif outcome == Outcome.REMOVAL:
        _set_status(director=director, to=Status.REMOVED, actor=actor, reason=reason)
        _end_appointments_on_removal(
            director=director, decision=decision, actor=actor, decided_on=timezone.localdate(now)
        )
    director.save(update_fields=["updated_at"])
    _step(case, StepKind.DECIDED, actor, Outcome(outcome).label)
    _notify(
        to=[director.email],
        subject=f"The decision on your regulatory case ({case.reference})",
        body=_decision_email(
            decision,
            director=director,
            conditions_text=conditions_text.strip(),
            review_date=review_date,
        ),
    )
    return decision


def _decision_email(
    decision: Decision, *, director: Director, conditions_text: str, review_date: date | None
) -> str:
    """The decision in full, with its conditions or the end of the suspension: it is the
    director's own case, and all of it is published on their entry too."""
    case = decision.case
    terms = ""
    if decision.outcome == Outcome.CONDITIONS:
        terms = (
            f"The conditions are:\n{conditions_text}\n\n"
            f"A register officer will review them on {day_in_words(review_date)}.\n\n"
        )
    elif decision.outcome == Outcome.SUSPENSION:
        until = day_in_words(decision.suspended_until)
        terms = f"Your registration is suspended until {until}.\n\n"
    case_link = absolute_url(reverse("register:show_my_case", args=[case.pk]))
    if decision.outcome == Outcome.NO_ACTION:
        case_page = f"To read the case, sign in to speakup and go to: {case_link}\n\n"
    else:
        case_page = (
            f"You may appeal until {day_in_words(appeal_deadline(decision))}; a register officer "
            "who has not worked on the case will decide the appeal. To read the case and appeal, "
            f"sign in to speakup and go to: {case_link}\n\n"
        )
    entry_link = absolute_url(reverse("register:show_director", args=[director.register_number]))
    return (
        f"Dear {director.name},\n\nThe decision on case {case.reference} is: "
        f"{Outcome(decision.outcome).label}.\n\nReasons:\n{decision.reasons}\n\n"
        + terms
        + case_page
        + "The decision and its reasons are published on your public register entry: "
        + f"{entry_link}\n"
    )


def _end_appointments_on_removal(*, director, decision, actor, decided_on: date) -> None:
    """A removed director holds no appointment from the decision date: each appointment still
    running then ends the day before (or on its start date, if it starts later)."""
    running = Appointment.objects.select_for_update().filter(
        Q(end_date__isnull=True) | Q(end_date__gte=decided_on), director=director
    )
    for appointment in running:
        appointment.end_date_before_removal = appointment.end_date
        appointment.end_date = max(appointment.start_date, decided_on - timedelta(days=1))
        appointment.ended_by = actor
        appointment.ended_by_decision = decision
        appointment.save(
            update_fields=[
                "end_date",
                "end_date_before_removal",
                "ended_by",
                "ended_by_decision",
                "updated_at",
            ]
        )
        _audit(
            actor=actor,
            action="register.appointment_end",
            object_type="appointment",
            object_ref=str(appointment.pk),
            organisation=appointment.organisation,
            detail={"end_date": appointment.end_date.isoformat(), "case": decision.case.reference},
        )


def _restore_appointments_ended_by(*, decision, actor) -> None:
    for appointment in Appointment.objects.select_for_update().filter(ended_by_decision=decision):
        appointment.end_date = appointment.end_date_before_removal
        appointment.end_date_before_removal = None
        appointment.ended_by = None
        appointment.ended_by_decision = None
        appointment.save(
            update_fields=[
                "end_date",
                "end_date_before_removal",
                "ended_by",
                "ended_by_decision",
                "updated_at",
            ]
        )
        _audit(
            actor=actor,
            action="register.appointment_restore",
            object_type="appointment",
            object_ref=str(appointment.pk),
            organisation=appointment.organisation,
            detail={"case": decision.case.reference},
        )


def appeal_deadline(decision: Decision) -> date:
    return timezone.localdate(decision.decided_at) + timedelta(days=APPEAL_DAYS)


@transaction.atomic
def appeal_lodge(*, actor, decision: Decision, grounds: str) -> Appeal:
    grounds = grounds.strip()
    if Appeal.objects.filter(decision=decision).exists():
        raise RegisterRefusal("This decision has already been appealed.")
    if decision.outcome == Outcome.NO_ACTION:
        raise RegisterRefusal("There is nothing to appeal: the decision was to take no action.")
    if _today() > appeal_deadline(decision):
        raise RegisterRefusal(
            f"The time to appeal ended on {day_in_words(appeal_deadline(decision))}, "
            f"{APPEAL_DAYS} days after the decision."
        )
    if not grounds:
        raise RegisterRefusal("Enter the grounds for your appeal.")
    appeal = Appeal.objects.create(decision=decision, grounds=grounds)
    _step(decision.case, StepKind.APPEALED, actor)
    _notify(
        to=[decision.case.opened_by.email, decision.decided_by.email],
        subject=f"An appeal has been lodged ({decision.case.reference})",
        body=f"{decision.case.director.name} has appealed the decision on case "
        f"{decision.case.reference}. A third register officer must decide the appeal.",
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor, appeal: Appeal, outcome: str, reasons: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("decision__case").get(pk=appeal.pk)
    decision, case = appeal.decision, appeal.decision.case
    if blocker := decide_appeal_blocker(actor, appeal):
        raise RegisterRefusal(blocker)
    if outcome not in AppealOutcome.values:
        raise RegisterRefusal("Choose whether the appeal is upheld or dismissed.")
    if not reasons.strip():
        raise RegisterRefusal("Write the reasons for the appeal decision: they are published.")
    appeal.outcome = outcome
    appeal.reasons = reasons.strip()
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["outcome", "reasons", "decided_by", "decided_at"])
    director = Director.objects.select_for_update().get(pk=case.director_id)
    if outcome == AppealOutcome.UPHELD:
        decision.conditions.filter(lifted_at__isnull=True).update(lifted_at=appeal.decided_at)
        _restore_appointments_ended_by(decision=decision, actor=actor)
        restored = Status(decision.status_before)
        if (
            restored == Status.REGISTERED
            and director.conditions.filter(lifted_at__isnull=True).exists()
        ):
            restored = Status.CONDITIONS
        if director.status != restored:
            _set_status(
                director=director,
                to=restored,
                actor=actor,
                reason=f"Appeal upheld on case {case.reference}",
            )
    director.save(update_fields=["updated_at"])
    _step(case, StepKind.APPEAL_DECIDED, actor, AppealOutcome(outcome).label)
    _notify(
        to=[director.email],
        subject=f"The decision on your appeal ({case.reference})",
        body=f"Dear {director.name},\n\nYour appeal on case {case.reference} was "
        f"{AppealOutcome(outcome).label.lower()}.\n\nReasons:\n{appeal.reasons}\n",
    )
    return appeal


@transaction.atomic
def condition_review(
    *, actor, condition: Condition, lift: bool, reasons: str, review_date: date | None = None
) -> Condition:
    """Lift a condition, or keep it until a new review date; the director is told either way.

    When the last condition in force is lifted, a director under conditions is registered again.
    """
    condition = (
        Condition.objects.select_for_update().select_related("decision__case").get(pk=condition.pk)
    )
    case = condition.decision.case
    _refuse_own_entry(actor, case.director, "review a condition on")
    if condition.lifted_at is not None:
        raise RegisterRefusal("This condition has already been lifted.")
    reasons = reasons.strip()
    if not reasons:
        raise RegisterRefusal("Write the reasons for the review: the director is sent them.")
    if not lift and (problem := new_review_date_problem(review_date)):
        raise RegisterRefusal({"review_date": problem})
    director = Director.objects.select_for_update().get(pk=case.director_id)
    if lift:
        condition.lifted_at = timezone.now()
        condition.save(update_fields=["lifted_at"])
        others_in_force = director.conditions.filter(lifted_at__isnull=True).exists()
        if director.status == Status.CONDITIONS and not others_in_force:
            _set_status(
                director=director,
                to=Status.REGISTERED,
                actor=actor,
                reason=f"Conditions lifted on review (case {case.reference})",
            )
        outcome = "Lifted"
    else:
        condition.review_date = review_date
        condition.save(update_fields=["review_date"])
        outcome = f"Kept until a review on {day_in_words(review_date)}"
    director.save(update_fields=["updated_at"])
    _step(case, StepKind.CONDITION_REVIEWED, actor, f"{outcome}: {reasons}")
    _notify(
        to=[director.email],
        subject=f"A condition on your register entry was reviewed ({case.reference})",
        body=f"Dear {director.name},\n\nThe condition from case {case.reference}:\n"
        f"{condition.text}\n\nwas reviewed. Outcome: {outcome}.\n\nReasons:\n{reasons}\n",
    )
    return condition
