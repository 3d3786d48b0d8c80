"""The one place the register asks training whether a director has completed Follow Up.

The training app provides `follow_up_completed_on(*, email) -> date | None`. Until it does (or
if it cannot answer), the register says training is "not known" rather than guessing.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

logger = logging.getLogger(__name__)


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
    except Exception:  # training failing to answer must never take the register down with it
        logger.exception("training could not say whether a director completed Follow Up")
        return NOT_KNOWN
    if isinstance(completed_on, datetime):
        completed_on = completed_on.date()
    return FollowUpStatus(known=True, completed_on=completed_on)
