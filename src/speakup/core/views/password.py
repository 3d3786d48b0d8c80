"""Setting a new password from the link an organisation admin had emailed to the person."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from speakup.core.forms_auth import NewPasswordForm
from speakup.core.pages import render_page
from speakup.core.password_links import link_hours, link_works, password_set, person_from_link
from speakup.core.views.auth import offer_email_at_sign_in

# The link's token is kept in the session and the page's address says SET instead, so that no
# Referer header, browser history or server log holds a token that works (as Django's own
# password reset page does).
SET = "set"
_TOKEN_KEY = "speakup_new_password_link"  # noqa: S105  (a session key, not a secret)


@sensitive_post_parameters("password", "password_again")
@never_cache
@require_http_methods(["GET", "POST"])
def new_password(request, uidb64, token):
    person = person_from_link(uidb64)
    if token != SET:  # the link from the email
        if person is None or not link_works(person, token):
            return _link_does_not_work(request)
        request.session[_TOKEN_KEY] = token
        return redirect("core:new_password", uidb64, SET)
    if person is None or not link_works(person, request.session.get(_TOKEN_KEY, "")):
        return _link_does_not_work(request)
    form = NewPasswordForm(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        password_set(person=person, password=form.cleaned_data["password"])
        # Whoever was signed in here (the person's admin, on a shared computer) is signed out,
        # so that the person signs in next, from a fresh session. The token goes with it.
        logout(request)
        offer_email_at_sign_in(request, person.email)
        messages.success(request, "Your new password is set. Sign in with it now.")
        return redirect("core:sign_in")
    return render_page(
        request,
        "core/new_password.jinja",
        page_title="Set a new password",
        form=form,
        person=person,
    )


def _link_does_not_work(request):
    return render_page(
        request,
        "core/password_link_does_not_work.jinja",
        page_title="This link does not work",
        link_hours=link_hours(),
    )
