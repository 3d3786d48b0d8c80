"""Throttling sign-in by receipt code, per client and for the whole service.

A receipt code is the only key to an anonymous concern, so guessing must be slow: each client
may fail only a few times an hour, and the whole service takes only so many attempts a minute
(which also bounds the Argon2 work an attacker can make us do).

We keep no client addresses. A client is known only by an HMAC of its address under a random
key that lives in the cache and is replaced every hour, so the counters cannot be turned back
into addresses, and an hour later cannot even be linked to the same client. Nothing here
touches the database or the logs. Failed attempts are counted in total (no address at all).

The cache is Django's default (per-process memory). With several processes, configure a shared
cache (e.g. Redis) so that the limits hold across them (docs/security.md).
"""

import hashlib
import hmac
import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

_PREFIX = "speakup:receipt-throttle"
_HOUR = 3600
_MINUTE = 60


def per_client_failure_limit() -> int:
    return getattr(settings, "SPEAKUP_RECEIPT_FAILURES_PER_CLIENT_PER_HOUR", 10)


def global_attempt_limit() -> int:
    return getattr(settings, "SPEAKUP_RECEIPT_ATTEMPTS_PER_MINUTE", 120)


def _hour() -> int:
    return int(time.time() // _HOUR)


def _minute() -> int:
    return int(time.time() // _MINUTE)


def _hourly_key() -> bytes:
    """This hour's random HMAC key, made on first use and kept only in the cache."""
    name = f"{_PREFIX}:hmac-key:{_hour()}"
    cache.add(name, secrets.token_hex(32), timeout=2 * _HOUR)
    key = cache.get(name)
    return bytes.fromhex(key)


def client_id(request) -> str:
    """An opaque name for the client, valid this hour only. Never stored outside the cache."""
    address = (request.META.get("REMOTE_ADDR") or "unknown").encode()
    return hmac.new(_hourly_key(), address, hashlib.sha256).hexdigest()


def _incr(name: str, timeout: int) -> int:
    cache.add(name, 0, timeout=timeout)
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=timeout)
        return 1


def _client_failures_key(request) -> str:
    return f"{_PREFIX}:client-failures:{_hour()}:{client_id(request)}"


def _global_attempts_key() -> str:
    return f"{_PREFIX}:attempts:{_minute()}"


def allow_attempt(request) -> bool:
    """True if this client may try a receipt code now; counts the attempt globally if so."""
    if (cache.get(_client_failures_key(request)) or 0) >= per_client_failure_limit():
        return False
    if (cache.get(_global_attempts_key()) or 0) >= global_attempt_limit():
        log.warning("Receipt sign-in is throttled for everyone: too many attempts this minute")
        return False
    _incr(_global_attempts_key(), 2 * _MINUTE)
    return True


def record_failure(request) -> None:
    """Count a wrong receipt code: against this client (this hour) and in the total."""
    _incr(_client_failures_key(request), 2 * _HOUR)
    total = _incr(f"{_PREFIX}:failures-total", None)
    _incr(f"{_PREFIX}:failures:{_hour()}", 2 * _HOUR)
    log.info("A receipt sign-in failed (%d failures counted since the cache started)", total)


def failures_this_hour() -> int:
    return cache.get(f"{_PREFIX}:failures:{_hour()}") or 0


def failures_total() -> int:
    return cache.get(f"{_PREFIX}:failures-total") or 0


# --- speaking up --------------------------------------------------------------------------


def per_client_submission_limit() -> int:
    return getattr(settings, "SPEAKUP_SUBMISSIONS_PER_CLIENT_PER_HOUR", 20)


def allow_submission(request) -> bool:
    """True if this client may send another concern this hour (a flood guard, not a quota:
    a guardian's office sharing one address will not reach it). Counts the submission."""
    name = f"{_PREFIX}:client-submissions:{_hour()}:{client_id(request)}"
    if (cache.get(name) or 0) >= per_client_submission_limit():
        return False
    _incr(name, 2 * _HOUR)
    return True
