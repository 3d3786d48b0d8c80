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


# Board reports: the organisation's guardians, its FTSU leads, its board and its admins.
BOARD_REPORT_ROLES = (
    Role.GUARDIAN,
    Role.EXECUTIVE_LEAD,
    Role.NON_EXECUTIVE_LEAD,
    Role.BOARD_MEMBER,
    Role.ORGANISATION_ADMIN,
)


@scope("reporting.board_report_organisations")
def board_report_organisations(user):
    return Organisation.objects.filter(
        pk__in=organisation_ids_where(user, *BOARD_REPORT_ROLES), active=True
    )


@rule("reporting.view_any_board_report")
def may_view_any_board_report(user, _obj=None) -> bool:
    return bool(organisation_ids_where(user, *BOARD_REPORT_ROLES))


@rule("reporting.view_board_report")
def may_view_board_report(user, organisation) -> bool:
    return organisation is not None and organisation.pk in organisation_ids_where(
        user, *BOARD_REPORT_ROLES
    )


@rule("reporting.choose_board_report_dates")
def may_choose_board_report_dates(user, organisation) -> bool:
    """Any two dates, not only a financial year or half-year that has ended: the guardians, who
    see every case on their own case list anyway. Anyone else could subtract two reports a day
    apart and single out a speaker (docs/adr/0012-standard-report-periods.md)."""
    return organisation is not None and has_role(user, Role.GUARDIAN, organisation)


@rule("reporting.edit_board_report_inputs")
def may_edit_board_report_inputs(user, organisation) -> bool:
    """The survey scores and the narrative are the guardian's to write."""
    return organisation is not None and has_role(user, Role.GUARDIAN, organisation)


@rule("reporting.view_national_view")
def may_view_national_view(user, _obj=None) -> bool:
    return has_role(user, Role.NATIONAL_ANALYST)
