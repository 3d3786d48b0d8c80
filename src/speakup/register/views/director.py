"""A director's own pages: their duties, attesting to the code, and their regulatory cases."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from speakup.core.permissions import require, visible
from speakup.register import duties, queries
from speakup.register.forms import AppealForm, AttestForm, RespondForm
from speakup.register.services import fppt_and_attestation, regulatory
from speakup.register.services.common import RegisterRefusal
from speakup.register.views import page

# A version of the code of practice as a page posts it back (a changed page may post anything).
VERSION = re.compile(r"[0-9]{1,9}")


def _director(request):
    require(request.user, "register.be_director")
    return queries.director_for_user(request.user)


@login_required
def show_my_entry(request):
    director = _director(request)
    compliance = duties.director_compliance(director=director)
    return page(
        request,
        "my_entry.jinja",
        page_title="Your register entry",
        director=director,
        compliance=compliance,
        code=queries.current_code(),
        cases=visible(request.user, "register.my_cases").order_by("-opened_at"),
    )


@login_required
def attest_code(request):
    director = _director(request)
    code = queries.current_code()
    form = AttestForm(request.POST or None)
    if code is not None and request.method == "POST" and form.is_valid():
        # The version the director read: if a newer one was published meanwhile, the service
        # refuses rather than record an attestation to text they did not see.
        posted = request.POST.get("code_version", "")
        # Digits 0 to 9 only, and few of them: isdigit alone lets through digits int() refuses,
        # such as "²", and int() refuses numbers over 4,300 digits long.
        posted = queries.code_by_version(int(posted)) if VERSION.fullmatch(posted) else None
        try:
            fppt_and_attestation.attestation_submit(
                actor=request.user,
                director=director,
                code=posted or code,
                self_assessment=form.self_assessment(),
            )
        except RegisterRefusal as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, "Thank you: your attestation is recorded.")
            return redirect("register:show_my_entry")
    return page(
        request, "attest.jinja", page_title="Attest to the code of practice", form=form, code=code
    )


@login_required
def show_my_case(request, case_id):
    case = get_object_or_404(visible(request.user, "register.my_cases"), pk=case_id)
    require(request.user, "register.respond_to_case", case)
    decision = getattr(case, "decision", None)
    appeal = getattr(decision, "appeal", None) if decision else None
    today = timezone.localdate()
    can_respond = decision is None and case.responded_at is None and today <= case.response_due
    can_appeal = (
        decision is not None
        and appeal is None
        and decision.outcome != "no_action"
        and today <= regulatory.appeal_deadline(decision)
    )
    respond_form = RespondForm(request.POST if "respond" in request.POST else None)
    appeal_form = AppealForm(request.POST if "appeal" in request.POST else None)
    if request.method == "POST":
        try:
            if "respond" in request.POST and respond_form.is_valid():
                regulatory.case_respond(
                    actor=request.user, case=case, response=respond_form.cleaned_data["response"]
                )
                messages.success(request, "Your response has been sent to the register.")
                return redirect("register:show_my_case", case.pk)
            if "appeal" in request.POST and appeal_form.is_valid():
                regulatory.appeal_lodge(
                    actor=request.user,
                    decision=decision,
                    grounds=appeal_form.cleaned_data["grounds"],
                )
                messages.success(request, "Your appeal has been lodged.")
                return redirect("register:show_my_case", case.pk)
        except RegisterRefusal as refusal:
            target = respond_form if "respond" in request.POST else appeal_form
            target.add_error(None, refusal)
    return page(
        request,
        "my_case.jinja",
        page_title=f"Regulatory case {case.reference}",
        case=case,
        decision=decision,
        appeal=appeal,
        can_respond=can_respond,
        can_appeal=can_appeal,
        appeal_deadline=regulatory.appeal_deadline(decision) if decision else None,
        form=respond_form if "respond" in request.POST else appeal_form,
        respond_form=respond_form,
        appeal_form=appeal_form,
    )
