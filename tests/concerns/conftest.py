"""Fixtures for the concerns tests (shared by the speaker and staff sides: append, never rename)."""

import pytest

# --- Staff side (Listen Up / Follow Up) ---------------------------------------------------


class Staff:
    """The people around one organisation's cases."""

    def __init__(self, person_with_role, organisation):
        from speakup.organisations.roles import Role

        self.organisation = organisation
        self.guardian = person_with_role(Role.GUARDIAN, full_name="Gina Guardian")
        self.manager = person_with_role(Role.LINE_MANAGER, full_name="Manny Manager")
        self.lead = person_with_role(Role.EXECUTIVE_LEAD, full_name="Eve Executive")
        self.ned = person_with_role(Role.NON_EXECUTIVE_LEAD, full_name="Ned Nonexec")


@pytest.fixture
def staff(person_with_role, organisation):
    return Staff(person_with_role, organisation)


@pytest.fixture
def concern(staff):
    from tests.concerns.factories import ConcernFactory

    return ConcernFactory(organisation=staff.organisation)
