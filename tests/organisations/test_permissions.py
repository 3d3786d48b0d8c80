from django.contrib.auth.models import AnonymousUser

from speakup.core.permissions import can
from speakup.organisations.roles import Role


def test_an_action_nobody_registered_is_refused(person_with_role):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    assert not can(admin, "nothing.registered_this")


def test_an_organisation_admin_manages_only_their_own_organisation(
    person_with_role, organisation, other_organisation
):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    assert can(admin, "organisations.manage_organisation", organisation)
    assert not can(admin, "organisations.manage_organisation", other_organisation)


def test_a_worker_cannot_manage_their_organisation(person_with_role, organisation):
    worker = person_with_role(Role.WORKER)
    assert can(worker, "organisations.view_organisation", organisation)
    assert not can(worker, "organisations.manage_organisation", organisation)


def test_nobody_signed_out_may_do_anything_staff_do(db, organisation):
    assert not can(AnonymousUser(), "organisations.view_organisation", organisation)


def test_an_inactive_person_may_do_nothing(person_with_role, organisation):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    admin.is_active = False
    assert not can(admin, "organisations.manage_organisation", organisation)


def test_only_national_analysts_see_national_figures(person_with_role):
    assert can(person_with_role(Role.NATIONAL_ANALYST), "organisations.view_national")
    assert not can(person_with_role(Role.GUARDIAN), "organisations.view_national")


def test_a_deactivated_organisation_grants_no_roles(person_with_role, organisation):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    organisation.active = False
    organisation.save()
    assert not can(admin, "organisations.manage_organisation", organisation)
