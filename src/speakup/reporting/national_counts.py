"""The national view's costliest counts, kept for a day (models.NationalCounts).

Training compliance over every roster in England and the register's duties for every director
take seconds to count at national scale (1.5 million workers, 1.3 million completions; the
database reads every one). Everything else in the national view is counted on each visit. The
counts are made for a day and used for at most MAX_AGE: a visit after that counts again.
`speakup tick` (every 15 minutes) counts again once the newest are REFRESH_AFTER old, and
`speakup refresh-national-counts` (after an import) counts now, both ahead of visitors.
"""

import time
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from speakup.core.dates import day_in_words
from speakup.reporting.models import NationalCounts

MAX_AGE = timedelta(hours=1)
# With the tick every 15 minutes, counts older than this are made again before MAX_AGE.
REFRESH_AFTER = timedelta(minutes=45)
KEPT_DAYS = 7
# What the counts hold: 2 added each module's mandatory flag to each organisation's training.
# Counts of another shape (made before an upgrade) are counted again rather than read.
SHAPE = 2


def count_now(*, today: date) -> NationalCounts:
    """Count training and the register afresh for `today`, and keep the result."""
    from speakup.register.duties import compliance_by_organisation
    from speakup.training.national import training_counts_by_organisation

    counts = {
        "shape": SHAPE,
        "training": training_counts_by_organisation(today=today),
        "register": compliance_by_organisation(today=today),
    }
    with transaction.atomic():
        NationalCounts.objects.filter(as_of__lt=today - timedelta(days=KEPT_DAYS)).delete()
        return NationalCounts.objects.create(as_of=today, counts=counts)


def _counted_within(age: timedelta, *, today: date) -> NationalCounts | None:
    return (
        NationalCounts.objects.filter(
            as_of=today, counted_at__gte=timezone.now() - age, counts__shape=SHAPE
        )
        .order_by("-counted_at")
        .first()
    )


def latest_counts(*, today: date) -> NationalCounts:
    """The counts for `today` made within MAX_AGE, or new ones."""
    return _counted_within(MAX_AGE, today=today) or count_now(today=today)


def counted_line(counted: NationalCounts, seconds: float) -> str:
    return (
        f"Counted {len(counted.counts['training'])} organisations' training and "
        f"{len(counted.counts['register'])} boards as of {day_in_words(counted.as_of)} "
        f"in {seconds:.1f} s"
    )


def refresh_when_old(*, today: date) -> str:
    """Count again if today's newest counts are REFRESH_AFTER old (or there are none), so the
    national view and board reports practically never wait for a count; a line saying which."""
    recent = _counted_within(REFRESH_AFTER, today=today)
    if recent:
        made = timezone.localtime(recent.counted_at)
        return f"National counts: still fresh (counted at {made:%H:%M})"
    began = time.perf_counter()
    counted = count_now(today=today)
    return "National counts: " + counted_line(counted, time.perf_counter() - began)


def training_counts(found: NationalCounts) -> dict[int, dict[str, int]]:
    """{organisation_id: {count name: n, <module>_mandatory: flag}} (JSON keeps the ids as
    strings)."""
    return {int(key): value for key, value in found.counts["training"].items()}


def register_counts(found: NationalCounts) -> dict[int, tuple[int, int]]:
    """{organisation_id: (current directors, of whom with no overdue duty)}."""
    return {int(key): tuple(value) for key, value in found.counts["register"].items()}
