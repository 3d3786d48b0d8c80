"""Deadlines and escalation: what `speakup tick` does, every 15 minutes by Celery beat or cron.

Overdue work climbs one level at a time: guardian -> accountable leader -> executive FTSU lead
-> non-executive FTSU lead. The first tick after a deadline raises it to the first level with
someone in it; each later level waits SPEAKUP_ESCALATE_EVERY_DAYS (default 7) after the last.
The holder of an overdue action is reminded once (per respond-by date). Emails say only that
something needs attention, with a link (services/notices.py). Running the tick twice at the
same moment does nothing the second time.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from speakup.concerns import sealing
from speakup.concerns.models import (
    FINISHED,
    Action,
    Concern,
    Confidentiality,
    DetrimentCheckin,
    Escalation,
    IdempotentSubmission,
    Notification,
    Status,
)
from speakup.concerns.services import notices
from speakup.concerns.services.notices import escalation_recipients
from speakup.core.audit import audit
from speakup.organisations.queries import has_role
from speakup.organisations.roles import Role

log = logging.getLogger(__name__)

LEVELS = (
    Escalation.Level.GUARDIAN,
    Escalation.Level.ACCOUNTABLE_LEAD,
    Escalation.Level.EXECUTIVE_LEAD,
    Escalation.Level.NON_EXECUTIVE_LEAD,
)
WAITING_FOR_FEEDBACK = (Status.ACKNOWLEDGED, Status.IN_PROGRESS)


def escalate_every() -> timedelta:
    return timedelta(days=getattr(settings, "SPEAKUP_ESCALATE_EVERY_DAYS", 7))


@dataclass
class TickReport:
    escalations: list[Escalation] = field(default_factory=list)
    resolved: int = 0
    reminders: int = 0
    checkins_asked: int = 0
    submissions_removed: int = 0
    failed: int = 0  # items left for the next tick: their email could not be sent, say

    def lines(self) -> list[str]:
        return [
            f"Escalations made: {len(self.escalations)}",
            f"Escalations resolved: {self.resolved}",
            f"Reminders sent for overdue actions: {self.reminders}",
            f"Detriment check-ins sent: {self.checkins_asked}",
            f"Old idempotency records removed: {self.submissions_removed}",
            f"Failed, to be tried again at the next tick: {self.failed}",
        ]


def _overdue_items(today) -> list[tuple[Concern, Action | None, str]]:
    items: list[tuple[Concern, Action | None, str]] = []
    related = ("organisation", "guardian", "accountable_lead")
    for concern in Concern.objects.filter(
        status=Status.RECEIVED, acknowledge_by__lt=today
    ).select_related(*related):
        items.append((concern, None, Escalation.Reason.ACKNOWLEDGE_OVERDUE))
    for concern in Concern.objects.filter(
        status__in=WAITING_FOR_FEEDBACK, feedback_by__lt=today
    ).select_related(*related):
        items.append((concern, None, Escalation.Reason.FEEDBACK_OVERDUE))
    for action in Action.objects.filter(
        state=Action.State.OPEN,
        respond_by__lt=today,
        concern__status__in=(Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.FEEDBACK_GIVEN),
    ).select_related(*(f"concern__{name}" for name in related), "concern"):
        items.append((action.concern, action, Escalation.Reason.ACTION_OVERDUE))
    return items


def _resolve_finished(now) -> int:
    """Mark escalations whose work is done, so they stop climbing."""
    open_rows = Escalation.objects.filter(resolved_at__isnull=True).exclude(
        reason=Escalation.Reason.MANUAL
    )
    done = (
        open_rows.filter(reason=Escalation.Reason.ACKNOWLEDGE_OVERDUE)
        .exclude(concern__status=Status.RECEIVED)
        .values_list("pk", flat=True)
    )
    feedback_done = (
        open_rows.filter(reason=Escalation.Reason.FEEDBACK_OVERDUE)
        .exclude(concern__status__in=WAITING_FOR_FEEDBACK)
        .values_list("pk", flat=True)
    )
    action_done = (
        open_rows.filter(reason=Escalation.Reason.ACTION_OVERDUE)
        .exclude(action__state=Action.State.OPEN)
        .values_list("pk", flat=True)
    )
    finished = (
        open_rows.filter(reason=Escalation.Reason.ACTION_OVERDUE)
        .filter(concern__status__in=FINISHED)
        .values_list("pk", flat=True)
    )
    # An action given a date not yet passed is no longer overdue (services.handling's
    # action_change resolves these itself; this catches a date changed any other way).
    redated = (
        open_rows.filter(reason=Escalation.Reason.ACTION_OVERDUE)
        .filter(action__respond_by__gte=timezone.localdate(now))
        .values_list("pk", flat=True)
    )
    manual_finished = (
        Escalation.objects.filter(resolved_at__isnull=True, reason=Escalation.Reason.MANUAL)
        .filter(concern__status__in=FINISHED)
        .values_list("pk", flat=True)
    )
    ids = {*done, *feedback_done, *action_done, *finished, *redated, *manual_finished}
    if ids:
        Escalation.objects.filter(pk__in=ids).update(resolved_at=now)
    return len(ids)


def _escalate_item(concern, action, reason, now) -> list[Escalation]:
    previous = Escalation.objects.filter(
        concern=concern, action=action, reason=reason, resolved_at__isnull=True
    ).order_by("-level", "-at")
    last = previous.first()
    if last is not None and now < last.at + escalate_every():
        return []
    start = (last.level + 1) if last else Escalation.Level.GUARDIAN
    told = set(previous.values_list("escalated_to", flat=True))
    for level in LEVELS:
        if level < start:
            continue
        recipients = escalation_recipients(concern, level)
        # A level held only by people told already (the accountable leader who is also the
        # executive FTSU lead) is passed over: the next step is someone new, not a reminder.
        if not recipients or {person.pk for person in recipients} <= told:
            continue
        rows = [
            Escalation.objects.create(
                concern=concern,
                action=action,
                level=level,
                reason=reason,
                escalated_to=person,
                at=now,
            )
            for person in recipients
        ]
        audit(
            actor=None,
            actor_label="system",
            action="concern.escalate",
            object_type="concern",
            object_ref=concern.reference,
            organisation=concern.organisation_id,
            detail={
                "reason": reason,
                "level": int(level),
                "action_id": action.pk if action else None,
                "escalated_to": [p.pk for p in recipients],
            },
        )
        for escalation in rows:  # last, so nothing is sent for an item that is undone
            notices.notify_escalation(escalation, now=True)
        return rows
    return []  # past the last level: nobody further to tell


def _remind_holder(action_id: int, today, now) -> bool:
    """Remind the holder of an overdue action, once for each respond-by date it passes (a new
    date from the guardian makes a new deadline to miss)."""
    action = Action.objects.select_related("concern", "handler").get(pk=action_id)
    if action.state != Action.State.OPEN or not action.respond_by or action.respond_by >= today:
        return False  # answered or given a new date since the tick looked
    handler = action.handler
    if handler is None or not handler.is_active:
        return False
    if not has_role(handler, Role.LINE_MANAGER, action.concern.organisation_id):
        return False  # they can no longer see it; the escalations carry on without them
    overdue_since = timezone.make_aware(
        datetime.combine(action.respond_by + timedelta(days=1), time.min)
    )
    reminded = Notification.objects.filter(
        action=action, kind=notices.ACTION_OVERDUE, sent_at__gte=overdue_since
    )
    if reminded.exists():
        return False
    audit(
        actor=None,
        actor_label="system",
        action="action.remind_overdue",
        object_type="concern",
        object_ref=action.concern.reference,
        organisation=action.concern.organisation_id,
        detail={"action_id": action.pk, "to": handler.pk, "respond_by": action.respond_by},
    )
    notices.notify_overdue_holder(action, at=now)  # last, as for escalations
    return True


def _ask_checkins(today, now, report) -> int:
    """Email named speakers whose detriment check-in is due (the guardian, for one who gave no
    email address); anonymous ones are asked on their next receipt sign-in instead."""
    asked = 0
    due = DetrimentCheckin.objects.filter(
        due_on__lte=today,
        asked_at__isnull=True,
        guardian_told_at__isnull=True,
        concern__status=Status.CLOSED,
        concern__confidentiality__in=(Confidentiality.OPEN, Confidentiality.CONFIDENTIAL),
    ).select_related("concern")
    for checkin in due:
        try:
            asked += _ask_checkin(checkin.pk, now)
        except Exception:  # one item (a refused address) must not hold up the others
            log.exception("Could not ask a detriment check-in; the next tick tries again")
            report.failed += 1
    return asked


@transaction.atomic
def _ask_checkin(checkin_id, now) -> bool:
    checkin = DetrimentCheckin.objects.select_for_update().get(pk=checkin_id)
    if checkin.asked_at is not None or checkin.guardian_told_at is not None:
        return False  # another tick did it meanwhile
    concern = checkin.concern
    try:
        contact = json.loads(sealing.unseal(concern, "speaker", concern.speaker_sealed) or "{}")
    except sealing.Shredded:
        contact = {}
    email = (contact or {}).get("email")
    if email or not contact:  # not contact: the concern's key was shredded, nobody to ask
        checkin.asked_at = now
        checkin.save(update_fields=["asked_at"])
    else:
        checkin.guardian_told_at = now
        checkin.save(update_fields=["guardian_told_at"])
    audit(
        actor=None,
        actor_label="system",
        action="concern.detriment_checkin",
        object_type="concern",
        object_ref=concern.reference,
        organisation=concern.organisation_id,
        detail={
            "checkin_id": checkin.pk,
            "emailed": bool(email),
            "guardian_told": checkin.guardian_told_at is not None,
        },
    )
    # Last, so nothing is sent for a check-in that is undone.
    if email:
        notices.ask_speaker_checkin(concern, email, at=now)
    elif contact:
        notices.tell_guardian_of_checkin(concern, at=now)
    return True


def deadlines_tick(*, now=None) -> TickReport:
    """Resolve finished escalations, escalate what is overdue, ask due check-ins, tidy up."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = TickReport()
    with transaction.atomic():
        report.resolved = _resolve_finished(now)
    for concern, action, reason in _overdue_items(today):
        if action is not None:
            try:
                with transaction.atomic():
                    Concern.objects.select_for_update().filter(pk=concern.pk).first()
                    report.reminders += _remind_holder(action.pk, today, now)
            except Exception:  # as below: left for the next tick
                log.exception("Could not remind an action's holder; the next tick tries again")
                report.failed += 1
        try:
            with transaction.atomic():
                # Lock the concern so two ticks at once cannot both escalate it.
                Concern.objects.select_for_update().filter(pk=concern.pk).first()
                report.escalations += _escalate_item(concern, action, reason, now)
        except Exception:  # one item (a refused address) must not hold up the others
            log.exception("Could not escalate a concern; the next tick tries again")
            report.failed += 1
    report.checkins_asked = _ask_checkins(today, now, report)
    report.submissions_removed, _ = IdempotentSubmission.objects.filter(
        created_at__lt=now - timedelta(days=1)
    ).delete()
    return report
