"""The dashboard's trend kept as it stood at each month's end (models.MonthEndCompliance).

The trend counts every month from the roster and policy of the day it is shown, so a policy
change would rewrite the months gone by: a board that has read a month's figure expects it to
stay. `speakup tick` records each organisation's month just ended, on the first tick after it,
counted as the trend counts it that day; the trend then reads it from the store. A tick missed
for days records the month when it runs, from the roster and policy of that day.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from speakup.core.audit import audit_by
from speakup.organisations.models import Organisation
from speakup.training.content import MODULE_ORDER
from speakup.training.models import MonthEndCompliance, StaffRecord
from speakup.training.queries import month_ends, policy_for
from speakup.training.tallies import TREND_MONTHS, listen_up_bands, month_end_counts


def month_ends_record(
    *,
    organisation: Organisation,
    ends: list[datetime.date],
    today: datetime.date,
    actor=None,
) -> bool:
    """Record the trend's figures at each of `ends` (month ends before `today`), counted as
    the trend counts them today, and audit it. False if another tick recorded them first."""
    policy = policy_for(organisation=organisation)
    bands = listen_up_bands(organisation=organisation, policy=policy)
    counts = month_end_counts(
        organisation=organisation, policy=policy, bands=bands, ends=ends, today=today
    )
    rows = [
        MonthEndCompliance(
            organisation=organisation,
            month_end=day,
            module=module,
            required=counts[(day, module)][0],
            compliant=counts[(day, module)][1],
        )
        for day in ends
        for module in MODULE_ORDER
    ]
    try:
        with transaction.atomic():
            MonthEndCompliance.objects.bulk_create(rows)
            audit_by(
                actor,
                action="training.month_ends_recorded",
                object_type="roster",
                object_ref=organisation.ods_code,
                organisation=organisation,
                detail={"month_ends": ends, "counted_on": today},
            )
    except IntegrityError:  # a tick run at the same moment (cron and beat, say)
        return False
    return True


def trend_months_record(
    *,
    today: datetime.date | None = None,
    organisations: QuerySet | None = None,
    before_first_roster: bool = False,
) -> str:
    """Record, for every active organisation with a roster (or those of `organisations`), the
    trend's month ends not yet recorded: the one just ended, more after ticks were missed.

    A month end before the organisation's first roster upload is not recorded (unless
    `before_first_roster`: the demo's rosters come with their history): it would be counted
    from that roster, and a first roster is often corrected. Idempotent; a few small queries
    when every month end is recorded."""
    today = today or timezone.localdate()
    ends = month_ends(today, TREND_MONTHS)[:-1]
    recorded = set(
        MonthEndCompliance.objects.filter(month_end__in=ends)
        .values_list("organisation_id", "month_end")
        .distinct()
    )
    if organisations is None:
        organisations = Organisation.objects.all()
    missing = {
        organisation: [day for day in ends if (organisation.pk, day) not in recorded]
        for organisation in organisations.filter(active=True).order_by("pk")
    }
    missing = {organisation: days for organisation, days in missing.items() if days}
    # When each of them had its first roster record: none, no roster.
    first_roster = dict(
        StaffRecord.objects.filter(organisation__in=list(missing))
        .values("organisation_id")
        .annotate(first=Min("created_at"))
        .values_list("organisation_id", "first")
        .order_by()
    )
    done = 0
    for organisation, days in missing.items():
        if organisation.pk not in first_roster:
            continue
        if not before_first_roster:
            first = timezone.localdate(first_roster[organisation.pk])
            days = [day for day in days if day >= first]
        if days:
            done += month_ends_record(organisation=organisation, ends=days, today=today)
    return f"Training trend: organisations whose month ends were recorded: {done:,}"
