"""What reporting keeps: the quarterly data returns a guardian has marked as submitted."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from speakup.organisations.models import Organisation


class DataReturnSubmission(models.Model):
    """A quarterly data return as it was when the guardian marked it submitted.

    `figures` is a snapshot (the columns of docs/data-formats.md), so later changes to the
    quarter's cases show as corrections instead of silently changing what was sent.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="data_return_submissions"
    )
    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "financial_year", "quarter"],
                name="one_data_return_per_quarter",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="data_return_quarter_1_to_4",
            ),
        ]
        indexes = [models.Index(fields=["financial_year", "quarter"])]

    def __str__(self):
        return f"{self.organisation_id} {self.financial_year}-Q{self.quarter}"


class BoardReportInputs(models.Model):
    """What the guardian types in for one board report: staff survey scores and a narrative.

    Kept per organisation and period so the report can be produced again, as it was, later.
    The narrative is written for the board, so it is stored as the guardian typed it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="board_report_inputs"
    )
    start = models.DateField()
    end = models.DateField()
    survey_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # The NHS Staff Survey raising-concerns sub-score and its four items, each out of 10.
    survey_sub_score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    survey_secure_clinical = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True
    )
    survey_confident_clinical = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True
    )
    survey_safe_anything = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True
    )
    survey_confident_anything = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True
    )
    narrative = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "start", "end"], name="one_board_report_input_per_period"
            ),
        ]
        verbose_name_plural = "board report inputs"

    def __str__(self):
        return f"{self.organisation_id} {self.start}–{self.end}"


class NationalCounts(models.Model):
    """The national view's costliest counts, kept for a day: training over every roster in
    England (1.5 million workers) and the register's duties, per organisation.

    Counting them takes seconds at national scale, so the national view and the board report's
    national comparison read the latest count for the day (docs/reporting.md, "Performance").
    A count older than `national_counts.MAX_AGE` is made again on the next visit, and
    `speakup refresh-national-counts` makes one ahead of visitors (after imports, on a timer).
    """

    as_of = models.DateField()
    counted_at = models.DateTimeField(default=timezone.now)
    # {"shape": 2, "training": {organisation id: {count name: n, <module>_mandatory: flag}},
    #  "register": {organisation id: [n, ok]}}
    counts = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["as_of", "counted_at"])]

    def __str__(self):
        return f"National counts as of {self.as_of}, counted {self.counted_at:%H:%M:%S}"
