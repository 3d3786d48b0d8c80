"""Help signing in: an organisation admin finds one of their people by email address and
unlocks their account, removes their authenticator or sends them a link to set a new password
(services.py does each; docs/security.md, "Help signing in")."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from speakup.core import submissions
from speakup.core.audit import audit_by
from speakup.core.auth import is_locked_out
from speakup.core.pages import render_page
from speakup.core.password_links import link_hours
from speakup.core.permissions import can, require
from speakup.core.two_factor import confirmed_device
from speakup.core.views.auth import sign_in_first
from speakup.organisations.forms import FindPersonForm
from speakup.organisations.models import Organisation, RoleMembership
from speakup.organisations.queries import organisations_run_by, people_at
from speakup.organisations.services import (
    account_unlock,
    authenticator_remove,
    password_link_send,
    when_setting_up_again,
)

PAGE_TITLE = "Help someone sign in"


def admin_page(view):
    """An organisation admin's page for their organisation (a 404 for anyone else), after their
    second factor. Not kept by the browser: it names people and their accounts."""

    @login_required
    @wraps(view)
    def wrapper(request, ods_code, *args, **kwargs):
        organisation = get_object_or_404(Organisation, ods_code=ods_code.upper(), active=True)
        require(request.user, "organisations.manage_organisation", organisation)
        if first := sign_in_first(request):
            return first
        response = view(request, organisation, *args, **kwargs)
        patch_cache_control(response, no_store=True)
        return response

    return wrapper


@login_required
def sign_in_help(request):
    """The header's link: straight to the admin's organisation, or a choice of them."""
    require(request.user, "organisations.manage_any_organisation")
    organisations = list(organisations_run_by(request.user))
    if len(organisations) == 1:
        return redirect("organisations:find_person", organisations[0].ods_code)
    return render_page(
        request,
        "organisations/choose_organisation.jinja",
        page_title=PAGE_TITLE,
        organisations=organisations,
    )


@admin_page
@require_http_methods(["GET", "POST"])
def find_person(request, organisation):
    form = FindPersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = _person_found(request, organisation, form)
        if person is not None:
            return redirect("organisations:show_person", organisation.ods_code, person.pk)
    return render_page(
        request,
        "organisations/find_person.jinja",
        page_title=PAGE_TITLE,
        form=form,
        organisation=organisation,
    )


def _person_found(request, organisation, form):
    """The person with the email address, if the admin may help them; else the form says why.
    Whoever they may not help gets the answer of an address nobody has: the page must not tell
    who has an account at another organisation, or a national one."""
    email = form.cleaned_data["email"].strip()
    if email.lower() == request.user.email.lower():
        form.add_error(
            "email",
            "You cannot use this page for your own account. Ask another organisation admin at "
            f"{organisation.name}, or the team that runs speakup, to help you",
        )
        return None
    person = people_at(organisation).filter(email__iexact=email).first()
    if not can(request.user, "organisations.help_person_sign_in", person):
        form.add_error("email", f"No one at {organisation.name} has that email address")
        return None
    return person


def _person(request, organisation, person_id):
    person = people_at(organisation).filter(pk=person_id).first()
    require(request.user, "organisations.help_person_sign_in", person)
    return person


@admin_page
def show_person(request, organisation, person_id):
    person = _person(request, organisation, person_id)
    _audit_view(request, organisation, person)
    roles = RoleMembership.objects.filter(user=person, organisation=organisation)
    return render_page(
        request,
        "organisations/show_person.jinja",
        page_title=PAGE_TITLE,
        heading=person.get_full_name(),
        subject=person.get_full_name(),
        organisation=organisation,
        person=person,
        roles=sorted(role.get_role_display() for role in roles),
        locked=is_locked_out(person.email),
        device=confirmed_device(person),
        link_hours=link_hours(),
        setting_up_again=when_setting_up_again(person),
    )


def _audit_view(request, organisation, person) -> None:
    """A page of the person's was read: it shows their account (whether locked, when they set
    up their app) or their email address."""
    audit_by(
        request.user,
        action="account.sign_in_help_view",
        object_type="user",
        object_ref=str(person.pk),
        organisation=organisation,
    )


def _act(request, organisation, person_id, service, *, done, nothing_to_do: str = ""):
    """Do what a button of the person's page says, once, and say what happened: `done(person)`
    says it."""
    person = _person(request, organisation, person_id)
    if not submissions.claim(request):
        messages.info(request, submissions.ALREADY_DONE)
    elif service(admin=request.user, person=person, organisation=organisation) is False:
        messages.info(request, nothing_to_do)
    else:
        messages.success(request, done(person))
    return redirect("organisations:show_person", organisation.ods_code, person.pk)


@admin_page
@require_POST
def unlock_account(request, organisation, person_id):
    return _act(
        request,
        organisation,
        person_id,
        account_unlock,
        done=lambda person: (
            f"Account unlocked. {person.get_full_name()} can sign in again now. "
            "We have emailed them to say so."
        ),
        nothing_to_do="Their account was not locked, so nothing was changed.",
    )


@admin_page
@require_http_methods(["GET", "POST"])
def remove_authenticator(request, organisation, person_id):
    """Asks first: whoever has someone's password could ring and ask for their app to go, and
    the admin's check that it is really them is the only second factor left."""
    if request.method == "GET":
        return _confirm_removal(request, organisation, person_id)
    return _act(
        request,
        organisation,
        person_id,
        authenticator_remove,
        done=lambda person: (
            f"Authenticator app removed. {person.get_full_name()} will set up the "
            f"app again {when_setting_up_again(person)}. We have emailed them to say so."
        ),
        nothing_to_do="They had no authenticator app set up, so nothing was changed.",
    )


def _confirm_removal(request, organisation, person_id):
    person = _person(request, organisation, person_id)
    if confirmed_device(person) is None:
        messages.info(
            request, "They have no authenticator app set up, so there is nothing to remove."
        )
        return redirect("organisations:show_person", organisation.ods_code, person.pk)
    _audit_view(request, organisation, person)
    return render_page(
        request,
        "organisations/remove_authenticator.jinja",
        page_title=PAGE_TITLE,
        heading=f"Remove {person.get_full_name()}'s authenticator app?",
        subject=person.get_full_name(),
        organisation=organisation,
        person=person,
        setting_up_again=when_setting_up_again(person),
    )


@admin_page
@require_POST
def send_password_link(request, organisation, person_id):
    return _act(
        request,
        organisation,
        person_id,
        password_link_send,
        done=lambda person: (
            f"Link sent to {person.email}. It works once, for {link_hours()} hours."
        ),
    )
