"""The national register of board directors: entries, duties and the regulatory process.

Status and every regulatory step are stored as rows (who, when, from, to) and never
overwritten: the director's `status` is the latest `StatusChange`, kept on the row for search.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from speakup.organisations.models import Organisation


class Status(models.TextChoices):
    REGISTERED = "registered", "Registered"
    CONDITIONS = "conditions", "Registered with conditions"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed"


class FtsuRole(models.TextChoices):
    NONE = "none", "None"
    EXECUTIVE_LEAD = "executive_lead", "Executive FTSU lead"
    NED_LEAD = "ned_lead", "Non-executive FTSU lead"


class RegisterSequence(models.Model):
    """The last register number given: numbers come from here, so none is ever reused."""

    name = models.CharField(max_length=30, primary_key=True)
    last_value = models.PositiveIntegerField(default=0)


class Director(models.Model):
    register_number = models.CharField(max_length=10, unique=True, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # Private: never shown on a public page, in the API or in open data.
    email = models.EmailField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="director_entries",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REGISTERED)
    # A suspension runs to a date; after it the entry reads as registered again.
    status_until = models.DateField(null=True, blank=True)
    # Lower-case names, register number and every organisation (name and ODS code) the director
    # has served: one column to search, kept up to date by the services (docs/adr/0007).
    search_text = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "register_number"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["status"]),
            models.Index(fields=["updated_at"]),  # the register's ETag reads the latest change
        ]

    def __str__(self):
        return f"{self.name} ({self.register_number})"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class StatusChange(models.Model):
    director = models.ForeignKey(Director, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    until = models.DateField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["changed_at", "pk"]


class Appointment(models.Model):
    director = models.ForeignKey(Director, on_delete=models.PROTECT, related_name="appointments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="board_appointments"
    )
    role_title = models.CharField(max_length=120)
    executive = models.BooleanField()
    ftsu_role = models.CharField(max_length=20, choices=FtsuRole.choices, default=FtsuRole.NONE)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when a removal from the register ended the appointment, with the end date it had
    # before, so that an upheld appeal can put the appointment back as it was.
    ended_by_decision = models.ForeignKey(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_appointments",
    )
    end_date_before_removal = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "pk"]
        indexes = [
            models.Index(fields=["organisation", "end_date"]),
            models.Index(fields=["updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="appointment_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.director} — {self.role_title}, {self.organisation.ods_code}"


class CodeOfPractice(models.Model):
    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"{self.title} (version {self.version})"


class Attestation(models.Model):
    director = models.ForeignKey(Director, on_delete=models.CASCADE, related_name="attestations")
    code = models.ForeignKey(CodeOfPractice, on_delete=models.PROTECT, related_name="+")
    attested_at = models.DateTimeField(default=timezone.now)
    # Private: the self-assessment against the six Leadership Competency Framework domains,
    # {domain key: {"rating": ..., "note": ...}}.
    self_assessment = models.JSONField(default=dict)

    class Meta:
        ordering = ["-attested_at", "-pk"]


class FpptOutcome(models.TextChoices):
    FIT = "fit", "Fit"
    NOT_FIT = "not_fit", "Not fit"
    IN_PROGRESS = "in_progress", "In progress"


class FpptCheck(models.Model):
    """The record that the fit and proper person checks were done; evidence stays local."""

    director = models.ForeignKey(Director, on_delete=models.CASCADE, related_name="fppt_checks")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    references_6_years = models.BooleanField("References covering six years")
    qualifications = models.BooleanField("Qualifications and career history checked")
    disqualified_director_check = models.BooleanField("Disqualified director check")
    right_to_work = models.BooleanField("Right to work check")
    chair_signed_off = models.BooleanField("Chair signed off")
    outcome = models.CharField(max_length=20, choices=FpptOutcome.choices)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-recorded_on", "-pk"]


class RegulatoryCase(models.Model):
    director = models.ForeignKey(Director, on_delete=models.PROTECT, related_name="cases")
    grounds = models.TextField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    response_due = models.DateField()
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"Case {self.pk} about {self.director}"

    @property
    def reference(self) -> str:
        return f"RC{self.pk:05d}"


class StepKind(models.TextChoices):
    OPENED = "opened", "Case opened"
    NOTIFIED = "notified", "Notice sent"
    RESPONDED = "responded", "Director responded"
    DECIDED = "decided", "Decision made"
    APPEALED = "appealed", "Appeal lodged"
    APPEAL_DECIDED = "appeal_decided", "Appeal decided"
    CONDITION_REVIEWED = "condition_reviewed", "Condition reviewed"


class CaseStep(models.Model):
    """One step of a regulatory case, as it happened: the case's own audit trail."""

    case = models.ForeignKey(RegulatoryCase, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Outcome(models.TextChoices):
    NO_ACTION = "no_action", "No action"
    ADVICE = "advice", "Advice"
    CONDITIONS = "conditions", "Conditions"
    SUSPENSION = "suspension", "Suspension"
    REMOVAL = "removal", "Removal from the register"


class Decision(models.Model):
    case = models.OneToOneField(RegulatoryCase, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reasons = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    suspended_until = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The status the director had before, so that an upheld appeal can restore it.
    status_before = models.CharField(max_length=20, choices=Status.choices)

    class Meta:
        ordering = ["-decided_at", "-pk"]


class Condition(models.Model):
    director = models.ForeignKey(Director, on_delete=models.CASCADE, related_name="conditions")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="conditions")
    text = models.TextField()
    review_date = models.DateField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review_date", "pk"]


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld: the decision is reversed"
    DISMISSED = "dismissed", "Dismissed: the decision stands"


class Appeal(models.Model):
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="appeal")
    grounds = models.TextField()
    lodged_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=AppealOutcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
