from django.urls import path

from speakup.training.models import UploadKind
from speakup.training.views import dashboard, learning, review, team

app_name = "training"

urlpatterns = [
    path("", learning.my_training_page, name="my_training"),
    path("modules/<str:module>/", learning.show_module, name="show_module"),
    path("modules/<str:module>/restart/", learning.restart_module, name="restart_module"),
    path("modules/<str:module>/screens/<int:number>/", learning.show_screen, name="show_screen"),
    path("modules/<str:module>/knowledge-check/", learning.take_check, name="take_check"),
    path(
        "modules/<str:module>/knowledge-check/result/",
        learning.check_failed,
        name="check_failed",
    ),
    path(
        "modules/<str:module>/passed/<uuid:certificate_id>/",
        learning.show_pass,
        name="show_pass",
    ),
    path(
        "certificates/<uuid:certificate_id>.pdf",
        learning.download_certificate,
        name="download_certificate",
    ),
    path("courses/", review.review_courses, name="review_courses"),
    path("courses/<str:module>/", review.review_course, name="review_course"),
    path("courses/<str:module>.yaml", review.download_course, name="download_course"),
    path("team/", team.show_team, name="show_team"),
    path("team/<str:ods_code>.csv", team.export_team, name="export_team"),
    path("organisations/", dashboard.dashboards, name="dashboards"),
    path("organisations/<str:ods_code>/", dashboard.show_dashboard, name="show_dashboard"),
    path(
        "organisations/<str:ods_code>/compliance.csv",
        dashboard.export_compliance,
        name="export_compliance",
    ),
    path(
        "organisations/<str:ods_code>/leavers.csv", dashboard.export_leavers, name="export_leavers"
    ),
    path("organisations/<str:ods_code>/roster/", dashboard.upload_roster, name="upload_roster"),
    path("organisations/<str:ods_code>/policy/", dashboard.edit_policy, name="edit_policy"),
    path(
        "organisations/<str:ods_code>/roster/uploads/<uuid:import_id>/",
        dashboard.show_import,
        name="show_import",
    ),
    path(
        "organisations/<str:ods_code>/completions/",
        dashboard.upload_completions,
        name="upload_completions",
    ),
    path(
        "organisations/<str:ods_code>/completions/uploads/<uuid:import_id>/",
        dashboard.show_import,
        {"kind": UploadKind.COMPLETIONS},
        name="show_completions_import",
    ),
]
