"""Reading concerns: the scoped ways in for staff, and what each role may see of a case.

"Concerns this user may see" is `concerns_visible_to`; views and the API reach it only through
`visible(user, "concerns.concerns")` (registered in rules.py), never through Concern.objects.
"""

from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace

from speakup.concerns.models import FINISHED, Action, ActionChange, Concern, Escalation, Status
from speakup.organisations.queries import organisation_ids_where
from speakup.organisations.roles import Role

# The case list's default status filter: every case not closed or withdrawn.
OPEN_CASES = "open"

# Roles that may be named accountable leader of a case, or receive its escalations.
LEADER_ROLES = (Role.EXECUTIVE_LEAD, Role.BOARD_MEMBER, Role.NON_EXECUTIVE_LEAD)
# Roles that may be named as the accountable leader: executives (docs/concerns.md).
ACCOUNTABLE_ROLES = (Role.EXECUTIVE_LEAD, Role.BOARD_MEMBER)
OPEN_STATUSES = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.FEEDBACK_GIVEN)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def guardian_organisation_ids(user) -> set[int]:
    return organisation_ids_where(user, Role.GUARDIAN) if _signed_in(user) else set()


def leader_organisation_ids(user) -> set[int]:
    return organisation_ids_where(user, *LEADER_ROLES) if _signed_in(user) else set()


def concerns_visible_to(user) -> QuerySet[Concern]:
    """Guardians: their organisations' concerns. Leaders: the concerns they are accountable for
    and those escalated to them, while they still hold a leader role there. Nobody else."""
    if not _signed_in(user):
        return Concern.objects.none()
    guardian_orgs = guardian_organisation_ids(user)
    leader_orgs = leader_organisation_ids(user)
    if not guardian_orgs and not leader_orgs:
        return Concern.objects.none()
    escalated = Escalation.objects.filter(escalated_to=user).values("concern_id")
    return Concern.objects.filter(
        Q(organisation_id__in=guardian_orgs)
        | Q(organisation_id__in=leader_orgs, accountable_lead=user)
        | Q(organisation_id__in=leader_orgs, pk__in=escalated)
    )


def concerns_led_by(user) -> QuerySet[Concern]:
    """The part of the visible concerns a leader follows up (accountable or escalated)."""
    leader_orgs = leader_organisation_ids(user)
    if not leader_orgs:
        return Concern.objects.none()
    escalated = Escalation.objects.filter(escalated_to=user).values("concern_id")
    return Concern.objects.filter(
        Q(accountable_lead=user) | Q(pk__in=escalated), organisation_id__in=leader_orgs
    )


def actions_for_handler(user) -> QuerySet[Action]:
    """The actions assigned to this line manager, in organisations where they still manage."""
    if not _signed_in(user):
        return Action.objects.none()
    orgs = organisation_ids_where(user, Role.LINE_MANAGER)
    if not orgs:
        return Action.objects.none()
    return Action.objects.filter(handler=user, concern__organisation_id__in=orgs).select_related(
        "concern", "concern__organisation"
    )


def case_actions(concern: Concern) -> QuerySet[Action]:
    """A case's actions as its page and the API show them: who holds each, who signed it off,
    and each change with the people in it, in the same few questions however many there are."""
    changes = ActionChange.objects.select_related("by", "from_handler", "to_handler")
    return concern.actions.select_related("handler", "signed_off_by").prefetch_related(
        Prefetch("changes", queryset=changes)
    )


def overdue_q(today) -> Q:
    """Concerns with something late: acknowledgement, feedback, or an open action."""
    return (
        Q(status=Status.RECEIVED, acknowledge_by__lt=today)
        | Q(status__in=(Status.ACKNOWLEDGED, Status.IN_PROGRESS), feedback_by__lt=today)
        | Q(
            pk__in=Action.objects.filter(state=Action.State.OPEN, respond_by__lt=today).values(
                "concern_id"
            )
        )
    )


def concerns_filtered(
    concerns: QuerySet[Concern],
    *,
    today,
    status: str = "",
    overdue: bool = False,
    element: str = "",
    reference: str = "",
) -> QuerySet[Concern]:
    """The guardian's case list, narrowed by the filters on the page (newest first).
    `reference`: characters of a reference without its hyphen (references.reference_characters);
    the cases whose reference holds them, typed across the hyphen or not."""
    if reference:
        concerns = concerns.annotate(
            reference_characters=Replace("reference", Value("-"), Value(""))
        ).filter(reference_characters__contains=reference)
    if status == OPEN_CASES:
        concerns = concerns.filter(status__in=OPEN_STATUSES)
    elif status:
        concerns = concerns.filter(status=status)
    if element:
        concerns = concerns.filter(pk__in=_with_element(element))
    if overdue:
        concerns = concerns.filter(overdue_q(today)).exclude(status__in=FINISHED)
    return (
        concerns.select_related("organisation")
        .prefetch_related("elements")
        .annotate(
            late_actions=Count(
                "actions",
                filter=Q(
                    actions__state=Action.State.OPEN,
                    actions__respond_by__lt=today,
                    status__in=(Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.FEEDBACK_GIVEN),
                ),
            )
        )
        .order_by("-received_at")
    )


def _with_element(code: str):
    from speakup.concerns.models import ConcernElement

    return ConcernElement.objects.filter(code=code).values("concern_id")
