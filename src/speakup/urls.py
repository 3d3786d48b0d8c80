from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

# The admin signs in through our own page, so the second-factor rule applies to it too.
admin.site.login = RedirectView.as_view(pattern_name="core:sign_in", query_string=True)
admin.site.site_header = "speakup administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("speakup.api.urls")),
    path("concerns/", include("speakup.concerns.urls")),
    path("training/", include("speakup.training.urls")),
    path("register/", include("speakup.register.urls")),
    path("reports/", include("speakup.reporting.urls")),
    path("organisations/", include("speakup.organisations.urls")),
    path("", include("speakup.core.urls")),
]

handler404 = "speakup.core.views.errors.not_found"
handler500 = "speakup.core.views.errors.server_error"
handler403 = "speakup.core.views.errors.forbidden"
handler400 = "speakup.core.views.errors.bad_request"
