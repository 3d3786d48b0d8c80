"""The speaking-up figures of the board report and the national view, as aggregate queries.

Each function returns raw counts (integers); what may be shown of them is decided by
speakup.reporting.disclosure, by the caller. The same expressions serve one organisation
(`.aggregate`) and every organisation at once (`.values("organisation_id").annotate`).
Only plain statistical fields are read: nothing here decrypts.
"""

from collections import Counter
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate

from speakup.concerns.models import Concern, Confidentiality, Escalation, Feedback, Status
from speakup.concerns.queries import OPEN_STATUSES, overdue_q
from speakup.concerns.taxonomy import ELEMENT_CODES, WORKER_GROUP_CODES
from speakup.reporting.board_report_periods import Period
from speakup.reporting.queries import FEEDBACK_ANSWERS

ANSWER_COLUMNS = tuple(FEEDBACK_ANSWERS)  # feedback_yes, feedback_no, ...


def received_in(period: Period) -> Q:
    return Q(received_at__gte=period.start, received_at__lt=period.end)


def case_counts(*, today: date, within: Q | None = None) -> dict:
    """Per-case counts over a queryset of cases received in the period (no joins).

    With `within` (the period's condition), the same counts over a queryset of all cases: the
    national view counts these and `open_counts` in one pass over the cases.
    """
    within = within if within is not None else Q()
    ack_due = Q(acknowledged_at__isnull=False) | Q(acknowledge_by__lt=today)
    feedback_due = Q(feedback_given_at__isnull=False) | Q(feedback_by__lt=today)
    counts = {
        "total_cases": Q(),
        "anonymous_cases": Q(confidentiality=Confidentiality.ANONYMOUS),
        "detriment_cases": Q(detriment_reported=True),
        "acknowledged": Q(acknowledged_at__isnull=False),
        "feedback_given": Q(feedback_given_at__isnull=False),
        "acknowledge_due": ack_due,
        "acknowledged_in_time": Q(
            acknowledged_at__isnull=False, acknowledged_at__date__lte=F("acknowledge_by")
        ),
        "feedback_due": feedback_due,
        "feedback_in_time": Q(
            feedback_given_at__isnull=False, feedback_given_at__date__lte=F("feedback_by")
        ),
    }
    return {
        name: Count("id", filter=(within & condition) or None) for name, condition in counts.items()
    }


def open_counts(*, today: date) -> dict:
    """Over all of an organisation's cases: open now, and open with something overdue now."""
    open_now = Q(status__in=OPEN_STATUSES)
    return {
        "open_cases": Count("id", filter=open_now),
        "overdue_cases": Count("id", filter=open_now & overdue_q(today)),
    }


def feedback_counts() -> dict:
    return {
        "feedback_received": Count("id"),
        **{
            column: Count("id", filter=Q(would_speak_up_again=answer))
            for column, answer in FEEDBACK_ANSWERS.items()
        },
    }


def organisation_case_figures(*, organisation, period: Period, today: date) -> dict[str, int]:
    """Every raw count the board report's speaking-up section needs: a handful of queries."""
    cases = Concern.objects.filter(organisation=organisation)
    in_period = cases.filter(received_in(period))
    figures = in_period.aggregate(
        **case_counts(today=today),
        **{
            f"worker_group_{code}": Count("id", filter=_worker_group_is(code))
            for code in WORKER_GROUP_CODES
        },
        **{
            f"quarter_{index}": Count(
                "id",
                filter=Q(
                    received_at__gte=max(quarter.start, period.start),
                    received_at__lt=min(quarter.end, period.end),
                ),
            )
            for index, quarter in enumerate(period.quarters())
        },
    )
    figures.update(
        in_period.aggregate(
            **{
                f"element_{code}": Count("elements", filter=Q(elements__code=code))
                for code in ELEMENT_CODES
            }
        )
    )
    figures.update(cases.aggregate(**open_counts(today=today)))
    figures.update(
        Feedback.objects.filter(
            concern__organisation=organisation,
            given_at__gte=period.start,
            given_at__lt=period.end,
        ).aggregate(**feedback_counts())
    )
    figures.update(
        Escalation.objects.filter(
            concern__organisation=organisation, at__gte=period.start, at__lt=period.end
        ).aggregate(
            escalated_cases=Count("concern_id", distinct=True),
            escalations=Count("id"),
        )
    )
    figures["median_days_to_acknowledge"] = median_days(in_period, "acknowledged_at")
    figures["median_days_to_feedback"] = median_days(in_period, "feedback_given_at")
    return figures


def _worker_group_is(code: str) -> Q:
    if code == "not_known":
        return Q(worker_group="not_known") | Q(worker_group="")
    return Q(worker_group=code)


def median_days(cases: QuerySet, moment: str) -> float | None:
    """The median whole days from receipt to `moment`, over the cases that reached it.

    The database groups the cases by (day received, day reached) and counts them, so only
    one row per pair of days comes back, however many cases there are.
    """
    rows = (
        cases.filter(**{f"{moment}__isnull": False})
        .values(received=TruncDate("received_at"), reached=TruncDate(moment))
        .annotate(n=Count("id"))
        .order_by()
    )
    days: Counter = Counter()
    for row in rows:
        days[(row["reached"] - row["received"]).days] += row["n"]
    return weighted_median(days)


def weighted_median(counts: Counter) -> float | None:
    total = sum(counts.values())
    if not total:
        return None
    ordered = sorted(counts.items())
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    seen, lower, upper = 0, None, None
    for value, n in ordered:
        if lower is None and seen + n > lower_rank:
            lower = value
        if seen + n > upper_rank:
            upper = value
            break
        seen += n
    return (lower + upper) / 2


def held_by_leader(*, organisation, today: date) -> list[dict]:
    """Per accountable leader: open cases they hold and how many are overdue (one query)."""
    rows = (
        Concern.objects.filter(organisation=organisation, status__in=OPEN_STATUSES)
        .values("accountable_lead_id", "accountable_lead__full_name", "accountable_lead__email")
        .annotate(held=Count("id"), overdue=Count("id", filter=overdue_q(today)))
        .order_by("accountable_lead__full_name", "accountable_lead__email")
    )
    return [
        {
            "leader_id": row["accountable_lead_id"],
            "name": (
                row["accountable_lead__full_name"] or row["accountable_lead__email"]
                if row["accountable_lead_id"]
                else "No accountable leader yet"
            ),
            "held": row["held"],
            "overdue": row["overdue"],
        }
        for row in rows
    ]


def published_learning_cases(*, organisation, period: Period) -> QuerySet:
    """Cases closed in the period whose learning the guardian marked publishable and a leader
    signed off: the only learning a board report may show."""
    return Concern.objects.filter(
        organisation=organisation,
        status=Status.CLOSED,
        closed_at__gte=period.start,
        closed_at__lt=period.end,
        learning_publishable=True,
        learning_signed_off_at__isnull=False,
        learning_sealed__isnull=False,
    ).exclude(wrapped_key="")
