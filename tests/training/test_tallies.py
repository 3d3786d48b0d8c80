"""The dashboard's SQL counts agree with the per-worker rules, worker by worker summed up."""

import dataclasses
import datetime
import itertools
import random

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone

from speakup.core.dates import years_after
from speakup.training import content, queries, tallies
from speakup.training.content import MODULE_ORDER
from speakup.training.models import Completion, MonthEndCompliance, StaffRecord, TrainingPolicy
from speakup.training.queries import (
    compliance_breakdown,
    organisation_compliance,
    policy_for,
)
from speakup.training.tallies import listen_up_bands, refresher_cutoff, tally
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory

pytestmark = pytest.mark.django_db

BANDS = ["Band 3", "Band 5", "Band 6", "Band 7", "Band 8a", "VSM", "", "Medical"]
GROUPS = ["Nursing and Midwifery Registered", "Administrative and Clerical", "Made up group"]
DIRECTORATES = ["Surgery", "Medicine", ""]


def python_counts(organisation, today):
    """The per-worker Python rules, added up: what the dashboard showed before."""
    workers = organisation_compliance(organisation=organisation, today=today)
    modules = {}
    for module in MODULE_ORDER:
        counts = {"required": 0, "compliant": 0, "due": 0, "overdue": 0, "expired": 0}
        for worker in workers:
            status = worker.status_of(module)
            if status.required:
                counts["required"] += 1
                counts[status.status] += 1
        modules[module] = counts
    board = {}
    for module in MODULE_ORDER:
        statuses = [w.status_of(module) for w in workers if w.record["is_board_member"]]
        board[module] = {
            "required": sum(s.required for s in statuses),
            "compliant": sum(s.status == "compliant" for s in statuses),
        }
    by = {}
    for group in ("staff_group", "directorate", "band"):
        by[group] = {
            row["value"]: {
                m: {k: v for k, v in row[m].items() if k != "percent"} for m in MODULE_ORDER
            }
            for row in compliance_breakdown(workers=workers, by=group)
        }
    return modules, board, by


def sql_counts(organisation, today):
    policy = policy_for(organisation=organisation)
    bands = listen_up_bands(organisation=organisation, policy=policy)
    found = tally(organisation=organisation, policy=policy, today=today, bands=bands)
    board = {
        m: {k: found["board"].modules[m][k] for k in ("required", "compliant")}
        for m in MODULE_ORDER
    }
    by = {
        group: {value: t.modules for value, t in rows.items()}
        for group, rows in found["by"].items()
    }
    return found["total"].modules, board, by


def build_roster(organisation, other, today):
    rng = random.Random(4)
    shapes = itertools.product([False, True], [False, True], [False, True])
    starts = [
        None,
        today,
        today - datetime.timedelta(days=30),
        today - datetime.timedelta(days=31),
        today - datetime.timedelta(days=90),
        today - datetime.timedelta(days=91),
        datetime.date(2016, 2, 29),
    ]
    # The day a re-import gave a role (None: since they started), on and around the due edges.
    since = [None, *(today - datetime.timedelta(days=d) for d in (0, 10, 30, 31, 90, 91, 400))]
    number = 0
    for (manager, senior, board), start in itertools.product(shapes, starts):
        for _ in range(2):
            number += 1
            user = UserFactory() if rng.random() < 0.4 else None
            active = rng.random() > 0.1
            record = StaffRecordFactory(
                organisation=organisation,
                employee_number=f"E{number}",
                is_line_manager=manager,
                is_senior_leader=senior,
                is_board_member=board,
                line_manager_since=since[number % 8] if manager else None,
                senior_leader_since=since[(number + 3) % 8] if senior else None,
                board_member_since=since[(number + 5) % 8] if board else None,
                # The day a band change brought them under the band rule (counts only there).
                band_since=since[(number + 6) % 8],
                assignment_start=start,
                band=rng.choice(BANDS),
                staff_group=rng.choice(GROUPS),
                directorate=rng.choice(DIRECTORATES),
                user=user,
                active=active,
                # A leaver's Assignment End, when given: the trend counts them until then.
                assignment_end=None if active else leaver_end(number, start, today),
            )
            for module in MODULE_ORDER:
                choice = rng.random()
                if choice < 0.3:
                    continue
                day = today - datetime.timedelta(
                    days=rng.choice([0, 1, 400, 1095, 1096, 1200, 3000, -5])
                )
                version = rng.choice(["", "", "1", "2", "3"])
                if user and choice > 0.8:
                    # taken elsewhere, or here with no roster link: it goes with the person
                    where = rng.choice([organisation, other])
                    CompletionFactory(
                        staff_record=None,
                        user=user,
                        organisation=where,
                        module=module,
                        completed_on=day,
                        version=version,
                    )
                else:
                    CompletionFactory(
                        staff_record=record,
                        organisation=organisation,
                        module=module,
                        completed_on=day,
                        version=version,
                    )
    # In "Band 10", which is no Agenda for Change band, so no band rule reaches it: line
    # managers and others, new and long here, some moved into it lately.
    for number, (manager, start) in enumerate(itertools.product([False, True], starts)):
        StaffRecordFactory(
            organisation=organisation,
            employee_number=f"X{number}",
            band="Band 10",
            is_line_manager=manager,
            band_since=since[number % 8],
            assignment_start=start,
        )
    # someone else's completion recorded against another organisation's roster never counts
    stranger = StaffRecordFactory(organisation=other, employee_number="S1")
    CompletionFactory(staff_record=stranger, organisation=other)


def leaver_end(number, start, today):
    """A leaver's Assignment End: none (dropped from a full roster), or a day gone by, on or
    around a month end, or still to come; never before their start."""
    days_ago = [None, 1, 14, 15, 45, 200, -20][number % 7]
    end = None if days_ago is None else today - datetime.timedelta(days=days_ago)
    return end if end is None or start is None or end >= start else None


# How workers come to need a module lately: they start, are made a line manager or a board
# member, or move into a band under the Listen Up band rule.
CAME_TO_NEED = {
    "start": {},
    "line_manager": {"is_line_manager": True},
    "board_member": {"is_board_member": True},
    "band": {"band": "Band 7"},
}


def add_workers_trained_before(organisation, today):
    """Workers who came to need their modules lately or long ago, each with a completion of
    every module whose refresher ran out the day before their due date, on it or the day after
    (of a replaced version, "1", for every other worker), by both paths."""
    policy = policy_for(organisation=organisation)
    cases = itertools.product(CAME_TO_NEED.items(), [0, 20, 31, 95, 400], [-1, 0, 1])
    for number, ((how, flags), days_ago, lapse) in enumerate(cases):
        came = today - datetime.timedelta(days=days_ago)
        user = UserFactory() if number % 3 == 0 else None
        record = StaffRecordFactory(
            organisation=organisation,
            employee_number=f"B{number}",
            assignment_start=came if how == "start" else datetime.date(2016, 2, 29),
            user=user,
            **flags,
            **({f"{how}_since": came} if how != "start" else {}),
        )
        facts = queries.WorkerFacts.of_record(record)
        for module in MODULE_ORDER:
            due = queries.due_date(facts=facts, module=module, policy=policy, today=today)
            years = getattr(policy, f"{module}_refresher_years") or 3
            where = {"staff_record": None, "user": user} if user else {"staff_record": record}
            CompletionFactory(
                organisation=organisation,
                module=module,
                completed_on=years_after(due + datetime.timedelta(days=lapse), -years),
                version="1" if number % 2 else "",
                **where,
            )


# Mandatory dates gone by (lately, long ago) and still to come (soon, a year on): they move
# no due date, so they change no count (ADR 0014).
MANDATORY_DAYS = {"recent": -10, "old": -500, "soon": 20, "a year on": 365}
POLICIES = [
    {},
    {"listen_up_from_band": "6", "speak_up_refresher_years": None},
    {
        "speak_up_mandatory": True,
        "speak_up_mandatory_from": "soon",
        "listen_up_mandatory": True,
        "listen_up_mandatory_from": "recent",
        "follow_up_mandatory": True,
        "follow_up_mandatory_from": "old",
        "follow_up_refresher_years": 1,
        "new_starter_due_days": 60,
        "board_follow_up_due_days": 10,
    },
    {
        "speak_up_mandatory": True,
        "speak_up_mandatory_from": "recent",
        "listen_up_mandatory": True,
        "listen_up_mandatory_from": "a year on",
        "follow_up_mandatory": True,
        "follow_up_mandatory_from": "soon",
        "listen_up_from_band": "5",
        "listen_up_band_since": "recent bands",
    },
]
NOT_MANDATORY = {
    **{f"{module}_mandatory": False for module in MODULE_ORDER},
    **{f"{module}_mandatory_from": None for module in MODULE_ORDER},
}


def add_workers_with_replaced_passes(organisation, today, replaced_on):
    """Workers who came to need their modules lately or long ago, board members among them,
    each with a pass of the replaced version "1" whose refresher ran out the day before the day
    it must be retaken from, on it or the day after, by both paths."""
    policy = policy_for(organisation=organisation)
    cases = itertools.product([False, True], [0, 20, 95, 4000], [-1, 0, 1])
    for number, (board, days_ago, lapse) in enumerate(cases):
        user = UserFactory() if number % 2 == 0 else None
        record = StaffRecordFactory(
            organisation=organisation,
            employee_number=f"R{number}",
            assignment_start=today - datetime.timedelta(days=days_ago),
            is_board_member=board,
            user=user,
        )
        for module in MODULE_ORDER:
            years = getattr(policy, f"{module}_refresher_years") or 3
            where = {"staff_record": None, "user": user} if user else {"staff_record": record}
            CompletionFactory(
                organisation=organisation,
                module=module,
                completed_on=years_after(replaced_on + datetime.timedelta(days=lapse), -years),
                version="1",
                **where,
            )


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("frozen", ["2025-06-01", "2028-02-29", "2027-03-01"])
def test_the_dashboard_counts_in_sql_agree_with_the_rules_for_each_worker(
    policy, frozen, monkeypatch
):
    counts_agree(policy, frozen, monkeypatch)


# Days the replaced version is retaken from, before today (on and around the new starters' 30
# and 60 days and the board's 10 and 90) and after it.
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize(
    ("frozen", "retake"),
    [("2025-06-01", -30), ("2028-02-29", -31), ("2027-03-01", -61), ("2027-03-01", -90)]
    + [("2025-06-01", -91), ("2028-02-29", -10), ("2027-03-01", -400), ("2025-06-01", 5)],
)
def test_the_dashboard_counts_in_sql_agree_with_the_rules_with_a_day_to_retake_from(
    policy, frozen, retake, monkeypatch
):
    counts_agree(policy, frozen, monkeypatch, retake=retake)


def counts_agree(policy, frozen, monkeypatch, retake=None):
    monkeypatch.setattr(content, "superseded_versions", lambda module: ("0", "1"))
    with time_machine.travel(
        datetime.datetime.fromisoformat(frozen + "T12:00:00+00:00"), tick=False
    ):
        today = timezone.localdate()
        replaced_on = None if retake is None else today + datetime.timedelta(days=retake)
        shipped = {
            module: dataclasses.replace(course, retake_from=replaced_on)
            for module, course in content.courses().items()
        }
        monkeypatch.setattr(content, "courses", lambda: shipped)
        organisation, other = OrganisationFactory(), OrganisationFactory()
        fields = dict(policy)
        for key, value in fields.items():
            if value in MANDATORY_DAYS:
                fields[key] = today + datetime.timedelta(days=MANDATORY_DAYS[value])
            elif value == "recent bands":  # Band 5 lately; the bands above since their start
                fields[key] = {"5": (today - datetime.timedelta(days=10)).isoformat()}
        if fields:
            TrainingPolicyFactory(organisation=organisation, **fields)
        build_roster(organisation, other, today)
        add_workers_trained_before(organisation, today)
        if replaced_on:
            add_workers_with_replaced_passes(organisation, today, replaced_on)
        assert StaffRecord.objects.filter(organisation=organisation).count() > 100
        assert Completion.objects.count() > 100

        python, sql = python_counts(organisation, today), sql_counts(organisation, today)
        # The same roster and policy with no module made mandatory: the same counts.
        TrainingPolicy.objects.filter(organisation=organisation).update(**NOT_MANDATORY)
        never_mandatory = python_counts(organisation, today), sql_counts(organisation, today)

    assert sql[0] == python[0]
    assert sql[1] == python[1]
    assert sql[2] == python[2]
    # Of the workers in "Band 10", only those with a role take Listen Up, whatever the policy.
    with_a_role = Q(is_line_manager=True) | Q(is_senior_leader=True) | Q(is_board_member=True)
    band_10 = StaffRecord.objects.filter(organisation=organisation, active=True, band="Band 10")
    assert sql[2]["band"]["Band 10"]["listen_up"]["required"] == band_10.filter(with_a_role).count()
    assert any(counts["expired"] for counts in sql[0].values())
    assert any(counts["overdue"] for counts in sql[0].values())
    assert never_mandatory == (python, sql)


def test_a_refresher_cut_off_is_the_first_day_still_valid_today():
    assert refresher_cutoff(datetime.date(2025, 6, 1), 3) == datetime.date(2022, 6, 1)
    # 29 February 2024 plus a year is 28 February 2025, so it is still valid on that day
    assert refresher_cutoff(datetime.date(2025, 2, 28), 1) == datetime.date(2024, 2, 28)
    assert refresher_cutoff(datetime.date(2025, 6, 1), None) == datetime.date(1, 1, 1)


# Days on and around the trend's month ends (31 December 2027, 29 February 2028) from 15 March
# 2028, long before, and to come (a board appointment the register dates ahead): a role or band
# began or ended on them.
AROUND_MONTH_ENDS = [
    datetime.date(2026, 1, 1),
    datetime.date(2027, 12, 30),
    datetime.date(2027, 12, 31),
    datetime.date(2028, 1, 1),
    datetime.date(2028, 2, 29),
    datetime.date(2028, 3, 1),
    datetime.date(2028, 3, 15),
    datetime.date(2028, 4, 1),
]


def add_workers_with_dated_roles(organisation, today):
    """Workers holding a role (or a band under the band rule: Band 5, 6 or 7) since a day, or
    having held it from a day (or since they started) until a day, those days on and around
    month ends; some of them leavers, some trained at the end of November 2027."""
    held = [(since, None) for since in [None, *AROUND_MONTH_ENDS]]
    ended = [
        (since, end)
        for since, end in itertools.product([None, *AROUND_MONTH_ENDS], AROUND_MONTH_ENDS)
        if (since is None or since < end) and end <= today
    ]
    kinds = ["line_manager", "senior_leader", "board_member", "band"]
    cases = [(kind, True, days) for kind in kinds for days in held]
    cases += [(kind, False, days) for kind in kinds for days in ended]
    for number, (kind, holds, (since, end)) in enumerate(cases):
        if kind == "band":
            flags = {"band": ["Band 5", "Band 6", "Band 7"][number % 3] if holds else "Band 3"}
        else:
            flags = {f"is_{kind}": holds}
        record = StaffRecordFactory(
            organisation=organisation,
            employee_number=f"D{number}",
            assignment_start=datetime.date(2020, 1, 1),
            active=number % 5 != 0,
            assignment_end=None if number % 5 else datetime.date(2028, 1, 15),
            **flags,
            **{f"{kind}_since": since, f"{kind}_ended": end},
        )
        for module in MODULE_ORDER[1:] if number % 2 else ():
            CompletionFactory(
                staff_record=record, module=module, completed_on=datetime.date(2027, 11, 30)
            )


TREND_POLICIES = [
    *POLICIES[:2],
    # Bands brought under the rule on and around the month ends: 5 and 6 lately, 7 long ago.
    {"listen_up_from_band": "5", "listen_up_band_since": "bands around month ends"},
]


@pytest.mark.parametrize("policy", TREND_POLICIES)
def test_the_month_by_month_trend_in_sql_agrees_with_the_rules_for_each_worker(policy, monkeypatch):
    monkeypatch.setattr(content, "superseded_versions", lambda module: ("0", "1"))
    # Each figure as (complete, required) rather than a rounded percentage: one worker counted
    # on one side only must show.
    for module in (queries, tallies):
        monkeypatch.setattr(module, "percent", lambda complete, required: (complete, required))
    with time_machine.travel(datetime.datetime(2028, 3, 15, 12, tzinfo=datetime.UTC), tick=False):
        today = timezone.localdate()
        organisation, other = OrganisationFactory(), OrganisationFactory()
        if policy.get("listen_up_band_since"):
            days = {"5": "2027-12-31", "6": "2028-01-01", "7": "2026-01-01"}
            policy = {**policy, "listen_up_band_since": days}
        if policy:
            TrainingPolicyFactory(organisation=organisation, **policy)
        build_roster(organisation, other, today)
        add_workers_with_dated_roles(organisation, today)
        # A leaver in a band no active worker holds: under the band rule in the months they
        # were on the roster (the counts' bands are the whole roster's).
        leaver = StaffRecordFactory(
            organisation=organisation,
            band="Band 9",
            active=False,
            assignment_start=datetime.date(2020, 1, 1),
            assignment_end=today - datetime.timedelta(days=20),
        )
        CompletionFactory(
            staff_record=leaver, module="listen_up", completed_on=datetime.date(2027, 1, 1)
        )
        # Leavers found missing from a whole roster on, and the day after, a month end (counted
        # up to the day before), and one whose Assignment End is their day instead (ADR 0022).
        for end, left_on in [
            (None, datetime.date(2028, 1, 31)),
            (None, datetime.date(2028, 2, 1)),
            (datetime.date(2028, 1, 10), datetime.date(2028, 2, 15)),
        ]:
            missing = StaffRecordFactory(
                organisation=organisation,
                active=False,
                assignment_start=datetime.date(2020, 1, 1),
                assignment_end=end,
                left_on=left_on,
            )
            CompletionFactory(staff_record=missing, completed_on=datetime.date(2027, 6, 1))

        python = queries.compliance_trend(organisation=organisation, today=today, months=7)
        sql = tallies.compliance_trend(organisation=organisation, today=today, months=7)
        figures = tallies.compliance_figures(organisation=organisation, today=today)
        with_figures = tallies.compliance_trend(
            organisation=organisation, today=today, months=7, figures=figures
        )

    assert not any(row.pop("recorded") for row in [*sql, *with_figures])  # all counted now
    assert sql == python
    assert with_figures == python  # as the dashboard asks: the counts' bands
    assert len({row["speak_up"] for row in sql}) > 1  # the trend does move
    # Today's row is today's roster: the headline figures.
    assert [sql[-1][row["module"]] for row in figures["summary"]["modules"]] == [
        queries.percent(row["compliant"], row["required"]) for row in figures["summary"]["modules"]
    ]


def test_the_trend_reads_a_recorded_month_as_recorded_and_counts_the_others():
    today = datetime.date(2026, 11, 27)
    organisation = OrganisationFactory()
    worker = StaffRecordFactory(
        organisation=organisation, assignment_start=datetime.date(2024, 1, 1)
    )
    CompletionFactory(staff_record=worker, completed_on=datetime.date(2026, 1, 5))
    september = datetime.date(2026, 9, 30)
    for module, (compliant, required) in zip(MODULE_ORDER, [(3, 7), (1, 2), (0, 0)], strict=True):
        MonthEndCompliance.objects.create(
            organisation=organisation,
            month_end=september,
            module=module,
            compliant=compliant,
            required=required,
        )
    # Recorded for one module only (not as the tick records): counted.
    MonthEndCompliance.objects.create(
        organisation=organisation,
        month_end=datetime.date(2026, 10, 31),
        module="speak_up",
        compliant=0,
        required=5,
    )

    sql = tallies.compliance_trend(organisation=organisation, today=today)
    python = queries.compliance_trend(organisation=organisation, today=today)

    by_day = {row["as_of"]: row for row in sql}
    assert by_day[september] == {
        "month": september,
        "as_of": september,
        "recorded": True,
        "speak_up": 43,
        "listen_up": 50,
        "follow_up": None,
        "counts": {
            "speak_up": {"required": 7, "compliant": 3},
            "listen_up": {"required": 2, "compliant": 1},
            "follow_up": {"required": 0, "compliant": 0},
        },
    }
    assert [row.pop("recorded") for row in sql] == [False, False, False, True, False, False]
    assert [row for row in sql if row["as_of"] != september] == [
        row for row in python if row["as_of"] != september
    ]
    assert by_day[datetime.date(2026, 10, 31)]["speak_up"] == 100


def test_a_changed_policy_is_counted_at_once_though_the_sql_is_written_once_per_rules():
    """The SQL is kept per process for each set of rule inputs: a new policy writes new SQL."""
    today = datetime.date(2026, 11, 26)
    organisation = OrganisationFactory()
    policy = TrainingPolicyFactory(organisation=organisation, speak_up_refresher_years=None)
    worker = StaffRecordFactory(organisation=organisation)
    CompletionFactory(staff_record=worker, completed_on=datetime.date(2024, 9, 1))

    def speak_up_now():
        bands = listen_up_bands(organisation=organisation, policy=policy)
        counted = tally(organisation=organisation, policy=policy, today=today, bands=bands)
        trend = tallies.compliance_trend(organisation=organisation, today=today, policy=policy)
        return counted["total"].modules["speak_up"]["compliant"], trend[-1]["speak_up"]

    assert speak_up_now() == (1, 100)
    policy.speak_up_refresher_years = 2  # completed over two years ago: no longer counts
    policy.save()
    assert speak_up_now() == (0, 0)
    CompletionFactory(staff_record=worker, completed_on=datetime.date(2026, 11, 1))
    assert speak_up_now() == (1, 100)


def test_training_from_29_february_runs_out_on_28_february_in_sql_as_in_the_rules():
    """Three years on from 29 February 2024 is 28 February 2027 (`years_after`); SQLite's
    date() says 1 March. Taken on 29 February 2024, Speak Up still counted on a due date of 28
    February 2027 (expired), not on one of 1 March (overdue, as with no completion)."""
    today = datetime.date(2027, 3, 2)
    organisation = OrganisationFactory()
    for start in (datetime.date(2027, 1, 29), datetime.date(2027, 1, 30)):
        worker = StaffRecordFactory(organisation=organisation, assignment_start=start)
        CompletionFactory(staff_record=worker, completed_on=datetime.date(2024, 2, 29))
    python, sql = python_counts(organisation, today), sql_counts(organisation, today)
    assert sql == python
    assert (python[0]["speak_up"]["expired"], python[0]["speak_up"]["overdue"]) == (1, 1)
