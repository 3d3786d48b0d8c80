"""Who may do what with organisations and people."""

from speakup.core.navigation import NavLink, register_nav
from speakup.core.permissions import rule
from speakup.organisations.queries import (
    has_role,
    organisation_ids_of_every_role,
    organisation_ids_where,
    roles_of,
    second_factor_given,
)
from speakup.organisations.roles import Role


@rule("core.use_admin")
def may_use_admin(user, _obj=None) -> bool:
    # Only superusers reach the Django admin, and only after their second factor.
    return user.is_superuser and user.is_staff


@rule("organisations.view_organisation")
def may_view_organisation(user, organisation) -> bool:
    return any(held.organisation_id == organisation.pk for held in roles_of(user))


@rule("organisations.manage_organisation")
def may_manage_organisation(user, organisation) -> bool:
    return has_role(user, Role.ORGANISATION_ADMIN, organisation)


@rule("organisations.manage_any_organisation")
def may_manage_any_organisation(user, _obj=None) -> bool:
    return bool(organisation_ids_where(user, Role.ORGANISATION_ADMIN))


@rule("organisations.help_person_sign_in")
def may_help_person_sign_in(user, person) -> bool:
    """Unlock the account of `person`, remove their authenticator or send them a link to set a
    new password: an organisation admin who gave their second factor, for someone else all of
    whose roles are at organisations they run. Never for a superuser or staff, nor anyone with
    a national role (it has no organisation) or a role elsewhere: their own organisation, or the
    team that runs speakup, helps them (docs/security.md, "Help signing in")."""
    if person is None or person.pk == user.pk or not second_factor_given(user):
        return False
    if person.is_superuser or person.is_staff or not person.is_active:
        return False
    theirs = organisation_ids_of_every_role(person)
    return bool(theirs) and theirs <= organisation_ids_where(user, Role.ORGANISATION_ADMIN)


@rule("organisations.view_national")
def may_view_national(user, _obj=None) -> bool:
    return has_role(user, Role.NATIONAL_ANALYST)


register_nav(
    NavLink(
        "Help someone sign in",
        "organisations:sign_in_help",
        "organisations.manage_any_organisation",
        order=65,
    )
)
