from django.urls import path

from speakup.organisations import views

app_name = "organisations"

urlpatterns = [
    path("sign-in-help/", views.sign_in_help, name="sign_in_help"),
    path("<str:ods_code>/sign-in-help/", views.find_person, name="find_person"),
    path(
        "<str:ods_code>/sign-in-help/<int:person_id>/",
        views.show_person,
        name="show_person",
    ),
    path(
        "<str:ods_code>/sign-in-help/<int:person_id>/unlock/",
        views.unlock_account,
        name="unlock_account",
    ),
    path(
        "<str:ods_code>/sign-in-help/<int:person_id>/remove-authenticator/",
        views.remove_authenticator,
        name="remove_authenticator",
    ),
    path(
        "<str:ods_code>/sign-in-help/<int:person_id>/send-password-link/",
        views.send_password_link,
        name="send_password_link",
    ),
]
