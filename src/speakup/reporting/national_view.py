"""The national view: per organisation and per region, adoption, follow-up and speaking up.

Every figure comes from aggregate queries grouped by organisation (a fixed number of queries
whatever the number of organisations or cases). Training over every roster and the register's
duties are counted at most hourly and kept (reporting.national_counts), with the mandatory
flags they were counted under: at national scale they take seconds; cases are counted on each
visit, and so are the workers on each roster at the period's end (for cases per 1,000
workers). Counts of people who spoke up, and shares worked out from them, pass through
speakup.reporting.disclosure. No case content, no names.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from django.utils import timezone

from speakup.concerns.models import Concern, Feedback
from speakup.core.numbers import percent, share_in_words
from speakup.organisations.models import Organisation, OrganisationKind, Region
from speakup.reporting import board_report_figures as figures_of
from speakup.reporting import national_counts
from speakup.reporting.board_report import WORKERS, comparison_figures, rate_per_thousand
from speakup.reporting.board_report_periods import Period
from speakup.reporting.disclosure import NOT_APPLICABLE, Shown, suppress_count
from speakup.reporting.national_totals import protected_shares, total_cases
from speakup.training.content import MODULE_ORDER
from speakup.training.models import Module
from speakup.training.national import workers_on_roster_by_organisation

MODULE_TITLES = dict(Module.choices)

# key, heading, whether a low value is the worrying one (outliers are the worst decile)
MEASURES = [
    *((f"{m}_compliance", f"{MODULE_TITLES[m]} compliance", True) for m in MODULE_ORDER),
    ("board_follow_up", "Board members with Follow Up", True),
    ("register", "Directors with no overdue register duty", True),
    ("cases_per_thousand", "Cases per 1,000 workers", True),
    ("acknowledged_in_time", "Acknowledged in time", True),
    ("feedback_in_time", "Feedback in time", True),
    ("overdue_share", "Open cases overdue", False),
    ("speak_up_again", "Would speak up again", True),
]
MEASURE_KEYS = [key for key, _, _ in MEASURES]
# The measures of people who spoke up (the others are of workers and directors).
SPEAKING_KEYS = (
    "cases_per_thousand",
    "acknowledged_in_time",
    "feedback_in_time",
    "overdue_share",
    "speak_up_again",
)
HEADINGS = {key: heading for key, heading, _ in MEASURES}
# The line adding up every organisation, whatever the filters, to compare with the whole.
ENGLAND = "England (all organisations)"
# The organisations' table's columns in order, by the key that sorts by each: every one sorts.
# Workers are there to read "cases per 1,000 workers" by (the CSV's columns, in the same order).
COLUMNS = {
    "name": "Organisation",
    "mandatory": "Mandatory modules",
    "workers": WORKERS,
    "cases": "Cases",
    **HEADINGS,
}
UNITS = {key: ("" if key == "cases_per_thousand" else "%") for key in MEASURE_KEYS}
COUNT_KEYS = (
    "total_cases",
    "acknowledge_due",
    "acknowledged_in_time",
    "feedback_due",
    "feedback_in_time",
    "open_cases",
    "overdue_cases",
    "feedback_received",
    "feedback_yes",
)
# Training's shares, by the counts they are of: whole percentages, as the training dashboard
# and the board report give them (docs/training.md, "The national view").
TRAINING_SHARES = {
    **{f"{m}_compliance": (f"{m}_compliant", f"{m}_required") for m in MODULE_ORDER},
    "board_follow_up": ("board_completed", "board_members"),
}
# A region's line adds up its organisations' raw counts before anything is suppressed.
SUMMED = (
    *COUNT_KEYS,
    "workers",
    "board_members",
    "board_completed",
    "directors",
    "directors_ok",
    *(f"{m}_{what}" for m in MODULE_ORDER for what in ("required", "compliant")),
)


@dataclass
class NationalRow:
    label: str
    raw: dict
    measures: dict[str, Shown]
    organisation: Organisation | None = None
    region: str = ""
    mandatory: dict[str, bool] = field(default_factory=dict)
    outliers: set[str] = field(default_factory=set)
    cases: Shown | None = None
    workers: int = 0
    parts: list["NationalRow"] = field(default_factory=list)  # the lines a total adds up


@dataclass
class NationalView:
    period: Period
    today: date
    organisations: list[NationalRow]
    regions: list[NationalRow]
    sort: str
    descending: bool
    counted_at: datetime | None = None  # when training and the register were counted
    england: NationalRow | None = None  # every organisation, whatever the filters
    # Measures on which no organisation can be marked worst 10%: fewer than ten have them shown.
    unmarked: list[str] = field(default_factory=list)
    # The regions asked about (every one without a region filter) with no organisation shown.
    empty_regions: list[str] = field(default_factory=list)
    kind: str = ""

    @property
    def no_organisations(self) -> str:
        """Where no organisation (of the kind asked for) reports yet, in a sentence; "" if none."""
        if not self.empty_regions:
            return ""
        who = "organisations"
        if self.kind:
            label = OrganisationKind(self.kind).label
            who = (label if label.startswith("NHS") else label[:1].lower() + label[1:]) + "s"
        if not self.organisations and len(self.empty_regions) > 1:
            return f"No {who} report to speakup yet."  # every region: naming them adds nothing
        regions = self.empty_regions
        where = ", ".join(regions[:-1]) + " and " + regions[-1] if len(regions) > 1 else regions[0]
        return f"No {who} in {where} report to speakup yet."


def _plain_share(part: int, whole: int) -> Shown:
    """A share of directors (not people who spoke up): shown as it is, to one decimal place."""
    if not whole:
        return Shown(None, NOT_APPLICABLE)
    share = percent(part, whole, places=1)
    return Shown(share, f"{share:g}%")


def training_share(part: int, whole: int) -> Shown:
    """A share of workers (or board members) who completed a module, in the dashboard's words
    ("under 1%" of 80 of 90,103, not "0%" as if none); its value, the CSV's number, the whole
    percentage."""
    if not whole:
        return Shown(None, NOT_APPLICABLE)
    return Shown(percent(part, whole), share_in_words(part, whole))


def reporting_organisations():
    """The organisations the national view counts, England's line adding them all up."""
    return Organisation.objects.filter(active=True).exclude(kind=OrganisationKind.NATIONAL_BODY)


def england_compliance(*, today: date) -> dict[str, Shown]:
    """{module: England's compliance}, as the national view's England line gives it: the kept
    training counts of every organisation it counts, added up, then shared."""
    training = national_counts.training_counts(national_counts.latest_counts(today=today))
    ids = reporting_organisations().values_list("pk", flat=True)
    counted = [training.get(pk, {}) for pk in ids]
    shares = {}
    for module in MODULE_ORDER:
        part, whole = TRAINING_SHARES[f"{module}_compliance"]
        shares[module] = training_share(
            sum(counts.get(part, 0) for counts in counted),
            sum(counts.get(whole, 0) for counts in counted),
        )
    return shares


def _measures(raw: dict, cases: Shown | None = None) -> dict[str, Shown]:
    """Every measure of one line; `cases` is its number of cases as shown, when more than
    `raw` alone says has to be hidden (rule 3), so that no rate gives it away."""
    cases = cases or suppress_count(raw["total_cases"])
    speaking = comparison_figures({**raw, "detriment_cases": 0, "anonymous_cases": 0}, 0, cases)
    return {
        **{
            key: training_share(raw[part], raw[whole])
            for key, (part, whole) in TRAINING_SHARES.items()
        },
        "register": _plain_share(raw["directors_ok"], raw["directors"]),
        "cases_per_thousand": rate_per_thousand(cases, raw["workers"]),
        "acknowledged_in_time": speaking["Acknowledged within the deadline"],
        "feedback_in_time": speaking["Feedback given within the deadline"],
        "overdue_share": speaking["Open cases overdue now"],
        "speak_up_again": speaking["Would speak up again (of those who answered)"],
    }


def _grouped(queryset, by: str, annotations: dict) -> dict[int, dict]:
    rows = queryset.values(by).annotate(**annotations).order_by()
    return {row.pop(by): row for row in rows}


def national_view(
    *,
    period: Period,
    today: date | None = None,
    region: str = "",
    kind: str = "",
    sort: str = "",
    descending: bool = False,
) -> NationalView:
    today = today or timezone.localdate()
    everyone = list(reporting_organisations().order_by("name"))
    organisations = [
        organisation
        for organisation in everyone
        if (not region or organisation.region == region) and (not kind or organisation.kind == kind)
    ]

    cases = _grouped(
        Concern.objects.all(),
        "organisation_id",
        {
            **figures_of.case_counts(today=today, within=figures_of.received_in(period)),
            **figures_of.open_counts(today=today),
        },
    )
    feedback = _grouped(
        Feedback.objects.filter(given_at__gte=period.start, given_at__lt=period.end),
        "concern__organisation_id",
        figures_of.feedback_counts(),
    )
    counted = national_counts.latest_counts(today=today)
    training = national_counts.training_counts(counted)
    register = national_counts.register_counts(counted)
    workers = workers_on_roster_by_organisation(day=period.last_day, today=today)

    raws = {}
    for organisation in everyone:
        pk = organisation.pk
        raw = dict.fromkeys(SUMMED, 0)
        for source in (cases.get(pk, {}), feedback.get(pk, {}), training.get(pk, {})):
            raw.update({key: value for key, value in source.items() if key in raw})
        raw["directors"], raw["directors_ok"] = register.get(pk, (0, 0))
        raw["workers"] = workers.get(pk, 0)  # at the period's end, not today's roster
        raws[pk] = raw

    lines = {
        organisation.pk: _organisation_line(organisation, raws[organisation.pk], training)
        for organisation in everyone
    }
    rows = [lines[organisation.pk] for organisation in organisations]
    unmarked = flag_outliers(rows)
    regions = _region_lines(rows)
    sort = sort if sort in COLUMNS else "name"
    rows = sort_rows(rows, sort, descending)
    counted_at = timezone.localtime(counted.counted_at)
    asked = [region] if region else [code for code in Region.values if code != Region.NATIONAL]
    shown_regions = {row.region for row in rows}
    empty = [Region(code).label for code in asked if Region(code).label not in shown_regions]
    return NationalView(
        period,
        today,
        rows,
        regions,
        sort,
        descending,
        counted_at,
        england=_total_line(ENGLAND, _region_lines(list(lines.values()))),
        unmarked=unmarked,
        empty_regions=sorted(empty),
        kind=kind,
    )


def _organisation_line(organisation: Organisation, raw: dict, training: dict) -> NationalRow:
    return NationalRow(
        label=f"{organisation.name} ({organisation.ods_code})",
        raw=raw,
        measures=_measures(raw),
        organisation=organisation,
        region=organisation.get_region_display(),
        # From the count the compliance beside them comes from, not the live policy:
        # one snapshot, "counted at" the time the page gives.
        mandatory={
            m: bool(training.get(organisation.pk, {}).get(f"{m}_mandatory")) for m in MODULE_ORDER
        },
        cases=suppress_count(raw["total_cases"]),
        workers=raw["workers"],
    )


def _region_lines(rows: list[NationalRow]) -> list[NationalRow]:
    """One line per region of `rows`, in name order, each adding up its organisations."""
    by_region: dict[str, list[NationalRow]] = defaultdict(list)
    for row in rows:
        by_region[row.region].append(row)
    return [_total_line(label, parts) for label, parts in sorted(by_region.items())]


def _total_line(label: str, parts: list[NationalRow]) -> NationalRow:
    """A line adding up `parts`' raw counts before anything is hidden; its cases and shares
    hidden where, beside the parts' lines, they would give a hidden figure away."""
    raw = {key: sum(part.raw[key] for part in parts) for key in SUMMED}
    cases = total_cases(parts)
    line = NationalRow(
        label=label,
        raw=raw,
        measures=_measures(raw, cases),
        cases=cases,
        workers=raw["workers"],
        parts=parts,
    )
    line.measures = protected_shares(line)
    return line


def _sort_value(row: NationalRow, key: str):
    """What a row sorts by on `key`; None for a figure not shown."""
    if key == "mandatory":
        # By how many modules are mandatory, then which (Speak Up before Listen Up).
        flags = [bool(row.mandatory.get(m)) for m in MODULE_ORDER]
        return (sum(flags), *flags)
    if key == "workers":
        return row.workers
    if key == "cases":
        # "fewer than 5" lies between 0 and 5: sorted there, in name order, it tells nothing more.
        return row.cases.value if row.cases.value is not None else 0.5
    if key in TRAINING_SHARES:
        # By the share itself: 2 of 15 (13.3%) above 1 of 8 (12.5%), though both show 13%.
        part, whole = (row.raw[count] for count in TRAINING_SHARES[key])
        return Fraction(part, whole) if whole else None
    return row.measures[key].value


def sort_rows(rows: list[NationalRow], key: str, descending: bool) -> list[NationalRow]:
    """By name, or by any other column; figures not shown always come last. Ties stay in name
    order either way (a stable sort of rows already in name order), as a reader reversing the
    order expects the rows that tie not to swap."""
    by_name = sorted(rows, key=lambda row: row.label.casefold())
    if key == "name":
        return by_name[::-1] if descending else by_name
    shown = [row for row in by_name if _sort_value(row, key) is not None]
    hidden = [row for row in by_name if _sort_value(row, key) is None]
    return sorted(shown, key=lambda row: _sort_value(row, key), reverse=descending) + hidden


def flag_outliers(rows: list[NationalRow]) -> list[str]:
    """Mark each organisation in the worst tenth on a measure (among those with it shown), by the
    figure it sorts by: a training share's exact value, not its whole percentage. Gives the
    measures left unmarked because fewer than ten organisations have them shown."""
    unmarked = []
    for key, _, low_is_bad in MEASURES:
        values = sorted(_sort_value(row, key) for row in rows if _sort_value(row, key) is not None)
        if len(values) < 10:
            unmarked.append(key)  # a decile of fewer than ten organisations says nothing
            continue
        cut = values[len(values) // 10 - 1] if low_is_bad else values[-(len(values) // 10)]
        for row in rows:
            value = _sort_value(row, key)
            if value is not None and (value <= cut if low_is_bad else value >= cut):
                row.outliers.add(key)
    return unmarked


# The CSV's columns in the page's words ("Speak Up compliance", as the table heads it), as the
# training CSVs for people are written; a share's column says that it is a percentage, since
# its cells are plain numbers a spreadsheet can add up. The last two say when the figures not
# of the period were counted, on every row, so that the file keeps it away from the page.
CSV_COLUMNS = [
    "ODS code",
    "Organisation",
    "Region",
    "Kind of organisation",
    *(f"{MODULE_TITLES[m]} mandatory" for m in MODULE_ORDER),
    WORKERS,
    "Cases",
    *(f"{HEADINGS[key]} (%)" if UNITS[key] == "%" else HEADINGS[key] for key in MEASURE_KEYS),
    "Worst 10% on",
    "Training and register as of",
    "Open cases as of",
]


def national_view_csv_rows(view: NationalView) -> list[list]:
    """The organisations' rows, then England's, which adds up every organisation whatever the
    filters; its cells that only an organisation has say "not applicable"."""
    # ISO 8601 with the offset from UTC: a program reads it, and 9:00 in summer is not ambiguous.
    as_of = [view.counted_at.isoformat(timespec="minutes"), view.today.isoformat()]
    rows = [CSV_COLUMNS]
    for row in view.organisations:
        organisation = row.organisation
        rows.append(
            [
                organisation.ods_code,
                organisation.name,
                organisation.get_region_display(),
                organisation.get_kind_display(),
                *("Yes" if row.mandatory.get(m) else "No" for m in MODULE_ORDER),
                *_figures(row),
                "; ".join(HEADINGS[key] for key in MEASURE_KEYS if key in row.outliers),
                *as_of,
            ]
        )
    if view.england and view.organisations:
        rows.append(
            [
                NOT_APPLICABLE,
                view.england.label,
                "England",
                NOT_APPLICABLE,
                *(NOT_APPLICABLE for _ in MODULE_ORDER),
                *_figures(view.england),
                NOT_APPLICABLE,
                *as_of,
            ]
        )
    return rows


def _figures(row: NationalRow) -> list:
    return [row.workers, row.cases.export, *(row.measures[key].export for key in MEASURE_KEYS)]
