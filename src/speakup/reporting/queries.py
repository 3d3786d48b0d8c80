"""Reading figures for reports. Only plain statistical fields are read; nothing is decrypted.

Figures come from aggregate queries (COUNT with filters) in the database, never from loading
case rows into Python: the quarterly data return is two queries whatever the volume.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from speakup.concerns.models import Concern, Confidentiality, Feedback, SpeakUpAgain
from speakup.concerns.taxonomy import ELEMENT_CODES, WORKER_GROUP_CODES
from speakup.organisations.models import Organisation, OrganisationKind
from speakup.reporting.models import DataReturnSubmission
from speakup.reporting.quarters import FIRST_YEAR, LONDON, Quarter, quarter_of

IDENTITY_COLUMNS = ("organisation", "financial_year", "quarter")
FEEDBACK_ANSWERS = {
    "feedback_yes": SpeakUpAgain.YES,
    "feedback_no": SpeakUpAgain.NO,
    "feedback_maybe": SpeakUpAgain.MAYBE,
    "feedback_dont_know": SpeakUpAgain.DONT_KNOW,
}
COUNT_COLUMNS = (
    "total_cases",
    "anonymous_cases",
    *(f"element_{code}" for code in ELEMENT_CODES),
    *(f"worker_group_{code}" for code in WORKER_GROUP_CODES),
    "feedback_received",
    *FEEDBACK_ANSWERS,
)
COLUMNS = (*IDENTITY_COLUMNS, *COUNT_COLUMNS)

# Organisations expected to send a return: everyone but the national bodies. Trusts and ICBs
# must; primary care may (domain.md, "The bodies, now").
RETURN_REQUIRED_KINDS = frozenset(
    {OrganisationKind.NHS_TRUST, OrganisationKind.FOUNDATION_TRUST, OrganisationKind.ICB}
)


@dataclass(frozen=True)
class Correction:
    column: str
    submitted: int
    now: int


@dataclass
class QuarterReturn:
    organisation: Organisation
    quarter: Quarter
    figures: dict[str, int | str]
    submission: DataReturnSubmission | None
    corrections: list[Correction] = field(default_factory=list)

    @property
    def is_nil(self) -> bool:
        return all(self.figures[column] == 0 for column in COUNT_COLUMNS)


@dataclass
class DataReturn(QuarterReturn):
    # Q4 only: Q1–Q3 recomputed now, beside what was submitted for them.
    reconciliation: list[QuarterReturn] = field(default_factory=list)


@dataclass
class NationalReturns:
    quarter: Quarter
    submitted: list[DataReturnSubmission]
    missing: list[Organisation]


def organisation_by_code(ods_code: str) -> Organisation | None:
    return Organisation.objects.filter(ods_code__iexact=(ods_code or "").strip()).first()


def data_return_figures(*, organisation: Organisation, quarter: Quarter) -> dict[str, int | str]:
    """One quarter's figures, in column order: two aggregate queries.

    A case counts in the quarter it was received; feedback in the quarter it was given.
    A case with no worker group recorded counts as "not known".
    """
    cases = Concern.objects.filter(
        organisation=organisation, received_at__gte=quarter.start, received_at__lt=quarter.end
    )
    # Joining the elements gives one row per (case, element), so case counts are DISTINCT;
    # a case has each element at most once, so element counts need no DISTINCT.
    case_counts = cases.aggregate(
        total_cases=Count("id", distinct=True),
        anonymous_cases=Count(
            "id", distinct=True, filter=Q(confidentiality=Confidentiality.ANONYMOUS)
        ),
        **{
            f"element_{code}": Count("elements", filter=Q(elements__code=code))
            for code in ELEMENT_CODES
        },
        **{
            f"worker_group_{code}": Count("id", distinct=True, filter=_worker_group_is(code))
            for code in WORKER_GROUP_CODES
        },
    )
    feedback_counts = Feedback.objects.filter(
        concern__organisation=organisation,
        given_at__gte=quarter.start,
        given_at__lt=quarter.end,
    ).aggregate(
        feedback_received=Count("id"),
        **{
            column: Count("id", filter=Q(would_speak_up_again=answer))
            for column, answer in FEEDBACK_ANSWERS.items()
        },
    )
    figures = {
        "organisation": organisation.ods_code,
        "financial_year": quarter.financial_year,
        "quarter": quarter.number,
        **case_counts,
        **feedback_counts,
    }
    return {column: figures[column] for column in COLUMNS}


def _worker_group_is(code: str) -> Q:
    if code == "not_known":
        return Q(worker_group="not_known") | Q(worker_group="")
    return Q(worker_group=code)


def corrections_between(submitted: dict, now: dict) -> list[Correction]:
    """Every count that differs between what was submitted and the figures now."""
    return [
        Correction(column, int(submitted.get(column, 0)), int(now[column]))
        for column in COUNT_COLUMNS
        if int(submitted.get(column, 0)) != int(now[column])
    ]


def submission_for(*, organisation: Organisation, quarter: Quarter):
    return (
        DataReturnSubmission.objects.filter(
            organisation=organisation,
            financial_year=quarter.financial_year,
            quarter=quarter.number,
        )
        .select_related("submitted_by")
        .first()
    )


def quarter_return(*, organisation: Organisation, quarter: Quarter) -> QuarterReturn:
    figures = data_return_figures(organisation=organisation, quarter=quarter)
    submission = submission_for(organisation=organisation, quarter=quarter)
    corrections = corrections_between(submission.figures, figures) if submission else []
    return QuarterReturn(organisation, quarter, figures, submission, corrections)


def data_return(*, organisation: Organisation, quarter: Quarter) -> DataReturn:
    """The return for a quarter, its corrections since submission, and for Q4 the year's."""
    one = quarter_return(organisation=organisation, quarter=quarter)
    reconciliation = (
        [quarter_return(organisation=organisation, quarter=q) for q in quarter.earlier_in_year()]
        if quarter.number == 4
        else []
    )
    return DataReturn(
        one.organisation,
        one.quarter,
        one.figures,
        one.submission,
        one.corrections,
        reconciliation=reconciliation,
    )


def submitted_quarters(*, organisation: Organisation, quarters: list[Quarter]) -> dict:
    """{quarter: submission} for those of `quarters` the organisation has submitted."""
    wanted = {(q.financial_year, q.number): q for q in quarters}
    rows = DataReturnSubmission.objects.filter(
        organisation=organisation, financial_year__in={q.financial_year for q in quarters}
    )
    return {
        wanted[(row.financial_year, row.quarter)]: row
        for row in rows
        if (row.financial_year, row.quarter) in wanted
    }


def unsent_quarters_before(*, organisation: Organisation, before: Quarter) -> list[Quarter]:
    """The quarters before `before`, newest first, with something to count (a case received or
    feedback given) and no return submitted: each one a return still owed."""
    since = Quarter(FIRST_YEAR, 1).start  # no return to send before the collection began
    months = {
        *_months_of(
            Concern.objects.filter(organisation=organisation), "received_at", since, before
        ),
        *_months_of(
            Feedback.objects.filter(concern__organisation=organisation), "given_at", since, before
        ),
    }
    submitted = set(
        DataReturnSubmission.objects.filter(
            organisation=organisation, financial_year__lte=before.financial_year
        ).values_list("financial_year", "quarter")
    )
    quarters = {quarter_of(month.date()) for month in months}
    return sorted(
        (q for q in quarters if (q.financial_year, q.number) not in submitted), reverse=True
    )


def _months_of(rows, moment: str, since, before: Quarter):
    """The months, in UK time, in which `moment` falls from `since` to the start of `before`:
    a few dozen rows whatever the number of cases."""
    return (
        rows.filter(**{f"{moment}__gte": since, f"{moment}__lt": before.start})
        .annotate(month=TruncMonth(moment, tzinfo=LONDON))
        .order_by()
        .values_list("month", flat=True)
        .distinct()
    )


def national_returns(*, quarter: Quarter) -> NationalReturns:
    """Every submitted return for the quarter, and the organisations that have not sent one."""
    submitted = list(
        DataReturnSubmission.objects.filter(
            financial_year=quarter.financial_year, quarter=quarter.number
        )
        .select_related("organisation")
        .order_by("organisation__ods_code")
    )
    done = {row.organisation_id for row in submitted}
    missing = list(
        Organisation.objects.filter(active=True)
        .exclude(kind=OrganisationKind.NATIONAL_BODY)
        .exclude(pk__in=done)
        .order_by("ods_code")
    )
    return NationalReturns(quarter, submitted, missing)


def return_required(organisation: Organisation) -> bool:
    return organisation.kind in RETURN_REQUIRED_KINDS
