"""The national view's costliest counts, kept for a day (models.NationalCounts).

Training compliance over every roster in England and the register's duties for every director
take seconds to count at national scale (1.5 million workers, 1.3 million completions; the
database reads every one). Everything else in the national view is counted on each visit. The
counts are made for a day and used for at most MAX_AGE: a visit after that counts again, and
`speakup refresh-national-counts` (after an import, or on a timer) counts ahead of visitors.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from speakup.reporting.models import NationalCounts

MAX_AGE = timedelta(hours=1)
KEPT_DAYS = 7


def count_now(*, today: date) -> NationalCounts:
    """Count training and the register afresh for `today`, and keep the result."""
    from speakup.register.queries import compliance_by_organisation
    from speakup.training.national import training_counts_by_organisation

    counts = {
        "training": training_counts_by_organisation(today=today),
        "register": compliance_by_organisation(today=today),
    }
    with transaction.atomic():
        NationalCounts.objects.filter(as_of__lt=today - timedelta(days=KEPT_DAYS)).delete()
        return NationalCounts.objects.create(as_of=today, counts=counts)


def latest_counts(*, today: date) -> NationalCounts:
    """The counts for `today` made within MAX_AGE, or new ones."""
    recent = (
        NationalCounts.objects.filter(as_of=today, counted_at__gte=timezone.now() - MAX_AGE)
        .order_by("-counted_at")
        .first()
    )
    return recent or count_now(today=today)


def training_counts(found: NationalCounts) -> dict[int, dict[str, int]]:
    """{organisation_id: {count name: n}} (JSON keeps the ids as strings)."""
    return {int(key): value for key, value in found.counts["training"].items()}


def register_counts(found: NationalCounts) -> dict[int, tuple[int, int]]:
    """{organisation_id: (current directors, of whom with no overdue duty)}."""
    return {int(key): tuple(value) for key, value in found.counts["register"].items()}


def active_workers(found: NationalCounts) -> int:
    """Active workers on every roster in England."""
    return sum(row["workers"] for row in found.counts["training"].values())
