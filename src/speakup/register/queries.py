"""Reading the register: appointments, who is who, public search and entries, and the officer's
cases. Compliance with the duties is in duties.py."""

import re
from datetime import date
from enum import StrEnum

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from speakup.organisations.models import Organisation
from speakup.register.models import (
    Appointment,
    CodeOfPractice,
    Condition,
    Decision,
    Director,
    RegulatoryCase,
    Status,
)


def _today() -> date:
    return timezone.localdate()


# --- Current, upcoming and past appointments -----------------------------------------------


class Timing(StrEnum):
    UPCOMING = "upcoming"
    CURRENT = "current"
    PAST = "past"


def appointment_timing(appointment: Appointment, today: date) -> Timing:
    """Whether an appointment has yet to start, runs today or has ended: the one rule every
    page and list of appointments follows (`current_q` is the same rule in SQL)."""
    if appointment.start_date > today:
        return Timing.UPCOMING
    if appointment.end_date is not None and appointment.end_date < today:
        return Timing.PAST
    return Timing.CURRENT


def appointments_by_timing(appointments, today: date) -> dict[Timing, list[Appointment]]:
    """The appointments under each timing, in the order given; upcoming ones soonest first."""
    grouped: dict[Timing, list[Appointment]] = {timing: [] for timing in Timing}
    for appointment in appointments:
        grouped[appointment_timing(appointment, today)].append(appointment)
    grouped[Timing.UPCOMING].sort(key=lambda a: a.start_date)
    return grouped


def current_q(today: date) -> Q:
    """`appointment_timing` is CURRENT, as a filter on appointments."""
    return Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


# --- Who is who ------------------------------------------------------------------------------


def director_for_user(user) -> Director | None:
    """The register entry of a signed-in person: linked to them, or with their email."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_speakup_director", False)
    if cached is False:
        cached = (
            Director.objects.filter(Q(user=user) | Q(email__iexact=user.email))
            .order_by("pk")
            .first()
        )
        user._speakup_director = cached
    return cached


# The chair is recognised from the register itself: no role says who chairs a board, but the
# organisation records the chair's appointment ("Chair", "Interim Chair", "Trust Chair", "Chair
# of the Trust Board", "ICB Chair"). A committee's or a deputy's chair is not the board's.
_CHAIR_TITLE = re.compile(
    r"^(interim |acting )?(trust |board |icb )?chair(man|woman|person)?"
    r"( of the (trust |icb |integrated care )?board| of the trust)?$"
)


def is_chair_title(role_title: str) -> bool:
    words = " ".join(role_title.lower().replace("(interim)", "interim").split())
    if words.endswith(" interim"):
        words = "interim " + words.removesuffix(" interim")
    return bool(_CHAIR_TITLE.match(words))


def chaired_organisation_ids(user, today: date | None = None) -> set[int]:
    """The organisations whose board this person chairs now, by their register entry."""
    director = director_for_user(user)
    if director is None:
        return set()
    today = today or _today()
    cached = getattr(user, "_speakup_chaired", None)
    if cached is None or cached[0] != today:
        chaired = {
            a.organisation_id
            for a in director.appointments.filter(current_q(today))
            if is_chair_title(a.role_title)
        }
        cached = user._speakup_chaired = (today, chaired)
    return set(cached[1])


def effective_status(director: Director, today: date | None = None) -> Status:
    """A suspension ends on its date; after that the entry reads as registered."""
    today = today or _today()
    status = Status(director.status)
    if status == Status.SUSPENDED and director.status_until and director.status_until < today:
        return Status.REGISTERED
    return status


def _status_filter(status: str, today: date) -> Q:
    ended_suspension = Q(status=Status.SUSPENDED, status_until__lt=today)
    if status == Status.REGISTERED:
        return Q(status=Status.REGISTERED) | ended_suspension
    if status == Status.SUSPENDED:
        return Q(status=Status.SUSPENDED) & ~ended_suspension
    return Q(status=status)


# --- Public search and entries ---------------------------------------------------------------


def _public_prefetch(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(
        Prefetch(
            "appointments",
            queryset=Appointment.objects.select_related("organisation").order_by(
                "-start_date", "pk"
            ),
        )
    )


# Words of a search past these are left out: each word is one more filter on every entry.
SEARCH_WORDS_MAX = 6


def directors_search(
    *, q: str = "", organisation: str = "", status: str = "", today: date | None = None
) -> QuerySet:
    """Directors matching every word of `q` (name, register number or organisation)."""
    today = today or _today()
    directors = Director.objects.all()
    for word in q.lower().split()[:SEARCH_WORDS_MAX]:
        directors = directors.filter(search_text__contains=word)
    organisation = organisation.strip()
    if organisation:
        directors = directors.filter(
            pk__in=Appointment.objects.filter(
                Q(organisation__ods_code__iexact=organisation)
                | Q(organisation__name__icontains=organisation)
            ).values("director_id")
        )
    if status in Status.values:
        directors = directors.filter(_status_filter(status, today))
    return _public_prefetch(directors.order_by("last_name", "first_name", "register_number"))


def director_by_number(register_number: str) -> Director | None:
    return _public_prefetch(
        Director.objects.filter(register_number=register_number.upper())
    ).first()


def conditions_in_force(director: Director) -> list[Condition]:
    return list(director.conditions.filter(lifted_at__isnull=True).order_by("review_date"))


def condition_in_force(condition_id: int) -> Condition | None:
    return (
        Condition.objects.filter(pk=condition_id, lifted_at__isnull=True)
        .select_related("director", "decision__case")
        .first()
    )


def conditions_due_for_review(*, today: date | None = None) -> list[Condition]:
    """Conditions in force whose review date has come: the register officer's to review."""
    today = today or _today()
    return list(
        Condition.objects.filter(lifted_at__isnull=True, review_date__lte=today)
        .select_related("director", "decision__case")
        .order_by("review_date", "pk")
    )


def published_decisions(director: Director) -> list[Decision]:
    return list(
        Decision.objects.filter(case__director=director, published_at__isnull=False)
        .select_related("case", "appeal")
        .prefetch_related("conditions")
        .order_by("-decided_at")
    )


def register_fingerprint() -> str:
    """Changes whenever anything public about the register changes: the basis of ETags."""
    # Rows are never deleted (they are protected), so the latest change is enough; both
    # columns are indexed, so this costs two index lookups, not a scan.
    directors = Director.objects.aggregate(at=Max("updated_at"))["at"]
    appointments = Appointment.objects.aggregate(at=Max("updated_at"))["at"]
    return f"{directors}-{appointments}-{_today()}"


def organisations_on_register() -> QuerySet:
    return Organisation.objects.filter(board_appointments__isnull=False).distinct().order_by("name")


def open_data_rows() -> QuerySet:
    return Appointment.objects.select_related("director", "organisation").order_by(
        "director__register_number", "start_date", "pk"
    )


def current_appointments(director: Director, today: date | None = None) -> list[Appointment]:
    today = today or _today()
    return appointments_by_timing(director.appointments.all(), today)[Timing.CURRENT]


def current_code() -> CodeOfPractice | None:
    return CodeOfPractice.objects.order_by("-version").first()


def board_appointments(*, organisation: Organisation) -> QuerySet:
    return Appointment.objects.filter(organisation=organisation).select_related("director")


def cases_for_officer() -> QuerySet:
    return RegulatoryCase.objects.select_related(
        "director", "opened_by", "decision", "decision__appeal"
    ).order_by("-opened_at")


def case_stage(case: RegulatoryCase, today: date | None = None) -> str:
    today = today or _today()
    decision = getattr(case, "decision", None)
    if decision is None:
        if case.responded_at is None and today <= case.response_due:
            return "Waiting for the director's response"
        return "Ready for a decision"
    appeal = getattr(decision, "appeal", None)
    if appeal is None:
        return "Decided"
    return "Appeal decided" if appeal.decided_at else "Appeal waiting for a decision"


def code_by_version(version: int) -> CodeOfPractice | None:
    return CodeOfPractice.objects.filter(version=version).first()


def code_versions() -> QuerySet:
    """Every version ever published, newest first: each stays readable, as directors attested
    to it. With its text, as the list says how much each changed from the one before."""
    return CodeOfPractice.objects.order_by("-version").only(
        "version", "title", "body", "published_at"
    )
