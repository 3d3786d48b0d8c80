from django.urls import path, register_converter

from speakup.register.views import boards, director, officer, public

app_name = "register"


class CodeVersion:
    """A version of the code in an address: digits 0 to 9, few enough for the database to look
    up, and no leading zero (version 1 is the first). Anything else (a word, "²", "0", a number
    thousands of digits long) is no address: 404."""

    regex = "[1-9][0-9]{0,8}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class PaddedCodeVersion(CodeVersion):
    """A version typed with leading zeros ("04"): the person means version 4, so the address
    moves there. Zeros alone ("00") are no version."""

    regex = "0+[1-9][0-9]{0,8}"


register_converter(CodeVersion, "code_version")
register_converter(PaddedCodeVersion, "padded_code_version")

urlpatterns = [
    # Public: no sign-in.
    path("", public.search_register, name="search_register"),
    path("directors/<str:register_number>/", public.show_director, name="show_director"),
    path("code-of-practice/", public.show_code, name="show_code"),
    path("code-of-practice/versions/", public.list_code_versions, name="list_code_versions"),
    path(
        "code-of-practice/<code_version:version>/",
        public.show_code_version,
        name="show_code_version",
    ),
    path(
        "code-of-practice/<padded_code_version:version>/",
        public.redirect_padded_code_version,
        name="redirect_padded_code_version",
    ),
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
