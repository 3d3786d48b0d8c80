"""Compliance counted by the database: the organisation dashboard's figures in one query.

The rules are those of `queries.module_status` (one worker at a time, in Python), written as SQL
so that a 20,000-worker trust is counted without loading every worker. The two must agree:
tests/training/test_tallies.py builds a varied roster and checks that they give the same counts.
Every constant (policy periods, cut-off dates, superseded versions, bands) is worked out here in
Python with the same helpers `module_status` uses; only the per-worker comparisons run in SQL.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import NotSupportedError, connection
from django.db.models import (
    Case,
    CharField,
    DateField,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.db.models.lookups import LessThan

from speakup.core.dates import years_after
from speakup.core.names import name_order
from speakup.core.numbers import percent
from speakup.organisations.models import Organisation
from speakup.training import content
from speakup.training.bands import band_code, band_rank
from speakup.training.content import MODULE_ORDER
from speakup.training.models import Module, MonthEndCompliance, StaffRecord, TrainingPolicy
from speakup.training.queries import (
    COMPLIANT,
    DUE,
    EXPIRED,
    LATE,
    NOT_GIVEN,
    NOT_REQUIRED,
    OVERDUE,
    ROLES_REQUIRING,
    WorkerCompliance,
    active_records,
    band_rule_since,
    band_under_rule,
    breakdown_order,
    mandatory_fields,
    mandatory_flags,
    month_ends,
    on_roster_q,
    policy_for,
    records_compliance,
    trend_roster,
    unusual_value,
)

# A status is a digit per module: code = su + 6 * lu + 36 * fu (see `_status_code`). COMPLIANT
# is above EXPIRED, so that MAX over a worker's completions says whether any still counts; and
# RETAKING (due, by the day a replaced version is retaken from) is above EXPIRED and OVERDUE:
# such a pass makes the worker due however their other completions would count.
RETAKING = "retaking"
STATUSES = [NOT_REQUIRED, DUE, OVERDUE, EXPIRED, RETAKING, COMPLIANT]
GROUPS = ("staff_group", "directorate", "band")

# The trend's rows: the last five month ends, and today.
TREND_MONTHS = 6

# Stands for "never expires" in `refresher_cutoff`: earlier than any real completion day.
NO_CUTOFF = datetime.date(1, 1, 1)


def refresher_cutoff(today: datetime.date, years: int | None) -> datetime.date:
    """The earliest completion day still valid today: `years_after(day, years) >= today`."""
    if years is None:
        return NO_CUTOFF
    day = years_after(today, -years)
    while years_after(day - datetime.timedelta(days=1), years) >= today:
        day -= datetime.timedelta(days=1)
    while years_after(day, years) < today:
        day += datetime.timedelta(days=1)
    return day


# A worker's completions come two ways (as in `queries.organisation_completions`): recorded
# against their roster record, or against their account (taken in speakup with no roster link
# here, or at another organisation): training goes with the person.
PATHS = {
    "recorded_here": Q(),
    "user__training_completions": Q(user__training_completions__staff_record_id__isnull=True)
    | Q(user__training_completions__organisation_id__lt=F("organisation_id"))
    | Q(user__training_completions__organisation_id__gt=F("organisation_id")),
}


def _with_completions(records: QuerySet) -> QuerySet:
    """The roster records with "recorded_here": their completions joined by record and by the
    record's organisation. A completion linked to a roster record is always recorded at that
    record's organisation (taken in speakup, imported, or sent by xAPI: services.py), so the
    organisation changes no figure; it lets the database read one organisation's completions
    by its index instead of every completion in England (1.3 million at national scale)."""
    return records.alias(
        recorded_here=FilteredRelation(
            "completions", condition=Q(completions__organisation_id=F("organisation_id"))
        )
    )


def _completed(path: str, module: str, *, policy, today, bands, cutoff, not_done: Case) -> Case:
    """For one joined completion by `path`: COMPLIANT if it is of a current version and still
    valid; RETAKING if its version was replaced while it was valid and the worker is within
    their days from the day it must be retaken from; EXPIRED if it no longer counts (lapsed,
    or its version replaced) but still counted on the worker's due date, now gone by; else as
    with none, due or overdue (`queries.module_status`)."""
    done = Q(**{f"{path}__module": module, f"{path}__completed_on__lte": today}) & PATHS[path]
    replaced = Q(**{f"{path}__version__in": content.superseded_versions(module)})
    valid = ~replaced & Q(**{f"{path}__completed_on__gte": cutoff})
    return Case(
        When(done & valid, then=Value(STATUSES.index(COMPLIANT))),
        When(
            done & replaced & _retaking(path, module, policy, today),
            then=Value(STATUSES.index(RETAKING)),
        ),
        When(
            done
            & _overdue_q(module, policy, today, bands)
            & _counted_when_due(path, module, policy, bands)
            & _counted_when_replaced(replaced, module, policy, bands),
            then=Value(STATUSES.index(EXPIRED)),
        ),
        default=not_done,
        output_field=IntegerField(),
    )


def _retaking(path: str, module: str, policy: TrainingPolicy, today: datetime.date) -> Q:
    """The joined completion, of a replaced version, was still valid on the day it must be
    retaken from, and the worker's days from that day have not gone by: they are due
    (`queries.module_status`). Asked only of completions of a replaced version."""
    replaced_on = content.retake_from(module)
    if replaced_on is None:
        return Q(pk__in=[])
    years = getattr(policy, f"{module}_refresher_years")
    valid_then = Q(**{f"{path}__completed_on__gte": refresher_cutoff(replaced_on, years)})

    def within(days: int) -> Q:
        return Q() if today <= replaced_on + datetime.timedelta(days=days) else Q(pk__in=[])

    if module == Module.FOLLOW_UP:
        days = (Q(is_board_member=True) & within(policy.board_follow_up_due_days)) | (
            Q(is_board_member=False) & within(policy.new_starter_due_days)
        )
    else:
        days = within(policy.new_starter_due_days)
    return valid_then & days


def _counted_when_replaced(replaced: Q, module: str, policy: TrainingPolicy, bands) -> Q:
    """The joined completion is of a current version, or its version was replaced on or after
    the worker's due day, so that it could still count on that day: `due <= retake_from`, that
    is `max(start, requirement since) < retake_from - days + 1` (`queries.module_status`)."""
    replaced_on = content.retake_from(module)
    if replaced_on is None:
        return Q()
    return ~replaced | _due_before(
        module, policy, bands, lambda days: replaced_on - datetime.timedelta(days=days - 1)
    )


def _counted_when_due(path: str, module: str, policy: TrainingPolicy, bands) -> Q:
    """The joined completion by `path` was still valid on the worker's due date: `due <=
    years_after(completed_on, years)`, that is `max(start, requirement since) < years_after(
    completed_on, years) - days + 1` (`queries.module_status`)."""
    years = getattr(policy, f"{module}_refresher_years")
    if years is None:
        return Q()
    completed_on = F(f"{path}__completed_on")
    return _due_before(
        module,
        policy,
        bands,
        lambda days: YearsAndDaysAfter(completed_on, years=years, days=1 - days),
    )


class YearsAndDaysAfter(Func):
    """The day `years` after a date (from 29 February, 28 February, as `years_after`), then
    `days` on (back, if negative). SQLite's date() goes from 29 February to 1 March, so it is
    taken a day back there."""

    output_field = DateField()

    def __init__(self, expression, *, years: int, days: int):
        super().__init__(expression)
        self.years, self.days = int(years), int(days)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("Training compliance is counted on PostgreSQL and SQLite only")

    def as_postgresql(self, compiler, connection):
        day, params = compiler.compile(self.source_expressions[0])
        # Adding years to 29 February gives 28 February in a year that has no 29th.
        return f"(({day} + make_interval(years => {self.years}))::date + {self.days})", params

    def as_sqlite(self, compiler, connection):
        day, params = compiler.compile(self.source_expressions[0])
        later = f"date({day}, '{self.years:+d} years')"
        sql = (
            f"date({later}, CASE WHEN substr({day}, 6, 5) = '02-29' "
            f"AND substr({later}, 6, 5) = '03-01' THEN '{self.days - 1:+d} days' "
            f"ELSE '{self.days:+d} days' END)"
        )
        return sql, [*params, *params, *params]


def listen_up_bands(*, organisation: Organisation, policy: TrainingPolicy) -> list[str] | None:
    """The roster's bands at or above the policy's "Listen Up from band" (None: no such rule).

    Leavers' bands too: the trend counts leavers in the months they were on the roster. A band
    no active worker holds changes no count of active workers."""
    if not band_rank(policy.listen_up_from_band or ""):
        return None
    bands = (
        StaffRecord.objects.filter(organisation=organisation)
        .order_by()
        .values_list("band", flat=True)
        .distinct()
    )
    return [band for band in bands if band_under_rule(band, policy)]


def required_q(module: str, *, bands: list[str] | None) -> Q | None:
    """Who must take `module` (active workers only; None means everyone): `queries.requirement`."""
    leader = Q(is_senior_leader=True) | Q(is_board_member=True)
    if module == Module.SPEAK_UP:
        return None
    if module == Module.FOLLOW_UP:
        return leader
    required = Q(is_line_manager=True) | leader
    if bands:
        required |= Q(band__in=bands)
    return required


def _held_at_q(day: datetime.date, *, held: Q, since: str, ended: str) -> Q:
    """The role (or the band rule) whose days are the fields `since` and `ended` was held at
    the end of `day` (`queries.held_at`)."""
    began = Q(**{f"{since}__isnull": True}) | Q(**{f"{since}__lte": day})
    return began & (held | Q(**{f"{ended}__gt": day}))


def required_at_q(
    module: str,
    day: datetime.date,
    *,
    policy: TrainingPolicy,
    bands: list[str] | None,
    today: datetime.date,
) -> Q | None:
    """Who had to take `module` at the end of `day`, by the roles and band they held then
    (`queries.required_at`: today, those held today; None means everyone)."""
    if day >= today:
        return required_q(module, bands=bands)
    if module == Module.SPEAK_UP:
        return None
    required = Q(pk__in=[])
    for role in ROLES_REQUIRING[module]:
        held = Q(**{f"is_{role}": True})
        required |= _held_at_q(day, held=held, since=f"{role}_since", ended=f"{role}_ended")
    if module == Module.LISTEN_UP:
        brought_under = [
            band
            for band in bands or ()
            if (since := band_rule_since(band, None, policy)) is None or since <= day
        ]
        held = Q(band__in=brought_under)
        required |= _held_at_q(day, held=held, since="band_since", ended="band_ended")
    return required


def _ever_required_q(module: str, *, bands: list[str] | None) -> Q | None:
    """Who may have had to take `module` on some day (None means everyone): a role or band
    held today, or one that ended. A few columns to read, where `required_at_q` at each month
    end is many: it narrows the workers and completions the trend reads, and decides nothing."""
    required = required_q(module, bands=bands)
    if required is None:
        return None
    for role in ROLES_REQUIRING[module]:
        required |= Q(**{f"{role}_ended__isnull": False})
    if module == Module.LISTEN_UP:
        required |= Q(band_ended__isnull=False)
    return required


def _began_before(module: str, policy: TrainingPolicy, limit, bands) -> Q:
    """The worker has needed `module` since before `limit` (a day, or a day worked out in SQL
    for each row): by one of the reasons that apply to them, begun before it or with no day
    recorded (`queries.requirement_since`, whose earliest reason counts). Asked of workers who
    must take the module."""
    began = Q(pk__in=[]) if ROLES_REQUIRING[module] else Q()  # Speak Up: since start
    for role in ROLES_REQUIRING[module]:
        since = f"{role}_since"
        began |= Q(**{f"is_{role}": True}) & (
            Q(**{f"{since}__isnull": True}) | Q(**{f"{since}__lt": limit})
        )
    if module == Module.LISTEN_UP and bands:
        # The later of the day the policy brought the band under the rule and the day the
        # worker moved into it (`queries.band_rule_since`).
        moved_before = Q(band_since__isnull=True) | Q(band_since__lt=limit)
        by_day = defaultdict(list)
        for band in bands:
            by_day[policy.listen_up_band_since.get(band_code(band))].append(band)
        for day, some in by_day.items():
            if not day:
                began |= Q(band__in=some) & moved_before
            elif isinstance(limit, datetime.date):
                if day < limit.isoformat():
                    began |= Q(band__in=some) & moved_before
            else:
                recorded = Value(datetime.date.fromisoformat(day), output_field=DateField())
                began |= Q(band__in=some) & moved_before & Q(LessThan(recorded, limit))
    return began


def _due_before(module: str, policy: TrainingPolicy, bands, limit) -> Q:
    """The worker's due day is before a day: `max(start, requirement since) < limit(days)`,
    for the new starters' days, or the board's for a board member's Follow Up
    (`queries.due_date`)."""

    def since_before(days: int) -> Q:
        day = limit(days)
        return Q(assignment_start__lt=day) & _began_before(module, policy, day, bands)

    if module == Module.FOLLOW_UP:
        return (Q(is_board_member=True) & since_before(policy.board_follow_up_due_days)) | (
            Q(is_board_member=False) & since_before(policy.new_starter_due_days)
        )
    return since_before(policy.new_starter_due_days)


def _overdue_q(module: str, policy: TrainingPolicy, today: datetime.date, bands) -> Q:
    """Past the due day: `max(start, requirement since) + days < today` (`queries.due_date`;
    the mandatory date moves no due date, ADR 0014)."""
    return _due_before(module, policy, bands, lambda days: today - datetime.timedelta(days=days))


def _status_case(module, *, policy, today, bands) -> Max:
    """The module's status as a digit (index in STATUSES), for a query grouped by worker.

    Each row is the worker joined with one of their completions (or none): MAX over the rows
    picks COMPLIANT if any completion still counts, else EXPIRED if there is any, else the
    worker's due or overdue (which does not depend on the row).
    """
    cutoff = refresher_cutoff(today, getattr(policy, f"{module}_refresher_years"))
    not_done = Case(
        When(_overdue_q(module, policy, today, bands), then=Value(STATUSES.index(OVERDUE))),
        default=Value(STATUSES.index(DUE)),
        output_field=IntegerField(),
    )
    by_record, by_account = (
        _completed(
            path, module, policy=policy, today=today, bands=bands, cutoff=cutoff, not_done=not_done
        )
        for path in PATHS
    )
    status = Greatest(by_record, by_account, output_field=IntegerField())
    required = required_q(module, bands=bands)
    if required is not None:
        status = Case(
            When(required, then=status),
            default=Value(STATUSES.index(NOT_REQUIRED)),
            output_field=IntegerField(),
        )
    return Max(status)


def _status_code(**kwargs):
    """All three modules' statuses in one number, so one GROUP BY counts every combination."""
    speak_up, listen_up, follow_up = (_status_case(module, **kwargs) for module in MODULE_ORDER)
    base = len(STATUSES)
    return speak_up + listen_up * base + follow_up * base**2


def _empty_counts() -> dict[str, int]:
    return {"required": 0, COMPLIANT: 0, DUE: 0, OVERDUE: 0, EXPIRED: 0}


class Tally:
    """Counts per module for a set of workers, added up from the grouped rows."""

    def __init__(self):
        self.workers = 0
        self.modules = {module: _empty_counts() for module in MODULE_ORDER}

    def add(self, statuses: dict[str, str], workers: int) -> None:
        self.workers += workers
        for module, status in statuses.items():
            if status != NOT_REQUIRED:
                self.modules[module]["required"] += workers
                self.modules[module][status] += workers


def _decode(code: int) -> dict[str, str]:
    base = len(STATUSES)
    statuses = (STATUSES[(code // base**place) % base] for place in range(len(MODULE_ORDER)))
    return {
        module: DUE if status == RETAKING else status
        for module, status in zip(MODULE_ORDER, statuses, strict=True)
    }


# Django takes tens of milliseconds to write the nested CASEs below into SQL, and writes the
# same SQL for the same rule inputs: so it is written once per process for each set of inputs.
_WRITTEN: dict[tuple, tuple[str, tuple]] = {}


def _rule_inputs(organisation, policy, today, bands) -> tuple:
    """Everything the SQL depends on: organisation, day, every policy field, bands, versions."""
    return (
        organisation.pk,
        today,
        tuple(_hashable(getattr(policy, f.attname)) for f in policy._meta.concrete_fields),
        None if bands is None else tuple(bands),
        tuple(content.superseded_versions(module) for module in MODULE_ORDER),
        tuple(content.retake_from(module) for module in MODULE_ORDER),
    )


def _hashable(value):
    """A policy field as part of a key: the JSON of when each band came under the rule as
    sorted pairs."""
    return tuple(sorted(value.items())) if isinstance(value, dict) else value


def _written_once(key: tuple, write) -> tuple[str, tuple]:
    if key not in _WRITTEN:
        # A long-running process sees many days and organisations; the national counts ask
        # for every organisation in England (250 to 300) each time.
        if len(_WRITTEN) >= 1024:
            _WRITTEN.clear()
        _WRITTEN[key] = write()
    return _WRITTEN[key]


def grouped_statuses(
    *,
    organisation: Organisation,
    policy: TrainingPolicy,
    today: datetime.date,
    bands: list[str] | None,
) -> list[tuple[str, str, int, int]]:
    """(grouping, value, statuses code, workers) rows for the organisation: one query.

    Inside, each active worker's three statuses are worked out from their joined completions;
    outside, workers are counted per status combination for each of staff group, directorate
    and band (every worker once in each), and for the board members ("board", "").
    """
    inner, params = _written_once(
        ("statuses", *_rule_inputs(organisation, policy, today, bands)),
        lambda: (
            _with_completions(StaffRecord.objects.filter(organisation=organisation, active=True))
            .values("pk", *GROUPS, "is_board_member")
            .annotate(code=_status_code(policy=policy, today=today, bands=bands))
            .order_by()
            .query.sql_with_params()
        ),
    )
    counts = [
        f"SELECT '{group}', {group}, code, COUNT(*) FROM per_worker GROUP BY {group}, code"  # noqa: S608
        for group in GROUPS
    ]
    counts.append(
        "SELECT 'board', '', code, COUNT(*) FROM per_worker WHERE is_board_member GROUP BY code"
    )
    sql = f"WITH per_worker AS ({inner}) " + " UNION ALL ".join(counts)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class MadeLate:
    """What a policy change would make late at once: per module, the workers it would make
    overdue and expired who are neither now; and how many workers that is in all (a worker may
    be made late on more than one module)."""

    modules: dict[str, dict[str, int]]
    workers: int
    # Up to LATE_WORKERS_NAMED of them ("Ada Ashdown (1001)"), in name order, so that the
    # admin sees who they are before saving.
    named: tuple[str, ...] = ()

    def of_module(self, module: str) -> int:
        return sum(self.modules[module].values())


# The workers a policy change would make late that its page names; the rest are counted.
LATE_WORKERS_NAMED = 10


def newly_late(
    *,
    organisation: Organisation,
    before: TrainingPolicy,
    after: TrainingPolicy,
    today: datetime.date,
) -> MadeLate:
    """The active workers whose training `after` would make overdue or expired (late: the
    reminders email them and their line managers) and `before` does not. `after` need not be
    saved. Each worker's statuses under both policies are worked out as the dashboard's are
    (`_status_code`), side by side in one query of the roster joined with its completions
    (after one for the roster's bands per policy), which keeps the first few workers of each
    change of statuses, to be named (one query more, only when someone is made late)."""
    bands = {
        name: listen_up_bands(organisation=organisation, policy=policy)
        for name, policy in (("before", before), ("after", after))
    }
    inner, params = _written_once(
        (
            "change",
            *_rule_inputs(organisation, before, today, bands["before"]),
            *_rule_inputs(organisation, after, today, bands["after"]),
        ),
        lambda: (
            _with_completions(StaffRecord.objects.filter(organisation=organisation, active=True))
            .values("pk")
            .annotate(
                code_before=_status_code(policy=before, today=today, bands=bands["before"]),
                code_after=_status_code(policy=after, today=today, bands=bands["after"]),
            )
            .order_by()
            .query.sql_with_params()
        ),
    )
    # Each change of statuses with its workers counted, and the first of them by id.
    sql = (
        "SELECT code_before, code_after, workers, pk FROM ("  # noqa: S608
        "SELECT code_before, code_after, pk, "
        "COUNT(*) OVER (PARTITION BY code_before, code_after) AS workers, "
        "ROW_NUMBER() OVER (PARTITION BY code_before, code_after ORDER BY pk) AS nth "
        f"FROM ({inner}) AS per_worker WHERE code_before <> code_after"
        ") AS changed WHERE nth <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, LATE_WORKERS_NAMED])
        rows = cursor.fetchall()
    modules = {module: {OVERDUE: 0, EXPIRED: 0} for module in MODULE_ORDER}
    workers, late_ids, changes_seen = 0, [], set()
    for code_before, code_after, count, pk in rows:
        was, will = _decode(code_before), _decode(code_after)
        made_late = [m for m in MODULE_ORDER if will[m] in LATE and was[m] not in LATE]
        if not made_late:
            continue
        late_ids.append(pk)
        if (code_before, code_after) in changes_seen:
            continue  # each of its workers' rows says how many they are
        changes_seen.add((code_before, code_after))
        for module in made_late:
            modules[module][will[module]] += count
        workers += count
    named: tuple[str, ...] = ()
    if late_ids:
        first = sorted(late_ids)[:LATE_WORKERS_NAMED]
        records = StaffRecord.objects.filter(pk__in=first)
        named = tuple(map(str, sorted(records, key=_by_name)))
    return MadeLate(modules=modules, workers=workers, named=named)


def _by_name(record: StaffRecord) -> tuple[str, ...]:
    return name_order(
        last_name=record.last_name, first_name=record.first_name, number=record.employee_number
    )


def tally(
    *,
    organisation: Organisation,
    policy: TrainingPolicy,
    today: datetime.date,
    bands: list[str] | None,
) -> dict:
    """Counts for the whole organisation, the board, and each staff group, directorate, band.

    `bands`: `listen_up_bands` for the organisation and policy (asked once by the caller)."""
    total, board = Tally(), Tally()
    by = {group: defaultdict(Tally) for group in GROUPS}
    for grouping, value, code, workers in grouped_statuses(
        organisation=organisation, policy=policy, today=today, bands=bands
    ):
        statuses = _decode(code)
        if grouping == "board":
            board.add(statuses, workers)
            continue
        by[grouping][value or NOT_GIVEN].add(statuses, workers)
        if grouping == GROUPS[0]:
            total.add(statuses, workers)
    return {"total": total, "board": board, "by": by}


def _with_percent(counts: dict[str, int]) -> dict:
    return {**counts, "percent": percent(counts[COMPLIANT], counts["required"])}


def compliance_figures(
    *, organisation: Organisation, today: datetime.date, policy: TrainingPolicy | None = None
) -> dict:
    """The dashboard's counts: the API's summary and the breakdowns, from one aggregate query."""
    policy = policy or policy_for(organisation=organisation)
    bands = listen_up_bands(organisation=organisation, policy=policy)
    counted = tally(organisation=organisation, policy=policy, today=today, bands=bands)
    flags = mandatory_flags(policy, today=today)
    summary = {
        "organisation": organisation.ods_code,
        "as_of": today.isoformat(),
        "modules": [
            {
                "module": module,
                **mandatory_fields(flags[module]),
                **counted["total"].modules[module],
            }
            for module in MODULE_ORDER
        ],
        "board_follow_up": {
            "required": counted["board"].modules[Module.FOLLOW_UP]["required"],
            "compliant": counted["board"].modules[Module.FOLLOW_UP][COMPLIANT],
        },
    }
    breakdowns = {
        group: [
            {
                "value": value,
                "unusual": unusual_value(group, value),
                "workers": counted["by"][group][value].workers,
                **{
                    module: _with_percent(counted["by"][group][value].modules[module])
                    for module in MODULE_ORDER
                },
            }
            for value in breakdown_order(group, counted["by"][group])
        ]
        for group in GROUPS
    }
    return {
        "summary": summary,
        "breakdowns": breakdowns,
        "policy": policy,
        "flags": flags,
        "bands": bands,
    }


def board_compliance(
    *, organisation: Organisation, today: datetime.date, policy: TrainingPolicy
) -> list[WorkerCompliance]:
    """The board members by name, with their statuses (a handful of workers, in Python)."""
    records = active_records(organisation=organisation).filter(is_board_member=True)
    return records_compliance(
        organisation=organisation, records=records, today=today, policy=policy
    )


def _trend_completions(path: str, *, organisation, policy, bands, ends, today) -> QuerySet:
    """(worker, module, completed on) for every completion by `path` that may count in the
    trend: of a current version, by a worker on the roster at one of the month ends `ends`
    who may have had to take that module (`_ever_required_q`), and done within the refresher
    period before one of them."""
    done = Q(pk__in=[])
    counted = []
    for module in MODULE_ORDER:
        years = getattr(policy, f"{module}_refresher_years")
        window = (refresher_cutoff(ends[0], years), ends[-1])
        done |= Q(**{f"{path}__module": module, f"{path}__completed_on__range": window})
        current = ~Q(**{f"{path}__version__in": content.superseded_versions(module)})
        required = _ever_required_q(module, bands=bands)
        wanted = Q(**{f"{path}__module": module}) & current
        counted.append(When(wanted if required is None else wanted & required, then=Value(1)))
    # The version and requirement are tested in a Case on the same joined completion: a
    # negated condition in filter() on a joined set would become "no such completion".
    return (
        _with_completions(trend_roster(organisation=organisation, ends=ends, today=today))
        .filter(done & PATHS[path])
        .alias(counted=Case(*counted, default=Value(0), output_field=IntegerField()))
        .filter(counted=1)
        .values_list("pk", f"{path}__module", f"{path}__completed_on")
        .order_by()
    )


def _trend_members(*, organisation, policy, bands, ends, today) -> QuerySet:
    """(worker, module, on_0, on_1, ...) for each worker on the roster at one of the month
    ends and each module they may have had to take (`_ever_required_q`): 1 for each month end
    they were on the roster at and had to take it at (`required_at_q`)."""
    where = {"policy": policy, "bands": bands, "today": today}
    members = []
    for module in MODULE_ORDER:
        on = {}
        for number, day in enumerate(ends):
            counted = on_roster_q(day, today=today)
            if (required := required_at_q(module, day, **where)) is not None:
                counted &= required
            on[f"on_{number}"] = Case(
                When(counted, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        records = trend_roster(organisation=organisation, ends=ends, today=today)
        if (required := _ever_required_q(module, bands=bands)) is not None:
            records = records.filter(required)
        members.append(
            records.annotate(trend_module=Value(module, output_field=CharField()), **on)
            .values_list("pk", "trend_module", *on)
            .order_by()
        )
    return members[0].union(*members[1:], all=True)


def month_end_counts(
    *,
    organisation: Organisation,
    policy: TrainingPolicy,
    bands: list[str] | None,
    ends: list[datetime.date],
    today: datetime.date,
) -> dict[tuple[datetime.date, str], tuple[int, int]]:
    """(required, compliant) per month end of `ends` and module, counted as of `today`.

    Each month end is measured against the workers on the roster then who had to take the
    module then, by the roles and band they held then (`required_at_q`); a worker counts as
    complete if a current-version completion on or before it was still valid then. One query:
    per module and month end, how many workers were on the roster and had to take it, and how
    many of them had a completion within that month end's window.
    """

    def write():
        where = {"organisation": organisation, "policy": policy, "bands": bands}
        where |= {"ends": ends, "today": today}
        members = _trend_members(**where)
        done = [_trend_completions(path, **where) for path in PATHS]
        return (
            members.query.sql_with_params(),
            done[0].union(*done[1:], all=True).query.sql_with_params(),
        )

    (members, members_params), (done, done_params) = _written_once(
        ("trend", tuple(ends), *_rule_inputs(organisation, policy, today, bands)), write
    )
    # Per module, each month end's window: from the refresher cut-off to the month end.
    windows = [
        [module]
        + [
            day
            for end in ends
            for day in (refresher_cutoff(end, getattr(policy, f"{module}_refresher_years")), end)
        ]
        for module in MODULE_ORDER
    ]
    months = range(len(ends))
    # One row per worker and module, saying at which month ends they were complete; joined to
    # the workers who must take each module and the month ends they were on the roster at.
    sql = (
        f"WITH members (worker, module, {', '.join(f'on_{n}' for n in months)}) AS "  # noqa: S608
        f"({members}), "
        f"done (worker, module, day) AS ({done}), "
        f"windows (module, {', '.join(f'first_{n}, last_{n}' for n in months)}) AS "
        f"(VALUES {', '.join(['(' + ', '.join(['%s'] * len(windows[0])) + ')'] * len(windows))}), "
        "complete AS (SELECT done.worker, done.module, "
        + ", ".join(
            f"MAX(CASE WHEN done.day BETWEEN first_{n} AND last_{n} THEN 1 ELSE 0 END) "
            f"AS complete_{n}"
            for n in months
        )
        + " FROM done JOIN windows ON done.module = windows.module "
        "GROUP BY done.worker, done.module) "
        "SELECT members.module, "
        + ", ".join(f"SUM(members.on_{n})" for n in months)
        + ", "
        + ", ".join(f"SUM(members.on_{n} * COALESCE(complete.complete_{n}, 0))" for n in months)
        + " FROM members LEFT JOIN complete ON complete.worker = members.worker "
        "AND complete.module = members.module GROUP BY members.module"
    )
    params = [*members_params, *done_params, *(value for window in windows for value in window)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = {module: counts for module, *counts in cursor.fetchall()}
    return {
        (day, module): (
            (counted[module][number], counted[module][len(ends) + number])
            if module in counted
            else (0, 0)
        )
        for number, day in enumerate(ends)
        for module in MODULE_ORDER
    }


def recorded_month_ends(
    *, organisation: Organisation, ends: list[datetime.date]
) -> dict[tuple[datetime.date, str], tuple[int, int]]:
    """(required, compliant) per month end and module as recorded at the month's end
    (`trend_months.trend_months_record`), for the month ends of `ends` recorded for every
    module."""
    rows = MonthEndCompliance.objects.filter(organisation=organisation, month_end__in=ends)
    recorded = {
        (row.month_end, row.module): (row.required, row.compliant)
        for row in rows.only("month_end", "module", "required", "compliant")
    }
    whole = {day for day in ends if all((day, module) in recorded for module in MODULE_ORDER)}
    return {key: counts for key, counts in recorded.items() if key[0] in whole}


def compliance_trend(
    *,
    organisation: Organisation,
    today: datetime.date,
    months: int = TREND_MONTHS,
    policy: TrainingPolicy | None = None,
    figures: dict | None = None,
) -> list[dict]:
    """Percent compliant per module at the end of each recent month (today for this month), and
    the counts it is of (`counts`: per module, required and compliant).

    A month end recorded when it had gone by (`recorded_month_ends`) is read as recorded; the
    others, and today, are counted now (`month_end_counts`: one query, after one for the
    roster's bands). Given `figures` (`compliance_figures` for the same day and policy), today
    is the headline's own counts, so the chart's last point is the figure above it and is not
    counted twice, and the bands are not looked up again: with every month gone by recorded,
    no query is left but reading them. Each row says whether it was recorded (`recorded`).
    """
    ends = month_ends(today, months)
    recorded = recorded_month_ends(
        organisation=organisation, ends=[day for day in ends if day < today]
    )
    counts = dict(recorded)
    if figures:
        counts |= {
            (today, row["module"]): (row["required"], row[COMPLIANT])
            for row in figures["summary"]["modules"]
        }
    to_count = [day for day in ends if (day, MODULE_ORDER[0]) not in counts]
    if to_count:
        if figures:
            policy, bands = figures["policy"], figures["bands"]
        else:
            policy = policy or policy_for(organisation=organisation)
            bands = listen_up_bands(organisation=organisation, policy=policy)
        counts |= month_end_counts(
            organisation=organisation, policy=policy, bands=bands, ends=to_count, today=today
        )
    rows = []
    for day in ends:
        row = {"month": day, "as_of": day, "recorded": (day, MODULE_ORDER[0]) in recorded}
        row["counts"] = {}
        for module in MODULE_ORDER:
            required, compliant = counts[(day, module)]
            row[module] = percent(compliant, required)
            row["counts"][module] = {"required": required, COMPLIANT: compliant}
        rows.append(row)
    return rows
