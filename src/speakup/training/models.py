"""The staff roster, training policies, completions and module progress.

The roster would belong to the organisations domain (architecture.md); it lives here for now so
that training can grow without touching shared code. Moving it is a rename, not a redesign.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from speakup.organisations.models import Organisation


class Module(models.TextChoices):
    SPEAK_UP = "speak_up", "Speak Up"
    LISTEN_UP = "listen_up", "Listen Up"
    FOLLOW_UP = "follow_up", "Follow Up"


class StaffRecord(models.Model):
    """One worker on an organisation's roster, as imported from its workforce system (ESR)."""

    # No index of its own: the unique (organisation, employee number) index serves it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="staff_records", db_index=False
    )
    employee_number = models.CharField(max_length=30)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    staff_group = models.CharField(max_length=100)
    # Unknown staff groups are kept as given, and flagged so an admin can correct them.
    staff_group_recognised = models.BooleanField(default=True)
    job_role = models.CharField(max_length=200, blank=True)
    directorate = models.CharField(max_length=200, blank=True)
    band = models.CharField(max_length=30, blank=True)
    is_line_manager = models.BooleanField(default=False)
    # The employee number of this worker's line manager in the same organisation, when the
    # roster gives it; without it, the directorate's line managers stand in (queries.py).
    line_manager_number = models.CharField(max_length=30, blank=True)
    is_senior_leader = models.BooleanField(default=False)
    is_board_member = models.BooleanField(default=False)
    # The day an import turned each role on for a worker already on the roster (a promotion):
    # the training the role needs is due from then, not from when they started. Empty means
    # since they started (a worker's first import), or never such a role. Kept when the role
    # ends, with the day it ended (*_ended): given back within a year, the role is the same one
    # and keeps its day, so taking it away cannot restart overdue training (ADR 0016).
    line_manager_since = models.DateField(null=True, blank=True)
    senior_leader_since = models.DateField(null=True, blank=True)
    board_member_since = models.DateField(null=True, blank=True)
    line_manager_ended = models.DateField(null=True, blank=True)
    senior_leader_ended = models.DateField(null=True, blank=True)
    board_member_ended = models.DateField(null=True, blank=True)
    # The day an import (or the admin's staff record page) moved the worker into a band under
    # the policy's "Listen Up from band" rule from one that was not: their Listen Up is due from
    # then (or from the day the policy brought the band under the rule, if later). Empty means
    # since they started (workers added, or on the roster before 2026-11-27), or never under
    # the rule; kept while the band stays, and on a move within the rule. A move out of the
    # rule keeps the day they came under it, with the day of the move (band_ended), as a
    # role's end does.
    band_since = models.DateField(null=True, blank=True)
    band_ended = models.DateField(null=True, blank=True)
    assignment_start = models.DateField(null=True, blank=True)
    assignment_end = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    # The day a whole roster (a full import) was found without this worker, who became a
    # leaver then; emptied when a file has them again. Not an Assignment End: ESR never gave
    # it, so it must not pass for one (ADR 0022). The trend counts a leaver without an
    # Assignment End up to the day before it (queries.on_roster_at).
    left_on = models.DateField(null=True, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_records",
        db_index=False,  # indexed below, only where there is an account
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "employee_number"], name="staff_record_unique_number"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "active"]),
            # The register finds board members' roster records by email, whatever its case.
            models.Index(Lower("email"), name="staff_record_email_lower"),
            # Most workers have no account in speakup: an import of a national roster would
            # otherwise write a million entries of nothing into this index.
            models.Index(
                fields=["user"], condition=Q(user__isnull=False), name="staff_record_user_linked"
            ),
        ]
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.full_name} ({self.employee_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class TrainingPolicy(models.Model):
    """An organisation's training rules. With no row, the national recommendation applies."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="training_policy"
    )
    speak_up_mandatory = models.BooleanField("Speak Up is mandatory", default=False)
    speak_up_mandatory_from = models.DateField(null=True, blank=True)
    listen_up_mandatory = models.BooleanField("Listen Up is mandatory", default=False)
    listen_up_mandatory_from = models.DateField(null=True, blank=True)
    follow_up_mandatory = models.BooleanField("Follow Up is mandatory", default=False)
    follow_up_mandatory_from = models.DateField(null=True, blank=True)
    # Years before a refresher is due; empty means once is enough ("never").
    speak_up_refresher_years = models.PositiveSmallIntegerField(null=True, blank=True, default=3)
    listen_up_refresher_years = models.PositiveSmallIntegerField(null=True, blank=True, default=3)
    follow_up_refresher_years = models.PositiveSmallIntegerField(null=True, blank=True, default=3)
    new_starter_due_days = models.PositiveSmallIntegerField(default=30)
    board_follow_up_due_days = models.PositiveSmallIntegerField(default=90)
    # Listen Up for everyone from this band up (e.g. "6"), as well as line managers.
    listen_up_from_band = models.CharField(max_length=10, blank=True)
    # When each band came under that rule ({"5": "2026-11-26"}): its workers' Listen Up is due
    # from then, not from when they started. A band absent here was under the rule before it
    # was first recorded (policies saved before 2026-11-27).
    # Kept for a band the rule no longer reaches, with when it left ({"5": "2027-01-10"}): a
    # band brought back within a year keeps its day (ADR 0016).
    listen_up_band_since = models.JSONField(default=dict, blank=True)
    listen_up_band_ended = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "training policies"

    def __str__(self):
        return f"Training policy of {self.organisation}"


class CompletionSource(models.TextChoices):
    IN_PRODUCT = "in_product", "Taken in speakup"
    IMPORT = "import", "Imported from learning records"
    XAPI = "xapi", "Learning record store (xAPI)"


class Completion(models.Model):
    """A module completed by a worker: never edited, a new completion is a new row."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="training_completions"
    )
    staff_record = models.ForeignKey(
        StaffRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="completions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_completions",
    )
    module = models.CharField(max_length=20, choices=Module.choices)
    version = models.CharField(max_length=20, blank=True)
    completed_on = models.DateField()
    source = models.CharField(max_length=20, choices=CompletionSource.choices)
    score_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    certificate_id = models.UUIDField(null=True, blank=True, unique=True)
    # The xAPI statement id, so a statement sent twice is recorded once.
    statement_id = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "module"]),
            models.Index(fields=["staff_record", "module"]),
            models.Index(fields=["user", "module"]),
        ]
        ordering = ["-completed_on"]

    def __str__(self):
        return f"{self.get_module_display()} on {self.completed_on}"


class ModuleProgress(models.Model):
    """Where a person is in a module, so they can leave and come back."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_progress"
    )
    module = models.CharField(max_length=20, choices=Module.choices)
    version = models.CharField(max_length=20)
    # How many screens this version has: a place past the last of them is the knowledge check, so
    # a newer version can tell a worker who had gone on to the check from one still reading.
    screen_count = models.PositiveIntegerField()
    furthest_screen = models.PositiveIntegerField(default=0)
    last_screen = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    best_score_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    # The knowledge check's answers saved before it is submitted ({"3": "option text"}), so a
    # worker called away finds them there; emptied when the check is submitted.
    check_answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module", "version"], name="module_progress_unique"
            )
        ]


class ImportStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"


class UploadKind(models.TextChoices):
    ROSTER = "roster", "Roster"
    COMPLETIONS = "completions", "Completions"


class StaffImport(models.Model):
    """A file uploaded from the web (a roster, or completions from learning records), imported
    by a background job, with its progress and result."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=UploadKind.choices, default=UploadKind.ROSTER)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="staff_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500)
    full = models.BooleanField(default=False)
    skip_invalid = models.BooleanField(default=False)
    # The leavers the uploader said they expect a whole roster to make
    # (roster.importing.MANY_LEAVERS).
    expect_leavers = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.WAITING
    )
    bytes_total = models.BigIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    @property
    def percent_done(self) -> int:
        if self.status == ImportStatus.DONE or self.status == ImportStatus.FAILED:
            return 100
        # The figure agrees with the row: between a page reading this row and reading the
        # cache, a worker can start a small file and all but finish it ("waiting to start"
        # beside 99%).
        if self.status == ImportStatus.WAITING:
            return 0
        done, total = cache.get(_progress_key(self.pk), (0, 0))
        if not total:
            return 0
        return min(99, int(100 * done / total))


class XapiVoiding(models.Model):
    """An xAPI voiding statement received, kept so that sending it again, or sending again the
    statement it voided, is a duplicate (a learning record store resends what it is unsure of):
    the completion it voided is deleted, so its statement id is remembered here."""

    statement_id = models.UUIDField(unique=True)
    voided_statement_id = models.UUIDField(db_index=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="xapi_voidings"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)


class TrainingReminder(models.Model):
    """A reminder emailed about one worker's module: at most one per 14 days (issue 4)."""

    staff_record = models.ForeignKey(
        StaffRecord, on_delete=models.CASCADE, related_name="training_reminders"
    )
    module = models.CharField(max_length=20, choices=Module.choices)
    sent_on = models.DateField()
    status = models.CharField(max_length=20)  # due, overdue or expired when it was sent
    due_on = models.DateField(null=True, blank=True)
    managers_emailed = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [models.Index(fields=["staff_record", "module", "sent_on"])]
        ordering = ["-sent_on"]

    def __str__(self):
        return f"{self.get_module_display()} reminder on {self.sent_on}"


class TrainingReminderRun(models.Model):
    """The day reminders were last worked out: `speakup tick` runs often, reminders once a day."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    workers_emailed = models.PositiveIntegerField(default=0)
    managers_emailed = models.PositiveIntegerField(default=0)


class MonthEndCompliance(models.Model):
    """One module's figures at the end of a month, as the dashboard's trend showed them when
    the tick recorded them (`trend_months.trend_months_record`): the trend reads them from
    here, so a later roster or policy never moves a month gone by."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="month_end_compliance", db_index=False
    )
    month_end = models.DateField()
    module = models.CharField(max_length=20, choices=Module.choices)
    required = models.PositiveIntegerField()
    compliant = models.PositiveIntegerField()
    # Normally the first day after the month end; later if the tick did not run then.
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            # Also the index the trend and the tick read by (organisation, month end).
            models.UniqueConstraint(
                fields=["organisation", "month_end", "module"], name="month_end_compliance_once"
            )
        ]
        verbose_name_plural = "month-end compliance"

    def __str__(self):
        return (
            f"{self.get_module_display()} at {self.month_end}: {self.compliant} of {self.required}"
        )


def _progress_key(import_id) -> str:
    return f"training:staff-import-progress:{import_id}"


def record_upload_progress(import_id, done: int, total: int) -> None:
    """How far a running upload has gone, kept in the cache (shared between the worker and the
    web processes when CACHE_URL is set) for an hour."""
    cache.set(_progress_key(import_id), (done, total), timeout=60 * 60)
