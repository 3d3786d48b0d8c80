"""Workers whose assignment has ended become leavers, without waiting for the next roster.

A roster import decides who is active on the day it runs (an Assignment End before that day
makes a leaver); an end still to come would otherwise leave the worker active, counted and
reminded for ever after. The tick runs `ended_assignments_close` before the reminders.
"""

import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from speakup.core.audit import audit_by
from speakup.training.models import StaffRecord


@transaction.atomic
def ended_assignments_close(*, today: datetime.date | None = None) -> str:
    """Mark the active workers whose assignment ended before `today` (in England) as leavers,
    by one UPDATE, and audit how many per organisation. Idempotent: a second run finds none."""
    today = today or timezone.localdate()
    now = timezone.now()
    left = StaffRecord.objects.filter(active=True, assignment_end__lt=today).update(
        active=False, updated_at=now
    )
    if left:
        _audit_leavers(today, now)
    return f"Workers whose assignment ended, marked as leavers: {left:,}"


def _audit_leavers(today: datetime.date, now: datetime.datetime) -> None:
    # The rows the UPDATE above changed are those it stamped with `now`: this transaction holds
    # them until it ends, so no import can change them before they are counted.
    counts = (
        StaffRecord.objects.filter(active=False, assignment_end__lt=today, updated_at=now)
        .values("organisation_id", "organisation__ods_code")
        .annotate(left=Count("pk"))
        .order_by("organisation_id")
    )
    for row in counts:
        audit_by(
            None,
            action="training.assignments_ended",
            object_type="roster",
            object_ref=row["organisation__ods_code"],
            organisation=row["organisation_id"],
            detail={"left": row["left"], "ended_before": today},
        )
