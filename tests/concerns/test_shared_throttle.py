"""The receipt sign-in throttle holds across web processes when CACHE_URL names a Redis.

Redis runs at 127.0.0.1:6379 on the development machines and in CI. Outside CI a missing
Redis skips these tests; under CI=true it fails them.
"""

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.test import Client

REDIS_URL = os.environ.get("SPEAKUP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SESSION = "/api/v1/speaker/session"
WRONG = {"receipt_code": "1234 5678 9012 3456"}
pytestmark = pytest.mark.django_db


def _redis_or_skip():
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL} under CI: {error}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return connection


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis, under a prefix of this test's own (removed afterwards)."""
    connection = _redis_or_skip()
    prefix = f"speakup-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield connection, prefix
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


def _another_process_cache(prefix):
    """A second, independent cache connection: what another web process would hold."""
    from django.core.cache.backends.redis import RedisCache

    return RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})


def test_two_clients_share_the_global_limit_through_redis(redis_cache, settings):
    connection, prefix = redis_cache
    settings.SPEAKUP_RECEIPT_ATTEMPTS_PER_MINUTE = 3
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="198.51.100.2")
    with time_machine.travel(datetime(2025, 5, 1, 9, 0, 10, tzinfo=UTC), tick=False):
        assert first.post(SESSION, WRONG, content_type="application/json").status_code == 401
        assert first.post(SESSION, WRONG, content_type="application/json").status_code == 401
        assert second.post(SESSION, WRONG, content_type="application/json").status_code == 401
        # Three attempts this minute across the service: everyone waits, whoever asks.
        assert second.post(SESSION, WRONG, content_type="application/json").status_code == 429
        assert first.post(SESSION, WRONG, content_type="application/json").status_code == 429
        # The count lives in Redis, where every web process reads it.
        other_process = _another_process_cache(prefix)
        minute = int(datetime(2025, 5, 1, 9, 0, 10, tzinfo=UTC).timestamp() // 60)
        assert other_process.get(f"speakup:receipt-throttle:attempts:{minute}") == 3
    assert any(connection.scan_iter(f"{prefix}:*"))


def test_a_clients_failures_count_in_every_process(redis_cache, settings):
    _, prefix = redis_cache
    settings.SPEAKUP_RECEIPT_FAILURES_PER_CLIENT_PER_HOUR = 2
    client = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(2):
        assert client.post(SESSION, WRONG, content_type="application/json").status_code == 401
    assert client.post(SESSION, WRONG, content_type="application/json").status_code == 429
    assert _another_process_cache(prefix).get("speakup:receipt-throttle:failures-total") == 2
    # Nothing in Redis names the client's address.
    keys = b" ".join(redis_cache[0].scan_iter(f"{prefix}:*"))
    assert b"192.0.2.7" not in keys


SPEAKUP = str(Path(sys.executable).parent / "speakup")


def _settings_with(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "CACHE_URL", "SECRET_KEY"}
    }
    script = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    return subprocess.run(
        [SPEAKUP, "shell", "-c", script],
        env={**clean, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cache_url_chooses_redis_and_no_cache_url_keeps_memory():
    assert _settings_with(CACHE_URL=REDIS_URL).stdout.splitlines()[-1] == (
        "django.core.cache.backends.redis.RedisCache"
    )
    assert (
        _settings_with().stdout.splitlines()[-1] == "django.core.cache.backends.locmem.LocMemCache"
    )


def test_a_file_cache_url_shares_a_folder_between_the_processes_of_one_machine(tmp_path):
    result = _settings_with(CACHE_URL=f"file://{tmp_path}")
    assert result.stdout.splitlines()[-1] == ("django.core.cache.backends.filebased.FileBasedCache")


def test_an_unsupported_cache_url_stops_start_up_with_one_line():
    result = _settings_with(CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "speakup: configuration error: CACHE_URL must start with redis://, rediss:// or "
        "file:///, not memcached://"
    ]
