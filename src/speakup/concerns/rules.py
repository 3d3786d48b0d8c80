"""Who may see and do what with concerns. Views, the API, commands and jobs ask only here."""

from speakup.concerns import queries
from speakup.concerns.models import FINISHED, Action, Confidentiality, Status
from speakup.core.navigation import NavLink, register_nav
from speakup.core.permissions import rule, scope
from speakup.organisations.queries import has_role, organisation_ids_where
from speakup.organisations.roles import Role

# --- Staff: scopes ------------------------------------------------------------------------


@scope("concerns.concerns")
def concerns_scope(user):
    return queries.concerns_visible_to(user)


@scope("concerns.led_concerns")
def led_concerns_scope(user):
    return queries.concerns_led_by(user)


@scope("concerns.actions_for_handler")
def actions_for_handler_scope(user):
    return queries.actions_for_handler(user)


# --- Staff: rules -------------------------------------------------------------------------


def _is_guardian_of(user, concern) -> bool:
    return concern is not None and has_role(user, Role.GUARDIAN, concern.organisation_id)


def _is_accountable_lead_of(user, concern) -> bool:
    return (
        concern is not None
        and concern.accountable_lead_id == user.pk
        and concern.organisation_id in queries.leader_organisation_ids(user)
    )


def _follows_up(user, concern) -> bool:
    """The case's accountable leader, or a leader it was escalated to, while they hold a
    leader role in its organisation."""
    return concern is not None and queries.concerns_led_by(user).filter(pk=concern.pk).exists()


@rule("concerns.view_concern")
def may_view_concern(user, concern) -> bool:
    """The case page: narrative, actions, escalations, history."""
    return concern is not None and queries.concerns_visible_to(user).filter(pk=concern.pk).exists()


@rule("concerns.handle_concern")
def may_handle_concern(user, concern) -> bool:
    """Acknowledge, triage, converse, record and assign actions, close, reopen, escalate."""
    return _is_guardian_of(user, concern)


@rule("concerns.view_conversation")
def may_view_conversation(user, concern) -> bool:
    # What the speaker wrote back may name them: the guardian's alone.
    return _is_guardian_of(user, concern)


@rule("concerns.view_speaker_clues")
def may_view_speaker_clues(user, concern) -> bool:
    """What names nobody but can narrow down who spoke up: their worker group (in a small
    team), and the time of each move of the case (it can match a shift: the speaker's own, and
    the guardian's, which follow theirs closely). The guardian's; others get the day alone. The
    speaker was promised the worker group is only counted; reports count it with small numbers
    hidden."""
    return _is_guardian_of(user, concern)


@rule("concerns.view_speaker")
def may_view_speaker(user, concern) -> bool:
    """Who the speaker is: the guardian; an open speaker, who agreed to be known, also to the
    leaders who follow the case up (accountable, or escalated to). A confidential speaker is
    known to the guardian only (shared only with their consent)."""
    if concern is None or concern.confidentiality == Confidentiality.ANONYMOUS:
        return False
    if _is_guardian_of(user, concern):
        return True
    return concern.confidentiality == Confidentiality.OPEN and _follows_up(user, concern)


@rule("concerns.view_attachments")
def may_view_attachments(user, concern) -> bool:
    """The speaker's files: the guardian, and whoever may know who the speaker is. A file can
    name the person who made it (in its name, in the author a Word or PDF file records, in a
    photo), so a leader on a confidential or anonymous concern is not given them."""
    return _is_guardian_of(user, concern) or may_view_speaker(user, concern)


@rule("concerns.sign_off")
def may_sign_off(user, concern) -> bool:
    """Sign off actions and learning: the case's accountable leader, while the case is open."""
    return _is_accountable_lead_of(user, concern) and concern.status not in (
        Status.CLOSED,
        Status.WITHDRAWN,
    )


@rule("concerns.view_action")
def may_view_action(user, action: Action) -> bool:
    return action is not None and queries.actions_for_handler(user).filter(pk=action.pk).exists()


@rule("concerns.respond_action")
def may_respond_action(user, action: Action) -> bool:
    return (
        may_view_action(user, action)
        and action.state == Action.State.OPEN
        and action.concern.status not in FINISHED
    )


@rule("concerns.learn_action_handed_on")
def may_learn_action_handed_on(user, action_id: int) -> bool:
    """Someone the guardian handed an action away from may be told so, and nothing else of it,
    when they send a response they wrote before (their words are given back to them)."""
    from speakup.concerns.models import ActionChange

    return ActionChange.objects.filter(action_id=action_id, from_handler=user).exists()


@rule("concerns.list_cases")
def may_list_cases(user, _obj=None) -> bool:
    return bool(organisation_ids_where(user, Role.GUARDIAN))


@rule("concerns.list_actions")
def may_list_actions(user, _obj=None) -> bool:
    return bool(organisation_ids_where(user, Role.LINE_MANAGER))


@rule("concerns.list_led")
def may_list_led(user, _obj=None) -> bool:
    return bool(queries.leader_organisation_ids(user))


@rule("concerns.use_case_pages")
def may_use_case_pages(user, _obj=None) -> bool:
    """Anyone a case page could ever be for: guardians, accountable leaders and whoever holds
    or may be handed actions. Everyone else is told "page not found" before being asked for a
    second factor they would give for nothing."""
    return (
        may_list_cases(user)
        or may_list_actions(user)
        or may_list_led(user)
        or queries.actions_for_handler(user).exists()
    )


register_nav(NavLink("Cases", "concerns:list_cases", "concerns.list_cases", order=20))
register_nav(NavLink("Your actions", "concerns:list_actions", "concerns.list_actions", order=21))
register_nav(NavLink("Cases you lead", "concerns:list_led", "concerns.list_led", order=22))
