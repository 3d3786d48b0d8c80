"""Display values for concern pages (staff, and the speaker's): status tags, overdue flags, dates,
files. Templates stay dumb."""

from datetime import date, datetime

from django.utils import timezone

from speakup.concerns.attachments import FILE_TYPES
from speakup.concerns.models import (
    Action,
    Concern,
    Confidentiality,
    DetrimentCheckin,
    Escalation,
    Feedback,
    SpeakUpAgain,
    Status,
)
from speakup.concerns.taxonomy import label_of
from speakup.core.dates import day_in_words, moment_in_words

STATUS_COLOURS = {
    Status.RECEIVED: "nhsuk-tag--blue",
    Status.ACKNOWLEDGED: "nhsuk-tag--aqua-green",
    Status.IN_PROGRESS: "nhsuk-tag--purple",
    Status.FEEDBACK_GIVEN: "nhsuk-tag--green",
    Status.CLOSED: "nhsuk-tag--grey",
    Status.WITHDRAWN: "nhsuk-tag--white",
}
ACTION_COLOURS = {
    Action.State.OPEN: "nhsuk-tag--blue",
    Action.State.RESPONDED: "nhsuk-tag--purple",
    Action.State.SIGNED_OFF: "nhsuk-tag--green",
}
WAITING_FOR_FEEDBACK = (Status.ACKNOWLEDGED, Status.IN_PROGRESS)


def day(value: date | datetime | None) -> str:
    """A date in words, or a moment with its time (core.dates); empty when unset."""
    return moment_in_words(value) if isinstance(value, datetime) else day_in_words(value)


def speakers_moment(value: datetime | None, *, with_time: bool) -> date | datetime | None:
    """When the speaker did something: to the minute for whoever may see what narrows down who
    they are (concerns.view_speaker_clues), otherwise the day alone (a time can match a shift)."""
    if value is None or with_time:
        return value
    return timezone.localdate(value)


def answer(value: bool | None) -> str:
    """The speaker's answer to an optional yes-or-no question, on their check page and the case
    page alike. Their form offers only yes and no, so one left alone is "Not answered" (a
    guardian's "Not known", recording a concern for them, is kept as not answered too)."""
    return {True: "Yes", False: "No"}.get(value, "Not answered")


def status_tag(status: str) -> dict:
    return {"text": Status(status).label, "classes": STATUS_COLOURS[status]}


def action_tag(state: str) -> dict:
    return {"text": Action.State(state).label, "classes": ACTION_COLOURS[state]}


def overdue_tag() -> dict:
    return {"text": "Overdue", "classes": "nhsuk-tag--red"}


def excerpt(text: str, limit: int = 60) -> str:
    """The start of a text, for a list: on one line, cut after a whole word and ending in "…"."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut[:limit]
    return cut.rstrip(" ,.;:-") + "…"


def concern_overdue(concern: Concern, today: date | None = None) -> list[str]:
    """What about this concern is late, in words for a person ([] when nothing is)."""
    today = today or timezone.localdate()
    late = []
    if concern.status == Status.RECEIVED and concern.acknowledge_by < today:
        late.append(f"Not acknowledged by {day(concern.acknowledge_by)}")
    if concern.status in WAITING_FOR_FEEDBACK and concern.feedback_by < today:
        late.append(f"No feedback by {day(concern.feedback_by)}")
    return late


def action_overdue(action: Action, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(
        action.state == Action.State.OPEN and action.respond_by and action.respond_by < today
    )


def concern_and_actions_overdue(
    concern: Concern, late_actions: int, today: date | None = None
) -> list[str]:
    """What is late about the concern and how many of its actions are, for the case list and
    the case page alike."""
    late = concern_overdue(concern, today)
    if late_actions:
        late.append(f"{late_actions} action{'s' if late_actions != 1 else ''} overdue")
    return late


def case_row(concern: Concern, today: date) -> dict:
    """One row of the guardian's case list."""
    late = concern_and_actions_overdue(concern, getattr(concern, "late_actions", 0), today)
    return {
        "reference": concern.reference,
        "organisation": concern.organisation.name,
        "received": day(timezone.localdate(concern.received_at) if concern.received_at else None),
        "status": status_tag(concern.status),
        "elements": ", ".join(label_of(e.code) for e in concern.elements.all()) or "Not triaged",
        "overdue": late,
        "confidentiality": concern.get_confidentiality_display(),
    }


def escalation_row(escalation: Escalation, *, speakers_time: bool) -> dict:
    """An escalation; when it was made to the minute only with `speakers_time` (it can follow
    the speaker's concern closely, as the case's history does)."""
    return {
        "when": day(speakers_moment(escalation.at, with_time=speakers_time)),
        "level": escalation.get_level_display(),
        "reason": escalation.get_reason_display(),
        "to": str(escalation.escalated_to) if escalation.escalated_to else "Nobody",
        "resolved": day(escalation.resolved_at) if escalation.resolved_at else "Not yet",
    }


def history_row(change, *, speakers_time: bool = True) -> dict:
    """A move of the case, to the minute only with `speakers_time`: the speaker's own (sending
    it, a yes at a check-in) and the guardian's, which follow theirs closely (recording a phone
    call, acknowledging, giving feedback), so for anyone else every move is the day alone."""
    who = {"speaker": "The speaker", "system": "speakup"}.get(change.by_label)
    return {
        "when": day(speakers_moment(change.at, with_time=speakers_time)),
        "from": Status(change.from_status).label if change.from_status else "New",
        "to": Status(change.to_status).label,
        "by": who or (str(change.by) if change.by else "Staff"),
    }


def file_size(size: int) -> str:
    """A file's size as people say it: "812 bytes", "15 KB", "2.4 MB" (in the units of the
    10 MB limit the speaker was given: 1 KB is 1,024 bytes)."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if round(size / 1024) < 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def file_row(*, name: str, content_type: str, size: int) -> dict:
    """A file in a list: its name, what it is ("PDF") and its size in words."""
    kind = FILE_TYPES[content_type].called if content_type in FILE_TYPES else "File"
    return {"name": name, "kind": kind, "size": file_size(size)}


def attachment_row(attachment, name: str) -> dict:
    """One of the speaker's files, for the case page."""
    return {
        **file_row(name=name, content_type=attachment.content_type, size=attachment.size),
        "id": attachment.pk,
        "added": day(attachment.added_at),
    }


# Said in place of the speaker's closing comment to whoever may not read the conversation
# (concerns.view_conversation): the same whether they wrote one or not.
COMMENT_WITH_THE_GUARDIANS = (
    "Only the organisation's FTSU guardians read it, as they do the conversation with the "
    "speaker: it may name them"
)


def speaker_feedback(
    feedback: Feedback, comment: str | None, *, with_conversation: bool, speakers_time: bool
) -> list[dict]:
    """The speaker's answers when their concern closed, as summary-list rows. Their comment,
    free text that may name them, goes only to those who read the conversation; the time they
    gave them only to those who may see the moment (`speakers_moment`)."""
    if with_conversation:
        said = {"key": "Their comment", "value": comment or "No comment", "typed": bool(comment)}
    else:
        said = {"key": "Their comment", "value": COMMENT_WITH_THE_GUARDIANS}
    return [
        {"key": "Would speak up again", "value": SpeakUpAgain(feedback.would_speak_up_again).label},
        {"key": "Suffered for speaking up", "value": "Yes" if feedback.detriment else "No"},
        said,
        {"key": "Given", "value": day(speakers_moment(feedback.given_at, with_time=speakers_time))},
    ]


def checkin_row(
    checkin: DetrimentCheckin, *, anonymous: bool, today: date, speakers_time: bool
) -> dict:
    """One detriment check-in after closure: when it is due, when the speaker was asked, and
    their answer. An anonymous speaker is asked only when they next sign in with their code;
    one who gave no email address then too, and the guardian is told to get in touch."""
    if checkin.asked_at:  # an anonymous speaker is asked when they sign in: their moment too
        asked = day(speakers_moment(checkin.asked_at, with_time=speakers_time))
    elif checkin.guardian_told_at:  # a speaker with no email address to ask them at
        asked = (
            f"Not yet: the guardian was told on {day(checkin.guardian_told_at)} to get in "
            "touch, and they are asked when they next sign in with their receipt code"
        )
    elif anonymous and checkin.due_on <= today:
        asked = "Not yet: they are asked when they next sign in with their receipt code"
    else:
        asked = "Not yet"
    if checkin.answered_at is None:
        answer = "No answer yet"
    elif checkin.detriment:
        answer = "Yes, they have suffered for speaking up"
    else:
        answer = "No"
    return {
        "due": day(checkin.due_on),
        "asked": asked,
        "answered": day(speakers_moment(checkin.answered_at, with_time=speakers_time))
        if checkin.answered_at
        else "Not yet",
        "answer": answer,
    }


def checkin_rows(concern: Concern, *, speakers_time: bool, today: date | None = None) -> list[dict]:
    """The concern's detriment check-ins, earliest first; when the speaker answered to the
    minute only for those who may see the moment (`speakers_moment`)."""
    today = today or timezone.localdate()
    anonymous = concern.confidentiality == Confidentiality.ANONYMOUS
    return [
        checkin_row(c, anonymous=anonymous, today=today, speakers_time=speakers_time)
        for c in concern.checkins.all()
    ]
