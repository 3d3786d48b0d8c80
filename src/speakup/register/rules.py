"""Who may do what with the register.

A "director" is a signed-in person whose account is linked to a register entry or whose email
matches one (`queries.director_for_user`). The public pages need no rule: they show only what
is public.
"""

from datetime import date

from django.utils import timezone

from speakup.core.dates import day_in_words
from speakup.core.permissions import rule, scope
from speakup.organisations.queries import has_role, organisation_ids_where
from speakup.organisations.roles import Role
from speakup.register.models import RegulatoryCase
from speakup.register.queries import chaired_organisation_ids, director_for_user

# Who sees an organisation's board compliance (besides register officers and the chair): the
# executive and non-executive FTSU leads, and the organisation admin, who keeps the board's
# entries (the company secretary acting for the chair holds that role). Other board members see
# their own duties on their own entry, not their colleagues'. (docs/register.md)
BOARD_VIEWERS = (
    Role.ORGANISATION_ADMIN,
    Role.EXECUTIVE_LEAD,
    Role.NON_EXECUTIVE_LEAD,
)


def is_register_officer(user) -> bool:
    return has_role(user, Role.REGISTER_OFFICER)


def _board_ids(user) -> set[int]:
    return set(organisation_ids_where(user, *BOARD_VIEWERS)) | chaired_organisation_ids(user)


@rule("register.run_register")
def may_run_register(user, _obj=None) -> bool:
    return is_register_officer(user)


@rule("register.be_director")
def may_be_director(user, _obj=None) -> bool:
    return director_for_user(user) is not None


@rule("register.view_boards")
def may_view_any_board(user, _obj=None) -> bool:
    return is_register_officer(user) or bool(_board_ids(user))


@rule("register.view_board")
def may_view_board(user, organisation) -> bool:
    return is_register_officer(user) or organisation.pk in _board_ids(user)


@rule("register.record_fppt")
def may_record_fppt(user, organisation) -> bool:
    # The chair records the outcomes, or the company secretary on their behalf (the admin role).
    return has_role(user, Role.ORGANISATION_ADMIN, organisation) or (
        organisation.pk in chaired_organisation_ids(user)
    )


@rule("register.manage_board")
def may_manage_board(user, organisation) -> bool:
    # The organisation admin, or the company secretary acting for the chair in that role.
    return has_role(user, Role.ORGANISATION_ADMIN, organisation)


@rule("register.respond_to_case")
def may_respond_to_case(user, case) -> bool:
    director = director_for_user(user)
    return director is not None and case.director_id == director.pk


def is_own_entry(user, director) -> bool:
    """Whether `director` is `user`'s own entry (linked to their account, or with their email):
    no one acts on a case about it or records its fit and proper person checks."""
    return user is not None and (
        director.user_id == user.pk or director.email.lower() == (user.email or "").lower()
    )


def decide_blocker(user, case, today: date | None = None) -> str:
    """Why `user` may not decide `case` now, in one sentence; empty when they may. The case page
    says it instead of showing the form, and `services.case_decide` refuses with it."""
    if user.pk == case.opened_by_id:
        return "You opened this case, so a different register officer must decide it."
    if is_own_entry(user, case.director):
        return "You cannot decide a case about your own register entry."
    if hasattr(case, "decision"):
        return "This case has already been decided."
    if case.responded_at is None and (today or timezone.localdate()) <= case.response_due:
        return (
            f"The director has until {day_in_words(case.response_due)} to respond: the case can "
            "be decided once they respond or that date has passed."
        )
    return ""


@rule("register.decide_case")
def may_decide_case(user, case) -> bool:
    return is_register_officer(user) and not decide_blocker(user, case)


def decide_appeal_blocker(user, appeal) -> str:
    """Why `user` may not decide `appeal` now, in one sentence; empty when they may. A third
    officer decides it: the case page says this instead of showing the form, and
    `services.appeal_decide` refuses with it."""
    decision = appeal.decision
    case = decision.case
    if user.pk == case.opened_by_id:
        return "You opened this case, so a third register officer must decide the appeal."
    if user.pk == decision.decided_by_id:
        return "You made the decision, so a third register officer must decide the appeal."
    if is_own_entry(user, case.director):
        return "You cannot decide an appeal on a case about your own register entry."
    if appeal.decided_at is not None:
        return "This appeal has already been decided."
    return ""


@rule("register.decide_appeal")
def may_decide_appeal(user, appeal) -> bool:
    return is_register_officer(user) and not decide_appeal_blocker(user, appeal)


@scope("register.my_cases")
def my_cases(user):
    director = director_for_user(user)
    if director is None:
        return RegulatoryCase.objects.none()
    return RegulatoryCase.objects.filter(director=director).select_related("director")


@scope("register.all_cases")
def all_cases(user):
    if not is_register_officer(user):
        return RegulatoryCase.objects.none()
    return RegulatoryCase.objects.select_related("director", "opened_by")


def correct_blocker(user, director) -> str:
    """Why `user` may not correct `director`'s entry; empty when they may. An officer's own entry
    is corrected by another officer, as their own case is decided by another."""
    if is_own_entry(user, director):
        return "You cannot correct your own register entry: another register officer must do it."
    return ""


@rule("register.correct_entry")
def may_correct_entry(user, director) -> bool:
    return is_register_officer(user) and not correct_blocker(user, director)
