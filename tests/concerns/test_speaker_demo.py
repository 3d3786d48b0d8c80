"""Demo concerns: every state, sealed like real ones, and a known receipt code to try."""

import pytest
from django.core.management import call_command

from speakup.concerns.demo import DEMO_RECEIPT_CODES
from speakup.concerns.models import Concern, DetrimentCheckin, Feedback, Status
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


def test_the_demo_has_an_overdue_action_so_the_first_tick_reminds_its_line_manager(
    capsys, mailoutbox
):
    from django.utils import timezone

    from speakup.concerns.models import Action

    call_command("demo-data")
    late = Action.objects.filter(
        concern__organisation__ods_code="DEMO1", respond_by__lt=timezone.localdate()
    )
    assert late.filter(state=Action.State.OPEN, handler__email__startswith="line-manager")
    mailoutbox.clear()
    call_command("tick")
    handler = late.first().handler.email
    assert any(handler in message.to for message in mailoutbox)


def test_the_demo_receipt_code_opens_the_anonymous_concern(capsys):
    call_command("demo-data")
    concern = concern_for_receipt(DEMO_RECEIPT_CODES["DEMO1"])
    assert concern.confidentiality == "anonymous"
    assert "turned" in unseal(concern, "narrative", concern.narrative_sealed)


def test_the_demo_history_gives_reports_real_figures_with_believable_dates(capsys):
    from django.utils import timezone

    from speakup.reporting.board_report_periods import last_half_year

    # The day the demo is made: a run that crosses midnight checks against that day, not the next.
    today = timezone.localdate()
    call_command("demo-data")
    period = last_half_year()
    demo1 = Concern.objects.filter(organisation__ods_code="DEMO1")
    in_period = demo1.filter(received_at__date__range=(period.first_day, period.last_day))
    assert in_period.count() >= 10  # enough for counts, not only "fewer than 5"
    now = timezone.now()
    for concern in demo1.filter(status=Status.CLOSED):
        assert (
            concern.received_at
            <= concern.acknowledged_at
            <= concern.feedback_given_at
            <= concern.closed_at
            <= now
        )
    answers = Feedback.objects.filter(concern__in=demo1.filter(status=Status.CLOSED))
    assert answers.filter(given_at__date__range=(period.first_day, period.last_day)).count() >= 5
    for answer in answers.select_related("concern"):
        assert answer.concern.closed_at <= answer.given_at <= now
    assert not DetrimentCheckin.objects.filter(due_on__lt=today, asked_at__isnull=True).exists()
    call_command("verify-audit")  # the history's audit records still chain
    assert "intact" in capsys.readouterr().out.lower()
