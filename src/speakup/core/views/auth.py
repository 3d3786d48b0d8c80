"""Signing in (email and password, then a second factor where the role needs one) and out."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from markupsafe import Markup

from speakup.core.forms_auth import SignInForm, TwoFactorForm
from speakup.core.pages import render_page
from speakup.core.sessions import session_ending, session_start, session_stay
from speakup.core.two_factor import (
    confirm_device,
    confirmed_device,
    pending_device,
    provisioning_uri,
    secret_for_display,
    verify_code,
    wait_before_a_code,
)
from speakup.organisations.queries import needs_two_factor

# Where signing in never goes on to: the account's own pages (signing out, say, is a button,
# and its address alone a "cannot be opened directly" page) and the API's JSON.
NOT_GONE_ON_TO = ("/account/", "/api/")

# Kept in the session once its person gives a code. Should their authenticator be removed while
# they stay signed in (an organisation admin removes a lost phone's), that session must not set
# up a new one without the password: whoever holds the lost phone may hold the session too.
CODE_GIVEN = "speakup_code_given"

# The email address of someone who has just set a new password (views.password), offered once
# by the sign-in page that follows. In the session, not the address: no history or log keeps it.
_EMAIL_OFFERED = "speakup_email_offered"


def offer_email_at_sign_in(request, email: str) -> None:
    request.session[_EMAIL_OFFERED] = email


def _next_url(request, default: str = "/") -> str:
    """Where to go on after signing in: a page of this service, never another site. Only a
    path: `redirect` would read a bare word ("home") as the name of a view, and fail."""
    target = request.POST.get("next") or request.GET.get("next") or default
    safe = (
        target.startswith("/")
        and not target.startswith(NOT_GONE_ON_TO)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
    return target if safe else default


def sign_in_first(request, *, come_back_to: str = ""):
    """The way to this page for someone not yet signed in, or signed in without the second
    factor (which the page needs whatever their roles): a redirect that comes back here (or to
    `come_back_to`), or None when both are given. Case content and the training downloads
    of workers' names ask for it."""
    if not request.user.is_authenticated:
        where = "core:sign_in"
    elif not request.user.is_verified():
        where = "core:two_factor"
    else:
        return None
    next_url = come_back_to or request.get_full_path()
    return redirect(f"{reverse(where)}?{urlencode({'next': next_url})}")


# Why a page asks someone whose role signs in with a password alone (a line manager, a board
# member) for the second factor too (sign_in_first), by the part of the service it is in.
ASKED_FOR_A_CODE_BY = {
    "concerns": "Pages with case details need a security code as well as your password.",
    "training": "Downloading your workers' names (their compliance, or the leavers) needs a "
    "security code as well as your password.",
}


def _why_asked(user, next_url: str) -> str | None:
    """Why the code page is shown to someone whose role does not always need it: the page
    they are going to does. None for everyone else, whom it asks at every sign-in."""
    if needs_two_factor(user):
        return None
    try:
        going_to = resolve(next_url.split("?")[0]).namespace
    except Resolver404:
        return None
    return ASKED_FOR_A_CODE_BY.get(going_to)


@sensitive_post_parameters("password")
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.method == "POST":
        form = SignInForm(request.POST)
    else:
        form = SignInForm(initial={"email": request.session.pop(_EMAIL_OFFERED, "")})
    if form.is_bound and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is None:
            form.add_error(None, "Enter a correct email address and password")
            form.add_error("email", "Check your email address")
            form.add_error("password", "Check your password")
        else:
            login(request, user)
            session_start(request=request)
            request.session.pop(CODE_GIVEN, None)  # the password again: it may set up an app
            if needs_two_factor(user):
                query = urlencode({"next": _next_url(request)})
                return redirect(f"{reverse('core:two_factor')}?{query}")
            return redirect(_next_url(request))
    return render_page(
        request,
        "core/sign_in.jinja",
        page_title="Sign in",
        form=form,
        next=_next_url(request),
        failure_limit=settings.AXES_FAILURE_LIMIT,
    )


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes calls this when an account has failed too often."""
    return render_page(
        request,
        "core/locked_out.jinja",
        page_title="Your account is locked for an hour",
        status=429,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Enrol a device (first time) or give a code from it, then carry on where they were going."""
    if not request.user.is_authenticated:
        return redirect("core:sign_in")
    if request.user.is_verified():
        return redirect(_next_url(request))
    if request.session.get(CODE_GIVEN) and confirmed_device(request.user) is None:
        return _sign_in_again_to_set_up(request)
    device, enrolling = pending_device(request.user)
    form = TwoFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if wait := wait_before_a_code(device):
            form.add_error(
                "code", f"That code was not accepted. Wait {wait}, then enter the code again"
            )
        elif verify_code(device, form.cleaned_data["code"]):
            if enrolling:
                confirm_device(device)
            otp_login(request, device)
            request.session[CODE_GIVEN] = True
            return redirect(_next_url(request))
        else:
            form.add_error(
                "code",
                "The code is wrong or has expired. Enter the 6-digit code your app shows now",
            )
    going_to = _next_url(request)
    context = {
        "enrolling": enrolling,
        "next": going_to,
        "why_asked": _why_asked(request.user, going_to),
    }
    if enrolling:
        uri = provisioning_uri(device)
        svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#212b32")
        context["qr_svg"] = Markup(svg)  # noqa: S704  (segno writes the SVG, no user text)
        context["secret"] = secret_for_display(device)
    title = "Set up two-factor sign-in" if enrolling else "Enter your security code"
    return render_page(request, "core/two_factor.jinja", page_title=title, form=form, **context)


def _sign_in_again_to_set_up(request):
    """The person's authenticator was removed after they gave a code in this session."""
    logout(request)
    messages.info(
        request,
        "Your authenticator app was removed from your account. Sign in again to set up the app "
        "on your phone.",
    )
    return redirect("core:sign_in")


@never_cache
@login_required
@require_POST
def stay_signed_in(request):
    """Move the end of the session on (the "Stay signed in" button of layout.jinja); answers
    with the box that says when it ends now. A session that has ended is not brought back: its
    person is signed out, so this sends them to sign in."""
    session_stay(request=request)
    return render(request, "core/_session_ending.jinja", {"ending": session_ending(request)})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("core:signed_out")


def signed_out(request):
    return render_page(request, "core/signed_out.jinja", page_title="You have signed out")
