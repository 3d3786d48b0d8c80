"""Demo quarterly data returns: the guardians of two demo organisations have sent theirs.

Made after the demo cases, through `data_return_submit`, each as if two weeks after its quarter
ended, so the snapshot holds what the figures were then and later changes show as corrections.
One organisation has not sent the latest return and one has sent none, so the national returns
page shows both what came in and what is missing. Safe to run again.
"""

from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from speakup.organisations.demo import as_if_on, demo_guardian
from speakup.organisations.models import Organisation
from speakup.reporting import queries
from speakup.reporting.quarters import Quarter, current_quarter
from speakup.reporting.services import data_return_submit

QUARTERS_SENT = 4
# ODS code -> how many of the latest ended quarters its guardian has not sent yet
NOT_YET_SENT = {"DEMO1": 0, "DEMO3": 1}  # DEMO2, behind on its duties, has sent none


def _sent_quarters(latest_not_sent: int) -> list[Quarter]:
    quarter = current_quarter().previous()
    ended = []
    for _ in range(QUARTERS_SENT):
        ended.append(quarter)
        quarter = quarter.previous()
    return ended[latest_not_sent:]


@transaction.atomic
def load_demo() -> None:
    for code, not_sent in NOT_YET_SENT.items():
        organisation = Organisation.objects.filter(ods_code=code).first()
        guardian = demo_guardian(code)
        if organisation is None or guardian is None:
            continue
        for quarter in _sent_quarters(not_sent):
            if queries.submission_for(organisation=organisation, quarter=quarter):
                continue
            sent_on = quarter.last_day + timedelta(days=14)
            if sent_on >= timezone.localdate():
                continue  # not yet: the quarter ended under two weeks ago
            with as_if_on(datetime.combine(sent_on, time(10), tzinfo=UTC)):
                data_return_submit(organisation=organisation, quarter=quarter, by=guardian)
