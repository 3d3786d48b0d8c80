"""Directors' compliance with their duties: the yearly attestation against the code of practice,
the yearly fit and proper person checks, and Follow Up training. Each duty is compliant, due,
overdue or not known; the national and board views count them."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from speakup.core.dates import day_in_words, years_after
from speakup.organisations.models import Organisation
from speakup.register.models import (
    Appointment,
    Attestation,
    CodeOfPractice,
    Director,
    FpptCheck,
    FpptOutcome,
)
from speakup.register.queries import current_appointments, current_code, current_q
from speakup.register.training_link import (
    DONE,
    DUE,
    LATE,
    FollowUpStatus,
    follow_up_status,
    follow_up_statuses,
)

ATTESTATION_GRACE_DAYS = 30  # to attest after the anniversary or after a new version

FPPT_GRACE_DAYS = 30  # to record the annual checks after the year is up, or after appointment


class Duty(StrEnum):
    ATTESTATION = "attestation"
    FPPT = "fppt"
    TRAINING = "training"


DUTY_LABELS = {
    Duty.ATTESTATION: "Attestation to the code of practice",
    Duty.FPPT: "Fit and proper person checks",
    Duty.TRAINING: "Follow Up training",
}


class State(StrEnum):
    COMPLIANT = "compliant"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_KNOWN = "not known"


@dataclass(frozen=True)
class DutyStatus:
    duty: Duty
    state: State
    detail: str
    deadline: date | None = None

    @property
    def label(self) -> str:
        return DUTY_LABELS[self.duty]


@dataclass
class DirectorCompliance:
    director: Director
    appointments: list[Appointment]
    duties: list[DutyStatus] = field(default_factory=list)

    @property
    def overdue(self) -> list[DutyStatus]:
        return [d for d in self.duties if d.state == State.OVERDUE]


def _deadline_state(deadline: date, today: date, *, compliant_until: date | None = None) -> State:
    if compliant_until is not None and today < compliant_until:
        return State.COMPLIANT
    return State.DUE if today <= deadline else State.OVERDUE


def attestation_status(
    *, current: list[Appointment], attestations: list[Attestation], code, today: date
) -> DutyStatus:
    if code is None:
        return DutyStatus(Duty.ATTESTATION, State.NOT_KNOWN, "No code of practice is published yet")
    first_start = min(a.start_date for a in current)
    published = timezone.localdate(code.published_at)
    latest = attestations[0] if attestations else None
    if latest is None:
        deadline = max(first_start, published) + timedelta(days=ATTESTATION_GRACE_DAYS)
        state = _deadline_state(deadline, today)
        return DutyStatus(
            Duty.ATTESTATION, state, f"Not yet attested: due by {day_in_words(deadline)}", deadline
        )
    if latest.code_id != code.pk:
        deadline = published + timedelta(days=ATTESTATION_GRACE_DAYS)
        state = _deadline_state(deadline, today)
        return DutyStatus(
            Duty.ATTESTATION,
            state,
            f"Version {code.version} was published: attest to it by {day_in_words(deadline)}",
            deadline,
        )
    attested = timezone.localdate(latest.attested_at)
    next_due = years_after(attested)
    deadline = next_due + timedelta(days=ATTESTATION_GRACE_DAYS)
    state = _deadline_state(deadline, today, compliant_until=next_due)
    detail = (
        f"Attested on {day_in_words(attested)}; next due by {day_in_words(deadline)}"
        if state == State.COMPLIANT
        else f"Yearly attestation due by {day_in_words(deadline)}"
    )
    return DutyStatus(Duty.ATTESTATION, state, detail, deadline)


def fppt_status(*, current: list[Appointment], checks: list[FpptCheck], today: date) -> DutyStatus:
    worst: DutyStatus | None = None
    order = [State.COMPLIANT, State.NOT_KNOWN, State.DUE, State.OVERDUE]
    for organisation_id in {a.organisation_id for a in current}:
        start = min(a.start_date for a in current if a.organisation_id == organisation_id)
        name = next(a.organisation.name for a in current if a.organisation_id == organisation_id)
        latest = next((c for c in checks if c.organisation_id == organisation_id), None)
        last_fit = next(
            (
                c
                for c in checks
                if c.organisation_id == organisation_id and c.outcome == FpptOutcome.FIT
            ),
            None,
        )
        if latest is not None and latest.outcome == FpptOutcome.NOT_FIT:
            status = DutyStatus(
                Duty.FPPT,
                State.OVERDUE,
                f"Recorded as not fit at {name} on {day_in_words(latest.recorded_on)}",
            )
        elif last_fit is not None:
            year_up = last_fit.recorded_on + timedelta(days=365)
            deadline = year_up + timedelta(days=FPPT_GRACE_DAYS)
            state = _deadline_state(deadline, today, compliant_until=year_up)
            status = DutyStatus(
                Duty.FPPT,
                state,
                f"Fit at {name} on {day_in_words(last_fit.recorded_on)}"
                + (
                    ""
                    if state == State.COMPLIANT
                    else f"; annual check due by {day_in_words(deadline)}"
                ),
                deadline,
            )
        else:
            deadline = start + timedelta(days=FPPT_GRACE_DAYS)
            state = _deadline_state(deadline, today)
            status = DutyStatus(
                Duty.FPPT,
                state,
                ("Checks in progress" if latest else "No checks recorded")
                + f" at {name}: due by {day_in_words(deadline)}",
                deadline,
            )
        if worst is None or order.index(status.state) > order.index(worst.state):
            worst = status
    return worst


def training_status(
    *,
    director: Director,
    current: list[Appointment],
    today: date,
    follow_up: FollowUpStatus | None = None,
) -> DutyStatus:
    """Follow Up as training gives it, by the rule of its own pages (ADR 0018): due the
    organisation's board days (90 unless it changed them) after the director joined its board."""
    follow_up = follow_up or follow_up_status(director, current, today=today)
    if not follow_up.known:
        return DutyStatus(Duty.TRAINING, State.NOT_KNOWN, "Training records are not available")
    if follow_up.state == DONE:
        detail = f"Follow Up completed on {day_in_words(follow_up.completed_on)}"
        if follow_up.valid_until:
            detail += f"; refresher due {day_in_words(follow_up.valid_until)}"
        return DutyStatus(Duty.TRAINING, State.COMPLIANT, detail)
    deadline = follow_up.due_on
    if follow_up.state == DUE:
        detail = f"Follow Up not completed: due by {day_in_words(deadline)}"
    elif follow_up.completed_on and follow_up.completed_on < deadline:
        detail = (
            f"Follow Up completed on {day_in_words(follow_up.completed_on)}: the refresher was "
            f"due by {day_in_words(deadline)}"
        )
    else:
        detail = f"Follow Up not completed: was due by {day_in_words(deadline)}"
    state = State.DUE if follow_up.state == DUE else State.OVERDUE
    return DutyStatus(Duty.TRAINING, state, detail, deadline)


def director_compliance(
    *,
    director: Director,
    today: date | None = None,
    code="unset",
    follow_up: FollowUpStatus | None = None,
):
    """Each duty of a director who holds a current appointment (none for a former director).

    Lists of directors pass `follow_up`, read for all of them at once (`_compliance_of`).
    """
    today = today or timezone.localdate()
    code = current_code() if code == "unset" else code
    current = current_appointments(director, today)
    result = DirectorCompliance(director=director, appointments=current)
    if not current:
        return result
    attestations = sorted(director.attestations.all(), key=lambda a: a.attested_at, reverse=True)
    checks = sorted(director.fppt_checks.all(), key=lambda c: (c.recorded_on, c.pk), reverse=True)
    result.duties = [
        attestation_status(current=current, attestations=attestations, code=code, today=today),
        fppt_status(current=current, checks=checks, today=today),
        training_status(director=director, current=current, today=today, follow_up=follow_up),
    ]
    return result


def _with_duties(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(
        Prefetch("appointments", queryset=Appointment.objects.select_related("organisation")),
        "attestations",
        "fppt_checks",
    )


def _current_appointments(today: date) -> QuerySet:
    return Appointment.objects.filter(current_q(today))


def board_compliance(*, organisation: Organisation, today: date | None = None):
    """The current board of an organisation, each director with their duties."""
    today = today or timezone.localdate()
    code = current_code()
    directors = _with_duties(
        Director.objects.filter(
            pk__in=_current_appointments(today)
            .filter(organisation=organisation)
            .values("director_id")
        )
    )
    return _compliance_of(list(directors), today=today, code=code)


def _compliance_of(directors: list[Director], *, today: date, code) -> list[DirectorCompliance]:
    # Training is asked once for the whole list, not once per director.
    follow_ups = follow_up_statuses(
        ((d, current_appointments(d, today)) for d in directors), today=today
    )
    return [
        director_compliance(director=d, today=today, code=code, follow_up=follow_ups.get(d.pk))
        for d in directors
    ]


def national_compliance(*, today: date | None = None) -> list[DirectorCompliance]:
    """Every director in England with a current appointment, each with their duties."""
    today = today or timezone.localdate()
    current = _current_appointments(today)
    directors = _with_duties(
        Director.objects.filter(pk__in=current.values("director_id")).order_by(
            "last_name", "first_name", "register_number"
        )
    )
    return _compliance_of(list(directors), today=today, code=current_code())


def overdue_duties(
    *, today: date | None = None, rows: list[DirectorCompliance] | None = None
) -> list[DirectorCompliance]:
    """The national list: every current director with at least one overdue duty."""
    rows = national_compliance(today=today) if rows is None else rows
    return [row for row in rows if row.overdue]


def compliance_counts(rows: list[DirectorCompliance]) -> list[dict]:
    """For each duty, how many directors are compliant, due, overdue or not known."""
    counts = []
    for duty in Duty:
        states = [d.state for row in rows for d in row.duties if d.duty == duty]
        counts.append(
            {"label": DUTY_LABELS[duty], **{state.value: states.count(state) for state in State}}
        )
    return counts


def _first_day_not_overdue(today: date) -> date:
    """The earliest attestation day whose yearly attestation is not yet overdue `today`: the
    rule of `attestation_status` (overdue once the anniversary plus the grace days is past)."""
    limit = today - timedelta(days=ATTESTATION_GRACE_DAYS)
    day = limit - timedelta(days=367)
    while years_after(day) < limit:  # anniversaries never go backwards: the first one found
        day += timedelta(days=1)
    return day


def _local_midnight(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


def _attestation_overdue(today: date, code: CodeOfPractice | None) -> tuple[Q, dict]:
    """`attestation_status` is OVERDUE, over directors annotated with `first_start` and the
    returned annotations (the code and time of their latest attestation)."""
    if code is None:
        return Q(pk__in=[]), {}  # no code published: "not known", never overdue
    published = timezone.localdate(code.published_at)
    late = today - timedelta(days=ATTESTATION_GRACE_DAYS)
    latest = Attestation.objects.filter(director=OuterRef("pk")).order_by("-attested_at", "-pk")
    latest_code = Subquery(latest.values("code_id")[:1])
    latest_at = Subquery(latest.values("attested_at")[:1])
    overdue = Q(
        latest_code_id=code.pk,
        latest_attested_at__lt=_local_midnight(_first_day_not_overdue(today)),
    )
    if published < late:  # never attested, or not to this version, and the grace is over
        overdue |= Q(latest_code_id__isnull=True, first_start__lt=late)
        overdue |= Q(latest_code_id__isnull=False) & ~Q(latest_code_id=code.pk)
    return overdue, {"latest_code_id": latest_code, "latest_attested_at": latest_at}


def _fppt_overdue(today: date) -> Exists:
    """`fppt_status` is OVERDUE: at one of the organisations of a current appointment the
    latest check found the director not fit, the last fit check is more than a year and the
    grace old, or there is no fit check and the grace after the appointment is over."""
    checks = FpptCheck.objects.filter(
        director_id=OuterRef("director_id"), organisation_id=OuterRef("organisation_id")
    )
    fit = checks.filter(outcome=FpptOutcome.FIT)
    year_and_grace = today - timedelta(days=365 + FPPT_GRACE_DAYS)
    overdue_here = (
        _current_appointments(today)
        .filter(director=OuterRef("pk"))
        .annotate(
            latest_outcome=Subquery(checks.order_by("-recorded_on", "-pk").values("outcome")[:1]),
            has_fit=Exists(fit),
            recent_fit=Exists(fit.filter(recorded_on__gte=year_and_grace)),
        )
        .filter(
            Q(latest_outcome=FpptOutcome.NOT_FIT)
            | Q(has_fit=True, recent_fit=False)
            | Q(has_fit=False, start_date__lt=today - timedelta(days=FPPT_GRACE_DAYS))
        )
    )
    return Exists(overdue_here)


def compliance_by_organisation(*, today: date | None = None) -> dict[int, tuple[int, int]]:
    """{organisation_id: (current directors, of whom with no overdue duty)}, for the national
    view of reporting: one aggregate query, the rules of `director_compliance` written in SQL
    (tests/register/test_compliance_counts.py checks they agree). Follow Up is asked of
    training through training_link once, for the directors holding an appointment, and given
    by its rule. Counts of directors only: no names leave this function."""
    today = today or timezone.localdate()
    current = _current_appointments(today)
    directors = Director.objects.filter(pk__in=current.values("director_id")).only("pk", "email")
    appointments = defaultdict(list)
    for appointment in current.only("director_id", "organisation_id", "start_date"):
        appointments[appointment.director_id].append(appointment)
    late = [
        pk
        for pk, status in follow_up_statuses(
            ((d, appointments[d.pk]) for d in directors), today=today
        ).items()
        if status.state == LATE
    ]
    attestation_overdue, annotations = _attestation_overdue(today, current_code())
    overdue = Director.objects.annotate(
        first_start=Subquery(
            current.filter(director=OuterRef("pk")).order_by("start_date").values("start_date")[:1]
        ),
        **annotations,
    ).filter(attestation_overdue | Q(_fppt_overdue(today)) | Q(pk__in=late))
    rows = (
        current.values("organisation_id")
        .annotate(
            directors=Count("director_id", distinct=True),
            overdue=Count(
                "director_id", distinct=True, filter=Q(director_id__in=overdue.values("pk"))
            ),
        )
        .order_by()
    )
    return {
        row["organisation_id"]: (row["directors"], row["directors"] - row["overdue"])
        for row in rows
    }
