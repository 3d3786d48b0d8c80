"""speakup tick: escalate overdue work, ask due detriment check-ins, make workers whose
assignment ended leavers, send training reminders, record the training trend's month just
ended, keep the national counts fresh, give up stale roster uploads, tidy up. Safe to repeat."""

from django.core.management.base import BaseCommand

from speakup.concerns.tasks import tick


class Command(BaseCommand):
    help = (
        "Escalate overdue concerns and actions, email due detriment check-ins, mark workers "
        "whose assignment has ended as leavers, email training reminders, record each "
        "organisation's training figures at the month just ended, count the national "
        "figures again when 45 minutes old, give up roster uploads left unimported for 6 hours, "
        "and remove old idempotency records. Idempotent: run it from cron or Celery beat as "
        "often as you like."
    )

    def handle(self, *args, **options):
        for line in tick():  # the Celery beat task, run here and now
            self.stdout.write(line)
