"""The board report: one organisation, one period, every figure as it may be shown.

Counts of people who spoke up pass through speakup.reporting.disclosure before they reach a
page, a PDF or a chart. Learning is the only case text in the report: only learning the
guardian marked publishable and a leader signed off, each opening audited (docs/reporting.md).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from speakup.concerns import sealing
from speakup.concerns.models import Concern, Feedback
from speakup.concerns.taxonomy import ELEMENT_CODES, WORKER_GROUP_CODES, label_of
from speakup.core.audit import audit
from speakup.core.numbers import percent
from speakup.organisations.models import Organisation
from speakup.reporting import board_report_figures as figures_of
from speakup.reporting.board_report_periods import Period
from speakup.reporting.disclosure import (
    NOT_APPLICABLE,
    NOT_SHOWN,
    Shown,
    suppress_count,
    suppress_share,
    suppress_table,
    with_total_withheld,
)
from speakup.reporting.models import BoardReportInputs
from speakup.reporting.presenters import column_label
from speakup.training.national import workers_on_roster
from speakup.training.presenters import mandatory_wording

# What speakers told the guardian themselves (raising the concern, closing it, at a check-in),
# not the guardian's "detriment" element of a case: the two counts can differ.
DETRIMENT_TOLD = "Speakers who said they suffered detriment for speaking up"
# What "cases per 1,000 workers" divides by, in the national view's words (ADR 0023).
WORKERS = "Workers at the period's end"


@dataclass(frozen=True)
class Line:
    """One row of a figure table: a label, the count as shown, and optionally a share."""

    label: str
    count: Shown
    share: Shown | None = None
    key: str = ""


@dataclass(frozen=True)
class Comparison:
    measure: str
    organisation: Shown
    national: Shown


@dataclass
class BoardReport:
    organisation: Organisation
    period: Period
    today: date
    figures: dict  # raw counts, for the guardian's eyes only through the tests: never rendered
    total: Shown
    quarters: list[Line]
    anonymous: Line
    detriment: Line
    elements: list[Line]
    worker_groups: list[Line]
    timeliness: list[Line]
    medians: dict[str, Shown]
    open_now: Shown
    overdue_now: Shown
    escalated_cases: Shown
    escalations: Shown
    feedback_received: Shown
    feedback: list[Line]
    leaders_holding: list[dict]
    comparison: list[Comparison]
    national_compared: bool = True  # False: the national column is left out (own dates)
    learning: list[str] = field(default_factory=list)
    inputs: BoardReportInputs | None = None
    training: dict = field(default_factory=dict)
    register: list = field(default_factory=list)

    @property
    def has_cases(self) -> bool:
        return bool(self.figures["total_cases"] or self.figures["open_cases"])


def shown_median(days: float | None, count: int) -> Shown:
    """A median says little on its own, but over fewer than the threshold it is hidden too."""
    cases = suppress_count(count)
    if cases.suppressed:
        return Shown(None, NOT_SHOWN, suppressed=True, reason=cases.reason)
    if days is None:
        return Shown(None, NOT_APPLICABLE)
    return Shown(days, f"{days:g} day{'' if days == 1 else 's'}")


def rate_per_thousand(cases: Shown, workers: int) -> Shown:
    if cases.suppressed:
        return Shown(None, NOT_SHOWN, suppressed=True, reason=cases.reason)
    if not workers:
        return Shown(None, NOT_APPLICABLE)
    rate = round(1000 * cases.value / workers, 1)
    # One place, with commas, and no ".0": 3,000, 636.4, 300 (":g" wrote 3000, and 1.2e+06).
    return Shown(rate, f"{rate:,.1f}".removesuffix(".0"))


def _headcount(workers: int) -> Shown:
    """Workers, not people who spoke up: shown as counted, as the national view shows them."""
    return Shown(workers, f"{workers:,}")


def _lines(table, labels: dict[str, str], share_of: Shown | None = None) -> list[Line]:
    return [
        Line(
            labels[key],
            shown,
            suppress_share(shown, share_of) if share_of is not None else None,
            key=key,
        )
        for key, shown in table.cells.items()
    ]


def workers_at_end(*, period: Period, today: date, organisation_ids=None) -> int:
    """The workers "cases per 1,000 workers" divides by: on the roster at the end of the
    period's last day, counted as the national view counts them (ADR 0023), so that a roster
    uploaded later leaves a closed period's rate as it was. Every organisation, or those of
    `organisation_ids`."""
    return workers_on_roster(day=period.last_day, today=today, organisation_ids=organisation_ids)


def national_case_figures(*, period: Period, today: date) -> dict[str, int]:
    """The same counts over every organisation in the system, for comparison: one pass over the
    cases, one over the feedback, one over the roster for the workers at the period's end."""
    result = Concern.objects.aggregate(
        **figures_of.case_counts(today=today, within=figures_of.received_in(period)),
        **figures_of.open_counts(today=today),
    )
    result.update(
        Feedback.objects.filter(given_at__gte=period.start, given_at__lt=period.end).aggregate(
            **figures_of.feedback_counts()
        )
    )
    result["workers"] = workers_at_end(period=period, today=today)
    return result


def split(part: int, whole: int) -> tuple[Shown, Shown]:
    """A count that splits a whole in two (in time or not, anonymous or not), and its share.

    The two parts and the whole are an exclusive table: when the rest is small, the part is
    hidden too, since part and share together would give the rest away.
    """
    table = suppress_table({"part": part, "rest": whole - part}, whole, exclusive=True)
    count = table.cells["part"]
    return count, suppress_share(count, table.total)


def _share_of(share: Shown, total: Shown) -> Shown:
    """A share of the cases says "not shown" when the number of cases is hidden."""
    if total.suppressed:
        return Shown(None, NOT_SHOWN, suppressed=True, reason=total.reason)
    return share


def comparison_figures(raw: dict, workers: int, total: Shown | None = None) -> dict[str, Shown]:
    """The comparable measures, as shown, from one set of raw counts. `total` is the number of
    cases as the report shows it, when its tables had to hide it: a rate or share worked out
    from the number would give it away (75 cases per 1,000 of 80 workers is 6)."""
    total = total or suppress_count(raw["total_cases"])

    def share_of_cases(column: str) -> Shown:
        return _share_of(split(raw[column], raw["total_cases"])[1], total)

    return {
        "Cases per 1,000 workers": rate_per_thousand(total, workers),
        "Raised anonymously": share_of_cases("anonymous_cases"),
        DETRIMENT_TOLD: share_of_cases("detriment_cases"),
        "Acknowledged within the deadline": split(
            raw["acknowledged_in_time"], raw["acknowledge_due"]
        )[1],
        "Feedback given within the deadline": split(raw["feedback_in_time"], raw["feedback_due"])[
            1
        ],
        "Would speak up again (of those who answered)": split(
            raw["feedback_yes"], raw["feedback_received"]
        )[1],
        "Open cases overdue now": split(raw["overdue_cases"], raw["open_cases"])[1],
    }


def board_report(
    *,
    organisation: Organisation,
    period: Period,
    viewer=None,
    today: date | None = None,
    national: bool = True,
) -> BoardReport:
    """Every section of the report. `viewer` is who reads it: opening learning is audited."""
    today = today or timezone.localdate()
    raw = figures_of.organisation_case_figures(
        organisation=organisation, period=period, today=today
    )
    quarters = period.quarters()
    quarter_labels = {}
    for index, quarter in enumerate(quarters):
        partial = quarter.first_day < period.first_day or quarter.last_day > period.last_day
        quarter_labels[f"quarter_{index}"] = f"Q{quarter.number} {quarter.year_label}" + (
            " (part)" if partial else ""
        )
    quarter_table = suppress_table(
        {key: raw[key] for key in quarter_labels}, raw["total_cases"], exclusive=True
    )
    group_table = suppress_table(
        {code: raw[f"worker_group_{code}"] for code in WORKER_GROUP_CODES},
        raw["total_cases"],
        exclusive=True,
    )
    # Both tables split the period's cases: a total one of them hides, the other must not give.
    if quarter_table.total.suppressed or group_table.total.suppressed:
        quarter_table = with_total_withheld(quarter_table)
        group_table = with_total_withheld(group_table)
    total = quarter_table.total
    element_table = suppress_table(
        {code: raw[f"element_{code}"] for code in ELEMENT_CODES}, exclusive=False
    )
    feedback_table = suppress_table(
        {column: raw[column] for column in figures_of.ANSWER_COLUMNS},
        raw["feedback_received"],
        exclusive=True,
    )
    holding = figures_of.held_by_leader(organisation=organisation, today=today)
    held_table = suppress_table(
        {str(i): row["held"] for i, row in enumerate(holding)}, exclusive=True
    )
    overdue_table = suppress_table(
        {str(i): row["overdue"] for i, row in enumerate(holding)}, exclusive=True
    )
    anonymous, anonymous_share = split(raw["anonymous_cases"], raw["total_cases"])
    detriment, detriment_share = split(raw["detriment_cases"], raw["total_cases"])
    ack_in_time, ack_share = split(raw["acknowledged_in_time"], raw["acknowledge_due"])
    feedback_in_time, feedback_share = split(raw["feedback_in_time"], raw["feedback_due"])
    workers = workers_at_end(period=period, today=today, organisation_ids=[organisation.pk])
    ours = {WORKERS: _headcount(workers), **comparison_figures(raw, workers, total)}
    theirs = {}
    if national:
        national_raw = national_case_figures(period=period, today=today)
        theirs = {
            WORKERS: _headcount(national_raw["workers"]),
            **comparison_figures(national_raw, national_raw["workers"]),
        }
    training = training_section(organisation=organisation, today=today)
    ours_training, england_training = compliance_comparison(
        training=training, today=today, national=national
    )
    ours.update(ours_training)
    theirs.update(england_training)
    report = BoardReport(
        organisation=organisation,
        period=period,
        today=today,
        figures=raw,
        total=total,
        quarters=_lines(quarter_table, quarter_labels),
        anonymous=Line("Raised anonymously", anonymous, _share_of(anonymous_share, total)),
        detriment=Line(DETRIMENT_TOLD, detriment, _share_of(detriment_share, total)),
        elements=_lines(element_table, {c: label_of(c) for c in ELEMENT_CODES}, share_of=total),
        worker_groups=_lines(
            group_table, {c: label_of(c) for c in WORKER_GROUP_CODES}, share_of=total
        ),
        timeliness=[
            Line(
                "Acknowledged within the organisation's deadline",
                ack_in_time,
                ack_share,
                key="acknowledged",
            ),
            Line(
                "Feedback given within the organisation's deadline",
                feedback_in_time,
                feedback_share,
                key="feedback",
            ),
        ],
        medians={
            "acknowledge": shown_median(raw["median_days_to_acknowledge"], raw["acknowledged"]),
            "feedback": shown_median(raw["median_days_to_feedback"], raw["feedback_given"]),
        },
        open_now=held_table.total,
        overdue_now=overdue_table.total,
        escalated_cases=suppress_count(raw["escalated_cases"]),
        escalations=suppress_count(raw["escalations"]),
        feedback_received=feedback_table.total,
        feedback=_lines(
            feedback_table,
            {
                c: column_label(c).removeprefix("Would speak up again: ").capitalize()
                for c in figures_of.ANSWER_COLUMNS
            },
            share_of=feedback_table.total,
        ),
        leaders_holding=[
            {
                "name": row["name"],
                "held": held_table.cells[str(i)],
                "overdue": overdue_table.cells[str(i)],
            }
            for i, row in enumerate(holding)
        ],
        comparison=[
            Comparison(measure, shown, theirs.get(measure, Shown(None, NOT_APPLICABLE)))
            for measure, shown in ours.items()
        ],
        national_compared=national,
    )
    report.inputs = BoardReportInputs.objects.filter(
        organisation=organisation, start=period.first_day, end=period.last_day
    ).first()
    report.learning = published_learning(organisation=organisation, period=period, viewer=viewer)
    report.training = training
    report.register = register_section(organisation=organisation, today=today)
    return report


def compliance_comparison(
    *, training: dict, today: date, national: bool
) -> tuple[dict[str, Shown], dict[str, Shown]]:
    """The organisation's compliance per module (its training section's, today's) and, with
    `national`, England's beside it as the national view's England line gives it."""
    from speakup.reporting.national_view import england_compliance, training_share

    def measure(module: dict) -> str:
        return f"{module['title']} compliance (today)"

    ours = {
        measure(module): training_share(module["compliant"], module["required"])
        for module in training["modules"]
    }
    if not national:
        return ours, {}
    england = england_compliance(today=today)
    return ours, {measure(module): england[module["module"]] for module in training["modules"]}


def published_learning(*, organisation: Organisation, period: Period, viewer) -> list[str]:
    """The learning a guardian published for cases closed in the period, opened and audited.

    Each opening is one audit record (who read which case's learning, never the words). The
    texts come back sorted, without references or dates, so their order says nothing about
    which case they came from.
    """
    cases = list(figures_of.published_learning_cases(organisation=organisation, period=period))
    texts = []
    with transaction.atomic():
        for concern in cases:
            try:
                text = sealing.unseal(concern, "learning", concern.learning_sealed)
            except sealing.Shredded:
                continue
            if not text:
                continue
            audit(
                actor=viewer if getattr(viewer, "is_authenticated", False) else None,
                actor_label=None if getattr(viewer, "is_authenticated", False) else "system",
                action="concern.read_published_learning",
                object_type="concern",
                object_ref=concern.reference,
                organisation=organisation.pk,
                detail={"for": "board_report", "field": "learning"},
            )
            texts.append(text)
    return sorted(texts, key=str.casefold)


def training_section(*, organisation: Organisation, today: date) -> dict:
    """Adoption flags, compliance per module by staff group, board members' Follow Up.

    The counts come from one aggregate query over the roster (training.tallies, the rules of a
    worker's status written in SQL); only the board members are read by name.
    """
    from speakup.training import queries as training
    from speakup.training import tallies
    from speakup.training.content import MODULE_ORDER

    policy = training.policy_for(organisation=organisation)
    figures = tallies.compliance_figures(organisation=organisation, today=today, policy=policy)
    flags = figures["flags"]
    modules = []
    for row in figures["summary"]["modules"]:
        module = row["module"]
        mandatory, since = flags[module]
        modules.append(
            {
                "module": module,
                "title": training.MODULE_TITLES[module],
                "mandatory": mandatory,
                "since": since,
                "adoption": mandatory_wording(mandatory, since),
                "required": row["required"],
                "compliant": row[training.COMPLIANT],
                "percent": percent(row[training.COMPLIANT], row["required"]),
            }
        )
    by_staff_group = figures["breakdowns"]["staff_group"]
    return {
        "workers": sum(row["workers"] for row in by_staff_group),
        "modules": modules,
        "module_order": MODULE_ORDER,
        "module_headings": [training.MODULE_TITLES[m] for m in MODULE_ORDER],
        "by_staff_group": by_staff_group,
        "board": [
            {"name": w.name, "status": w.status_of("follow_up")}
            for w in tallies.board_compliance(organisation=organisation, today=today, policy=policy)
        ],
    }


def register_section(*, organisation: Organisation, today: date) -> list[dict]:
    from speakup.register import duties

    rows = []
    for compliance in duties.board_compliance(organisation=organisation, today=today):
        director = compliance.director
        rows.append(
            {
                "name": f"{director.first_name} {director.last_name}",
                "register_number": director.register_number,
                "duties": {str(duty.duty): duty for duty in compliance.duties},
            }
        )
    return sorted(rows, key=lambda row: row["name"].casefold())


def board_report_inputs_save(
    *, organisation: Organisation, period: Period, values: dict, by
) -> BoardReportInputs:
    """Keep the guardian's survey scores and narrative for this organisation and period."""
    with transaction.atomic():
        inputs, created = BoardReportInputs.objects.select_for_update().get_or_create(
            organisation=organisation,
            start=period.first_day,
            end=period.last_day,
            defaults={**values, "updated_by": by},
        )
        if not created:
            for name, value in values.items():
                setattr(inputs, name, value)
            inputs.updated_by = by
            inputs.updated_at = timezone.now()
            inputs.save()
        audit(
            actor=by,
            action="reporting.save_board_report_inputs",
            object_type="board_report_inputs",
            object_ref=str(inputs.pk),
            organisation=organisation.pk,
            detail={"start": period.first_day.isoformat(), "end": period.last_day.isoformat()},
        )
    return inputs
