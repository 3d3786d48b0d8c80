from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from speakup.api import concerns, organisations, register, reporting, training

app_name = "api"

urlpatterns = [
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("organisations", organisations.OrganisationList.as_view(), name="list_organisations"),
    # Each domain's endpoints live in its own module, mounted at the API root.
    path("", include(concerns.urlpatterns)),
    path("", include(training.urlpatterns)),
    path("", include(register.urlpatterns)),
    path("", include(reporting.urlpatterns)),
]
