"""Emails about concerns: who is told, and the one way they are sent.

An email to staff says only that something needs their attention, with a link to sign in,
never what the case is about; each one is recorded as a Notification. It is sent once the
transaction that asked for it commits, and a failure is logged: a mail server that is down
never undoes what someone wrote or did. The tick sends at once instead (`now=True`, the last
step of an item's transaction), so that an email it cannot send leaves the item for the next
tick. docs/concerns.md, "Emails", lists them.
"""

from django.urls import reverse
from django.utils import timezone

from speakup.concerns.models import Action, Concern, Escalation, Notification
from speakup.concerns.queries import concerns_led_by
from speakup.core.emails import send
from speakup.core.links import absolute_url
from speakup.organisations.models import User
from speakup.organisations.queries import has_role
from speakup.organisations.roles import Role

ATTENTION = "speakup: something needs your attention"


def attention_body(link: str, *, how: str = "Sign in") -> str:
    return (
        "Something in speakup needs your attention.\n\n"
        f"{how} to see it: {link}\n\n"
        "This email does not say more, to protect the people involved.\n"
    )


def notify(
    *,
    concern: Concern,
    people: list[User],
    kind: str,
    path: str,
    action: Action | None = None,
    escalation: Escalation | None = None,
    by: User | None = None,
    now: bool = False,
    at=None,
) -> list[Notification]:
    """Email each person (but `by`, who did the thing) a link to `path`, one email each, and
    record a Notification per person (sent `at`: the tick's moment)."""
    people = [p for p in dict.fromkeys(people) if p.email and (by is None or p.pk != by.pk)]
    body = attention_body(absolute_url(path))
    rows = []
    for person in people:
        rows.append(
            Notification.objects.create(
                concern=concern,
                action=action,
                escalation=escalation,
                to_user=person,
                kind=kind,
                sent_at=at or timezone.now(),
            )
        )
        send(ATTENTION, body, [person.email], what=kind, now=now)
    return rows


def _case(concern: Concern) -> str:
    return reverse("concerns:show_concern", args=[concern.reference])


# --- Who stands where --------------------------------------------------------------------


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


# --- The emails --------------------------------------------------------------------------


def notify_guardians(
    concern: Concern, kind: str, *, by: User | None = None, action: Action | None = None
) -> list[Notification]:
    """Tell the case's guardian (or, if there is none or they have gone, every guardian of the
    organisation) that the case needs them: a new concern, the speaker wrote or reported
    detriment, a handler responded."""
    people = escalation_recipients(concern, Escalation.Level.GUARDIAN)
    return notify(
        concern=concern, people=people, kind=kind, path=_case(concern), action=action, by=by
    )


def notify_handler(
    action: Action, *, by: User | None = None, kind: str = "action.assigned"
) -> list[Notification]:
    """The line manager an action was handed to (or given a new date: `kind` "action.new_date"):
    a link to the action's page."""
    return notify(
        concern=action.concern,
        people=[action.handler] if action.handler else [],
        kind=kind,
        path=reverse("concerns:show_action", args=[action.pk]),
        action=action,
        by=by,
    )


HANDED_ON = "speakup: an action is no longer with you"


def handed_on_body(link: str) -> str:
    return (
        "An action in speakup that was with you has been handed to someone else. "
        "You do not need to respond to it, and it is no longer on your list.\n\n"
        f"Your actions: {link}\n\n"
        "This email does not say more, to protect the people involved.\n"
    )


def notify_handed_on(action: Action, person: User, *, by: User | None = None) -> list[Notification]:
    """The line manager an action was taken from: told it is no longer theirs, with a link to
    their list (the action's page is no longer theirs to see), and nothing about it."""
    if not (person.email and person.is_active) or (by is not None and person.pk == by.pk):
        return []
    row = Notification.objects.create(
        concern=action.concern, action=action, to_user=person, kind="action.handed_on"
    )
    link = absolute_url(reverse("concerns:list_actions"))
    send(HANDED_ON, handed_on_body(link), [person.email], what="action.handed_on")
    return [row]


def notify_accountable_lead(concern: Concern, *, by: User | None = None) -> list[Notification]:
    """The leader newly named accountable for a case: a link to the case."""
    lead = concern.accountable_lead
    return notify(
        concern=concern,
        people=[lead] if lead and lead.is_active else [],
        kind="concern.accountable_lead",
        path=_case(concern),
        by=by,
    )


NO_LONGER_ACCOUNTABLE = "speakup: you are no longer the accountable leader for a case"


def no_longer_accountable_body(link: str, *, escalated: bool) -> str:
    # A case escalated to them stays on their list (under "Escalated to you") and open to them,
    # so the email says so rather than that it is gone and needs nothing more from them.
    if escalated:
        what_now = (
            "Another leader has been named. It was also escalated to you, so it stays on your "
            'list under "Escalated to you".'
        )
    else:
        what_now = (
            "Another leader has been named, so you do not need to follow it up. "
            "It is no longer on your list."
        )
    return (
        f"You are no longer the accountable leader for one of your cases in speakup. {what_now}"
        f"\n\nYour cases to follow up: {link}\n\n"
        "This email does not say more, to protect the people involved.\n"
    )


def notify_no_longer_accountable(
    concern: Concern, person: User, *, by: User | None = None
) -> list[Notification]:
    """The leader another was named in place of: told a case is no longer theirs, with a link to
    their page of cases they lead. Not which: like every email to staff, nothing names a case."""
    if not (person.email and person.is_active) or (by is not None and person.pk == by.pk):
        return []
    row = Notification.objects.create(
        concern=concern, to_user=person, kind="concern.accountable_lead_replaced"
    )
    link = absolute_url(reverse("concerns:list_led"))
    # Their list of cases they lead: its own rule, now that they are not accountable for it.
    still_listed = concerns_led_by(person).filter(pk=concern.pk).exists()
    body = no_longer_accountable_body(link, escalated=still_listed)
    send(NO_LONGER_ACCOUNTABLE, body, [person.email], what="concern.accountable_lead_replaced")
    return [row]


def notify_escalation(escalation: Escalation, *, now: bool = False) -> list[Notification]:
    """The person an item was escalated to: a link to the case."""
    person = escalation.escalated_to
    return notify(
        at=escalation.at if now else None,
        concern=escalation.concern,
        people=[person] if person else [],
        kind=f"escalation.{escalation.reason}",
        path=_case(escalation.concern),
        action=escalation.action,
        escalation=escalation,
        now=now,
    )


ACTION_OVERDUE = "action.overdue"


def notify_overdue_holder(action: Action, *, at=None) -> list[Notification]:
    """The tick reminds the holder of an overdue action: a link to the action's page."""
    return notify(
        at=at,
        concern=action.concern,
        people=[action.handler],
        kind=ACTION_OVERDUE,
        path=reverse("concerns:show_action", args=[action.pk]),
        action=action,
        now=True,
    )


def ask_speaker_checkin(concern: Concern, address: str, *, at=None) -> Notification:
    """The tick asks a named speaker their detriment check-in: a link to the receipt sign-in."""
    row = Notification.objects.create(
        concern=concern, kind="detriment_checkin", sent_at=at or timezone.now()
    )
    # Worded as every other speakup email (training reminders reach every worker), so that
    # whoever else reads the speaker's inbox, a shared or work mailbox, learns nothing: not
    # that they spoke up, nor that a concern of theirs was closed.
    send(
        ATTENTION,
        attention_body(
            absolute_url(reverse("concerns:check_concern")), how="Use your receipt code"
        ),
        [address],
        what="detriment_checkin",
        now=True,
    )
    return row


def tell_guardian_of_checkin(concern: Concern, *, at=None) -> list[Notification]:
    """The tick: a named speaker's detriment check-in is due, and they gave no email address to
    ask them at (a guardian recorded a phone number only). The case's guardian, as for a reply,
    gets a link to the case, to get in touch as the speaker asked to be reached."""
    return notify(
        at=at,
        concern=concern,
        people=escalation_recipients(concern, Escalation.Level.GUARDIAN),
        kind="detriment_checkin.guardian",
        path=_case(concern),
        now=True,
    )
