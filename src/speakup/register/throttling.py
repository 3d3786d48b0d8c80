"""Rate limits and ETags for the public register (pages, open data and API)."""

import hashlib

from rest_framework.throttling import AnonRateThrottle

from speakup.register.queries import register_fingerprint


class RegisterRateThrottle(AnonRateThrottle):
    """People not signed in: 120 requests a minute to the public register's data."""

    scope = "register"
    rate = "120/min"

    def get_rate(self):
        return self.rate


def register_etag(request, *args, **kwargs) -> str:
    """Same register, same address, same ETag: a client can ask "has it changed?" cheaply."""
    key = f"{register_fingerprint()}|{request.get_full_path()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]
