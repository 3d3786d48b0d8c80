"""Demo concerns: every state, sealed like real ones, and a known receipt code to try."""

import pytest
from django.core.management import call_command

from speakup.concerns.demo import DEMO_RECEIPT_CODES
from speakup.concerns.models import Concern, Feedback, Status
from speakup.concerns.sealing import unseal
from speakup.concerns.services.speaker import concern_for_receipt

pytestmark = pytest.mark.django_db


def test_demo_concerns_cover_every_state_and_can_be_loaded_twice(capsys):
    call_command("demo-data")
    demo1 = Concern.objects.filter(organisation__ods_code="DEMO1")
    statuses = set(demo1.values_list("status", flat=True))
    assert {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.FEEDBACK_GIVEN,
        Status.CLOSED,
    } <= statuses
    assert demo1.filter(confidentiality="anonymous").exists()
    assert demo1.filter(actions__handler__email__startswith="line-manager").exists()
    assert Feedback.objects.filter(concern__organisation__ods_code="DEMO1").exists()
    count = Concern.objects.count()
    call_command("demo-data")
    assert Concern.objects.count() == count


def test_the_demo_receipt_code_opens_the_anonymous_concern(capsys):
    call_command("demo-data")
    concern = concern_for_receipt(DEMO_RECEIPT_CODES["DEMO1"])
    assert concern.confidentiality == "anonymous"
    assert "turned" in unseal(concern, "narrative", concern.narrative_sealed)
