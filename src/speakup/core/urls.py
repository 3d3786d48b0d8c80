from django.urls import path

from speakup.core.views import auth, health, pages, password

app_name = "core"

urlpatterns = [
    path("", pages.home, name="home"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("api/", pages.api_docs, name="api_docs"),
    path("account/sign-in/", auth.sign_in, name="sign_in"),
    path("account/two-factor/", auth.two_factor, name="two_factor"),
    path("account/stay-signed-in/", auth.stay_signed_in, name="stay_signed_in"),
    path(
        "account/new-password/<str:uidb64>/<str:token>/",
        password.new_password,
        name="new_password",
    ),
    path("account/sign-out/", auth.sign_out, name="sign_out"),
    path("account/signed-out/", auth.signed_out, name="signed_out"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
