"""speakup tick: escalate overdue work, ask due detriment check-ins, send training reminders,
keep the national counts fresh, tidy up. Safe to repeat."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from speakup.concerns.services.deadlines import deadlines_tick
from speakup.reporting.national_counts import refresh_when_old
from speakup.training.reminders import training_reminders_send


class Command(BaseCommand):
    help = (
        "Escalate overdue concerns and actions, email due detriment check-ins and training "
        "reminders, count the national figures again when 45 minutes old, and remove old "
        "idempotency records. Idempotent: run it from cron or Celery beat as often as you like."
    )

    def handle(self, *args, **options):
        for line in deadlines_tick().lines():
            self.stdout.write(line)
        for line in training_reminders_send().lines():
            self.stdout.write(line)
        self.stdout.write(refresh_when_old(today=timezone.localdate()))
