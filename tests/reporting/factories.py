"""Cases for reporting tests, made straight in the database.

Reporting never decrypts, so the sealed fields hold dummy bytes; every case still gets a unique
reference and receipt hash as the real ones do.
"""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from speakup.concerns.models import Concern, ConcernElement, Confidentiality, Feedback

LONDON = ZoneInfo("Europe/London")
_numbers = itertools.count(1)


def london(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def make_case(
    organisation,
    *,
    received: datetime,
    confidentiality: str = Confidentiality.CONFIDENTIAL,
    worker_group: str = "nursing_midwifery",
    elements=(),
    feedback: str | None = None,
    feedback_at: datetime | None = None,
) -> Concern:
    number = next(_numbers)
    concern = Concern.objects.create(
        organisation=organisation,
        reference=f"R{number:08d}",
        confidentiality=confidentiality,
        worker_group=worker_group,
        received_at=received,
        acknowledge_by=(received + timedelta(days=7)).date(),
        feedback_by=(received + timedelta(days=91)).date(),
        wrapped_key="dummy",
        receipt_hash=f"dummy-receipt-hash-{number}",
        narrative_sealed=b"dummy: reporting never decrypts",
    )
    for code in elements:
        ConcernElement.objects.create(concern=concern, code=code)
    if feedback is not None:
        Feedback.objects.create(
            concern=concern,
            would_speak_up_again=feedback,
            detriment=False,
            given_at=feedback_at or received + timedelta(days=30),
        )
    return concern
