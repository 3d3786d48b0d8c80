from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from speakup.core.dates import day_in_words
from speakup.training.models import Completion, StaffRecord, TrainingPolicy
from speakup.training.queries import policy_for
from speakup.training.roster.role_and_band_days import (
    BAND_DAYS,
    ROLE_ENDED,
    ROLE_SINCE,
    band_days,
    role_days,
)


@admin.register(TrainingPolicy)
class TrainingPolicyAdmin(admin.ModelAdmin):
    """Shown, never changed, here: the policy page asks before a change makes workers late at
    once and dates the band rule (`policy_update`); a save here would skip both."""

    list_display = [
        "organisation",
        "speak_up_mandatory",
        "listen_up_mandatory",
        "follow_up_mandatory",
        "where_to_change_it",
    ]
    readonly_fields = ["where_to_change_it"]

    @admin.display(description="Where to change it")
    def where_to_change_it(self, policy: TrainingPolicy) -> str:
        return format_html(
            '<a href="{}">Change it on the training policy page of {}</a> (only there are the '
            "workers it would make late at once shown, and the band rule dated)",
            reverse("training:edit_policy", args=[policy.organisation.ods_code]),
            policy.organisation.name,
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # back to the national default: that too can make workers late at once


@admin.register(StaffRecord)
class StaffRecordAdmin(admin.ModelAdmin):
    list_display = ["employee_number", "first_name", "last_name", "organisation", "active"]
    list_filter = ["active", "is_board_member", "is_line_manager"]
    search_fields = ["employee_number", "last_name", "email"]
    raw_id_fields = ["organisation", "user"]
    # The days a role began and ended, and the days a band change brought the worker under the
    # "Listen Up from band" rule and out of it, are set by the rules the imports follow
    # (roster.role_and_band_days) when a role or band is changed here, not typed: one rule
    # for every way a roster changes.
    readonly_fields = [*ROLE_SINCE.values(), *ROLE_ENDED.values(), *BAND_DAYS, "left"]

    @admin.display(description="Left")
    def left(self, record: StaffRecord) -> str:
        """When a whole roster was found without this leaver, as the import recorded it."""
        if record.active or record.left_on is None:
            return "-"
        return f"Not on the roster imported on {day_in_words(record.left_on)}"

    def save_model(self, request, obj, form, change):
        if obj.active:
            obj.left_on = None  # put back on the roster by hand: no longer missing from it
        if change:
            before = StaffRecord.objects.get(pk=obj.pk)
            roles = {flag: getattr(obj, flag) for flag in ROLE_SINCE}
            today = timezone.localdate()
            policy = policy_for(organisation=obj.organisation)
            days = {
                **role_days(record=before, roles=roles, today=today),
                **band_days(record=before, band=obj.band, policy=policy, today=today),
            }
            for name, day in days.items():
                setattr(obj, name, day)
        super().save_model(request, obj, form, change)


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["module", "completed_on", "source", "organisation", "staff_record", "user"]
    list_filter = ["module", "source"]
    raw_id_fields = ["organisation", "staff_record", "user"]
