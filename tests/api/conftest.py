"""What the API's fuzz tests share: the service called through its WSGI app."""

import pytest


@pytest.fixture
def quiet_service(settings, tmp_path):
    """Keys and files of the test's own, no throttle counts left by other tests."""
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["localhost"]
    settings.SPEAKUP_KEK_FILE = tmp_path / "kek.json"
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    # The WSGI app closes the database connection after each request; the test's transaction
    # lives on that connection, so keep it open (as Django's own test client does).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    cache.clear()
