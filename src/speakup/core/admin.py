from django.contrib import admin

from speakup.core.models import AuditRecord


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
