from django.urls import path

from speakup.reporting.views import board_report, data_returns, national, national_view

app_name = "reporting"

urlpatterns = [
    path("data-returns/", data_returns.list_data_returns, name="list_data_returns"),
    path(
        "data-returns/<str:ods_code>/<str:quarter>/",
        data_returns.show_data_return,
        name="show_data_return",
    ),
    path(
        "data-returns/<str:ods_code>/<str:quarter>/submit/",
        data_returns.submit_data_return,
        name="submit_data_return",
    ),
    path("national/data-returns/", national.show_national_returns, name="show_national_returns"),
    path(
        "national/data-returns/<str:quarter>.csv",
        national.download_national_returns,
        name="download_national_returns",
    ),
    path("board-reports/", board_report.list_board_reports, name="list_board_reports"),
    path("board-reports/<str:ods_code>/", board_report.show_board_report, name="show_board_report"),
    path(
        "board-reports/<str:ods_code>/report.pdf",
        board_report.download_board_report,
        name="download_board_report",
    ),
    path(
        "board-reports/<str:ods_code>/inputs/",
        board_report.edit_board_report_inputs,
        name="edit_board_report_inputs",
    ),
    path("national/view/", national_view.show_national_view, name="show_national_view"),
    path("national/view.csv", national_view.download_national_view, name="download_national_view"),
]
