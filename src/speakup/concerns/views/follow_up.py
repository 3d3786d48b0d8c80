"""The line manager's actions and the accountable leader's page of cases they lead and sign-offs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from speakup.concerns import presenters, sealing
from speakup.concerns.forms.staff import RespondForm
from speakup.concerns.models import FINISHED, Action, Escalation
from speakup.concerns.queries import concerns_filtered
from speakup.concerns.services import handling
from speakup.concerns.views.staff_pages import apply_errors, concern_or_404, post_only, staff_page
from speakup.core.pages import render_page
from speakup.core.permissions import can, require, visible


@staff_page
def list_actions(request):
    require(request.user, "concerns.list_actions")
    today = timezone.localdate()
    actions = list(
        visible(request.user, "concerns.actions_for_handler").order_by("state", "respond_by")
    )
    with transaction.atomic():
        descriptions = handling.action_list_view(user=request.user, actions=actions)
    rows = []
    for action in actions:
        rows.append(
            {
                "id": action.pk,
                # Only the guardian's words for the handler, as on the action's own page: they
                # tell three actions on one case apart without saying anything more.
                "description": presenters.excerpt(descriptions[action.pk]),
                "reference": action.concern.reference,
                "organisation": action.concern.organisation.name,
                "respond_by": presenters.day(action.respond_by),
                "state": presenters.action_tag(action.state),
                "overdue": presenters.action_overdue(action, today),
            }
        )
    return render_page(
        request, "concerns/staff/list_actions.jinja", page_title="Your actions", rows=rows
    )


@staff_page
def show_action(request, action_id):
    action = visible(request.user, "concerns.actions_for_handler").filter(pk=action_id).first()
    if action is None:
        handed_on = can(request.user, "concerns.learn_action_handed_on", action_id)
        if request.method == "POST" and handed_on:
            return _handed_on_while_written(request)
        raise Http404
    concern = action.concern
    form = RespondForm(request.POST or None)
    if request.method == "POST":
        if not can(request.user, "concerns.respond_action", action):
            if _sent_before(action, form):
                messages.success(request, "Response sent to the guardian")
                return redirect("concerns:show_action", action.pk)
        elif form.is_valid():
            try:
                handling.action_respond(
                    user=request.user, action=action, response=form.cleaned_data["response"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Response sent to the guardian")
                return redirect("concerns:show_action", action.pk)
    with transaction.atomic():
        handling.action_view(user=request.user, action=action)
        unseal = sealing.unseal
        context = {
            "action": action,
            "reference": concern.reference,
            "organisation": concern.organisation.name,
            "description": unseal(concern, "description", action.description_sealed),
            "shared_summary": unseal(concern, "shared_summary", action.shared_summary_sealed),
            "response": unseal(concern, "response", action.response_sealed),
            "respond_by": presenters.day(action.respond_by),
            "state": presenters.action_tag(action.state),
            "overdue": presenters.action_overdue(action),
            "may_respond": can(request.user, "concerns.respond_action", action),
        }
    called = _action_called(request.user, action)
    return render_page(
        request,
        "concerns/staff/show_action.jinja",
        page_title=f"{called} on concern {concern.reference}",
        form=form,
        called=called,
        **context,
    )


def _action_called(user, action) -> str:
    """What an action's page calls it: "Action 2 of 3" when this person holds several on the
    concern (in the order given), so that the pages' headings and titles differ. Counted among
    their own actions, which their list shows, not the case's: that would tell them how many
    others were asked to act."""
    theirs = list(
        visible(user, "concerns.actions_for_handler")
        .filter(concern_id=action.concern_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(theirs) < 2:
        return "Action"
    return f"Action {theirs.index(action.pk) + 1} of {len(theirs)}"


def _handed_on_while_written(request):
    """The guardian handed the action to someone else while this person wrote their response:
    it was not sent, and their words are given back to copy, with nothing more of the case
    (they may no longer see it). It was a "page not found" that lost what they wrote."""
    return render_page(
        request,
        "concerns/staff/response_not_sent.jinja",
        page_title="Your response was not sent",
        response=request.POST.get("response", ""),
        status=409,
    )


def _sent_before(action, form) -> bool:
    """A response to an action that takes none now. The same words again are a double click or a
    second tab (they went the first time); other words were not sent, and stay in the box with
    why, rather than a "page not found" that loses them."""
    typed = " ".join(form.data.get("response", "").split())
    if action.state != Action.State.OPEN:
        sent = sealing.unseal(action.concern, "response", action.response_sealed) or ""
        if typed and typed == " ".join(sent.split()):
            return True
        form.add_error("response", NOT_SENT["answered"])
    else:
        form.add_error("response", NOT_SENT["finished"])
    return False


NOT_SENT = {
    "answered": "You have already responded to this action, so this was not sent. Copy it if "
    "you need it, and tell the guardian",
    "finished": "This concern is no longer open, so your response was not sent",
}


@staff_page
def list_led(request):
    require(request.user, "concerns.list_led")
    today = timezone.localdate()
    led = visible(request.user, "concerns.led_concerns")
    accountable = concerns_filtered(led.filter(accountable_lead=request.user), today=today)
    # Open cases first and in full: closed ones pile up over the years, so they are folded away.
    # Each says how many of its actions were answered and wait for this leader's sign-off.
    waiting = Count("actions", filter=Q(actions__state=Action.State.RESPONDED))
    open_cases = [
        {**presenters.case_row(c, today), "to_sign_off": c.to_sign_off}
        for c in accountable.exclude(status__in=FINISHED).annotate(to_sign_off=waiting)
    ]
    closed_cases = [presenters.case_row(c, today) for c in accountable.filter(status__in=FINISHED)]
    escalations = [
        {**presenters.escalation_row(e, speakers_time=False), "reference": e.concern.reference}
        for e in Escalation.objects.filter(
            escalated_to=request.user, concern__in=led
        ).select_related("concern", "escalated_to")
    ]
    return render_page(
        request,
        "concerns/staff/list_led.jinja",
        page_title="Cases you lead",
        open_cases=open_cases,
        closed_cases=closed_cases,
        escalations=escalations,
    )


@staff_page
@post_only
def sign_off_action(request, reference, action_id):
    concern = concern_or_404(request, reference)
    require(request.user, "concerns.sign_off", concern)
    action = get_object_or_404(concern.actions.all(), pk=action_id)
    try:
        handling.action_sign_off(user=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Action signed off")
    return redirect("concerns:show_concern", concern.reference)


@staff_page
@post_only
def sign_off_learning(request, reference):
    concern = concern_or_404(request, reference)
    require(request.user, "concerns.sign_off", concern)
    try:
        handling.concern_sign_off_learning(user=request.user, concern=concern)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Learning signed off")
    return redirect("concerns:show_concern", concern.reference)
