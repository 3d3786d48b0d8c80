"""The one place the register asks training whether a director has completed Follow Up.

The training app provides `queries.follow_up_completed_on(*, email) -> date | None` and, for
whole lists of directors at once, `national.follow_up_completed_on_many(*, emails) -> {email:
date | None}` (emails lower-cased; it reads only the completions of the people asked about).
If training cannot answer, the register says training is "not known" rather than guessing.
"""

import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FollowUpStatus:
    known: bool
    completed_on: date | None = None


NOT_KNOWN = FollowUpStatus(known=False)


def _reader(module: str, name: str):
    try:
        training = importlib.import_module(f"speakup.training.{module}")
    except ImportError:
        return None
    reader = getattr(training, name, None)
    return reader if callable(reader) else None


def _as_date(value) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def follow_up_status(director) -> FollowUpStatus:
    reader = _reader("queries", "follow_up_completed_on")
    if reader is None:
        return NOT_KNOWN
    try:
        completed_on = reader(email=director.email)
    except Exception:  # training failing to answer must never take the register down with it
        logger.exception("training could not say whether a director completed Follow Up")
        return NOT_KNOWN
    return FollowUpStatus(known=True, completed_on=_as_date(completed_on))


def follow_up_statuses(directors: Iterable) -> dict[int, FollowUpStatus]:
    """Each director's Follow Up, by director id, asked of training in one go."""
    directors = list(directors)
    if not directors:
        return {}
    reader = _reader("national", "follow_up_completed_on_many")
    if reader is None:
        return {d.pk: follow_up_status(d) for d in directors}
    try:
        answers = reader(emails=[d.email for d in directors])
    except Exception:  # as above: the register still answers, with training "not known"
        logger.exception("training could not say which directors completed Follow Up")
        return dict.fromkeys((d.pk for d in directors), NOT_KNOWN)
    return {
        d.pk: FollowUpStatus(known=True, completed_on=_as_date(answers.get(d.email.lower())))
        for d in directors
    }
