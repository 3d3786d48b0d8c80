"""Who may take modules, see training dashboards and manage rosters."""

from speakup.core.navigation import NavLink, register_nav
from speakup.core.permissions import rule
from speakup.organisations.queries import has_role, organisation_ids_where
from speakup.organisations.roles import Role

# Those who see an organisation's training dashboard (issue 4, "Compliance").
DASHBOARD_ROLES = (
    Role.ORGANISATION_ADMIN,
    Role.GUARDIAN,
    Role.EXECUTIVE_LEAD,
    Role.NON_EXECUTIVE_LEAD,
    Role.BOARD_MEMBER,
)


def _organisation_id(organisation) -> int | None:
    return getattr(organisation, "pk", organisation)


@rule("training.take_modules")
def may_take_modules(user, _obj=None) -> bool:
    from speakup.training.queries import training_organisations_of

    return bool(training_organisations_of(user=user))


@rule("training.view_any_dashboard")
def may_view_any_dashboard(user, _obj=None) -> bool:
    return bool(organisation_ids_where(user, *DASHBOARD_ROLES))


@rule("training.view_dashboard")
def may_view_dashboard(user, organisation) -> bool:
    return _organisation_id(organisation) in organisation_ids_where(user, *DASHBOARD_ROLES)


@rule("training.manage_roster")
def may_manage_roster(user, organisation) -> bool:
    return has_role(user, Role.ORGANISATION_ADMIN, _organisation_id(organisation))


@rule("training.import_completions")
def may_import_completions(user, organisation) -> bool:
    return has_role(user, Role.ORGANISATION_ADMIN, _organisation_id(organisation))


@rule("training.view_certificate")
def may_view_certificate(user, completion) -> bool:
    return completion is not None and completion.user_id == user.pk


register_nav(NavLink("Your training", "training:my_training", "training.take_modules", order=30))
register_nav(
    NavLink("Training dashboard", "training:dashboards", "training.view_any_dashboard", order=60)
)


@rule("training.view_team")
def may_view_team(user, _obj=None) -> bool:
    from speakup.training.queries import line_manager_records_of

    return bool(line_manager_records_of(user=user))


register_nav(NavLink("Your team's training", "training:show_team", "training.view_team", order=35))
