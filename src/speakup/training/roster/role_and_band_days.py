"""The days a worker's roles and band are dated from when an import or the admin's staff
record page changes them (ADR 0015, ADR 0016)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from speakup.training.models import StaffRecord, TrainingPolicy
from speakup.training.queries import band_rule_since, band_under_rule, given_back_within_a_year

# Each role's flag and the day an import (or the admin's staff record page) turned it on for a
# worker already on the roster (a promotion: the training the role needs is due from then). Not
# set when a worker is added (they have had the role since they started), kept while the role
# stays, and kept when it ends, with the day it ended (ROLE_ENDED; role_days).
ROLE_SINCE = {
    "is_line_manager": "line_manager_since",
    "is_senior_leader": "senior_leader_since",
    "is_board_member": "board_member_since",
}
ROLE_ENDED = {
    "is_line_manager": "line_manager_ended",
    "is_senior_leader": "senior_leader_ended",
    "is_board_member": "board_member_ended",
}
# The band's days (band_days).
BAND_DAYS = ["band_since", "band_ended"]


def role_days(
    *, record: StaffRecord, roles: Mapping[str, bool], today: datetime.date
) -> dict[str, datetime.date | None]:
    """A worker's role days (`ROLE_SINCE`, `ROLE_ENDED`) once `roles` (each flag, on or off)
    replace those of their `record` as it stands: a role kept keeps its day; a role taken away
    keeps it too, ended today; a role given back within a year of ending keeps its day (the
    same role: ADR 0016), and one given for the first time, or back after longer, is dated
    today. Both imports and the admin's staff record page use it (staging._merge
    writes the same in SQL)."""
    days = {}
    for flag, since in ROLE_SINCE.items():
        ended = ROLE_ENDED[flag]
        had = getattr(record, flag)
        if not roles[flag]:
            days[since] = getattr(record, since)
            days[ended] = today if had else getattr(record, ended)
        elif had or given_back_within_a_year(getattr(record, ended), today):
            days[since], days[ended] = getattr(record, since), None
        else:
            days[since], days[ended] = today, None
    return days


def band_days(
    *, record: StaffRecord, band: str, policy: TrainingPolicy, today: datetime.date
) -> dict[str, datetime.date | None]:
    """A worker's band days (`BAND_DAYS`) once `band` replaces their record's, as `role_days`
    dates a role: kept while the band stays; on a move within the policy's "Listen Up from
    band" rule, the day they came under it in their old band, so a move up restarts no due
    date; on a move out of it, that day too, ended today; on a move into it from a band that
    is not, that day kept if they left the rule within a year (ADR 0016), else today. The
    imports and the admin's staff record page use it (staging._band_days writes the
    same in SQL)."""
    if band == record.band:
        return {"band_since": record.band_since, "band_ended": record.band_ended}
    was_under, under = band_under_rule(record.band, policy), band_under_rule(band, policy)
    if was_under:
        since = band_rule_since(record.band, record.band_since, policy)
    elif not under or given_back_within_a_year(record.band_ended, today):
        since = record.band_since
    else:
        since = today
    if under:
        return {"band_since": since, "band_ended": None}
    return {"band_since": since, "band_ended": today if was_under else record.band_ended}
