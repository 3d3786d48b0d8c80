from django.contrib import admin
from django.utils import timezone

from speakup.training.bands import bands_from
from speakup.training.models import Completion, StaffRecord, TrainingPolicy
from speakup.training.queries import policy_for
from speakup.training.roster import BAND_DAYS, ROLE_ENDED, ROLE_SINCE, band_days, role_days
from speakup.training.services import policy_band_days


@admin.register(TrainingPolicy)
class TrainingPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "speak_up_mandatory",
        "listen_up_mandatory",
        "follow_up_mandatory",
    ]
    autocomplete_fields = ["organisation"]
    # When each band came under the "Listen Up from band" rule, and left it, is set by the rule
    # the policy page follows (services.policy_band_days), not typed.
    readonly_fields = ["listen_up_band_since", "listen_up_band_ended"]

    def save_model(self, request, obj, form, change):
        before = TrainingPolicy.objects.filter(pk=obj.pk).first() if change else None
        covered_before = set(bands_from(before.listen_up_from_band)) if before else set()
        policy_band_days(obj, covered_before=covered_before, today=timezone.localdate())
        super().save_model(request, obj, form, change)


@admin.register(StaffRecord)
class StaffRecordAdmin(admin.ModelAdmin):
    list_display = ["employee_number", "first_name", "last_name", "organisation", "active"]
    list_filter = ["active", "is_board_member", "is_line_manager"]
    search_fields = ["employee_number", "last_name", "email"]
    raw_id_fields = ["organisation", "user"]
    # The days a role began and ended, and the days a band change brought the worker under the
    # "Listen Up from band" rule and out of it, are set by the rules the imports follow
    # (roster.role_days, band_days) when a role or band is changed here, not typed: one rule
    # for every way a roster changes.
    readonly_fields = [*ROLE_SINCE.values(), *ROLE_ENDED.values(), *BAND_DAYS]

    def save_model(self, request, obj, form, change):
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
