from django.urls import path

from speakup.register.views import boards, director, officer, public

app_name = "register"

urlpatterns = [
    # Public: no sign-in.
    path("", public.search_register, name="search_register"),
    path("directors/<str:register_number>/", public.show_director, name="show_director"),
    path("code-of-practice/", public.show_code, name="show_code"),
    path("open-data.csv", public.download_open_data, name="download_open_data"),
    # The director's own entry and cases.
    path("me/", director.show_my_entry, name="show_my_entry"),
    path("me/attest/", director.attest_code, name="attest_code"),
    path("me/cases/<int:case_id>/", director.show_my_case, name="show_my_case"),
    # Organisation boards.
    path("boards/", boards.list_boards, name="list_boards"),
    path("boards/<str:ods_code>/", boards.show_board, name="show_board"),
    path("boards/<str:ods_code>/appointments/new/", boards.add_appointment, name="add_appointment"),
    path(
        "boards/<str:ods_code>/appointments/<int:appointment_id>/end/",
        boards.end_appointment,
        name="end_appointment",
    ),
    path("boards/<str:ods_code>/import/", boards.import_board, name="import_board"),
    path("boards/<str:ods_code>/fppt/new/", boards.record_fppt, name="record_fppt"),
    # Register officers.
    path("officer/", officer.show_officer_dashboard, name="show_officer_dashboard"),
    path("officer/code/new/", officer.publish_code, name="publish_code"),
    path("officer/directors/<str:register_number>/cases/new/", officer.open_case, name="open_case"),
    path(
        "officer/directors/<str:register_number>/correct/",
        officer.correct_entry,
        name="correct_entry",
    ),
    path("officer/cases/<int:case_id>/", officer.show_case, name="show_case"),
    path(
        "officer/conditions/<int:condition_id>/review/",
        officer.review_condition,
        name="review_condition",
    ),
]
