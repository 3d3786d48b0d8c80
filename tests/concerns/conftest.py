"""Fixtures for the concerns tests (shared by the speaker and staff sides: append, never rename)."""

import pytest


@pytest.fixture(autouse=True)
def kek_file(settings, tmp_path):
    """Each test has its own key-encryption key file, never the real var/kek.json."""
    settings.SPEAKUP_KEK_FILE = tmp_path / "keys" / "kek.json"
    return settings.SPEAKUP_KEK_FILE


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
