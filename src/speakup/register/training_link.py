"""The one place the register asks training about a director's Follow Up.

Training gives it by its own rule, the one its pages use (`board_directors`, ADR 0018):
`follow_up_of_appointed(*, appointments=[(email, organisation id, appointed on)], today)` gives
each appointment's Follow Up as the worker's status on that organisation's roster, and
`board_member_dated(...)` records an appointment's day on the roster. If training cannot
answer, the register says training is "not known" rather than guessing.
"""

import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

logger = logging.getLogger(__name__)

# Training's statuses as the register counts them: training run out is late, as overdue is.
DONE, DUE, LATE = "done", "due", "late"
_STATES = {"compliant": DONE, "due": DUE, "overdue": LATE, "expired": LATE}


@dataclass(frozen=True)
class FollowUpStatus:
    known: bool
    state: str = ""  # DONE, DUE or LATE
    due_on: date | None = None  # when not done: by when (training's due date, or refresher)
    completed_on: date | None = None
    valid_until: date | None = None  # when done: the refresher's day (None: never needed)


NOT_KNOWN = FollowUpStatus(known=False)


def _reader(name: str):
    try:
        training = importlib.import_module("speakup.training.board_directors")
    except ImportError:
        return None
    reader = getattr(training, name, None)
    return reader if callable(reader) else None


def _of_training(status) -> FollowUpStatus:
    return FollowUpStatus(
        known=True,
        state=_STATES.get(status.status, LATE),
        due_on=status.due_on,
        completed_on=status.completed_on,
        valid_until=status.valid_until,
    )


def _worst(statuses: list[FollowUpStatus]) -> FollowUpStatus:
    """A director on several boards: the least done of their organisations' answers."""
    order = [DONE, DUE, LATE]
    return max(statuses, key=lambda s: (order.index(s.state), -(s.due_on or date.max).toordinal()))


def follow_up_statuses(current: Iterable[tuple], *, today: date) -> dict[int, FollowUpStatus]:
    """Each director's Follow Up, by director id, asked of training in one go: `current` is
    (director, their current appointments) pairs."""
    current = [(director, list(appointments)) for director, appointments in current]
    asked = [(director, appointments) for director, appointments in current if appointments]
    if not asked:
        return {}
    reader = _reader("follow_up_of_appointed")
    if reader is None:
        return {director.pk: NOT_KNOWN for director, _ in asked}
    try:
        answers = reader(
            appointments=[
                (director.email, a.organisation_id, a.start_date)
                for director, appointments in asked
                for a in appointments
            ],
            today=today,
        )
        return {
            director.pk: _worst(
                [
                    _of_training(answers[(director.email.lower(), a.organisation_id)])
                    for a in appointments
                ]
            )
            for director, appointments in asked
        }
    except Exception:  # training failing to answer must never take the register down with it
        logger.exception("training could not say the directors' Follow Up")
        return {director.pk: NOT_KNOWN for director, _ in asked}


def follow_up_status(director, appointments, *, today: date) -> FollowUpStatus:
    return follow_up_statuses([(director, appointments)], today=today).get(director.pk, NOT_KNOWN)


def board_member_dated(*, actor, organisation, email: str, appointed_on: date) -> None:
    """Tell training the day a director joined a board, so that their roster record has it."""
    writer = _reader("board_member_dated")
    if writer is not None:
        writer(actor=actor, organisation=organisation, email=email, appointed_on=appointed_on)
