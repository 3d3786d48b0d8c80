"""Deadlines and escalation: what `speakup tick` does, every 15 minutes by Celery beat or cron.

Overdue work climbs one level at a time: guardian -> accountable leader -> executive FTSU lead
-> non-executive FTSU lead. The first tick after a deadline raises it to the first level with
someone in it; each later level waits SPEAKUP_ESCALATE_EVERY_DAYS (default 7) after the last.
Emails say only that something needs attention, with a link. Running the tick twice at the
same moment does nothing the second time.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
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
from speakup.core.audit import audit
from speakup.core.links import absolute_url
from speakup.organisations.models import User
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


def _holders(concern: Concern, role: Role) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=concern.organisation_id,
            memberships__role=role,
        )
        .distinct()
        .order_by("pk")
    )


def escalation_recipients(concern: Concern, level: int) -> list[User]:
    """Who stands at `level` for this concern (nobody: that level is skipped)."""
    if level == Escalation.Level.GUARDIAN:
        guardian = concern.guardian
        if (
            guardian
            and guardian.is_active
            and has_role(guardian, Role.GUARDIAN, concern.organisation_id)
        ):
            return [guardian]
        return _holders(concern, Role.GUARDIAN)
    if level == Escalation.Level.ACCOUNTABLE_LEAD:
        lead = concern.accountable_lead
        return [lead] if lead and lead.is_active else []
    if level == Escalation.Level.EXECUTIVE_LEAD:
        return _holders(concern, Role.EXECUTIVE_LEAD)
    if level == Escalation.Level.NON_EXECUTIVE_LEAD:
        return _holders(concern, Role.NON_EXECUTIVE_LEAD)
    return []


def notify_escalation(escalation: Escalation) -> Notification | None:
    """Email the person an item was escalated to: a link, never what the case is about."""
    person = escalation.escalated_to
    if person is None:
        return None
    link = absolute_url(reverse("concerns:show_concern", args=[escalation.concern.reference]))
    body = (
        "Something in speakup needs your attention.\n\n"
        f"Sign in to see it: {link}\n\n"
        "This email does not say more, to protect the people involved.\n"
    )
    send_mail(
        "speakup: something needs your attention",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
    )
    return Notification.objects.create(
        concern=escalation.concern,
        escalation=escalation,
        to_user=person,
        kind=f"escalation.{escalation.reason}",
    )


def notify_guardians(concern: Concern, kind: str) -> list[Notification]:
    """Tell the case's guardian (or, if they have gone, the organisation's guardians) that the
    case needs them: a link, never what happened. Sent once the transaction commits, so a
    mail server that is down never loses what the speaker wrote."""
    people = escalation_recipients(concern, Escalation.Level.GUARDIAN)
    link = absolute_url(reverse("concerns:show_concern", args=[concern.reference]))
    body = (
        "Something in speakup needs your attention.\n\n"
        f"Sign in to see it: {link}\n\n"
        "This email does not say more, to protect the people involved.\n"
    )

    def send(addresses=tuple(p.email for p in people)):
        try:
            send_mail(
                "speakup: something needs your attention",
                body,
                settings.DEFAULT_FROM_EMAIL,
                list(addresses),
            )
        except Exception:  # the speaker's words are kept whatever the mail server does
            log.exception("Could not email the guardians of a concern (%s)", kind)

    if people:
        transaction.on_commit(send)
    return [
        Notification.objects.create(concern=concern, to_user=person, kind=kind) for person in people
    ]


@dataclass
class TickReport:
    escalations: list[Escalation] = field(default_factory=list)
    resolved: int = 0
    checkins_asked: int = 0
    submissions_removed: int = 0
    failed: int = 0  # items left for the next tick: their email could not be sent, say

    def lines(self) -> list[str]:
        return [
            f"Escalations made: {len(self.escalations)}",
            f"Escalations resolved: {self.resolved}",
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
    manual_finished = (
        Escalation.objects.filter(resolved_at__isnull=True, reason=Escalation.Reason.MANUAL)
        .filter(concern__status__in=FINISHED)
        .values_list("pk", flat=True)
    )
    ids = {*done, *feedback_done, *action_done, *finished, *manual_finished}
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
    for level in LEVELS:
        if level < start:
            continue
        recipients = escalation_recipients(concern, level)
        if not recipients:
            continue
        rows = []
        for person in recipients:
            escalation = Escalation.objects.create(
                concern=concern,
                action=action,
                level=level,
                reason=reason,
                escalated_to=person,
                at=now,
            )
            notify_escalation(escalation)
            rows.append(escalation)
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
        return rows
    return []  # past the last level: nobody further to tell


def _ask_checkins(today, now, report) -> int:
    """Email named speakers whose detriment check-in is due; anonymous ones are asked on their
    next receipt sign-in instead."""
    asked = 0
    due = DetrimentCheckin.objects.filter(
        due_on__lte=today,
        asked_at__isnull=True,
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
    if checkin.asked_at is not None:
        return False  # another tick asked it meanwhile
    concern = checkin.concern
    try:
        contact = json.loads(sealing.unseal(concern, "speaker", concern.speaker_sealed) or "{}")
    except sealing.Shredded:
        contact = {}
    email = (contact or {}).get("email")
    if email:
        send_mail(
            "speakup: a question about the concern you raised",
            "Thank you for speaking up. We would like to know how things have been "
            "for you since.\n\nUse your receipt code to answer one question: "
            f"{absolute_url('/')}\n",
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
        Notification.objects.create(concern=concern, kind="detriment_checkin")
    checkin.asked_at = now
    checkin.save(update_fields=["asked_at"])
    audit(
        actor=None,
        actor_label="system",
        action="concern.detriment_checkin",
        object_type="concern",
        object_ref=concern.reference,
        organisation=concern.organisation_id,
        detail={"checkin_id": checkin.pk, "emailed": bool(email)},
    )
    return True


def deadlines_tick(*, now=None) -> TickReport:
    """Resolve finished escalations, escalate what is overdue, ask due check-ins, tidy up."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = TickReport()
    with transaction.atomic():
        report.resolved = _resolve_finished(now)
    for concern, action, reason in _overdue_items(today):
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
