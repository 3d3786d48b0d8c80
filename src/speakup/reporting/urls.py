from django.urls import path

from speakup.reporting.views import data_returns, national

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
]
