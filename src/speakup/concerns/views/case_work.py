"""Changing a case: acknowledge, triage, write, feed back, learn, assign, close, escalate, reopen,
withdraw. Each form runs one service in services.handling and goes back to the case page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect

from speakup.concerns import presenters, sealing
from speakup.concerns.forms.staff import (
    AssignActionForm,
    ChangeActionForm,
    CloseForm,
    EscalateForm,
    FeedbackForm,
    LearningForm,
    MessageForm,
    TriageForm,
)
from speakup.concerns.models import FINISHED, Action, Status
from speakup.concerns.queries import ACCOUNTABLE_ROLES
from speakup.concerns.services import handling
from speakup.concerns.views.staff_pages import (
    apply_errors,
    handled_or_404,
    people,
    post_only,
    staff_page,
)
from speakup.core import submissions
from speakup.core.pages import render_page
from speakup.organisations.roles import Role


def _case_subject(concern) -> str:
    """What each page of a case is about, as its caption says."""
    return f"Concern {concern.reference}"


def _form_page(request, concern, form, *, template, title, **context):
    return render_page(
        request,
        f"concerns/staff/{template}.jinja",
        page_title=title,
        subject=_case_subject(concern),
        form=form,
        concern=concern,
        **context,
    )


ALREADY_DONE = object()
REFUSED = object()


def _act_once(request, form, act):
    """`act()` (the form's service) for a form sent the first time: its result, or REFUSED
    with the service's errors on the form. The same form sent again (a double click, a reload,
    a second tab) is not acted on: ALREADY_DONE."""
    if not submissions.claim(request):
        return ALREADY_DONE
    try:
        return act()
    except ValidationError as error:
        submissions.release(request)  # nothing was done: it may be sent again
        apply_errors(form, error)
        return REFUSED


def _already_done(request, concern):
    """The same form sent again: back to the case, done once."""
    messages.info(request, submissions.ALREADY_DONE)
    return redirect("concerns:show_concern", concern.reference)


def _service_form(request, reference, *, form_class, template, title, run, done, fit=None):
    """GET shows the form; POST runs the service and goes back to the case, or shows errors.
    `fit(concern)` gives the form what it needs of the case, and a form may say why there is
    nothing to do (`unavailable`)."""
    concern = handled_or_404(request, reference)
    form = form_class(request.POST or None, **(fit(concern) if fit else {}))
    unavailable = getattr(form, "unavailable", None)
    if request.method == "POST" and not unavailable and form.is_valid():
        result = _act_once(request, form, lambda: run(concern, form))
        if result is ALREADY_DONE:
            return _already_done(request, concern)
        if result is not REFUSED:
            messages.success(request, done)
            return redirect("concerns:show_concern", concern.reference)
    return _form_page(
        request, concern, form, template=template, title=title, unavailable=unavailable
    )


@staff_page
@post_only
def acknowledge_concern(request, reference):
    concern = handled_or_404(request, reference)
    try:
        handling.concern_acknowledge(user=request.user, concern=concern)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Concern acknowledged")
    return redirect("concerns:show_concern", concern.reference)


@staff_page
def triage_concern(request, reference):
    concern = handled_or_404(request, reference)
    initial = {
        "elements": list(concern.elements.values_list("code", flat=True)),
        "worker_group": concern.worker_group,
        "confidentiality_reviewed": concern.confidentiality_reviewed,
    }
    form = TriageForm(request.POST or None, concern=concern, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            handling.concern_triage(
                user=request.user,
                concern=concern,
                elements=form.cleaned_data["elements"],
                worker_group=form.cleaned_data["worker_group"],
                confidentiality_reviewed=form.cleaned_data["confidentiality_reviewed"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Triage recorded")
            return redirect("concerns:show_concern", concern.reference)
    return _form_page(request, concern, form, template="form", title="Triage the concern")


@staff_page
def message_concern(request, reference):
    return _service_form(
        request,
        reference,
        form_class=MessageForm,
        template="form",
        title="Write to the speaker",
        run=lambda concern, form: handling.concern_message(
            user=request.user, concern=concern, body=form.cleaned_data["body"]
        ),
        done="Message sent to the speaker",
    )


@staff_page
def give_feedback(request, reference):
    return _service_form(
        request,
        reference,
        form_class=FeedbackForm,
        template="form",
        title="Give the speaker feedback",
        run=lambda concern, form: handling.concern_give_feedback(
            user=request.user, concern=concern, body=form.cleaned_data["body"]
        ),
        done="Feedback given to the speaker",
    )


def _recorded_learning(request, concern) -> dict:
    """What was recorded, in the boxes, to change a word rather than retype both (a learning
    retyped differently would need a new sign-off). Showing it is a read of the case."""
    if request.method == "POST" or not concern.learning_sealed:
        return {}
    handling.concern_view(user=request.user, concern=concern)
    return {
        "initial": {
            "outcome": sealing.unseal(concern, "outcome", concern.outcome_sealed),
            "learning": sealing.unseal(concern, "learning", concern.learning_sealed),
            "publishable": concern.learning_publishable,
        }
    }


@staff_page
def record_learning(request, reference):
    return _service_form(
        request,
        reference,
        form_class=LearningForm,
        template="form",
        title="Record the outcome and learning",
        fit=lambda concern: _recorded_learning(request, concern),
        run=lambda concern, form: handling.concern_record_learning(
            user=request.user,
            concern=concern,
            outcome=form.cleaned_data["outcome"],
            learning=form.cleaned_data["learning"],
            publishable=form.cleaned_data["publishable"],
        ),
        done="Outcome and learning recorded: the accountable leader can now sign them off",
    )


@staff_page
def assign_action(request, reference):
    concern = handled_or_404(request, reference)
    form = AssignActionForm(
        request.POST or None,
        managers=people(concern.organisation_id, Role.LINE_MANAGER),
        leaders=people(concern.organisation_id, *ACCOUNTABLE_ROLES),
        initial={"accountable_lead": str(concern.accountable_lead_id or "")},
    )
    if request.method == "POST" and form.is_valid():
        result = _act_once(
            request,
            form,
            lambda: handling.action_assign(
                user=request.user,
                concern=concern,
                handler=form.person("handler"),
                respond_by=form.cleaned_data["respond_by"],
                accountable_lead=form.person("accountable_lead"),
                description=form.cleaned_data["description"],
                shared_summary=form.cleaned_data["shared_summary"],
            ),
        )
        if result is ALREADY_DONE:
            return _already_done(request, concern)
        if result is not REFUSED:
            messages.success(request, "Action assigned")
            return redirect("concerns:show_concern", concern.reference)
    return _form_page(request, concern, form, template="form", title="Assign an action")


@staff_page
def change_action(request, reference, action_id):
    """A new date for an open action, or another line manager for it, with the reason."""
    concern = handled_or_404(request, reference)
    action = get_object_or_404(concern.actions.select_related("handler"), pk=action_id)
    if action.state != Action.State.OPEN or concern.status in FINISHED:
        messages.info(request, "Only an open action on an open concern can be changed")
        return redirect("concerns:show_concern", concern.reference)
    form = ChangeActionForm(
        request.POST or None,
        action=action,
        managers=people(concern.organisation_id, Role.LINE_MANAGER),
    )
    if request.method == "POST" and form.is_valid():
        change = _act_once(
            request,
            form,
            lambda: handling.action_change(
                user=request.user,
                action=action,
                handler=form.person("handler"),
                respond_by=form.cleaned_data["respond_by"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if change is ALREADY_DONE:
            return _already_done(request, concern)
        if change is not REFUSED:
            handed_on = change.from_handler != change.to_handler
            redated = change.from_respond_by != change.to_respond_by
            messages.success(
                request,
                ("Action handed on, with a new date" if redated else "Action handed on")
                if handed_on
                else "Action given a new date",
            )
            return redirect("concerns:show_concern", concern.reference)
    # Which action this is, as the case page shows it: a read of the case.
    handling.concern_view(user=request.user, concern=concern)
    number = list(concern.actions.values_list("pk", flat=True)).index(action.pk) + 1
    return _form_page(
        request,
        concern,
        form,
        template="change_action",
        title=f"Change action {number}",
        description=sealing.unseal(concern, "description", action.description_sealed),
        holder=str(action.handler) if action.handler else "The guardian",
        respond_by=presenters.day(action.respond_by) or "No date",
        overdue=presenters.action_overdue(action),
    )


@staff_page
def close_concern(request, reference):
    concern = handled_or_404(request, reference)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handling.concern_close(user=request.user, concern=concern)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Concern closed")
            return redirect("concerns:show_concern", concern.reference)
    return _form_page(
        request,
        concern,
        form,
        template="close",
        title="Close the concern",
        blockers=handling.close_blockers(concern),
    )


@staff_page
def escalate_concern(request, reference):
    return _service_form(
        request,
        reference,
        form_class=EscalateForm,
        template="form",
        title="Escalate the concern",
        fit=lambda concern: {"levels": handling.escalation_levels(concern)},
        run=lambda concern, form: handling.concern_escalate(
            user=request.user, concern=concern, level=form.cleaned_data["level"]
        ),
        done="Concern escalated",
    )


def _confirmed_service(request, reference, *, may_from, title, explanation, run, done):
    """A status move that is hard to take back: GET asks first, POST does it. Every move is
    recorded in the status history (who, when, from, to)."""
    concern = handled_or_404(request, reference)
    if request.method != "POST":
        if concern.status not in may_from:
            return redirect("concerns:show_concern", concern.reference)
        return render_page(
            request,
            "concerns/staff/confirm.jinja",
            page_title=title,
            subject=_case_subject(concern),
            concern=concern,
            explanation=explanation,
        )
    try:
        run(concern)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("concerns:show_concern", concern.reference)


@staff_page
def reopen_concern(request, reference):
    return _confirmed_service(
        request,
        reference,
        may_from=FINISHED,
        title="Reopen the concern",
        explanation=[
            "The concern goes back to in progress, and its status history records that you "
            "reopened it.",
            "To close it again, the accountable leader signs off the learning again. Detriment "
            "check-ins not yet asked wait until it closes again.",
        ],
        run=lambda c: handling.concern_reopen(user=request.user, concern=c),
        done="Concern reopened",
    )


@staff_page
def withdraw_concern(request, reference):
    return _confirmed_service(
        request,
        reference,
        may_from=[s for s, moves in handling.ALLOWED_MOVES.items() if Status.WITHDRAWN in moves],
        title="Withdraw the concern",
        explanation=[
            "Withdraw a concern only when the speaker has asked you to.",
            "Work on it stops: nothing more is due, and escalations made by hand are resolved. "
            "You can reopen it later.",
        ],
        run=lambda c: handling.concern_withdraw(user=request.user, concern=c),
        done="Concern withdrawn",
    )
