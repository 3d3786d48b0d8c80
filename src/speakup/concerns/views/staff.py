"""Staff pages: the guardian's cases, the handler's actions, the accountable leader's follow-up.

Every case is found through the scoped querysets in rules.py (outsiders get 404), every read of
case content is audited by the service layer, and every change goes through services.handling.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from speakup.concerns import attachments, presenters, sealing
from speakup.concerns.forms.staff import (
    AssignActionForm,
    CaseFilterForm,
    CloseForm,
    EscalateForm,
    FeedbackForm,
    LearningForm,
    MessageForm,
    RecordConcernForm,
    RespondForm,
    TriageForm,
)
from speakup.concerns.models import (
    FINISHED,
    Action,
    Confidentiality,
    Escalation,
    Feedback,
    Status,
)
from speakup.concerns.queries import ACCOUNTABLE_ROLES, OPEN_CASES, concerns_filtered
from speakup.concerns.receipts import format_receipt_code
from speakup.concerns.services import handling
from speakup.concerns.taxonomy import label_of
from speakup.core.pages import render_page
from speakup.core.permissions import can, require, visible
from speakup.organisations.models import Organisation, User
from speakup.organisations.queries import organisation_ids_where
from speakup.organisations.roles import Role


def staff_page(view):
    """Signed in, and second factor given: everyone who reads case content uses two factors.
    No page is kept by the browser: case content must not stay on a shared computer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(f"/account/sign-in/?{urlencode({'next': request.get_full_path()})}")
        require(user, "concerns.use_case_pages")
        if not user.is_verified():
            from django.urls import reverse

            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('core:two_factor')}?{query}")
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
            concern = _concern(request, reference)
            messages.info(request, "Nothing was changed. Use the button again if you still need to")
            return redirect("concerns:show_concern", concern.reference)
        return require_POST(view)(request, reference, *args, **kwargs)

    return wrapper


def _concern(request, reference):
    return get_object_or_404(
        visible(request.user, "concerns.concerns").select_related(
            "organisation", "guardian", "accountable_lead", "learning_signed_off_by"
        ),
        reference=reference,
    )


def _handled(request, reference):
    concern = _concern(request, reference)
    require(request.user, "concerns.handle_concern", concern)
    return concern


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _people(organisation_id, *roles):
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role__in=list(roles),
        )
        .distinct()
        .order_by("full_name", "email")
    )


# --- Guardian: the case list and the case page -------------------------------------------


@staff_page
def list_cases(request):
    require(request.user, "concerns.list_cases")
    today = timezone.localdate()
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {"status": OPEN_CASES}
    organisation_ids = organisation_ids_where(request.user, Role.GUARDIAN)
    concerns = concerns_filtered(
        visible(request.user, "concerns.concerns").filter(organisation_id__in=organisation_ids),
        today=today,
        status=filters.get("status", ""),
        overdue=filters.get("overdue", False),
        element=filters.get("element", ""),
    )
    rows = [presenters.case_row(c, today) for c in concerns[:500]]
    return render_page(
        request,
        "concerns/staff/list_cases.jinja",
        page_title="Cases",
        filter_form=form if form.is_bound else CaseFilterForm(),
        rows=rows,
        several_organisations=len(organisation_ids) > 1,
    )


def _case_context(request, concern) -> dict:
    user = request.user
    handling.concern_view(user=user, concern=concern)
    show_speaker = can(user, "concerns.view_speaker", concern)
    show_conversation = can(user, "concerns.view_conversation", concern)
    actions = []
    for action in concern.actions.select_related("handler", "signed_off_by"):
        actions.append(
            {
                "id": action.pk,
                "description": sealing.unseal(concern, "description", action.description_sealed),
                "shared_summary": sealing.unseal(
                    concern, "shared_summary", action.shared_summary_sealed
                ),
                "response": sealing.unseal(concern, "response", action.response_sealed),
                "handler": str(action.handler) if action.handler else "The guardian",
                "respond_by": presenters.day(action.respond_by),
                "state": presenters.action_tag(action.state),
                "overdue": presenters.action_overdue(action),
                "signed_off": (
                    f"{action.signed_off_by} on {presenters.day(action.signed_off_at)}"
                    if action.signed_off_at
                    else ""
                ),
                "may_sign_off": can(user, "concerns.sign_off", concern)
                and action.state != Action.State.SIGNED_OFF
                and (action.state == Action.State.RESPONDED or action.handler_id is None),
            }
        )
    try:
        feedback = concern.feedback
    except Feedback.DoesNotExist:
        feedback = None
    show_attachments = can(user, "concerns.view_attachments", concern)
    conversation = []
    if show_conversation:
        for message in concern.messages.all():
            conversation.append(
                {
                    "author": "Speaker" if message.author == "speaker" else "Guardian",
                    "body": sealing.unseal(concern, "body", message.body_sealed),
                    "sent": presenters.day(message.sent_at),
                }
            )
    return {
        "concern": concern,
        "status_tag": presenters.status_tag(concern.status),
        "overdue": presenters.concern_overdue(concern),
        "narrative": sealing.unseal(concern, "narrative", concern.narrative_sealed),
        "speaker": handling.speaker_contact(concern) if show_speaker else None,
        "show_speaker": show_speaker,
        "anonymous": concern.confidentiality == Confidentiality.ANONYMOUS,
        "show_conversation": show_conversation,
        "conversation": conversation,
        "show_attachments": show_attachments,
        "attachment_count": concern.attachments.count(),
        "attachments": [
            presenters.attachment_row(a, attachments.attachment_name(concern, a))
            for a in concern.attachments.order_by("added_at", "id")
        ]
        if show_attachments
        else [],
        "feedback": presenters.speaker_feedback(
            feedback, sealing.unseal(concern, "feedback_comment", feedback.comment_sealed)
        )
        if feedback
        else [],
        "checkins": presenters.checkin_rows(concern),
        "elements": [label_of(e.code) for e in concern.elements.all()],
        "worker_group": label_of(concern.worker_group) if concern.worker_group else "Not given",
        "received": presenters.day(concern.received_at),
        "acknowledge_by": presenters.day(concern.acknowledge_by),
        "feedback_by": presenters.day(concern.feedback_by),
        "actions": actions,
        "escalations": [
            presenters.escalation_row(e) for e in concern.escalations.select_related("escalated_to")
        ],
        "history": [presenters.history_row(c) for c in concern.status_changes.select_related("by")],
        "outcome": sealing.unseal(concern, "outcome", concern.outcome_sealed),
        "learning": sealing.unseal(concern, "learning", concern.learning_sealed),
        "learning_signed_off": (
            f"{concern.learning_signed_off_by} on {presenters.day(concern.learning_signed_off_at)}"
            if concern.learning_signed_off_at
            else ""
        ),
        "may_handle": can(user, "concerns.handle_concern", concern),
        "may_sign_off": can(user, "concerns.sign_off", concern),
        "close_blockers": handling.close_blockers(concern),
        "finished": concern.status in (Status.CLOSED, Status.WITHDRAWN),
    }


@staff_page
def download_attachment(request, reference, attachment_id):
    """One of the speaker's files, decrypted, to save (never shown in the browser)."""
    concern = _concern(request, reference)
    attachment = get_object_or_404(concern.attachments.all(), pk=attachment_id)
    filename, data = attachments.attachment_open(
        user=request.user, concern=concern, attachment=attachment
    )
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = attachments.content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Were a browser to show it after all, it could run nothing and reach nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_page
def show_concern(request, reference):
    concern = _concern(request, reference)
    with transaction.atomic():
        context = _case_context(request, concern)
    return render_page(
        request,
        "concerns/staff/show_concern.jinja",
        page_title=f"Concern {concern.reference}",
        **context,
    )


def _form_page(request, concern, form, *, template, title, **context):
    return render_page(
        request,
        f"concerns/staff/{template}.jinja",
        page_title=title,
        form=form,
        concern=concern,
        **context,
    )


def _service_form(request, reference, *, form_class, template, title, run, done, fit=None):
    """GET shows the form; POST runs the service and goes back to the case, or shows errors.
    `fit(concern)` gives the form what it needs of the case, and a form may say why there is
    nothing to do (`unavailable`)."""
    concern = _handled(request, reference)
    form = form_class(request.POST or None, **(fit(concern) if fit else {}))
    unavailable = getattr(form, "unavailable", None)
    if request.method == "POST" and not unavailable and form.is_valid():
        try:
            run(concern, form)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("concerns:show_concern", concern.reference)
    return _form_page(
        request, concern, form, template=template, title=title, unavailable=unavailable
    )


@staff_page
@post_only
def acknowledge_concern(request, reference):
    concern = _handled(request, reference)
    try:
        handling.concern_acknowledge(user=request.user, concern=concern)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Concern acknowledged")
    return redirect("concerns:show_concern", concern.reference)


@staff_page
def triage_concern(request, reference):
    concern = _handled(request, reference)
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
            _apply_errors(form, error)
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


@staff_page
def record_learning(request, reference):
    return _service_form(
        request,
        reference,
        form_class=LearningForm,
        template="form",
        title="Record the outcome and learning",
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
    concern = _handled(request, reference)
    form = AssignActionForm(
        request.POST or None,
        managers=_people(concern.organisation_id, Role.LINE_MANAGER),
        leaders=_people(concern.organisation_id, *ACCOUNTABLE_ROLES),
        initial={"accountable_lead": str(concern.accountable_lead_id or "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            handling.action_assign(
                user=request.user,
                concern=concern,
                handler=form.person("handler"),
                respond_by=form.cleaned_data["respond_by"],
                accountable_lead=form.person("accountable_lead"),
                description=form.cleaned_data["description"],
                shared_summary=form.cleaned_data["shared_summary"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Action assigned")
            return redirect("concerns:show_concern", concern.reference)
    return _form_page(request, concern, form, template="form", title="Assign an action")


@staff_page
def close_concern(request, reference):
    concern = _handled(request, reference)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handling.concern_close(user=request.user, concern=concern)
        except ValidationError as error:
            _apply_errors(form, error)
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
    concern = _handled(request, reference)
    if request.method != "POST":
        if concern.status not in may_from:
            return redirect("concerns:show_concern", concern.reference)
        return render_page(
            request,
            "concerns/staff/confirm.jinja",
            page_title=title,
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


@staff_page
def record_concern(request):
    """A concern raised in person or by phone: the guardian records it for the speaker."""
    from speakup.concerns.services.intake import SubmissionInvalid, concern_submit

    require(request.user, "concerns.list_cases")
    organisations = list(
        Organisation.objects.filter(
            pk__in=organisation_ids_where(request.user, Role.GUARDIAN), active=True
        ).order_by("name")
    )
    form = RecordConcernForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submitted = concern_submit(
                organisation=data["organisation"],
                confidentiality=data["confidentiality"],
                description=data["description"],
                worker_group=data["worker_group"] or None,
                patient_safety_risk=form.risk(),
                detriment_experienced=data["detriment_experienced"],
                contact=form.contact(),
                source=data["source"],
                recorded_by=request.user,
            )
        except SubmissionInvalid as invalid:
            for field, message in invalid.errors.items():
                name = form.ERROR_FIELDS.get(field, field)
                form.add_error(name if name in form.fields else None, message)
        else:
            # Shown once, in this response only: the code is never stored or shown again.
            response = render_page(
                request,
                "concerns/staff/recorded.jinja",
                page_title="Concern recorded",
                concern=submitted.concern,
                receipt_code=format_receipt_code(submitted.receipt_code),
            )
            response["Cache-Control"] = "no-store"
            return response
    return render_page(
        request,
        "concerns/staff/record_concern.jinja",
        page_title="Record a concern raised in person or by phone",
        form=form,
    )


# --- Handler ------------------------------------------------------------------------------


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
    action = get_object_or_404(visible(request.user, "concerns.actions_for_handler"), pk=action_id)
    concern = action.concern
    form = RespondForm(request.POST or None)
    if request.method == "POST":
        if not can(request.user, "concerns.respond_action", action):
            raise Http404
        if form.is_valid():
            try:
                handling.action_respond(
                    user=request.user, action=action, response=form.cleaned_data["response"]
                )
            except ValidationError as error:
                _apply_errors(form, error)
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
    return render_page(
        request,
        "concerns/staff/show_action.jinja",
        page_title=f"Action on concern {concern.reference}",
        form=form,
        **context,
    )


# --- Accountable leader -------------------------------------------------------------------


@staff_page
def list_led(request):
    require(request.user, "concerns.list_led")
    today = timezone.localdate()
    led = visible(request.user, "concerns.led_concerns")
    accountable = concerns_filtered(led.filter(accountable_lead=request.user), today=today)
    # Open cases first and in full: closed ones pile up over the years, so they are folded away.
    open_cases = [presenters.case_row(c, today) for c in accountable.exclude(status__in=FINISHED)]
    closed_cases = [presenters.case_row(c, today) for c in accountable.filter(status__in=FINISHED)]
    escalations = [
        {**presenters.escalation_row(e), "reference": e.concern.reference}
        for e in Escalation.objects.filter(
            escalated_to=request.user, concern__in=led
        ).select_related("concern", "escalated_to")
    ]
    return render_page(
        request,
        "concerns/staff/list_led.jinja",
        page_title="Follow up",
        open_cases=open_cases,
        closed_cases=closed_cases,
        escalations=escalations,
    )


@staff_page
@post_only
def sign_off_action(request, reference, action_id):
    concern = _concern(request, reference)
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
    concern = _concern(request, reference)
    require(request.user, "concerns.sign_off", concern)
    try:
        handling.concern_sign_off_learning(user=request.user, concern=concern)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Learning signed off")
    return redirect("concerns:show_concern", concern.reference)
