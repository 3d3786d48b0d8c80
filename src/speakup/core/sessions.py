"""Staff sessions: each ends at a set time, which "Stay signed in" moves (docs/adr/0013).

Also the session engine (SESSION_ENGINE): Django's database sessions, whose cookie still ends
when the browser closes although each session has an end time of its own.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.backends import db
from django.utils import timezone

# A page warns this long before access ends, with a way to stay (WCAG 2.2.1: at least 20
# seconds, and time to read the warning and act on it). The speaker's page uses it too.
WARNING_SECONDS = 2 * 60
# However often a person stays signed in, they sign in again this long after they last did.
LONGEST_SESSION = timedelta(hours=24)
_SIGNED_IN_AT = "speakup_signed_in_at"


class SessionStore(db.SessionStore):
    def get_expire_at_browser_close(self):
        # Django sends a lasting cookie for a session with an end time; ours ends with the
        # browser all the same, for shared computers.
        return settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@dataclass(frozen=True)
class SessionEnding:
    """What the page's "you will be signed out" box needs to know (layout.jinja)."""

    seconds_left: int
    warn_seconds: int
    may_stay: bool


def session_start(*, request) -> None:
    """Just signed in: the session lasts SESSION_COOKIE_AGE from now."""
    now = timezone.now()
    request.session[_SIGNED_IN_AT] = now.isoformat()
    request.session.set_expiry(now + timedelta(seconds=settings.SESSION_COOKIE_AGE))


def _longest_end(session) -> datetime | None:
    signed_in_at = session.get(_SIGNED_IN_AT)
    return datetime.fromisoformat(signed_in_at) + LONGEST_SESSION if signed_in_at else None


def _may_stay(session) -> bool:
    limit = _longest_end(session)
    return limit is not None and session.get_expiry_date() < limit


def session_stay(*, request) -> None:
    """Move the end of a signed-in person's session to SESSION_COOKIE_AGE from now, never later
    than LONGEST_SESSION after signing in."""
    if _may_stay(request.session):
        ends = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        request.session.set_expiry(min(ends, _longest_end(request.session)))


def session_ending(request) -> SessionEnding:
    session = request.session
    left = (session.get_expiry_date() - timezone.now()).total_seconds()
    return SessionEnding(
        seconds_left=max(0, int(left)), warn_seconds=WARNING_SECONDS, may_stay=_may_stay(session)
    )
