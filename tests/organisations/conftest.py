"""Fixtures for helping someone sign in: emails' links are made with this SITE_URL."""

import pytest

from speakup.core.two_factor import enrol_confirmed_device
from speakup.organisations.roles import Role

SITE = "https://speakup.example.nhs.uk"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def guardian(person_with_role):
    """A guardian with their authenticator app set up."""
    guardian = person_with_role(Role.GUARDIAN, full_name="Gina Guardian")
    enrol_confirmed_device(guardian)
    return guardian
