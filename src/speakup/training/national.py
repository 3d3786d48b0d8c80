"""Training figures for every organisation at once (reporting's national view asks), and the
register's Follow Up lookup by email, written to read as few rows as the database allows.

The national view's training rules are simpler than a worker's status (no versions, no band
rule for Listen Up): required by role flags on the active roster; compliant with a completion
of the module, on or before the day, within the organisation's refresher period, counted in one
pass over the roster (tests/reporting/test_national_training_totals.py checks them against a
plain ORM version of the same rules).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Max
from django.db.models.functions import Lower

from speakup.training.content import MODULE_ORDER, PREREQUISITES
from speakup.training.models import Completion, Module, StaffRecord, TrainingPolicy
from speakup.training.queries import _add_years

# Who must take each module, over the roster row `r`
REQUIRED_SQL = {
    Module.SPEAK_UP: "1 = 1",
    Module.LISTEN_UP: "(r.is_line_manager OR r.is_senior_leader OR r.is_board_member)",
    Module.FOLLOW_UP: "(r.is_senior_leader OR r.is_board_member)",
}
NEVER = datetime.date(1, 1, 1)  # the cut-off when a completion never expires
COUNT_NAMES = (
    "workers",
    *(f"{m}_{what}" for m in MODULE_ORDER for what in ("required", "compliant")),
    "board_members",
    "board_completed",
)


def _cutoff_sql(module: str, today: datetime.date) -> tuple[str, list]:
    """SQL for the day a completion of `module` must be after, by the organisation's policy."""
    default_years = getattr(TrainingPolicy(), f"{module}_refresher_years")
    sql = "CASE WHEN p.id IS NULL THEN %s "
    params: list = [_add_years(today, -default_years) if default_years else NEVER]
    years_in_use = (
        TrainingPolicy.objects.exclude(**{f"{module}_refresher_years": None})
        .order_by()
        .values_list(f"{module}_refresher_years", flat=True)
        .distinct()
    )
    for years in sorted(years_in_use):
        sql += f"WHEN p.{module}_refresher_years = %s THEN %s "
        params += [years, _add_years(today, -years)]
    return sql + "ELSE %s END", [*params, NEVER]


def training_counts_by_organisation(*, today: datetime.date) -> dict[int, dict[str, int]]:
    """{organisation_id: {workers, <module>_required, <module>_compliant, board_members,
    board_completed}} for every organisation with an active roster: one query.

    Each worker's latest completion of each module is found by grouping the completions once
    (by roster record, and by account: training goes with the person), joined to the roster and
    counted per organisation. Board members count as completed with any Follow Up on or before
    the day. Counts only: no names leave here.
    """
    latest = ", ".join(
        f"MAX(CASE WHEN module = '{m}' THEN completed_on END) AS {m}" for m in MODULE_ORDER
    )
    sums, params = [], []
    for module in MODULE_ORDER:
        cutoff, cutoff_params = _cutoff_sql(module, today)
        done = f"(by_record.{module} > ({cutoff}) OR by_account.{module} > ({cutoff}))"
        sums += [
            f"SUM(CASE WHEN {REQUIRED_SQL[module]} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {REQUIRED_SQL[module]} AND {done} THEN 1 ELSE 0 END)",
        ]
        params += cutoff_params * 2
    sums += [
        "SUM(CASE WHEN r.is_board_member THEN 1 ELSE 0 END)",
        "SUM(CASE WHEN r.is_board_member AND (by_record.follow_up IS NOT NULL"
        " OR by_account.follow_up IS NOT NULL) THEN 1 ELSE 0 END)",
    ]
    # Table names and module codes only are formatted in; every value is a parameter.
    sql = f"""
        SELECT r.organisation_id, COUNT(*), {", ".join(sums)}
        FROM {StaffRecord._meta.db_table} r
        LEFT JOIN {TrainingPolicy._meta.db_table} p ON p.organisation_id = r.organisation_id
        LEFT JOIN (
            SELECT staff_record_id AS k, {latest} FROM {Completion._meta.db_table}
            WHERE staff_record_id IS NOT NULL AND completed_on <= %s GROUP BY staff_record_id
        ) by_record ON by_record.k = r.id
        LEFT JOIN (
            SELECT user_id AS k, {latest} FROM {Completion._meta.db_table}
            WHERE user_id IS NOT NULL AND completed_on <= %s GROUP BY user_id
        ) by_account ON by_account.k = r.user_id
        WHERE r.active
        GROUP BY r.organisation_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, today, today])
        rows = cursor.fetchall()
    return {
        organisation_id: dict(zip(COUNT_NAMES, (int(n or 0) for n in counts), strict=True))
        for organisation_id, *counts in rows
    }


def follow_up_completed_on_many(*, emails: Iterable[str]) -> dict[str, datetime.date | None]:
    """`queries.follow_up_completed_on` for many people at once, by lower-cased email, with the
    same rule: the latest Follow Up counts only once Speak Up and Listen Up are done.

    It reads only the completions of the people asked about: their roster records and accounts
    are found by email first (indexes on the lower-cased email make that a lookup), then their
    completions by record or account (both indexed), instead of joining every completion to
    its record and account. Two queries per 2,000 people, whatever the size of the roster.
    """
    wanted = sorted({email.strip().lower() for email in emails if email and email.strip()})
    latest: dict[str, dict[str, datetime.date]] = defaultdict(dict)
    # Each email is a parameter (three times); 2,000 stay well inside every database's limit.
    for start in range(0, len(wanted), 2000):
        chunk = wanted[start : start + 2000]
        asked = set(chunk)
        records = (
            StaffRecord.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=chunk)
            .values("pk")
        )
        accounts = (
            get_user_model()
            .objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=chunk)
            .values("pk")
        )
        # One query per way a completion belongs to a person, so each uses its own index.
        by_record = Completion.objects.filter(staff_record__in=records).values_list(
            Lower("staff_record__email"), "module"
        )
        by_account = Completion.objects.filter(user__in=accounts).values_list(
            Lower("user__email"), "module"
        )
        for rows in (by_record, by_account):
            for email, module, last in rows.annotate(last=Max("completed_on")).order_by():
                if email in asked and last > latest[email].get(module, datetime.date.min):
                    latest[email][module] = last
    result: dict[str, datetime.date | None] = {}
    for email in wanted:
        mine = latest.get(email, {})
        done_first = all(mine.get(module) for module in PREREQUISITES["follow_up"])
        result[email] = mine.get("follow_up") if done_first else None
    return result
