"""Concerns and everything that happens to them.

Statistical fields (organisation, dates, status, confidentiality, worker group, elements,
booleans) are plain so reporting never decrypts. Everything a person wrote, and who the speaker
is, is ciphertext under the concern's own data key (`wrapped_key`, wrapped by the KEK outside
the database; see speakup.core.crypto). Fields ending in `_sealed` hold such ciphertext.
Clearing `wrapped_key` makes every sealed field of the concern unreadable for ever.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from speakup.concerns.taxonomy import ELEMENTS, WORKER_GROUPS
from speakup.organisations.models import Organisation

USER = settings.AUTH_USER_MODEL


class Confidentiality(models.TextChoices):
    OPEN = "open", "Open"
    CONFIDENTIAL = "confidential", "Confidential"
    ANONYMOUS = "anonymous", "Anonymous"


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    FEEDBACK_GIVEN = "feedback_given", "Feedback given"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A concern in one of these is over: nothing is due on it and it is no longer "open".
FINISHED = (Status.CLOSED, Status.WITHDRAWN)


class Source(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    OTHER = "other", "Other"


class SpeakUpAgain(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    MAYBE = "maybe", "Maybe"
    DONT_KNOW = "dont_know", "I don't know"


class Timescales(models.Model):
    """An organisation's promises to speakers. Defaults: domain.md, "Timescales"."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="concern_timescales"
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(default=7)
    feedback_within_days = models.PositiveSmallIntegerField(default=91)  # 3 months
    # Months after closure at which the speaker is asked about detriment, e.g. "1,3".
    detriment_checkin_months = models.CharField(max_length=20, default="1,3")

    class Meta:
        verbose_name_plural = "timescales"


class Concern(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="concerns"
    )
    # Shown to the speaker and staff; random, so it reveals neither order nor volume.
    reference = models.CharField(max_length=12, unique=True)
    confidentiality = models.CharField(max_length=12, choices=Confidentiality.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.ONLINE)

    # Statistical fields: plain, for reporting.
    worker_group = models.CharField(
        max_length=30, choices=[(g.code, g.label) for g in WORKER_GROUPS], blank=True
    )
    patient_safety_risk = models.BooleanField(null=True)
    # Whether the speaker said they suffered for speaking up: when they spoke up, in their
    # closing feedback or at a check-in (once yes, it stays yes). None: not answered yet.
    detriment_reported = models.BooleanField(null=True)
    confidentiality_reviewed = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledge_by = models.DateField()
    feedback_by = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    feedback_given_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    # People on the staff side.
    recorded_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The guardian who recorded a concern raised in person or by phone.",
    )
    guardian = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns_handled"
    )
    accountable_lead = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns_accountable"
    )

    # Secrets.
    wrapped_key = models.TextField(blank=True)  # data key wrapped by the KEK; "" once shredded
    receipt_hash = models.CharField(max_length=128, unique=True)  # Argon2, see receipts.py
    narrative_sealed = models.BinaryField()
    speaker_sealed = models.BinaryField(null=True, blank=True)  # name, email, phone (JSON)
    outcome_sealed = models.BinaryField(null=True, blank=True)
    learning_sealed = models.BinaryField(null=True, blank=True)
    learning_publishable = models.BooleanField(default=False)
    learning_signed_off_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    learning_signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["organisation", "received_at"]),
        ]

    def __str__(self):
        return self.reference


class ConcernElement(models.Model):
    """One element of a case (a case can have several); plain, for counting."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="elements")
    code = models.CharField(max_length=30, choices=[(e.code, e.label) for e in ELEMENTS])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "code"], name="concern_element_once")
        ]


class StatusChange(models.Model):
    """Every move of a concern's status: who, when, from, to. Never updated."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by_label = models.CharField(max_length=20, default="staff")  # "speaker", "system" or "staff"
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class Message(models.Model):
    class Author(models.TextChoices):
        SPEAKER = "speaker", "Speaker"
        GUARDIAN = "guardian", "Guardian"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    author_user = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body_sealed = models.BinaryField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]


class Action(models.Model):
    """Something to be done about a concern, often by a line manager, by a date."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESPONDED = "responded", "Responded"
        SIGNED_OFF = "signed_off", "Signed off"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="actions")
    handler = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="actions_assigned"
    )
    respond_by = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    description_sealed = models.BinaryField()
    # What the guardian chose to share with the handler about the case.
    shared_summary_sealed = models.BinaryField(null=True, blank=True)
    response_sealed = models.BinaryField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class ActionChange(models.Model):
    """The guardian gave an open action a new date or handed it to someone else, and why.
    Part of the case's history: recorded and shown, never changed."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    from_handler = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_handler = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    from_respond_by = models.DateField(null=True, blank=True)
    to_respond_by = models.DateField()
    reason_sealed = models.BinaryField()  # what the guardian wrote: sealed, as all case text

    class Meta:
        ordering = ["at", "id"]


class Escalation(models.Model):
    """Overdue work raised to the next person in line. Recorded and shown, never removed."""

    class Level(models.IntegerChoices):
        GUARDIAN = 1, "FTSU guardian"
        ACCOUNTABLE_LEAD = 2, "Accountable leader"
        EXECUTIVE_LEAD = 3, "Executive FTSU lead"
        NON_EXECUTIVE_LEAD = 4, "Non-executive FTSU lead"

    class Reason(models.TextChoices):
        ACKNOWLEDGE_OVERDUE = "acknowledge_overdue", "Not acknowledged in time"
        FEEDBACK_OVERDUE = "feedback_overdue", "No feedback in time"
        ACTION_OVERDUE = "action_overdue", "Action not done by its date"
        MANUAL = "manual", "Escalated by the guardian"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="escalations")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, null=True, blank=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    reason = models.CharField(max_length=24, choices=Reason.choices)
    escalated_to = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations_received"
    )
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]


class Feedback(models.Model):
    """The speaker's answer at the end: would they speak up again?"""

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="feedback")
    would_speak_up_again = models.CharField(max_length=10, choices=SpeakUpAgain.choices)
    detriment = models.BooleanField()
    comment_sealed = models.BinaryField(null=True, blank=True)
    given_at = models.DateTimeField(default=timezone.now, db_index=True)


class DetrimentCheckin(models.Model):
    """After closure the speaker is asked whether they have suffered for speaking up."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField()
    asked_at = models.DateTimeField(null=True, blank=True)
    # A named speaker who gave no email address (a guardian recorded a phone number only) is
    # not emailed: the tick tells the case's guardian, who gets in touch, and the speaker is
    # still asked when they next sign in with their receipt code.
    guardian_told_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    detriment = models.BooleanField(null=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "due_on"], name="one_checkin_per_date")
        ]


class Attachment(models.Model):
    """A file the speaker attached: stored encrypted under the concern's key in MEDIA_ROOT."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="attachments")
    name_sealed = models.BinaryField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    stored_as = models.CharField(max_length=64, unique=True)  # random file name, no meaning
    added_at = models.DateTimeField(default=timezone.now)


class IdempotentSubmission(models.Model):
    """The first answer to a submission with an Idempotency-Key, to replay for retries.

    The answer holds the receipt code, so it is sealed under the concern's key and kept for a
    day only (speakup tick removes older ones).
    """

    key_hash = models.CharField(max_length=64, unique=True)  # sha256 of the client's key
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="+")
    response_sealed = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)


class Notification(models.Model):
    """An email we sent (or will send) about a concern; the text never holds case content."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notifications")
    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, null=True, blank=True)
    # The action an email was about (assigned, responded to, overdue), so the tick can tell
    # whether it has already reminded the holder.
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_user = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    sent_at = models.DateTimeField(default=timezone.now)
