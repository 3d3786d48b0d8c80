from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from speakup.api import organisations

app_name = "api"

urlpatterns = [
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("organisations", organisations.OrganisationList.as_view(), name="list_organisations"),
]
