import pytest
from django.core.cache import cache

from speakup.organisations.roles import Role
from tests.register.factories import DirectorFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate limits count in the cache; each test starts with none used.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officers(person_with_role):
    """Three register officers: one opens a case, another decides, a third hears an appeal."""
    return [person_with_role(Role.REGISTER_OFFICER) for _ in range(3)]


@pytest.fixture
def director():
    return DirectorFactory(first_name="Dana", last_name="Dunmore", email="dana@fictional.test")
