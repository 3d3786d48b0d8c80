"""Who may see which reports. Views, the API and commands ask only here."""

from speakup.core.permissions import rule, scope
from speakup.organisations.models import Organisation
from speakup.organisations.queries import has_role, organisation_ids_where
from speakup.organisations.roles import Role


@scope("reporting.data_return_organisations")
def data_return_organisations(user):
    """Organisations whose quarterly return this user prepares (their guardians)."""
    return Organisation.objects.filter(pk__in=organisation_ids_where(user, Role.GUARDIAN))


@rule("reporting.prepare_any_data_return")
def may_prepare_any_data_return(user, _obj=None) -> bool:
    return bool(organisation_ids_where(user, Role.GUARDIAN))


@rule("reporting.prepare_data_return")
def may_prepare_data_return(user, organisation) -> bool:
    """See the organisation's return in full (it is the guardian's own) and submit it."""
    return organisation is not None and has_role(user, Role.GUARDIAN, organisation)


@rule("reporting.view_national_returns")
def may_view_national_returns(user, _obj=None) -> bool:
    return has_role(user, Role.NATIONAL_ANALYST)
