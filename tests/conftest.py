"""Fixtures shared by every test: people in each role, and clients signed in as them."""

import datetime
import re

import pytest
from django.core.cache import cache
from django_otp import DEVICE_ID_SESSION_KEY

from speakup.core.two_factor import enrol_confirmed_device
from speakup.organisations.roles import NATIONAL_ROLES, Role
from tests.organisations.factories import MembershipFactory, OrganisationFactory, UserFactory


def date_boxes(name: str, day: datetime.date) -> dict[str, str]:
    """A date as a form's NHS.UK date input posts it: day, month and year boxes."""
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def field_error(response, name: str) -> str:
    """The error message shown above a form's field, as read (empty when there is none)."""
    page = " ".join(response.content.decode().split())
    found = re.search(rf'id="id_{name}-error" > <span [^>]*>Error: </span>(.*?) </span>', page)
    return found.group(1) if found else ""


@pytest.fixture(autouse=True)
def kek_file(settings, tmp_path):
    """Every test gets its own key-encryption key file, never the real var/kek.json."""
    settings.SPEAKUP_KEK_FILE = tmp_path / "keys" / "kek.json"
    return settings.SPEAKUP_KEK_FILE


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (attachments, rosters) go to a folder of the test's own, never var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters live in the cache: no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(ods_code="TST01", name="Testshire Fictional NHS Trust")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(ods_code="OTH01", name="Otherton Fictional NHS Trust")


@pytest.fixture
def person_with_role(db, organisation):
    """Make a person holding `role` (in `organisation` unless the role is national)."""

    def make(role: Role, organisation_=None, **user_fields):
        user = UserFactory(**user_fields)
        where = None if role in NATIONAL_ROLES else (organisation_ or organisation)
        MembershipFactory(user=user, role=role, organisation=where)
        return user

    return make


def sign_in(client, user):
    """Sign the client in as `user`, with their second factor given when they have a device."""
    client.force_login(user)
    device = enrol_confirmed_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_as(client, person_with_role):
    """A test client signed in (second factor given) as a new person holding `role`."""

    def make(role: Role, organisation_=None):
        user = person_with_role(role, organisation_)
        sign_in(client, user)
        client.user = user
        return client

    return make
