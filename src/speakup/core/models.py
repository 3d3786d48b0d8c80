"""The append-only, hash-chained audit log (docs/adr/0005-hash-chained-audit-log.md).

Write records only through speakup.core.audit.audit(); read them through its helpers.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditLogIsAppendOnly(Exception):
    """An audit record may be added, never changed or removed."""


class AppendOnlyQuerySet(models.QuerySet):
    # Bulk paths skip Model.save() and Model.delete(), so they are refused here too.
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit records cannot be updated")

    def delete(self):
        raise AuditLogIsAppendOnly("audit records cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly("audit records cannot be updated")


class AuditRecord(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # the log names who did what: people who acted stay
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, help_text='Email, "speaker" or "system".')
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=50)
    object_ref = models.CharField(max_length=100)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by the (organisation, at) index below
    )
    # Ids, field names and from/to statuses only: never case content.
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_ref"], name="audit_object_idx"),
            models.Index(fields=["organisation", "at"], name="audit_organisation_at_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.actor_label} {self.action} {self.object_type} {self.object_ref}"

    # Guards, not business logic: the log must never be rewritten through the ORM.
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly(f"audit record #{self.pk} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly(f"audit record #{self.pk} cannot be deleted")


class AuditCheck(models.Model):
    """One run of the daily check of the audit log's chain (speakup.core.audit_checks)."""

    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    intact = models.BooleanField()
    records_checked = models.PositiveBigIntegerField()
    first_broken_id = models.BigIntegerField(null=True, blank=True)
    problem = models.TextField(blank=True)
    # The newest record's hash when the log was intact: the next check expects to find it, which
    # shows when the newest records were cut off (the chain alone cannot).
    latest_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'intact' if self.intact else 'BROKEN'}"
