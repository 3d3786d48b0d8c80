from django.contrib import admin

from speakup.training.models import Completion, StaffRecord, TrainingPolicy


@admin.register(TrainingPolicy)
class TrainingPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "speak_up_mandatory",
        "listen_up_mandatory",
        "follow_up_mandatory",
    ]
    autocomplete_fields = ["organisation"]


@admin.register(StaffRecord)
class StaffRecordAdmin(admin.ModelAdmin):
    list_display = ["employee_number", "first_name", "last_name", "organisation", "active"]
    list_filter = ["active", "is_board_member", "is_line_manager"]
    search_fields = ["employee_number", "last_name", "email"]
    raw_id_fields = ["organisation", "user"]


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["module", "completed_on", "source", "organisation", "staff_record", "user"]
    list_filter = ["module", "source"]
    raw_id_fields = ["organisation", "staff_record", "user"]
