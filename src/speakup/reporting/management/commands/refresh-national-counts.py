"""speakup refresh-national-counts: count training and the register for the national view now."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from speakup.reporting import national_counts


class Command(BaseCommand):
    help = (
        "Count training compliance over every roster and the register's duties for today, for "
        "the national view and the board reports' national comparison. Run it after roster or "
        "completion imports and on a timer (at least hourly), so no visitor waits for the count."
    )

    def handle(self, *args, **options):
        began = time.perf_counter()
        counted = national_counts.count_now(today=timezone.localdate())
        self.stdout.write(
            f"Counted {len(counted.counts['training'])} organisations' training and "
            f"{len(counted.counts['register'])} boards as of {counted.as_of:%-d %B %Y} "
            f"in {time.perf_counter() - began:.1f} s"
        )
