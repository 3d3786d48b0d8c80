"""Register officers: the national list of overdue duties, the code, and regulatory cases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from speakup.core.permissions import can, require, visible
from speakup.register import duties, presenters, queries, rules
from speakup.register.forms import (
    AppealDecisionForm,
    CodeForm,
    ConditionReviewForm,
    CorrectEntryForm,
    DecideForm,
    OpenCaseForm,
)
from speakup.register.services import entries, fppt_and_attestation, regulatory
from speakup.register.services.common import RegisterRefusal
from speakup.register.views import page


@login_required
def show_officer_dashboard(request):
    require(request.user, "register.run_register")
    cases = (
        visible(request.user, "register.all_cases")
        .select_related("decision", "decision__appeal")
        .order_by("-opened_at")
    )
    national = duties.national_compliance()
    return page(
        request,
        "officer.jinja",
        page_title="Register officer dashboard",
        directors=len(national),
        counts=duties.compliance_counts(national),
        overdue=duties.overdue_duties(rows=national),
        reviews=queries.conditions_due_for_review(),
        cases=[(case, queries.case_stage(case)) for case in cases],
        code=queries.current_code(),
    )


@login_required
def publish_code(request):
    require(request.user, "register.run_register")
    current = queries.current_code()
    form = CodeForm(request.POST or None, current=current)
    published_since = {}
    if request.method == "POST" and form.is_valid():
        try:
            code = fppt_and_attestation.code_publish(actor=request.user, **form.cleaned_data)
        except fppt_and_attestation.CodeNotLatest as refusal:
            form.add_error(None, refusal)
            form.start_from(refusal.latest)
            published_since = _published_since(refusal.started_from, refusal.latest)
        except RegisterRefusal as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"Version {code.version} of the code is published.")
            return redirect("register:show_officer_dashboard")
    elif form.has_error("based_on"):
        # Its message names the current version to read, and the page links to it.
        form.start_from(current.version if current else 0)
        published_since = {"latest_code": current}
    return page(
        request,
        "publish_code.jinja",
        page_title="Publish a new version of the code",
        form=form,
        **published_since,
    )


def _published_since(started_from: int | None, latest: int) -> dict:
    """For an officer told that `latest` was published while they edited: the version to read
    and, when the form said which version they started from, what changed since it, as their
    text replaces the latest one's when they publish again."""
    latest_code = queries.code_by_version(latest)
    if started_from is None or latest_code is None:
        return {"latest_code": latest_code}
    started = queries.code_by_version(started_from)  # None before version 1: all is new
    return {
        "latest_code": latest_code,
        "started_from": started_from,
        "changes": presenters.code_changes(started.body if started else "", latest_code.body),
    }


@login_required
def open_case(request, register_number):
    require(request.user, "register.run_register")
    director = queries.director_by_number(register_number)
    if director is None:
        raise Http404
    form = OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = regulatory.case_open(
                actor=request.user,
                director=director,
                grounds=form.cleaned_data["grounds"],
                response_days=form.cleaned_data["response_days"],
            )
        except RegisterRefusal as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(
                request, f"Case {case.reference} is open and the director is notified."
            )
            return redirect("register:show_case", case.pk)
    return page(
        request,
        "open_case.jinja",
        page_title="Open a regulatory case",
        subject=f"{director.name}, {director.register_number}",
        form=form,
        director=director,
    )


@login_required
def correct_entry(request, register_number):
    require(request.user, "register.run_register")
    director = queries.director_by_number(register_number)
    if director is None:
        raise Http404
    initial = {"first_name": director.first_name, "last_name": director.last_name}
    initial["email"] = director.email
    form = CorrectEntryForm(request.POST or None, initial=initial)
    blocker = rules.correct_blocker(request.user, director)
    if request.method == "POST" and not blocker and form.is_valid():
        try:
            entries.director_correct(actor=request.user, director=director, **form.cleaned_data)
        except RegisterRefusal as refusal:
            form.add_error(None, refusal)
        else:
            director.refresh_from_db()
            messages.success(
                request, f"The entry of {director.name} ({director.register_number}) is corrected."
            )
            return redirect("register:show_director", director.register_number)
    return page(
        request,
        "correct_entry.jinja",
        page_title="Correct a register entry",
        subject=f"{director.name}, {director.register_number}",
        form=form,
        director=director,
        blocker=blocker,
    )


@login_required
def show_case(request, case_id):
    require(request.user, "register.run_register")
    case = get_object_or_404(visible(request.user, "register.all_cases"), pk=case_id)
    decision = getattr(case, "decision", None)
    appeal = getattr(decision, "appeal", None) if decision else None
    deciding = "decide" in request.POST
    deciding_appeal = "decide_appeal" in request.POST
    decide_form = DecideForm(request.POST if deciding else None)
    appeal_form = AppealDecisionForm(request.POST if deciding_appeal else None)
    if request.method == "POST":
        try:
            if deciding and decide_form.is_valid():
                regulatory.case_decide(actor=request.user, case=case, **decide_form.cleaned_data)
                messages.success(
                    request, "The decision is made, published and sent to the director."
                )
                return redirect("register:show_case", case.pk)
            if deciding_appeal and appeal and appeal_form.is_valid():
                regulatory.appeal_decide(
                    actor=request.user, appeal=appeal, **appeal_form.cleaned_data
                )
                messages.success(request, "The appeal is decided and the director is told.")
                return redirect("register:show_case", case.pk)
        except RegisterRefusal as refusal:
            (decide_form if deciding else appeal_form).add_error(None, refusal)
    return page(
        request,
        "case.jinja",
        page_title=f"Regulatory case {case.reference}",
        case=case,
        decision=decision,
        appeal=appeal,
        stage=queries.case_stage(case),
        steps=case.steps.select_related("actor"),
        form=appeal_form if deciding_appeal else decide_form,
        # The form only for an officer who may decide now; anyone else reads why not.
        may_decide=can(request.user, "register.decide_case", case),
        decide_blocker=rules.decide_blocker(request.user, case) if decision is None else "",
        may_decide_appeal=bool(appeal) and can(request.user, "register.decide_appeal", appeal),
        decide_appeal_blocker=rules.decide_appeal_blocker(request.user, appeal) if appeal else "",
        decide_form=decide_form,
        appeal_form=appeal_form,
    )


@login_required
def review_condition(request, condition_id):
    require(request.user, "register.run_register")
    condition = queries.condition_in_force(condition_id)
    if condition is None:
        raise Http404
    form = ConditionReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lift = form.cleaned_data["outcome"] == "lift"
        try:
            regulatory.condition_review(
                actor=request.user,
                condition=condition,
                lift=lift,
                reasons=form.cleaned_data["reasons"],
                review_date=form.cleaned_data["review_date"],
            )
        except RegisterRefusal as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(
                request,
                f"The condition on {condition.director.name} is "
                + ("lifted" if lift else "kept until its new review date")
                + ", and they are told.",
            )
            return redirect("register:show_officer_dashboard")
    return page(
        request,
        "review_condition.jinja",
        page_title="Review a condition",
        subject=f"{condition.director.name}, {condition.director.register_number}",
        form=form,
        condition=condition,
    )
