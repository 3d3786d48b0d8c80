"""Training figures for every organisation at once (reporting's national view asks), and the
register's Follow Up lookup by email, written to read as few rows as the database allows.

Each organisation's national figures are its own dashboard's (`tallies.compliance_figures`):
one set of rules, so an organisation sees the same compliance at home and in the national view.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.db.models.functions import Lower

from speakup.organisations.models import Organisation
from speakup.training.content import MODULE_ORDER, PREREQUISITES
from speakup.training.models import Completion, StaffRecord, TrainingPolicy


def training_counts_by_organisation(*, today: datetime.date) -> dict[int, dict[str, int]]:
    """{organisation_id: {workers, <module>_required, <module>_compliant, <module>_mandatory,
    board_members, board_completed}} for every organisation with an active roster or a policy.

    Counted organisation by organisation with the dashboard's query (6 to 8 s for England's
    250 organisations and 1.5 million workers: reporting keeps the result, national_counts.py).
    `board_completed`: board members compliant with Follow Up. `<module>_mandatory` is the
    policy's flag on `today`, kept with the figures it goes with. Counts only: no names.
    """
    from speakup.training.tallies import compliance_figures

    organisations = Organisation.objects.filter(
        Q(pk__in=StaffRecord.objects.filter(active=True).values("organisation_id"))
        | Q(pk__in=TrainingPolicy.objects.values("organisation_id"))
    ).order_by("pk")
    counts = {}
    for organisation in organisations:
        figures = compliance_figures(organisation=organisation, today=today)
        modules = {row["module"]: row for row in figures["summary"]["modules"]}
        board = figures["summary"]["board_follow_up"]
        counts[organisation.pk] = {
            "workers": sum(row["workers"] for row in figures["breakdowns"]["staff_group"]),
            **{
                f"{module}_{what}": modules[module][what]
                for module in MODULE_ORDER
                for what in ("required", "compliant", "mandatory")
            },
            "board_members": board["required"],
            "board_completed": board["compliant"],
        }
    return counts


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
