"""What a speaker does after speaking up: come back with their receipt code, read the
conversation, reply, say whether they would speak up again, and answer detriment check-ins.

A speaker has no account. Their receipt code opens a short-lived encrypted token (30 minutes)
that names the concern; the code itself is never kept, in a cookie, a session or a log.
"""

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from speakup.concerns.attachments import attachment_name
from speakup.concerns.limits import COMMENT_MAX, MESSAGE_MAX
from speakup.concerns.models import (
    Concern,
    Confidentiality,
    DetrimentCheckin,
    Feedback,
    Message,
    SpeakUpAgain,
    Status,
)
from speakup.concerns.receipts import normalise_receipt_code, receipt_hash
from speakup.concerns.sealing import seal, unseal
from speakup.concerns.services.handling import reopen_locked
from speakup.concerns.services.notices import notify_guardians
from speakup.core.audit import audit
from speakup.core.crypto import open_from_client, seal_for_client
from speakup.core.text import blank, trimmed
from speakup.core.words import too_long

log = logging.getLogger(__name__)

SPEAKER_TOKEN_MAX_AGE = 30 * 60  # seconds
_TOKEN_PURPOSE = "speakup:speaker-access:v1"  # noqa: S105  (names the key, is not one)
# Which question is unanswered, not just "yes or no": the feedback page asks two.
DETRIMENT_UNANSWERED = "Select yes or no for whether you have suffered for speaking up"
# A detriment reported after the work was done sends the case back to work.
REOPENED_BY_DETRIMENT = (Status.CLOSED, Status.WITHDRAWN, Status.FEEDBACK_GIVEN)


class SpeakerInputInvalid(Exception):
    """What the speaker sent was refused; `errors` maps each field to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class SpeakerRefused(Exception):
    """The concern is not in a state that allows this (e.g. feedback before it is closed)."""


# --- signing in with a receipt code -------------------------------------------------------


def concern_for_receipt(receipt_code: str) -> Concern | None:
    """The concern this receipt code opens, or None. Costs one Argon2 hash: throttle callers."""
    code = normalise_receipt_code(receipt_code)
    if code is None:
        return None
    return (
        Concern.objects.filter(receipt_hash=receipt_hash(code))
        .exclude(wrapped_key="")  # a shredded concern has nothing left to show
        .select_related("organisation")
        .first()
    )


def speaker_token_for(concern: Concern) -> str:
    """A token naming the concern, good for SPEAKER_TOKEN_MAX_AGE. Not the receipt code.

    Encrypted, and by the concern's random reference: a row id, even signed, would tell its
    holder how many concerns there are."""
    return seal_for_client({"r": concern.reference, "t": int(time.time())}, purpose=_TOKEN_PURPOSE)


def concern_for_token(token: str | None) -> Concern | None:
    payload = open_from_client(token, purpose=_TOKEN_PURPOSE)  # only we could have sealed it
    if payload is None or time.time() - payload["t"] > SPEAKER_TOKEN_MAX_AGE:
        return None
    return (
        Concern.objects.filter(reference=payload["r"])
        .exclude(wrapped_key="")
        .select_related("organisation")
        .first()
    )


# --- what the speaker sees ----------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerMessage:
    author: str  # "speaker" or "guardian"
    body: str
    sent_at: datetime


@dataclass(frozen=True)
class SpeakerFile:
    """A file the speaker attached: its name as their computer called it, never its content."""

    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class SpeakerView:
    reference: str
    organisation_name: str
    status: str
    status_label: str
    confidentiality_label: str
    # An open speaker's files are opened by the leaders following the case up too.
    is_open: bool
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledge_by: date
    feedback_by: date
    closed_at: datetime | None
    messages: tuple[SpeakerMessage, ...]
    files: tuple[SpeakerFile, ...]
    may_reply: bool
    may_give_feedback: bool
    feedback_given: bool
    pending_checkin_id: int | None


def _due_checkin(concern: Concern) -> DetrimentCheckin | None:
    return (
        concern.checkins.filter(due_on__lte=timezone.localdate(), answered_at__isnull=True)
        .order_by("due_on")
        .first()
    )


def speaker_view(*, concern: Concern) -> SpeakerView:
    """What the speaker may see of their concern. The reading is audited; a due detriment
    check-in is marked as asked (anonymous speakers are asked here, named ones by email too)."""
    messages = tuple(
        SpeakerMessage(
            author=m.author,
            body=unseal(concern, "body", m.body_sealed),
            sent_at=m.sent_at,
        )
        for m in concern.messages.order_by("sent_at", "id")
    )
    files = tuple(
        SpeakerFile(name=attachment_name(concern, a), content_type=a.content_type, size=a.size)
        for a in concern.attachments.order_by("added_at", "id")
    )
    checkin = _due_checkin(concern)
    with transaction.atomic():
        if checkin is not None and checkin.asked_at is None:
            checkin.asked_at = timezone.now()
            checkin.save(update_fields=["asked_at"])
        audit(
            actor=None,
            actor_label="speaker",
            action="concern.speaker_view",
            object_type="concern",
            object_ref=concern.reference,
            organisation=concern.organisation_id,
        )
    feedback_given = Feedback.objects.filter(concern=concern).exists()
    return SpeakerView(
        reference=concern.reference,
        organisation_name=concern.organisation.name,
        status=concern.status,
        status_label=Status(concern.status).label,
        confidentiality_label=concern.get_confidentiality_display(),
        is_open=concern.confidentiality == Confidentiality.OPEN,
        created_at=concern.received_at,
        acknowledged_at=concern.acknowledged_at,
        acknowledge_by=concern.acknowledge_by,
        feedback_by=concern.feedback_by,
        closed_at=concern.closed_at,
        messages=messages,
        files=files,
        may_reply=concern.status != Status.WITHDRAWN,
        may_give_feedback=concern.status == Status.CLOSED and not feedback_given,
        feedback_given=feedback_given,
        pending_checkin_id=checkin.pk if checkin else None,
    )


# --- what the speaker does ----------------------------------------------------------------


def _locked(concern: Concern) -> Concern:
    fresh = Concern.objects.select_for_update().get(pk=concern.pk)
    fresh._data_key = getattr(concern, "_data_key", None)
    return fresh


# The same words sent again this soon are the same reply sent twice (from two tabs, each with its
# own form token), not a second one.
SAME_REPLY_WITHIN = timedelta(minutes=10)


def _same_reply_just_sent(concern: Concern, body: str) -> Message | None:
    recent = Message.objects.filter(
        concern=concern,
        author=Message.Author.SPEAKER,
        sent_at__gte=timezone.now() - SAME_REPLY_WITHIN,
    ).order_by("-sent_at", "-id")
    return next((m for m in recent if unseal(concern, "body", m.body_sealed) == body), None)


def speaker_reply(*, concern: Concern, body: str) -> Message:
    """The speaker writes to the guardian. Sealed under the concern's key; audited. The same
    words sent again within SAME_REPLY_WITHIN are that message: stored and sent once."""
    if blank(body):
        raise SpeakerInputInvalid({"body": "Enter your message"})
    if len(body) > MESSAGE_MAX:
        raise SpeakerInputInvalid({"body": too_long("Your message", MESSAGE_MAX)})
    body = trimmed(body)
    with transaction.atomic():
        concern = _locked(concern)
        if concern.status == Status.WITHDRAWN:
            raise SpeakerRefused("This concern was withdrawn: it takes no more messages")
        if sent := _same_reply_just_sent(concern, body):
            return sent
        # Every message of a concern is sealed in the context "body" (as services/handling.py).
        message = Message.objects.create(
            concern=concern,
            author=Message.Author.SPEAKER,
            body_sealed=seal(concern, "body", body),
        )
        audit(
            actor=None,
            actor_label="speaker",
            action="concern.message",
            object_type="concern",
            object_ref=concern.reference,
            organisation=concern.organisation_id,
            detail={"author": "speaker", "message_id": message.pk},
        )
        notify_guardians(concern, "speaker.message")
    return message


def _record_detriment(concern: Concern, detriment: bool) -> None:
    """The speaker's answer, on the concern: a yes stays yes; a no answers what was left open."""
    reported = concern.detriment_reported or detriment
    if reported != concern.detriment_reported:
        concern.detriment_reported = reported
        concern.save(update_fields=["detriment_reported"])


def speaker_feedback(
    *,
    concern: Concern,
    would_speak_up_again: str,
    detriment,
    comment: str | None = None,
) -> Feedback:
    """ "Given your experience, would you speak up again?" Only once the concern is closed."""
    errors = {}
    if would_speak_up_again not in SpeakUpAgain.values:
        errors["would_speak_up_again"] = "Select whether you would speak up again"
    if not isinstance(detriment, bool):
        errors["detriment"] = DETRIMENT_UNANSWERED
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = "Your comment must be text"
    elif comment and len(comment) > COMMENT_MAX:
        errors["comment"] = too_long("Your comment", COMMENT_MAX)
    if errors:
        raise SpeakerInputInvalid(errors)
    with transaction.atomic():
        concern = _locked(concern)
        if concern.status != Status.CLOSED:
            raise SpeakerRefused("You can give feedback once your concern is closed")
        if Feedback.objects.filter(concern=concern).exists():
            raise SpeakerRefused("You have already given feedback on this concern")
        feedback = Feedback(
            concern=concern, would_speak_up_again=would_speak_up_again, detriment=detriment
        )
        if comment and comment.strip():
            feedback.comment_sealed = seal(concern, "feedback_comment", comment.strip())
        feedback.save()
        _record_detriment(concern, detriment)
        if detriment:
            notify_guardians(concern, "speaker.detriment")
        audit(
            actor=None,
            actor_label="speaker",
            action="concern.speaker_feedback",
            object_type="concern",
            object_ref=concern.reference,
            organisation=concern.organisation_id,
        )
    return feedback


def checkin_answer(*, concern: Concern, checkin_id: int, detriment) -> DetrimentCheckin:
    """The speaker answers "have you suffered for speaking up?" after closure.

    A yes reopens the concern for the guardian as a detriment follow-up, through the same path
    as the guardian's reopen (status back to in progress, learning sign-off cleared), and emails
    the guardian a link.
    """
    if not isinstance(detriment, bool):
        raise SpeakerInputInvalid({"detriment": DETRIMENT_UNANSWERED})
    with transaction.atomic():
        concern = _locked(concern)
        checkin = (
            DetrimentCheckin.objects.select_for_update()
            .filter(pk=checkin_id, concern=concern, answered_at__isnull=True)
            .first()
        )
        if checkin is None:
            raise SpeakerRefused("This question has already been answered")
        now = timezone.now()
        checkin.answered_at = now
        checkin.detriment = detriment
        if checkin.asked_at is None:
            checkin.asked_at = now
        checkin.save(update_fields=["answered_at", "detriment", "asked_at"])
        reopened = False
        _record_detriment(concern, detriment)
        if detriment:
            if concern.status in REOPENED_BY_DETRIMENT:
                # The same path as the guardian's "Reopen": the learning needs a new sign-off.
                reopen_locked(concern, by=None, why="detriment_checkin", at=now)
                reopened = True
            notify_guardians(concern, "speaker.detriment")
        audit(
            actor=None,
            actor_label="speaker",
            action="concern.detriment_checkin",
            object_type="concern",
            object_ref=concern.reference,
            organisation=concern.organisation_id,
            detail={"detriment": detriment, "reopened": reopened},
        )
    return checkin
