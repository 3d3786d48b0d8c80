"""The one place the register asks training whether a director has completed Follow Up.

The training app provides `follow_up_completed_on(*, email) -> date | None`. Until it does (or
if it cannot answer), the register says training is "not known" rather than guessing.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FollowUpStatus:
    known: bool
    completed_on: date | None = None


NOT_KNOWN = FollowUpStatus(known=False)


def _reader():
    try:
        from speakup.training.queries import follow_up_completed_on
    except ImportError:
        return None
    return follow_up_completed_on if callable(follow_up_completed_on) else None


def follow_up_status(director) -> FollowUpStatus:
    reader = _reader()
    if reader is None:
        return NOT_KNOWN
    try:
        completed_on = reader(email=director.email)
    except Exception:  # noqa: BLE001  training not ready must never break the register
        return NOT_KNOWN
    return FollowUpStatus(known=True, completed_on=completed_on)
