"""speakup refresh-national-counts: count training and the register for the national view now."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from speakup.reporting import national_counts


class Command(BaseCommand):
    help = (
        "Count training compliance over every roster and the register's duties for today, for "
        "the national view and the board reports' national comparison. Run it after roster or "
        "completion imports; `speakup tick` counts again when the counts are 45 minutes old."
    )

    def handle(self, *args, **options):
        began = time.perf_counter()
        counted = national_counts.count_now(today=timezone.localdate())
        self.stdout.write(national_counts.counted_line(counted, time.perf_counter() - began))
