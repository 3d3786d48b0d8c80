"""Who may do what with organisations and people."""

from speakup.core.permissions import rule
from speakup.organisations.queries import has_role, roles_of
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


@rule("organisations.view_national")
def may_view_national(user, _obj=None) -> bool:
    return has_role(user, Role.NATIONAL_ANALYST)
