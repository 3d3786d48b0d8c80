"""The guardian's case list and case page, a case's files, and a concern recorded for a speaker."""

import re
import secrets

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from speakup.concerns import attachments, presenters, sealing
from speakup.concerns.forms.staff import CaseFilterForm, CaseSearchForm, RecordConcernForm
from speakup.concerns.models import Action, ActionChange, Confidentiality, Feedback, Status
from speakup.concerns.queries import case_actions, concerns_filtered
from speakup.concerns.receipts import format_receipt_code
from speakup.concerns.references import REFERENCE_EXAMPLE
from speakup.concerns.services import handling
from speakup.concerns.taxonomy import label_of
from speakup.concerns.views.speaker import CODE_SHOWN_AGAIN_FOR
from speakup.concerns.views.staff_pages import concern_or_404, staff_page
from speakup.core.pages import pagination, render_page
from speakup.core.permissions import can, require, visible
from speakup.organisations.models import Organisation
from speakup.organisations.queries import organisation_ids_where
from speakup.organisations.roles import Role

SUBMISSION = re.compile(r"[0-9a-f]{32}")


CASES_PER_PAGE = 50


@staff_page
def list_cases(request):
    """The guardian's cases, a page at a time, narrowed by the filters; or found by all or part
    of a reference, which goes straight to the case when only one has it."""
    require(request.user, "concerns.list_cases")
    today = timezone.localdate()
    organisation_ids = organisation_ids_where(request.user, Role.GUARDIAN)
    guardians_cases = visible(request.user, "concerns.concerns").filter(
        organisation_id__in=organisation_ids
    )
    search_form = CaseSearchForm(request.GET if "reference" in request.GET else None)
    filter_form = CaseFilterForm.for_query(request.GET)
    concerns = page = None
    if not search_form.is_bound:
        concerns = concerns_filtered(guardians_cases, today=today, **filter_form.filters())
        query = filter_form.as_query()
    elif search_form.is_valid():
        # A search looks through every case, whatever the filters: a speaker on the phone
        # quoting their reference may be asking about one that was closed.
        reference = search_form.cleaned_data["reference"]
        concerns = concerns_filtered(guardians_cases, today=today, reference=reference)
        query = {"reference": request.GET["reference"]}
    if concerns is not None:
        page = Paginator(concerns, CASES_PER_PAGE).get_page(request.GET.get("page"))
        if search_form.is_bound and page.paginator.count == 1:
            return redirect("concerns:show_concern", page.object_list[0].reference)
    return render_page(
        request,
        "concerns/staff/list_cases.jinja",
        page_title="Cases",
        form=search_form if search_form.is_bound else filter_form,
        search_form=search_form,
        searched_for=request.GET.get("reference", "").strip(),
        reference_example=REFERENCE_EXAMPLE,
        filter_form=filter_form,
        page=page,
        rows=[presenters.case_row(c, today) for c in page.object_list] if page else [],
        pagination=pagination(page, query, label="Pages of cases") if page else None,
        several_organisations=len(organisation_ids) > 1,
    )


def _case_context(request, concern) -> dict:
    user = request.user
    handling.concern_view(user=user, concern=concern)
    show_speaker = can(user, "concerns.view_speaker", concern)
    show_conversation = can(user, "concerns.view_conversation", concern)
    clues = can(user, "concerns.view_speaker_clues", concern)
    may_handle = can(user, "concerns.handle_concern", concern)
    finished = concern.status in (Status.CLOSED, Status.WITHDRAWN)
    actions = []
    for action in case_actions(concern):
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
                "may_change": may_handle and not finished and action.state == Action.State.OPEN,
                "changes": [_change_row(concern, change) for change in action.changes.all()],
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
        "overdue": presenters.concern_and_actions_overdue(
            concern, sum(action["overdue"] for action in actions)
        ),
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
            feedback,
            sealing.unseal(concern, "feedback_comment", feedback.comment_sealed)
            if show_conversation
            else None,
            with_conversation=show_conversation,
            speakers_time=clues,
        )
        if feedback
        else [],
        "checkins": presenters.checkin_rows(concern, speakers_time=clues),
        "elements": [label_of(e.code) for e in concern.elements.all()],
        "worker_group": (label_of(concern.worker_group) if concern.worker_group else "Not given")
        if clues
        else None,
        "patient_safety_risk": presenters.answer(concern.patient_safety_risk),
        "detriment_reported": presenters.answer(concern.detriment_reported),
        "received": presenters.day(
            presenters.speakers_moment(concern.received_at, with_time=clues)
        ),
        "acknowledge_by": presenters.day(concern.acknowledge_by),
        "feedback_by": presenters.day(concern.feedback_by),
        "actions": actions,
        "escalations": [
            presenters.escalation_row(e, speakers_time=clues)
            for e in concern.escalations.select_related("escalated_to")
        ],
        "history": [
            presenters.history_row(c, speakers_time=clues)
            for c in concern.status_changes.select_related("by")
        ],
        "outcome": sealing.unseal(concern, "outcome", concern.outcome_sealed),
        "learning": sealing.unseal(concern, "learning", concern.learning_sealed),
        "learning_signed_off": (
            f"{concern.learning_signed_off_by} on {presenters.day(concern.learning_signed_off_at)}"
            if concern.learning_signed_off_at
            else ""
        ),
        "may_handle": may_handle,
        "may_sign_off": can(user, "concerns.sign_off", concern),
        "close_blockers": handling.close_blockers(concern),
        "finished": finished,
    }


def _change_row(concern, change: ActionChange) -> dict:
    """One change to an action, in words: what moved, why (as the guardian wrote it), who."""
    what = []
    if change.from_handler_id != change.to_handler_id:
        was = str(change.from_handler) if change.from_handler else "the guardian"
        what.append(f"Handed from {was} to {change.to_handler}")
    if change.from_respond_by != change.to_respond_by:
        was = presenters.day(change.from_respond_by) or "no date"
        what.append(f"Respond by changed from {was} to {presenters.day(change.to_respond_by)}")
    return {
        "when": presenters.day(change.at),
        "what": ". ".join(what),
        "reason": sealing.unseal(concern, "action_change_reason", change.reason_sealed),
        "by": str(change.by),
    }


@staff_page
def download_attachment(request, reference, attachment_id):
    """One of the speaker's files, decrypted, to save (never shown in the browser)."""
    concern = concern_or_404(request, reference)
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
    concern = concern_or_404(request, reference)
    with transaction.atomic():
        context = _case_context(request, concern)
    return render_page(
        request,
        "concerns/staff/show_concern.jinja",
        page_title=f"Concern {concern.reference}",
        **context,
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
    # One token a form: the same form sent twice (a double click, a reload) records one concern.
    submission = request.POST.get("submission", "")
    if not SUBMISSION.fullmatch(submission):
        submission = secrets.token_hex(16)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submitted = concern_submit(
                organisation=data["organisation"],
                confidentiality=data["confidentiality"],
                description=data["description"],
                worker_group=data["worker_group"] or None,
                patient_safety_risk=form.risk(),
                detriment_experienced=form.detriment(),
                contact=form.contact(),
                source=data["source"],
                recorded_by=request.user,
                idempotency_key=f"record:{request.user.pk}:{submission}",
            )
        except SubmissionInvalid as invalid:
            for field, message in invalid.errors.items():
                name = form.ERROR_FIELDS.get(field, field)
                form.add_error(name if name in form.fields else None, message)
        else:
            # Sent again, the first result, as on the speak-up page: the browser shows the answer
            # to a double click's second request, so it holds the code too; later (a reload on a
            # shared computer), not the code.
            shows_code = (
                not submitted.replayed
                or timezone.now() - submitted.concern.received_at < CODE_SHOWN_AGAIN_FOR
            )
            response = render_page(
                request,
                "concerns/staff/recorded.jinja",
                page_title="Concern recorded",
                concern=submitted.concern,
                received=presenters.day(submitted.concern.received_at),
                receipt_code=format_receipt_code(submitted.receipt_code) if shows_code else None,
            )
            response["Cache-Control"] = "no-store"
            return response
    return render_page(
        request,
        "concerns/staff/record_concern.jinja",
        page_title="Record a concern raised in person or by phone",
        form=form,
        submission=submission,
    )
