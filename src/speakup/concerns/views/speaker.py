"""The speaker's pages: speak up (no sign-in), then come back with a receipt code.

Speak up is one address for the whole flow: every step posts to it, the step and the answers so
far travel in an encrypted hidden field (drafts.py), and the confirmation with the receipt code
is the answer to the last post, so no page of the flow has an address of its own in the history.

Attachments are chosen on the check-answers page, right before sending: files then reach the
server once, in the request that sends the concern, are held in memory only (never a temporary
file on disk) and are written only encrypted. Nothing needs to survive between steps.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from speakup.concerns import drafts, presenters, throttling
from speakup.concerns.attachments import MAX_READ_REQUEST_BYTES, InMemoryOnlyUploadHandler
from speakup.concerns.forms.speaker import (
    AboutForm,
    AttachmentsForm,
    CheckinForm,
    ConfidentialityForm,
    ContactForm,
    DescriptionForm,
    FeedbackForm,
    OrganisationForm,
    ReceiptForm,
    ReplyForm,
    yes_no_to_bool,
)
from speakup.concerns.models import Confidentiality
from speakup.concerns.privacy import speaker_private
from speakup.concerns.receipts import format_receipt_code, normalise_receipt_code
from speakup.concerns.services.intake import SubmissionInvalid, concern_submit
from speakup.concerns.services.speaker import (
    SPEAKER_TOKEN_MAX_AGE,
    SpeakerInputInvalid,
    SpeakerRefused,
    checkin_answer,
    concern_for_receipt,
    concern_for_token,
    speaker_feedback,
    speaker_reply,
    speaker_token_for,
    speaker_view,
)
from speakup.concerns.taxonomy import label_of
from speakup.core import submissions
from speakup.core.pages import render_page
from speakup.core.sessions import WARNING_SECONDS
from speakup.organisations.models import Organisation

SPEAKER_COOKIE = "speakup_speaker"
SPEAKER_COOKIE_PATH = "/concerns/check/"

# --- speak up -----------------------------------------------------------------------------

STEPS = ("organisation", "confidentiality", "description", "about", "contact", "check")
CODE_SHOWN_AGAIN_FOR = timedelta(minutes=15)
# Each page's heading, and its title too, so that someone using a screen reader or many tabs
# knows which step they are on (WCAG 2.4.2). The browser keeps titles in its history, perhaps
# on a shared ward computer, so a speaker's page is only ever titled with fixed words, the same
# for every speaker: never what they wrote, the organisation, a reference or a receipt code.
TITLES = {
    "organisation": "Which organisation is your concern about?",
    "confidentiality": "How open do you want to be?",
    "description": "Describe your concern",
    "about": "A few more questions",
    "contact": "Your contact details",
    "check": "Check your answers before sending your concern",
}
# Which step asks for each field the intake service may refuse.
STEP_OF_FIELD = {
    "organisation": "organisation",
    "confidentiality": "confidentiality",
    "description": "description",
    "worker_group": "about",
    "patient_safety_risk": "about",
    "detriment_experienced": "about",
    "contact": "contact",
    "contact.name": "contact",
    "contact.email": "contact",
    "contact.phone": "contact",
}


def _steps_for(draft) -> tuple[str, ...]:
    if draft["data"].get("confidentiality") == Confidentiality.ANONYMOUS:
        return tuple(s for s in STEPS if s != "contact")
    return STEPS


def _missing(draft) -> str | None:
    """The first step still to answer, once the speaker has reached the check page."""
    data = draft["data"]
    for step, field in (
        ("organisation", "organisation"),
        ("confidentiality", "confidentiality"),
        ("description", "description"),
    ):
        if not data.get(field):
            return step
    if "contact" in _steps_for(draft) and not data.get("name"):
        return "contact"
    return None


def _next_step(draft, current: str) -> str:
    steps = _steps_for(draft)
    if draft.get("checking"):
        return _missing(draft) or "check"
    return steps[steps.index(current) + 1] if current in steps else steps[0]


def _previous_step(draft, current: str) -> str | None:
    steps = _steps_for(draft)
    if current not in steps or steps.index(current) == 0:
        return None
    return steps[steps.index(current) - 1]


def _form_for(step: str, draft, data=None, initial=None):
    forms = {
        "organisation": OrganisationForm,
        "confidentiality": ConfidentialityForm,
        "contact": ContactForm,
    }
    if step == "about":
        return AboutForm(data, initial=initial, today=timezone.localdate())
    if step == "description":  # who reads it depends on how open the speaker chose to be
        confidentiality = draft["data"].get("confidentiality")
        return DescriptionForm(data, initial=initial, confidentiality=confidentiality)
    return forms[step](data, initial=initial)


def _organisation_name(code: str) -> str:
    organisation = Organisation.objects.filter(ods_code=code, active=True).first()
    return organisation.name if organisation else code


def _answer(data, field: str) -> str:
    return presenters.answer(yes_no_to_bool(data.get(field)))


def _answers(draft) -> list[dict]:
    """The check-answers rows: what the speaker said, and the step that asked it."""
    data = draft["data"]
    rows = [
        ("Organisation", _organisation_name(data.get("organisation", "")), "organisation"),
        (
            "How open you want to be",
            Confidentiality(data["confidentiality"]).label
            if data.get("confidentiality") in Confidentiality.values
            else "",
            "confidentiality",
        ),
        ("Your concern", data.get("description", ""), "description"),
        (
            "Staff group",
            label_of(data["worker_group"]) if data.get("worker_group") else "Not answered",
            "about",
        ),
        ("Patients at risk", _answer(data, "patient_safety_risk"), "about"),
        ("Already suffered for speaking up", _answer(data, "detriment_experienced"), "about"),
    ]
    if "contact" in _steps_for(draft):
        contact = "\n".join(v for v in (data.get(k) for k in ("name", "email", "phone")) if v)
        rows.append(("Contact details", contact, "contact"))
    return [{"key": k, "value": v, "step": s} for k, v, s in rows]


def _render_step(request, draft, step: str, form=None, attachments_form=None, status=200):
    draft["step"] = step
    if step == "check":
        draft["checking"] = True
        form = attachments_form or AttachmentsForm()
    elif form is None:
        form = _form_for(step, draft, initial=draft["data"])
    return render_page(
        request,
        "concerns/speaker/step.jinja",
        page_title=TITLES[step],
        form=form,
        step=step,
        draft_token=drafts.seal_draft(draft),
        has_back=_previous_step(draft, step) is not None,
        answers=_answers(draft) if step == "check" else None,
        anonymous=draft["data"].get("confidentiality") == Confidentiality.ANONYMOUS,
        status=status,
    )


def _send(request, draft):
    attachments_form = AttachmentsForm(request.POST, request.FILES)
    # Files too large or too many were dropped as they arrived (InMemoryOnlyUploadHandler):
    # the concern itself came through, so the page asks again for the files only.
    for refusal in getattr(request, "files_refused", []):
        attachments_form.add_error("attachments", refusal)
    if not attachments_form.is_valid():
        return _render_step(request, draft, "check", attachments_form=attachments_form)
    if not throttling.allow_submission(request):
        return render_page(
            request,
            "concerns/speaker/too_many_concerns.jinja",
            # As the page saying a concern was sent (_send): the history must not say any were.
            page_title="Speak up",
            heading="Too many concerns sent",
            status=429,
        )
    data = draft["data"]
    contact = None
    if data.get("confidentiality") != Confidentiality.ANONYMOUS:
        contact = {k: data.get(k, "") for k in ("name", "email", "phone") if data.get(k)}
    try:
        submitted = concern_submit(
            organisation=data.get("organisation"),
            confidentiality=data.get("confidentiality"),
            description=data.get("description", ""),
            worker_group=data.get("worker_group") or None,
            patient_safety_risk=yes_no_to_bool(data.get("patient_safety_risk")),
            detriment_experienced=yes_no_to_bool(data.get("detriment_experienced")),
            contact=contact,
            attachments=attachments_form.cleaned_data["attachments"],
            idempotency_key=f"web:{draft['id']}",
        )
    except SubmissionInvalid as refused:
        if "attachments" in refused.errors:
            attachments_form.add_error("attachments", refused.errors["attachments"])
            return _render_step(request, draft, "check", attachments_form=attachments_form)
        # Answers the steps took that sending refuses (kept in a draft from before a rule
        # changed, or an organisation closed since): back to that step with the error, its
        # form filled in with what the speaker typed, as when they first answered it.
        field, message = next(iter(refused.errors.items()))
        step = STEP_OF_FIELD.get(field, "organisation")
        form = _form_for(step, draft, data=data)
        if form.is_valid():  # the step takes it: the service's words say what is wrong
            form_field = field.removeprefix("contact.")
            form.add_error(form_field if form_field in form.fields else None, message)
        return _render_step(request, draft, step, form=form)
    # Sending the same form again (a double click, a dropped connection) shows the first result,
    # with its code only for a few minutes: after that, a reload on a shared computer must not
    # hand the next person the speaker's code.
    shows_code = (
        not submitted.replayed
        or timezone.now() - submitted.concern.received_at < CODE_SHOWN_AGAIN_FOR
    )
    return render_page(
        request,
        "concerns/speaker/sent.jinja",
        # Not its heading: the browser's history, read by the next person at a shared ward
        # computer, would say that someone here sent a concern, and when. "Speak up" says only
        # that the form was opened, as any of its steps does.
        page_title="Speak up",
        heading="Your concern has been sent",
        reference=submitted.concern.reference,
        receipt_code=format_receipt_code(submitted.receipt_code) if shows_code else None,
        acknowledge_by=submitted.concern.acknowledge_by,
        anonymous=submitted.concern.confidentiality == Confidentiality.ANONYMOUS,
    )


@csrf_protect
def _speak_up(request):
    if request.method == "GET":
        return _render_step(request, drafts.new_draft(), "organisation")
    draft = drafts.open_draft(request.POST.get("draft"))
    if draft is None:
        messages.info(
            request,
            "Your answers were not kept, because the page was open for a long time or was "
            "changed. Please start again.",
        )
        return _render_step(request, drafts.new_draft(), "organisation")
    current = draft.get("step") or "organisation"
    if current not in _steps_for(draft):
        current = "organisation"
    change = request.POST.get("change")
    if change in _steps_for(draft) and change != "check":
        return _render_step(request, draft, change)
    if request.POST.get("go") == "back":
        return _render_step(request, draft, _previous_step(draft, current) or current)
    if current == "check":
        return _send(request, draft)
    form = _form_for(current, draft, data=request.POST)
    if not form.is_valid():
        return _render_step(request, draft, current, form=form)
    draft["data"].update(form.cleaned_data)
    if draft["data"].get("confidentiality") == Confidentiality.ANONYMOUS:
        for key in ("name", "email", "phone"):  # an anonymous speaker's details are not kept
            draft["data"].pop(key, None)
    return _render_step(request, draft, _next_step(draft, current))


@speaker_private
@csrf_exempt  # CSRF is checked by _speak_up, after the upload handlers are chosen
@require_http_methods(["GET", "POST"])
def speak_up(request):
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_READ_REQUEST_BYTES:
            return render_page(
                request,
                "concerns/speaker/too_large.jinja",
                page_title="Your files are too large",
                status=413,
            )
        # Before anything reads the body: keep uploaded files in memory, never on disk.
        request.upload_handlers = [InMemoryOnlyUploadHandler(request)]
    return _speak_up(request)


# --- check on a concern -------------------------------------------------------------------


def _signed_in_concern(request):
    return concern_for_token(request.COOKIES.get(SPEAKER_COOKIE))


def _set_speaker_cookie(response, concern):
    response.set_cookie(
        SPEAKER_COOKIE,
        speaker_token_for(concern),
        max_age=SPEAKER_TOKEN_MAX_AGE,
        path=SPEAKER_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


# What a speaker sends from their concern page after their access has ended (30 minutes without
# use, perhaps spent writing): kept in the receipt-code form's hidden fields, and done once they
# give their code again, so that nothing they wrote is lost: only on the concern it was written
# on ("pending_for", a keyed hash of its reference: someone else's code on a shared computer
# does not send it to theirs). The fields each form posts, and what the receipt-code page says
# meanwhile.
PENDING = {
    "reply": (("body",), "Your message has not been sent yet"),
    "feedback": (
        ("would_speak_up_again", "detriment", "comment"),
        "Your answers have not been sent yet",
    ),
    "checkin": (("checkin", "detriment"), "Your answer has not been sent yet"),
}


def _pending(request) -> dict | None:
    """What the speaker sent and is still to be done, from the post, or None."""
    kind = request.POST.get("pending")
    if kind not in PENDING:
        return None
    names, notice = PENDING[kind]
    fields = [(name, request.POST.get(name, "")) for name in names]
    if not any(value.strip() for _, value in fields):
        return None  # nothing typed or chosen: nothing to keep
    kept = [("pending_for", request.POST.get("pending_for", ""))]
    # The form's token goes with it, so that the kept form sent twice is still acted on once.
    kept.append((submissions.FIELD, request.POST.get(submissions.FIELD, "")))
    return {"kind": kind, "fields": [*fields, *kept], "notice": notice}


def _pending_for(concern) -> str:
    return salted_hmac("speakup.concerns.speaker-pending", concern.reference).hexdigest()


def _render_check(request, form, pending=None):
    return render_page(
        request,
        "concerns/speaker/check.jinja",
        page_title="Check on a concern",
        form=form,
        pending=pending,
    )


def _too_many(request):
    return render_page(
        request,
        "concerns/speaker/too_many.jinja",
        page_title="Too many attempts",
        status=429,
    )


@speaker_private
@require_http_methods(["GET", "POST"])
def check_concern(request):
    """Enter the receipt code. Throttled per client and for the whole service."""
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = normalise_receipt_code(form.cleaned_data["receipt_code"])
        if code is None:
            form.add_error(
                "receipt_code", "Enter your receipt code as 16 digits, like 1234 5678 9012 3456"
            )
        elif not throttling.allow_attempt(request):
            return _too_many(request)
        else:
            concern = concern_for_receipt(code)
            if concern is not None:
                pending = _pending(request)
                if pending is not None and constant_time_compare(
                    request.POST.get("pending_for", ""), _pending_for(concern)
                ):
                    response = PENDING_DONE_BY[pending["kind"]](request, concern)
                else:
                    response = redirect("concerns:show_speaker_concern")
                return _set_speaker_cookie(response, concern)
            throttling.record_failure(request)
            form.add_error(
                "receipt_code",
                "There is no concern with that receipt code. Check the code and try again",
            )
    return _render_check(request, form, _pending(request))


def _render_concern(request, concern, *, reply_form=None, feedback_form=None, checkin_form=None):
    view = speaker_view(concern=concern)
    forms_on_page = [
        reply_form or ReplyForm(),
        feedback_form or (FeedbackForm() if view.may_give_feedback else None),
        checkin_form or (CheckinForm() if view.pending_checkin_id else None),
    ]
    bound = [f for f in forms_on_page if f is not None and f.is_bound]
    response = render_page(
        request,
        "concerns/speaker/concern.jinja",
        # Not the reference, which the heading shows: kept in the history of a shared
        # computer, it would tie whoever used it then to this concern, and so unmask an
        # anonymous or confidential speaker to anyone who knows the case.
        page_title="Your concern",
        heading=f"Your concern {view.reference}",
        form=bound[0] if bound else None,
        concern=view,
        files=[
            presenters.file_row(name=f.name, content_type=f.content_type, size=f.size)
            for f in view.files
        ],
        reply_form=forms_on_page[0],
        feedback_form=forms_on_page[1],
        checkin_form=forms_on_page[2],
        pending_for=_pending_for(concern),
        access_seconds=SPEAKER_TOKEN_MAX_AGE,
        warn_seconds=WARNING_SECONDS,
    )
    return _set_speaker_cookie(response, concern)  # 30 more minutes from now


def _signed_out(request, kind: str | None = None):
    """Access has ended: ask for the receipt code, keeping what was sent to be done after it."""
    pending = _pending(request) if kind else None
    if pending is None or pending["kind"] != kind:
        return redirect("concerns:check_concern")
    return _render_check(request, ReceiptForm(), pending)


@speaker_private
@require_http_methods(["GET"])
def show_speaker_concern(request):
    concern = _signed_in_concern(request)
    if concern is None:
        return _signed_out(request)
    return _render_concern(request, concern)


@speaker_private
@require_POST
def reply_speaker(request):
    concern = _signed_in_concern(request)
    if concern is None:
        return _signed_out(request, "reply")
    return _reply(request, concern)


def _reply(request, concern):
    # The same form sent again (a double click, a reload, two tabs) was sent once: the answer
    # says so, whatever the second post holds, rather than sending it twice or asking for it.
    if not submissions.claim(request):
        return _message_sent(request)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            speaker_reply(concern=concern, body=form.cleaned_data["body"])
        except SpeakerInputInvalid as refused:
            form.add_error("body", refused.errors.get("body"))
        except SpeakerRefused as refused:
            form.add_error(None, str(refused))
        else:
            return _message_sent(request)
    submissions.release(request)  # nothing was sent: the same form may be sent again
    return _render_concern(request, concern, reply_form=form)


MESSAGE_SENT = "Your message has been sent to the guardian"


def _message_sent(request):
    """The concern's page, saying the message was sent: once, though a double click's two posts
    both say so before the browser shows either."""
    waiting = messages.get_messages(request)
    if MESSAGE_SENT not in [str(message) for message in waiting]:
        messages.success(request, MESSAGE_SENT)
    waiting.used = False  # only looked at: still to be shown
    return redirect("concerns:show_speaker_concern")


@speaker_private
@require_POST
def give_feedback(request):
    concern = _signed_in_concern(request)
    if concern is None:
        return _signed_out(request, "feedback")
    return _feedback(request, concern)


def _feedback(request, concern):
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            speaker_feedback(
                concern=concern,
                would_speak_up_again=form.cleaned_data["would_speak_up_again"],
                detriment=yes_no_to_bool(form.cleaned_data["detriment"]),
                comment=form.cleaned_data["comment"] or None,
            )
        except SpeakerInputInvalid as refused:
            for field, message in refused.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except SpeakerRefused as refused:
            messages.info(request, str(refused))
            return redirect("concerns:show_speaker_concern")
        else:
            messages.success(request, "Thank you for your feedback")
            return redirect("concerns:show_speaker_concern")
    return _render_concern(request, concern, feedback_form=form)


@speaker_private
@require_POST
def answer_checkin(request):
    concern = _signed_in_concern(request)
    if concern is None:
        return _signed_out(request, "checkin")
    return _checkin(request, concern)


def _checkin(request, concern):
    form = CheckinForm(request.POST)
    if form.is_valid():
        try:
            checkin_id = int(request.POST.get("checkin", ""))
        except ValueError:
            checkin_id = 0
        detriment = yes_no_to_bool(form.cleaned_data["detriment"])
        try:
            checkin_answer(concern=concern, checkin_id=checkin_id, detriment=detriment)
        except SpeakerRefused as refused:
            messages.info(request, str(refused))
        else:
            messages.success(
                request,
                "Thank you. The guardian will look into what happened to you"
                if detriment
                else "Thank you for telling us",
            )
        return redirect("concerns:show_speaker_concern")
    return _render_concern(request, concern, checkin_form=form)


PENDING_DONE_BY = {"reply": _reply, "feedback": _feedback, "checkin": _checkin}


@speaker_private
@require_POST
def sign_out_speaker(request):
    response = redirect("concerns:check_concern")
    response.delete_cookie(SPEAKER_COOKIE, path=SPEAKER_COOKIE_PATH, samesite="Strict")
    messages.success(request, "You have closed your concern. Use your receipt code to return")
    return response
