"""What every staff page shares: signed in with a second factor, nothing kept by the browser,
cases found through the scoped querysets in rules.py (outsiders get 404).

The staff pages are split by who uses them: cases.py (the guardian's list, case page and
recording), case_work.py (changing a case), follow_up.py (the handler's actions and the
accountable leader). Every read of case content is audited by the service layer, and every
change goes through services.handling.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from speakup.concerns.references import stored_reference
from speakup.core.permissions import require, visible
from speakup.core.views.auth import sign_in_first
from speakup.organisations.models import User


def staff_page(view):
    """Signed in, and second factor given: everyone who reads case content uses two factors.
    No page is kept by the browser: case content must not stay on a shared computer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            require(request.user, "concerns.use_case_pages")
        if first := sign_in_first(request):
            return first
        response = view(request, *args, **kwargs)
        patch_cache_control(response, no_store=True)
        return response

    return wrapper


def post_only(view):
    """A button's address on a case: POST does what the button says. A GET there is the browser
    coming back after signing in again (?next=), so it goes to the case page, not to an empty
    "method not allowed", and is told nothing was done."""

    @wraps(view)
    def wrapper(request, reference, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            concern = concern_or_404(request, reference)
            messages.info(request, "Nothing was changed. Use the button again if you still need to")
            return redirect("concerns:show_concern", concern.reference)
        return require_POST(view)(request, reference, *args, **kwargs)

    return wrapper


def concern_or_404(request, reference):
    return get_object_or_404(
        visible(request.user, "concerns.concerns").select_related(
            "organisation", "guardian", "accountable_lead", "learning_signed_off_by"
        ),
        reference=stored_reference(reference),
    )


def handled_or_404(request, reference):
    concern = concern_or_404(request, reference)
    require(request.user, "concerns.handle_concern", concern)
    return concern


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def people(organisation_id, *roles):
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role__in=list(roles),
        )
        .distinct()
        .order_by("full_name", "email")
    )
