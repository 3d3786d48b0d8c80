"""The roles a person can hold, and what follows from holding them."""

from django.db import models


class Role(models.TextChoices):
    WORKER = "worker", "Worker"
    LINE_MANAGER = "line_manager", "Line manager"
    GUARDIAN = "guardian", "FTSU guardian"
    CHAMPION = "champion", "FTSU champion"
    EXECUTIVE_LEAD = "executive_lead", "Executive FTSU lead"
    NON_EXECUTIVE_LEAD = "non_executive_lead", "Non-executive FTSU lead"
    BOARD_MEMBER = "board_member", "Board member"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"
    NATIONAL_ANALYST = "national_analyst", "National analyst"
    REGISTER_OFFICER = "register_officer", "Register officer"


NATIONAL_ROLES = frozenset({Role.NATIONAL_ANALYST, Role.REGISTER_OFFICER})
ORGANISATION_ROLES = frozenset(set(Role) - NATIONAL_ROLES)

# Roles that see case content, run an organisation, or see national data sign in with a
# second factor (architecture.md, "Security model").
# Accountable leaders read case content (docs/concerns.md); line managers and board members who
# are handed a case are asked for a second factor by the case pages themselves.
TWO_FACTOR_ROLES = frozenset(
    {
        Role.GUARDIAN,
        Role.EXECUTIVE_LEAD,
        Role.NON_EXECUTIVE_LEAD,
        Role.ORGANISATION_ADMIN,
        Role.NATIONAL_ANALYST,
        Role.REGISTER_OFFICER,
    }
)

# Roles whose holders may be handed a case (an action, or the case as its accountable leader):
# the case pages ask them for a second factor then (concerns.views.staff_pages.staff_page).
MAY_BE_HANDED_CASES = frozenset({Role.LINE_MANAGER, Role.BOARD_MEMBER})

# Roles whose holders sit on or lead the board: they take the Follow Up module.
SENIOR_ROLES = frozenset({Role.EXECUTIVE_LEAD, Role.NON_EXECUTIVE_LEAD, Role.BOARD_MEMBER})
