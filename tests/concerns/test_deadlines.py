"""Deadlines: `speakup tick` escalates overdue work one level at a time, and says nothing more."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from speakup.concerns.models import (
    DetrimentCheckin,
    Escalation,
    IdempotentSubmission,
    Notification,
    Status,
)
from speakup.concerns.services import handling
from speakup.concerns.services.deadlines import deadlines_tick
from speakup.concerns.tasks import tick as tick_task
from speakup.core.models import AuditRecord
from tests.concerns.factories import ConcernFactory, open_action

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
RECEIVED = datetime(2026, 5, 1, 9, 0, tzinfo=LONDON)


@pytest.fixture
def late_concern(staff):
    with time_machine.travel(RECEIVED, tick=False):
        return ConcernFactory(organisation=staff.organisation, received_at=timezone.now())


def _levels(concern, reason):
    return sorted(
        Escalation.objects.filter(concern=concern, reason=reason).values_list("level", flat=True)
    )


def test_nothing_happens_before_the_deadline(late_concern, mailoutbox):
    with time_machine.travel(datetime(2026, 5, 8, 23, 0, tzinfo=LONDON), tick=False):
        deadlines_tick()
    assert not Escalation.objects.exists()
    assert mailoutbox == []


def test_an_unacknowledged_concern_climbs_one_level_every_seven_days(
    staff, late_concern, mailoutbox
):
    reason = Escalation.Reason.ACKNOWLEDGE_OVERDUE
    late_concern.accountable_lead = staff.lead
    late_concern.save()
    with time_machine.travel(datetime(2026, 5, 9, 0, 15, tzinfo=LONDON), tick=False):
        deadlines_tick()
        assert _levels(late_concern, reason) == [1]
        assert [m.to for m in mailoutbox] == [[staff.guardian.email]]
    with time_machine.travel(datetime(2026, 5, 15, 0, 15, tzinfo=LONDON), tick=False):
        deadlines_tick()  # six days on: not yet
        assert _levels(late_concern, reason) == [1]
    with time_machine.travel(datetime(2026, 5, 16, 0, 15, tzinfo=LONDON), tick=False):
        deadlines_tick()
        assert _levels(late_concern, reason) == [1, 2]
        assert mailoutbox[-1].to == [staff.lead.email]
    with time_machine.travel(datetime(2026, 5, 23, 1, 0, tzinfo=LONDON), tick=False):
        # The executive FTSU lead is the accountable leader, told a week ago: the step goes on
        # to the non-executive FTSU lead, not back to them.
        deadlines_tick()
        assert _levels(late_concern, reason) == [1, 2, 4]
    with time_machine.travel(datetime(2026, 6, 30, 1, 0, tzinfo=LONDON), tick=False):
        deadlines_tick()  # past the last level: nobody further to tell
    assert _levels(late_concern, reason) == [1, 2, 4]
    assert [m.to[0] for m in mailoutbox] == [
        staff.guardian.email,
        staff.lead.email,
        staff.ned.email,
    ]
    assert Notification.objects.filter(concern=late_concern).count() == 3
    assert AuditRecord.objects.filter(action="concern.escalate", actor_label="system").count() == 3


def test_a_level_with_nobody_in_it_is_skipped(staff, late_concern):
    # No accountable leader is named yet: the second step goes to the executive FTSU lead.
    with time_machine.travel(datetime(2026, 5, 9, 1, 0, tzinfo=LONDON), tick=False):
        deadlines_tick()
    with time_machine.travel(datetime(2026, 5, 16, 1, 0, tzinfo=LONDON), tick=False):
        deadlines_tick()
    assert _levels(late_concern, Escalation.Reason.ACKNOWLEDGE_OVERDUE) == [1, 3]


def test_running_the_tick_twice_sends_nothing_new(late_concern, mailoutbox):
    with time_machine.travel(datetime(2026, 5, 9, 1, 0, tzinfo=LONDON), tick=False):
        deadlines_tick()
        deadlines_tick()
        call_command("tick", stdout=StringIO())
    assert len(mailoutbox) == 1
    assert Escalation.objects.count() == 1


def test_the_email_says_only_that_something_needs_attention(late_concern, mailoutbox, settings):
    settings.SITE_URL = "https://speakup.example.nhs.uk"
    with time_machine.travel(datetime(2026, 5, 9, 1, 0, tzinfo=LONDON), tick=False):
        deadlines_tick()
    email = mailoutbox[0]
    assert "needs your attention" in email.subject
    link = f"https://speakup.example.nhs.uk/concerns/cases/{late_concern.reference}/"
    assert link in email.body, "the link must work from a mail client"
    assert "nurse" not in email.body and "Sam" not in email.body


def test_acknowledging_resolves_the_escalation_so_it_stops_climbing(staff, late_concern):
    with time_machine.travel(datetime(2026, 5, 9, 1, 0, tzinfo=LONDON), tick=False):
        deadlines_tick()
        handling.concern_acknowledge(user=staff.guardian, concern=late_concern)
    with time_machine.travel(datetime(2026, 5, 20, 1, 0, tzinfo=LONDON), tick=False):
        deadlines_tick()
    escalation = Escalation.objects.get()
    assert escalation.resolved_at is not None


def test_no_feedback_by_the_date_escalates(staff, late_concern):
    late_concern.status = Status.IN_PROGRESS
    late_concern.save()
    with time_machine.travel(late_concern.feedback_by + timedelta(days=1), tick=False):
        deadlines_tick()
    assert _levels(late_concern, Escalation.Reason.FEEDBACK_OVERDUE) == [1]


def test_an_open_action_past_its_date_escalates_to_the_guardian(staff, late_concern):
    late_concern.status = Status.IN_PROGRESS
    late_concern.save()
    action = open_action(
        late_concern, created_by=staff.guardian, handler=staff.manager, respond_by=date(2026, 5, 5)
    )
    with time_machine.travel(datetime(2026, 5, 6, 9, 0, tzinfo=LONDON), tick=False):
        deadlines_tick()
    escalation = Escalation.objects.get(reason=Escalation.Reason.ACTION_OVERDUE)
    assert escalation.action == action and escalation.escalated_to == staff.guardian


def test_a_due_checkin_emails_a_named_speaker_but_waits_for_an_anonymous_one(staff, mailoutbox):
    named = ConcernFactory(organisation=staff.organisation, status=Status.CLOSED)
    anonymous = ConcernFactory(
        organisation=staff.organisation, status=Status.CLOSED, confidentiality="anonymous"
    )
    today = timezone.localdate()
    DetrimentCheckin.objects.create(concern=named, due_on=today)
    DetrimentCheckin.objects.create(concern=anonymous, due_on=today)
    deadlines_tick()
    deadlines_tick()
    assert [m.to for m in mailoutbox] == [["sam.speaker@fictional.test"]]
    assert "receipt code" in mailoutbox[0].body and "nurse" not in mailoutbox[0].body
    assert DetrimentCheckin.objects.get(concern=named).asked_at is not None
    assert DetrimentCheckin.objects.get(concern=anonymous).asked_at is None


def test_idempotency_records_older_than_a_day_are_removed(late_concern):
    old = IdempotentSubmission.objects.create(
        key_hash="a" * 64,
        concern=late_concern,
        response_sealed=b"x",
        created_at=timezone.now() - timedelta(days=2),
    )
    IdempotentSubmission.objects.create(
        key_hash="b" * 64, concern=late_concern, response_sealed=b"y"
    )
    deadlines_tick()
    assert list(IdempotentSubmission.objects.values_list("key_hash", flat=True)) == ["b" * 64]
    assert not IdempotentSubmission.objects.filter(pk=old.pk).exists()


def test_the_celery_task_runs_the_same_tick(late_concern):
    with time_machine.travel(datetime(2026, 5, 9, 1, 0, tzinfo=LONDON), tick=False):
        lines = tick_task.delay().get()
    assert "Escalations made: 1" in lines


def test_an_email_that_cannot_be_sent_holds_up_only_its_own_escalation(
    staff, late_concern, mailoutbox, monkeypatch
):
    """The mail server refuses the first escalation email: that concern is left for the next
    tick (nothing of it recorded), the other is escalated, and the next tick sends the first."""
    from django.core import mail

    from speakup.core import emails

    with time_machine.travel(RECEIVED, tick=False):
        other = ConcernFactory(organisation=staff.organisation, received_at=timezone.now())
    refused = []

    def send_once_refused(*args, **kwargs):
        if not refused:
            refused.append(args)
            raise OSError("the mail server refused the message")
        return mail.send_mail(*args, **kwargs)

    monkeypatch.setattr(emails, "send_mail", send_once_refused)
    with time_machine.travel(datetime(2026, 5, 9, 0, 15, tzinfo=LONDON), tick=False):
        report = deadlines_tick()
    assert report.failed == 1 and len(report.escalations) == 1
    assert "Failed, to be tried again at the next tick: 1" in report.lines()
    escalated = {e.concern for e in Escalation.objects.all()}
    assert len(escalated) == 1 and escalated <= {late_concern, other}
    with time_machine.travel(datetime(2026, 5, 9, 0, 30, tzinfo=LONDON), tick=False):
        again = deadlines_tick()
    assert again.failed == 0 and len(again.escalations) == 1
    assert {e.concern for e in Escalation.objects.all()} == {late_concern, other}
    assert len(mailoutbox) == 2
