"""Demo data returns: sent by two guardians, the latest missing from one, none from the third."""

import pytest
from django.core.management import call_command

from speakup.reporting.models import DataReturnSubmission
from speakup.reporting.quarters import current_quarter

pytestmark = pytest.mark.django_db


def test_the_demo_has_data_returns_sent_and_missing(capsys):
    call_command("demo-data")
    latest = current_quarter().previous()
    sent = DataReturnSubmission.objects.filter(
        financial_year=latest.financial_year, quarter=latest.number
    )
    assert list(sent.values_list("organisation__ods_code", flat=True)) == ["DEMO1"]
    first = DataReturnSubmission.objects.earliest("submitted_at")
    assert first.figures["total_cases"] > 0  # the demo history's cases were counted
    count = DataReturnSubmission.objects.count()
    call_command("demo-data")
    assert DataReturnSubmission.objects.count() == count == 7
