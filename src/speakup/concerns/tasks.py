"""Celery tasks of the concerns app. Beat runs the tick every 15 minutes when a broker is set."""

from celery import shared_task
from django.utils import timezone

from speakup.concerns.services.deadlines import deadlines_tick
from speakup.core.audit_checks import daily_audit_check
from speakup.reporting.national_counts import refresh_when_old
from speakup.training.leavers import ended_assignments_close
from speakup.training.reminders import training_reminders_send
from speakup.training.tasks import abandon_stale_uploads
from speakup.training.trend_months import trend_months_record


@shared_task(name="concerns.tick")
def tick() -> list[str]:
    """Every periodic step, in order; `speakup tick` runs the same. One line per thing done."""
    return [
        *deadlines_tick().lines(),
        # Before the reminders, so nobody whose assignment has ended is reminded, or named to a
        # manager; should it fail, the tick stops here and no reminder goes out on stale facts.
        ended_assignments_close(),
        *training_reminders_send().lines(),
        # After the leavers, as the dashboard would count the month that day.
        trend_months_record(),
        refresh_when_old(today=timezone.localdate()),
        abandon_stale_uploads(),
        daily_audit_check(),
    ]
