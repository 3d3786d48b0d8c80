from django.contrib import admin

from speakup.core.models import AuditCheck, AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, and only audit() appends to it."""

    list_display = ["id", "at", "actor_label", "action", "object_type", "object_ref"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_ref", "actor_label"]
    date_hierarchy = "at"
    list_select_related = ["organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditCheck)
class AuditCheckAdmin(admin.ModelAdmin):
    """The daily checks of the audit log. Deleting the failed checks (and the last good one
    before them) accepts the log as it now is, after an investigation (docs/operations.md)."""

    list_display = ["checked_at", "intact", "records_checked", "problem"]
    list_filter = ["intact"]
    date_hierarchy = "checked_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
