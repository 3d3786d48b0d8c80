"""Listen Up and Follow Up: what guardians, handlers and accountable leaders do to a case.

Every function checks the person may do it (404 otherwise, through `require`), refuses a move
the status flow does not allow with a plain message (ValidationError, per field where there is
one), changes the rows, writes a StatusChange for every status move and an audit record, all
in one transaction: a refusal leaves nothing behind.
"""

import json
import re
from datetime import date, datetime
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from speakup.concerns import sealing
from speakup.concerns.limits import CALLED, MISSING, REASON_MAX, TEXT_MAX
from speakup.concerns.models import (
    FINISHED,
    Action,
    ActionChange,
    Concern,
    DetrimentCheckin,
    Escalation,
    Message,
    Status,
    StatusChange,
    Timescales,
)
from speakup.concerns.queries import ACCOUNTABLE_ROLES
from speakup.concerns.services import notices
from speakup.concerns.taxonomy import elements_for, worker_groups_for
from speakup.core.audit import audit
from speakup.core.dates import day_in_words, more_than_a_year_ahead, years_after
from speakup.core.permissions import require, visible
from speakup.core.text import one_line_ending, readable, trimmed
from speakup.core.words import too_long
from speakup.organisations.models import User
from speakup.organisations.queries import has_role
from speakup.organisations.roles import Role

# The status flow (docs/concerns.md). Reopening moves a closed or withdrawn case back to work.
ALLOWED_MOVES: dict[str, set[str]] = {
    Status.RECEIVED: {Status.ACKNOWLEDGED, Status.WITHDRAWN},
    Status.ACKNOWLEDGED: {Status.IN_PROGRESS, Status.FEEDBACK_GIVEN, Status.WITHDRAWN},
    Status.IN_PROGRESS: {Status.FEEDBACK_GIVEN, Status.WITHDRAWN},
    Status.FEEDBACK_GIVEN: {Status.CLOSED, Status.IN_PROGRESS, Status.WITHDRAWN},
    Status.CLOSED: {Status.IN_PROGRESS},
    Status.WITHDRAWN: {Status.IN_PROGRESS},
}


def _label(status: str) -> str:
    return Status(status).label.lower()


def _move(concern: Concern, to: str, *, by, at=None, by_label: str | None = None) -> StatusChange:
    """Move the concern's status, or refuse with a message that says why."""
    if to not in ALLOWED_MOVES[concern.status]:
        raise ValidationError(
            f"A concern that is {_label(concern.status)} cannot become {_label(to)}"
        )
    change = StatusChange.objects.create(
        concern=concern,
        from_status=concern.status,
        to_status=to,
        by=by,
        by_label=by_label or ("staff" if by is not None else "system"),
        at=at or timezone.now(),
    )
    concern.status = to
    return change


def _audit(user, action: str, concern: Concern, **detail) -> None:
    audit(
        actor=user,
        action=action,
        object_type="concern",
        object_ref=concern.reference,
        organisation=concern.organisation_id,
        detail=detail,
    )


def _locked(concern: Concern) -> Concern:
    """The concern re-read under a row lock, so two people cannot move it at once."""
    fresh = Concern.objects.select_for_update().get(pk=concern.pk)
    fresh._data_key = getattr(concern, "_data_key", None)
    return fresh


def _text(value: str, field: str, *, kind: str = "", required: bool = True) -> str:
    value = trimmed(value or "")
    if required and not value:
        raise ValidationError({field: MISSING[kind or field]})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: too_long(CALLED[kind or field], TEXT_MAX)})
    return value


def _not_finished(concern: Concern, doing: str) -> None:
    if concern.status in FINISHED:
        raise ValidationError(
            f"You cannot {doing} a concern that is {_label(concern.status)}. Reopen it first"
        )


def resolve_manual_escalations(concern: Concern, *, to=None, at=None) -> int:
    """Escalations made by hand are resolved when the case moves on: it closes or is
    withdrawn (everyone's), or the leader it was raised to acts on it (`to`: theirs)."""
    rows = Escalation.objects.filter(
        concern=concern, reason=Escalation.Reason.MANUAL, resolved_at__isnull=True
    )
    if to is not None:
        rows = rows.filter(escalated_to=to)
    return rows.update(resolved_at=at or timezone.now())


# --- Guardian -----------------------------------------------------------------------------


def concern_view(*, user, concern: Concern) -> None:
    """Record that someone read a case's content."""
    require(user, "concerns.view_concern", concern)
    _audit(user, "concern.view", concern)


def concern_acknowledge(*, user, concern: Concern) -> Concern:
    require(user, "concerns.handle_concern", concern)
    with transaction.atomic():
        concern = _locked(concern)
        if concern.status != Status.RECEIVED:
            raise ValidationError(f"This concern is already {_label(concern.status)}")
        change = _move(concern, Status.ACKNOWLEDGED, by=user)
        concern.acknowledged_at = change.at
        if concern.guardian_id is None:
            concern.guardian = user
        concern.save(update_fields=["status", "acknowledged_at", "guardian"])
        _audit(user, "concern.acknowledge", concern, **{"from": "received", "to": concern.status})
    return concern


NO_ELEMENT = "Select at least one element: what the concern is about"


def concern_triage(
    *,
    user,
    concern: Concern,
    elements: list[str],
    worker_group: str,
    confidentiality_reviewed: bool = True,
) -> Concern:
    """Record the elements (several may apply) and worker group, from the concern's year's lists."""
    require(user, "concerns.handle_concern", concern)
    day = timezone.localdate(concern.received_at)
    valid_elements = {e.code for e in elements_for(day)}
    valid_groups = {g.code for g in worker_groups_for(day)}
    errors = {}
    chosen = list(dict.fromkeys(elements or []))
    if not chosen:
        errors["elements"] = NO_ELEMENT
    elif unknown := [code for code in chosen if code not in valid_elements]:
        errors["elements"] = f"Not an element for this concern's year: {', '.join(unknown)}"
    if worker_group not in valid_groups:
        errors["worker_group"] = "Select the worker group (or 'Not known')"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        concern = _locked(concern)
        _not_finished(concern, "triage")
        if concern.status == Status.RECEIVED:
            raise ValidationError("Acknowledge the concern before you triage it")
        concern.elements.exclude(code__in=chosen).delete()
        for code in chosen:
            concern.elements.get_or_create(code=code)
        concern.worker_group = worker_group
        concern.confidentiality_reviewed = bool(confidentiality_reviewed)
        fields = ["worker_group", "confidentiality_reviewed"]
        if concern.status == Status.ACKNOWLEDGED:
            _move(concern, Status.IN_PROGRESS, by=user)
            fields.append("status")
        concern.save(update_fields=fields)
        _audit(user, "concern.triage", concern, elements=chosen, worker_group=worker_group)
    return concern


def concern_message(*, user, concern: Concern, body: str) -> Message:
    """The guardian writes to the speaker; the speaker reads it with their receipt code."""
    require(user, "concerns.handle_concern", concern)
    body = _text(body, "body")
    with transaction.atomic():
        concern = _locked(concern)
        if concern.status == Status.RECEIVED:
            raise ValidationError("Acknowledge the concern before you write to the speaker")
        if concern.status == Status.WITHDRAWN:
            raise ValidationError("The speaker withdrew this concern. Reopen it first")
        message = Message.objects.create(
            concern=concern,
            author=Message.Author.GUARDIAN,
            author_user=user,
            body_sealed=sealing.seal(concern, "body", body),
        )
        _audit(user, "concern.message", concern, message_id=message.pk)
    return message


def _accountable_lead_checked(concern: Concern, lead) -> User:
    if not isinstance(lead, User):
        raise ValidationError({"accountable_lead": "Choose the accountable leader"})
    if not any(has_role(lead, role, concern.organisation_id) for role in ACCOUNTABLE_ROLES):
        raise ValidationError(
            {
                "accountable_lead": "The accountable leader must be an executive lead or board "
                "member of this organisation"
            }
        )
    return lead


def concern_name_accountable_lead(*, user, concern: Concern, accountable_lead) -> Concern:
    require(user, "concerns.handle_concern", concern)
    with transaction.atomic():
        concern = _locked(concern)
        _not_finished(concern, "change")
        before = concern.accountable_lead
        concern.accountable_lead = _accountable_lead_checked(concern, accountable_lead)
        concern.save(update_fields=["accountable_lead"])
        _audit(
            user,
            "concern.name_lead",
            concern,
            from_accountable_lead_id=before.pk if before else None,
            accountable_lead_id=concern.accountable_lead_id,
        )
        _tell_leads(concern, before, by=user)
    return concern


def _tell_leads(concern: Concern, before: User | None, *, by) -> None:
    """A leader newly named is emailed a link to the case; the one they replace is told it is
    no longer theirs."""
    if concern.accountable_lead_id == (before.pk if before else None):
        return
    notices.notify_accountable_lead(concern, by=by)
    if before is not None:
        notices.notify_no_longer_accountable(concern, before, by=by)


def _start_work(concern: Concern, user) -> None:
    if concern.status == Status.RECEIVED:
        raise ValidationError("Acknowledge the concern before you record actions")
    if concern.status in (Status.ACKNOWLEDGED, Status.FEEDBACK_GIVEN):
        # New work after feedback means the case is in progress again.
        _move(concern, Status.IN_PROGRESS, by=user)
        concern.save(update_fields=["status"])


def action_record(*, user, concern: Concern, description: str) -> Action:
    """An action the guardian takes or will hand to someone; unassigned until assigned."""
    require(user, "concerns.handle_concern", concern)
    description = _text(description, "description")
    with transaction.atomic():
        concern = _locked(concern)
        _not_finished(concern, "add actions to")
        _start_work(concern, user)
        action = Action.objects.create(
            concern=concern,
            description_sealed=sealing.seal(concern, "description", description),
            created_by=user,
        )
        _audit(user, "action.record", concern, action_id=action.pk)
    return action


def _handler_and_date_errors(concern: Concern, handler, respond_by: date | None) -> dict:
    """Who an action may be with and by when: on assigning it, and on changing it."""
    errors = {}
    if not isinstance(handler, User) or not has_role(
        handler, Role.LINE_MANAGER, concern.organisation_id
    ):
        errors["handler"] = "The handler must be a line manager in this organisation"
    if respond_by is None:
        errors["respond_by"] = "Enter the date to respond by"
    elif respond_by < timezone.localdate():
        errors["respond_by"] = "The date to respond by must be today or in the future"
    # Further off than a year is a typing mistake (3000 for 2030), and would keep the action
    # from ever escalating.
    elif respond_by > (latest := years_after(timezone.localdate())):
        errors["respond_by"] = more_than_a_year_ahead("The date to respond by", latest)
    return errors


def action_assign(
    *,
    user,
    concern: Concern,
    handler,
    respond_by: date | None,
    accountable_lead=None,
    description: str = "",
    shared_summary: str = "",
) -> Action:
    """Hand a new action to a line manager by a date (`action_change` changes one later).

    `shared_summary` is all the handler will see of the case: the guardian writes it, so a
    confidential speaker's identity never reaches them. Names the accountable leader too.
    """
    require(user, "concerns.handle_concern", concern)
    errors = _handler_and_date_errors(concern, handler, respond_by)
    if accountable_lead is None and concern.accountable_lead_id is None:
        errors["accountable_lead"] = "Choose the accountable leader"
    elif accountable_lead is not None:
        try:
            _accountable_lead_checked(concern, accountable_lead)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not (description or "").strip():
        description = "Look into this concern and tell the guardian what you found and did"
    try:
        description = _text(description, "description")
        shared_summary = _text(shared_summary, "shared_summary", required=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        concern = _locked(concern)
        _not_finished(concern, "assign actions on")
        _start_work(concern, user)
        lead_before = concern.accountable_lead
        if accountable_lead is not None:
            concern.accountable_lead = accountable_lead
            concern.save(update_fields=["accountable_lead"])
        action = Action.objects.create(
            concern=concern,
            created_by=user,
            description_sealed=sealing.seal(concern, "description", description),
            handler=handler,
            respond_by=respond_by,
            shared_summary_sealed=(
                sealing.seal(concern, "shared_summary", shared_summary) if shared_summary else None
            ),
        )
        _audit(
            user,
            "action.assign",
            concern,
            action_id=action.pk,
            handler_id=handler.pk,
            respond_by=respond_by,
            from_accountable_lead_id=lead_before.pk if lead_before else None,
            accountable_lead_id=concern.accountable_lead_id,
        )
        notices.notify_handler(action, by=user)
        _tell_leads(concern, lead_before, by=user)
    return action


NOTHING_CHANGED = "Give the action a new date or choose someone else to hand it to"


def action_change(
    *, user, action: Action, handler=None, respond_by: date | None = None, reason: str
) -> ActionChange:
    """Give an open action a new date, or hand it to another line manager, or both, and say why.

    `handler` and `respond_by` default to the action's own. The rules are the assignment's:
    a line manager of the organisation, a date from today to a year ahead. The new holder is
    told as on assignment; the one before is told it was handed on and no longer sees it (the
    action leaves their list). A new date ends the action's open escalations: it is no longer
    overdue, and climbs again from the first level if the new date passes too.
    """
    concern = action.concern
    require(user, "concerns.handle_concern", concern)
    handler = action.handler if handler is None else handler
    respond_by = action.respond_by if respond_by is None else respond_by
    errors = _handler_and_date_errors(concern, handler, respond_by)
    reason = trimmed(reason or "")
    if not reason:
        errors["reason"] = "Enter the reason for the change"
    elif len(reason) > REASON_MAX:
        errors["reason"] = too_long(CALLED["reason"], REASON_MAX)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        concern = _locked(concern)
        _not_finished(concern, "change actions on")
        action = Action.objects.select_for_update().get(pk=action.pk)
        if action.concern_id != concern.pk:
            raise ValidationError("That action belongs to another concern")
        if action.state != Action.State.OPEN:
            raise ValidationError(
                "This action has been responded to, so it can no longer be changed"
            )
        before = action.handler
        if before == handler and action.respond_by == respond_by:
            raise ValidationError(NOTHING_CHANGED)
        change = ActionChange.objects.create(
            action=action,
            by=user,
            from_handler=before,
            to_handler=handler,
            from_respond_by=action.respond_by,
            to_respond_by=respond_by,
            reason_sealed=sealing.seal(concern, "action_change_reason", reason),
        )
        action.handler = handler
        action.respond_by = respond_by
        action.save(update_fields=["handler", "respond_by"])
        # Not overdue any more: what climbed for the old date stops, and the tick starts again
        # from the first level should the new date pass too.
        resolved = Escalation.objects.filter(
            action=action, reason=Escalation.Reason.ACTION_OVERDUE, resolved_at__isnull=True
        ).update(resolved_at=change.at)
        changed = [
            name
            for name, was, now in (
                ("handler", change.from_handler_id, change.to_handler_id),
                ("respond_by", change.from_respond_by, change.to_respond_by),
            )
            if was != now
        ]
        _audit(
            user,
            "action.change",
            concern,
            action_id=action.pk,
            change_id=change.pk,
            changed=changed,
            from_handler_id=change.from_handler_id,
            handler_id=handler.pk,
            respond_by=respond_by,
            escalations_resolved=resolved,
        )
        if before != handler:
            notices.notify_handler(action, by=user)
            if before is not None:
                notices.notify_handed_on(action, before, by=user)
        else:
            notices.notify_handler(action, by=user, kind="action.new_date")
    return change


def concern_give_feedback(*, user, concern: Concern, body: str) -> Concern:
    """Tell the speaker what was found and done: a message, and the status moves on."""
    require(user, "concerns.handle_concern", concern)
    body = _text(body, "body", kind="feedback")
    with transaction.atomic():
        concern = _locked(concern)
        if concern.status not in (Status.ACKNOWLEDGED, Status.IN_PROGRESS):
            raise ValidationError(
                f"You cannot give feedback on a concern that is {_label(concern.status)}"
            )
        change = _move(concern, Status.FEEDBACK_GIVEN, by=user)
        concern.feedback_given_at = change.at
        concern.save(update_fields=["status", "feedback_given_at"])
        message = Message.objects.create(
            concern=concern,
            author=Message.Author.GUARDIAN,
            author_user=user,
            body_sealed=sealing.seal(concern, "body", body),
        )
        _audit(user, "concern.feedback", concern, message_id=message.pk, to=concern.status)
    return concern


def concern_record_learning(
    *, user, concern: Concern, outcome: str, learning: str, publishable: bool = False
) -> Concern:
    """The outcome and learning the accountable leader is asked to sign off."""
    require(user, "concerns.handle_concern", concern)
    errors = {}
    try:
        outcome = _text(outcome, "outcome")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        learning = _text(learning, "learning")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        concern = _locked(concern)
        _not_finished(concern, "change the learning of")
        # A browser sends a box's line breaks as \r\n: the same words are not a change.
        changed = one_line_ending(_open_learning(concern) or "") != one_line_ending(learning)
        concern.outcome_sealed = sealing.seal(concern, "outcome", outcome)
        concern.learning_sealed = sealing.seal(concern, "learning", learning)
        concern.learning_publishable = bool(publishable)
        if changed:
            # New words need a new sign-off.
            concern.learning_signed_off_by = None
            concern.learning_signed_off_at = None
        concern.save(
            update_fields=[
                "outcome_sealed",
                "learning_sealed",
                "learning_publishable",
                "learning_signed_off_by",
                "learning_signed_off_at",
            ]
        )
        _audit(user, "concern.record_learning", concern, sign_off_cleared=changed)
    return concern


def _open_learning(concern: Concern) -> str | None:
    return sealing.unseal(concern, "learning", concern.learning_sealed)


class CloseBlocked(ValidationError):
    """The case may not close yet; the messages say what stands in the way."""


def close_blockers(concern: Concern) -> list[str]:
    """What still stands between a case and closing, in plain words (empty: it may close)."""
    blockers = []
    if concern.status != Status.FEEDBACK_GIVEN:
        blockers.append("Give the speaker feedback before you close the concern")
    if concern.accountable_lead_id is None:
        blockers.append("Name the accountable leader")
    if concern.actions.exclude(state=Action.State.SIGNED_OFF).exists():
        blockers.append("The accountable leader must sign off every action")
    if not concern.learning_sealed:
        blockers.append("Record the outcome and learning")
    elif concern.learning_signed_off_at is None:
        blockers.append("The accountable leader must sign off the learning")
    return blockers


def concern_close(
    *, user, concern: Concern, outcome: str | None = None, learning: str | None = None
) -> Concern:
    """Close a case whose actions and learning the accountable leader has signed off.

    `learning`, when given, must be what was signed off; `outcome` may be updated.
    """
    require(user, "concerns.handle_concern", concern)
    with transaction.atomic():
        concern = _locked(concern)
        if concern.status == Status.CLOSED:
            raise CloseBlocked("This concern is already closed")
        if (
            learning is not None
            and concern.learning_sealed
            and _open_learning(concern) != learning.strip()
        ):
            raise ValidationError(
                {
                    "learning": "This is not the learning the accountable leader signed off. "
                    "Record the new learning on the case page and ask them to sign it off again"
                }
            )
        if outcome is not None and outcome.strip():
            concern.outcome_sealed = sealing.seal(concern, "outcome", _text(outcome, "outcome"))
        if blockers := close_blockers(concern):
            raise CloseBlocked(blockers)
        change = _move(concern, Status.CLOSED, by=user)
        concern.closed_at = change.at
        concern.save(update_fields=["status", "closed_at", "outcome_sealed"])
        checkins = _schedule_checkins(concern, change.at)
        resolve_manual_escalations(concern, at=change.at)
        _audit(
            user,
            "concern.close",
            concern,
            **{"from": "feedback_given", "to": "closed"},
            checkins=checkins,
        )
    return concern


def concern_close_with_learning(*, user, concern: Concern, outcome: str, learning: str) -> Concern:
    """The API's close: record the outcome and learning as given, then close.

    New or changed learning is recorded (and kept) but clears the leader's sign-off, so the
    close is refused with CloseBlocked until the accountable leader signs it off on the case
    page; the same call again then closes the case (docs/concerns.md, "Closing by API").
    """
    require(user, "concerns.handle_concern", concern)
    errors = {}
    for field, value in (("outcome", outcome), ("learning", learning)):
        try:
            _text(value, field)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if concern.status == Status.CLOSED:
        raise CloseBlocked("This concern is already closed")
    if concern.status == Status.WITHDRAWN:
        raise CloseBlocked("The speaker withdrew this concern. Reopen it first")
    recorded_outcome = sealing.unseal(concern, "outcome", concern.outcome_sealed)
    if (recorded_outcome, _open_learning(concern)) != (outcome.strip(), learning.strip()):
        concern = concern_record_learning(
            user=user,
            concern=concern,
            outcome=outcome,
            learning=learning,
            publishable=concern.learning_publishable,
        )
    return concern_close(user=user, concern=concern)


def _schedule_checkins(concern: Concern, closed_at) -> list[str]:
    timescales, _ = Timescales.objects.get_or_create(organisation_id=concern.organisation_id)
    closed_on = timezone.localdate(closed_at)
    made = []
    for months in _months(timescales.detriment_checkin_months):
        due = closed_on + relativedelta(months=months)
        DetrimentCheckin.objects.get_or_create(concern=concern, due_on=due)
        made.append(due.isoformat())
    return made


# Digits 0 to 9 only: str.isdigit() also takes "²", which int() refuses.
MONTHS = re.compile(r"[0-9]{1,3}")


def _months(text: str) -> list[int]:
    """The whole months in "1,3" (typed in the admin): anything else in it is left out."""
    parts = (part.strip() for part in (text or "").split(","))
    return sorted({int(part) for part in parts if MONTHS.fullmatch(part) and int(part) > 0})


def concern_reopen(*, user, concern: Concern, reason: str = "") -> Concern:
    """Back to work: a new close needs a new sign-off of the learning."""
    require(user, "concerns.handle_concern", concern)
    with transaction.atomic():
        concern = _locked(concern)
        if concern.status not in FINISHED:
            raise ValidationError("Only a closed or withdrawn concern can be reopened")
        reopen_locked(concern, by=user, why="guardian")
    return concern


def reopen_locked(concern: Concern, *, by, why: str, at=None) -> str:
    """The one way a case goes back to work, for the guardian and for a speaker's detriment
    report: a status change row, the learning's sign-off cleared (a new close needs a new
    one), check-ins not yet asked dropped, an audit record.

    `concern` must be locked (select_for_update) by the caller's transaction. Returns the
    status it left. `by` is None when the speaker reopens it.
    """
    before = concern.status
    _move(concern, Status.IN_PROGRESS, by=by, at=at, by_label=None if by else "speaker")
    concern.closed_at = None
    concern.withdrawn_at = None
    concern.learning_signed_off_by = None
    concern.learning_signed_off_at = None
    fields = ["status", "closed_at", "withdrawn_at", "learning_signed_off_by"]
    concern.save(update_fields=[*fields, "learning_signed_off_at"])
    # Check-ins not yet asked (nor the guardian told of) wait for the next close.
    concern.checkins.filter(asked_at__isnull=True, guardian_told_at__isnull=True).delete()
    audit(
        actor=by,
        actor_label=None if by else "speaker",
        action="concern.reopen",
        object_type="concern",
        object_ref=concern.reference,
        organisation=concern.organisation_id,
        detail={"from": before, "to": concern.status, "why": why},
    )
    return before


def concern_withdraw(*, user, concern: Concern) -> Concern:
    """The speaker asked (in person, by phone or in a message) to withdraw their concern."""
    require(user, "concerns.handle_concern", concern)
    with transaction.atomic():
        concern = _locked(concern)
        before = concern.status
        change = _move(concern, Status.WITHDRAWN, by=user)
        concern.withdrawn_at = change.at
        concern.save(update_fields=["status", "withdrawn_at"])
        resolve_manual_escalations(concern, at=change.at)
        _audit(user, "concern.withdraw", concern, **{"from": before, "to": concern.status})
    return concern


# The leaders a guardian may escalate a case to by hand (the guardian is the one escalating).
MANUAL_LEVELS = (
    Escalation.Level.ACCOUNTABLE_LEAD,
    Escalation.Level.EXECUTIVE_LEAD,
    Escalation.Level.NON_EXECUTIVE_LEAD,
)


class EscalationChoice(NamedTuple):
    """One choice on the escalation page: the people, the roles they hold on this case, and
    the level the escalation is recorded at (the highest of those roles). `sent_to`: those of
    them it would go to now (none: it would be refused); `open_since`: when each of them the
    case is escalated to by hand, still open, was sent it."""

    level: int
    roles: list[int]
    people: list[User]
    sent_to: list[User]
    open_since: dict[int, datetime]


def escalation_levels(concern: Concern) -> list[EscalationChoice]:
    """Who this case may be escalated to by hand now. A level with nobody in it (no accountable
    leader named yet) is left out; levels held by the same people are one choice (the
    accountable leader who is also the executive FTSU lead is offered once, in both roles).
    Each says who of them already has the case, as escalating to it would find."""
    choices: list[EscalationChoice] = []
    for level in MANUAL_LEVELS:
        people = notices.escalation_recipients(concern, level)
        if not people:
            continue
        same = next(
            (c for c in choices if {p.pk for p in c.people} == {p.pk for p in people}), None
        )
        if same:
            choices[choices.index(same)] = same._replace(level=level, roles=[*same.roles, level])
        else:
            choices.append(EscalationChoice(level, [level], people, [], {}))
    open_since = _open_manual_escalations(concern)
    return [
        choice._replace(
            sent_to=_sent_to(concern, choice.people, choice.level, open_since),
            open_since={p.pk: open_since[p.pk] for p in choice.people if p.pk in open_since},
        )
        for choice in choices
    ]


def _open_manual_escalations(concern: Concern) -> dict[int, datetime]:
    """{leader's id: when sent} for the case's escalations by hand not yet resolved."""
    return {
        e.escalated_to_id: e.at
        for e in Escalation.objects.filter(
            concern=concern, reason=Escalation.Reason.MANUAL, resolved_at__isnull=True
        ).order_by("-at")
    }


def _sent_to(
    concern: Concern, recipients: list[User], level: int, open_since: dict[int, datetime]
) -> list[User]:
    """Those of `recipients` who do not already have the case: not escalated to by hand and
    still open with (the same leader asked twice, say from two tabs, would get two emails for one
    request), nor, above the accountable leader's own level, its accountable leader when someone
    else there is sent it (it is on their list already). The accountable leader alone at a
    level (offered once in both roles) is sent it as the accountable leader is."""
    fresh = [p for p in recipients if p.pk not in open_since]
    others = [p for p in fresh if p.pk != concern.accountable_lead_id]
    return others if level > Escalation.Level.ACCOUNTABLE_LEAD and others else fresh


def _not_following_already(concern: Concern, recipients: list[User], level: int) -> list[User]:
    """`_sent_to`, checked again as the escalation is made (the page may be old): with nobody
    left, refuse, saying why for each."""
    open_since = _open_manual_escalations(concern)
    sent_to = _sent_to(concern, recipients, level, open_since)
    if not sent_to:
        raise ValidationError(
            {
                "level": ". ".join(
                    f"{person} has already been sent this case on "
                    f"{day_in_words(open_since[person.pk])}"
                    for person in recipients
                )
            }
        )
    return sent_to


def concern_escalate(*, user, concern: Concern, level: int) -> list[Escalation]:
    """The guardian raises a case to a leader by hand; they are emailed a link, nothing more."""
    require(user, "concerns.handle_concern", concern)
    if level not in MANUAL_LEVELS:
        raise ValidationError({"level": "Choose who to escalate to"})
    with transaction.atomic():
        concern = _locked(concern)
        _not_finished(concern, "escalate")
        recipients = notices.escalation_recipients(concern, level)
        if not recipients:
            raise ValidationError(
                {"level": f"There is no {Escalation.Level(level).label.lower()} to escalate to"}
            )
        recipients = _not_following_already(concern, recipients, level)
        rows = []
        for person in recipients:
            escalation = Escalation.objects.create(
                concern=concern,
                level=level,
                reason=Escalation.Reason.MANUAL,
                escalated_to=person,
                by=user,
            )
            notices.notify_escalation(escalation)
            rows.append(escalation)
        _audit(
            user,
            "concern.escalate",
            concern,
            level=level,
            escalated_to=[p.pk for p in recipients],
        )
    return rows


# --- Handler ------------------------------------------------------------------------------


def action_view(*, user, action: Action) -> None:
    require(user, "concerns.view_action", action)
    audit(
        actor=user,
        action="action.view",
        object_type="concern",
        object_ref=action.concern.reference,
        organisation=action.concern.organisation_id,
        detail={"action_id": action.pk},
    )


def action_list_view(*, user, actions: list[Action]) -> dict[int, str]:
    """The descriptions of a handler's actions, for their list: what each action's page shows
    them, and audited as a read (`action.list`, one record per concern)."""
    _require_each_viewable(user, actions)
    descriptions, by_concern = {}, {}
    for action in actions:
        descriptions[action.pk] = sealing.unseal(
            action.concern, "description", action.description_sealed
        )
        by_concern.setdefault(action.concern, []).append(action.pk)
    for concern, action_ids in by_concern.items():
        _audit(user, "action.list", concern, action_ids=action_ids)
    return descriptions


def _require_each_viewable(user, actions: list[Action]) -> None:
    """The "concerns.view_action" rule for every action at once: one question, not one a row
    (the rule is membership of the same scope)."""
    wanted = {action.pk for action in actions}
    theirs = visible(user, "concerns.actions_for_handler").filter(pk__in=wanted)
    if set(theirs.values_list("pk", flat=True)) != wanted:
        raise Http404


def action_respond(*, user, action: Action, response: str) -> Action:
    require(user, "concerns.respond_action", action)
    response = _text(response, "response")
    with transaction.atomic():
        action = Action.objects.select_for_update().select_related("concern").get(pk=action.pk)
        if action.state != Action.State.OPEN:
            raise ValidationError("You have already responded to this action")
        action.response_sealed = sealing.seal(action.concern, "response", response)
        action.state = Action.State.RESPONDED
        action.responded_at = timezone.now()
        action.save(update_fields=["response_sealed", "state", "responded_at"])
        audit(
            actor=user,
            action="action.respond",
            object_type="concern",
            object_ref=action.concern.reference,
            organisation=action.concern.organisation_id,
            detail={"action_id": action.pk},
        )
        notices.notify_guardians(action.concern, "action.responded", by=user, action=action)
    return action


# --- Accountable leader -------------------------------------------------------------------


def action_sign_off(*, user, action: Action) -> Action:
    concern = action.concern
    require(user, "concerns.sign_off", concern)
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if action.concern_id != concern.pk:
            raise ValidationError("That action belongs to another concern")
        if action.state == Action.State.SIGNED_OFF:
            raise ValidationError("This action is already signed off")
        if action.state != Action.State.RESPONDED and action.handler_id is not None:
            raise ValidationError("The handler has not responded to this action yet")
        action.state = Action.State.SIGNED_OFF
        action.signed_off_by = user
        action.signed_off_at = timezone.now()
        action.save(update_fields=["state", "signed_off_by", "signed_off_at"])
        resolve_manual_escalations(concern, to=user, at=action.signed_off_at)
        _audit(user, "action.sign_off", concern, action_id=action.pk)
    return action


def concern_sign_off_learning(*, user, concern: Concern) -> Concern:
    require(user, "concerns.sign_off", concern)
    with transaction.atomic():
        concern = _locked(concern)
        if not concern.learning_sealed:
            raise ValidationError("The guardian has not recorded the learning yet")
        if concern.learning_signed_off_at is not None:
            raise ValidationError("You have already signed off this learning")
        if concern.actions.exclude(state=Action.State.SIGNED_OFF).exists():
            raise ValidationError("Sign off every action before you sign off the learning")
        concern.learning_signed_off_by = user
        concern.learning_signed_off_at = timezone.now()
        concern.save(update_fields=["learning_signed_off_by", "learning_signed_off_at"])
        resolve_manual_escalations(concern, to=user, at=concern.learning_signed_off_at)
        _audit(user, "concern.sign_off_learning", concern)
    return concern


# --- Reading sealed content for staff pages -----------------------------------------------


def speaker_contact(concern: Concern) -> dict | None:
    """The speaker's name, email and phone (callers check concerns.view_speaker first)."""
    text = sealing.unseal(concern, "speaker", concern.speaker_sealed)
    if not text:
        return None
    # Kept as JSON, which could hold half a character (a lone surrogate) sent to the API before
    # 27 November: shown as "�", so the case still opens.
    return {
        key: readable(value) if isinstance(value, str) else value
        for key, value in json.loads(text).items()
    }
