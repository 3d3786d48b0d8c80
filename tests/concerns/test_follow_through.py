"""What happens after the speaker writes or reports detriment, and when escalations end.

- a speaker's reply or detriment report emails the guardian a link, never what was said;
- a "yes" to a detriment check-in reopens the case by the guardian's own reopen path;
- escalations made by hand are resolved when the case moves on.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from speakup.concerns.models import (
    DetrimentCheckin,
    Escalation,
    Notification,
    Status,
    StatusChange,
)
from speakup.concerns.services import handling
from speakup.concerns.services.deadlines import deadlines_tick
from speakup.concerns.services.speaker import checkin_answer, speaker_feedback, speaker_reply
from speakup.core.models import AuditRecord
from tests.concerns.test_handling import _through_to_feedback

pytestmark = pytest.mark.django_db

SECRET_REPLY = "The same manager shouted at me again on Tuesday (synthetic)"


def _closed(staff, concern):
    concern, _ = _through_to_feedback(staff, concern)
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="Rota fixed", learning="Check rotas"
    )
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    concern = handling.concern_close(user=staff.guardian, concern=concern)
    return concern


def _only_link(message, concern):
    assert message.subject == "speakup: something needs your attention"
    assert f"/concerns/cases/{concern.reference}/" in message.body
    assert SECRET_REPLY not in message.body
    assert "Night shift" not in message.body  # the narrative


def test_a_speakers_reply_emails_the_guardian_a_link_and_nothing_else(
    staff, concern, django_capture_on_commit_callbacks
):
    concern = handling.concern_acknowledge(user=staff.guardian, concern=concern)
    with django_capture_on_commit_callbacks(execute=True):
        speaker_reply(concern=concern, body=SECRET_REPLY)
    assert [m.to for m in mail.outbox] == [[staff.guardian.email]]
    _only_link(mail.outbox[0], concern)
    assert Notification.objects.get().kind == "speaker.message"


def test_a_reply_to_an_unacknowledged_concern_emails_every_guardian_of_the_organisation(
    staff, concern, person_with_role, django_capture_on_commit_callbacks
):
    from speakup.organisations.roles import Role

    second = person_with_role(Role.GUARDIAN, full_name="Second Guardian")
    with django_capture_on_commit_callbacks(execute=True):
        speaker_reply(concern=concern, body=SECRET_REPLY)
    # One email each, so neither learns the other's address from it.
    assert sorted(m.to for m in mail.outbox) == sorted([[staff.guardian.email], [second.email]])


def test_a_reply_is_kept_even_when_the_mail_server_is_down(
    staff, concern, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        speaker_reply(concern=concern, body=SECRET_REPLY)
    assert concern.messages.count() == 1


def test_a_yes_to_a_checkin_reopens_the_case_as_the_guardians_reopen_does(
    staff, concern, django_capture_on_commit_callbacks
):
    concern = _closed(staff, concern)
    assert concern.learning_signed_off_at is not None
    checkin = concern.checkins.first()
    DetrimentCheckin.objects.filter(pk=checkin.pk).update(due_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        checkin_answer(concern=concern, checkin_id=checkin.pk, detriment=True)
    concern.refresh_from_db()
    assert concern.status == Status.IN_PROGRESS and concern.detriment_reported
    # The learning must be signed off again before the case can close again.
    assert concern.learning_signed_off_at is None
    assert "The accountable leader must sign off the learning" in handling.close_blockers(concern)
    # The check-in still to come waits for the next close, as after the guardian's reopen.
    assert list(concern.checkins.values_list("pk", flat=True)) == [checkin.pk]
    change = StatusChange.objects.filter(concern=concern).last()
    assert (change.from_status, change.to_status, change.by_label) == (
        "closed",
        "in_progress",
        "speaker",
    )
    reopen = AuditRecord.objects.get(action="concern.reopen")
    assert (reopen.actor_label, reopen.detail["why"]) == ("speaker", "detriment_checkin")
    assert [m.to for m in mail.outbox] == [[staff.guardian.email]]
    _only_link(mail.outbox[0], concern)
    assert Notification.objects.filter(kind="speaker.detriment").count() == 1


def test_the_guardians_reopen_and_the_speakers_use_the_same_path(staff, concern):
    concern = _closed(staff, concern)
    handling.concern_reopen(user=staff.guardian, concern=concern)
    concern.refresh_from_db()
    assert concern.learning_signed_off_at is None
    record = AuditRecord.objects.get(action="concern.reopen")
    assert (record.actor_label, record.detail["why"]) == (staff.guardian.email, "guardian")


def test_a_no_to_a_checkin_emails_nobody_and_leaves_the_case_closed(
    staff, concern, django_capture_on_commit_callbacks
):
    concern = _closed(staff, concern)
    checkin = concern.checkins.first()
    with django_capture_on_commit_callbacks(execute=True):
        checkin_answer(concern=concern, checkin_id=checkin.pk, detriment=False)
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED and concern.learning_signed_off_at is not None
    assert mail.outbox == []


def test_detriment_in_the_final_feedback_emails_the_guardian(
    staff, concern, django_capture_on_commit_callbacks
):
    concern = _closed(staff, concern)
    with django_capture_on_commit_callbacks(execute=True):
        speaker_feedback(concern=concern, would_speak_up_again="maybe", detriment=True)
    assert [m.to for m in mail.outbox] == [[staff.guardian.email]]


def _escalations(concern):
    return {e.escalated_to_id: e.resolved_at for e in Escalation.objects.filter(concern=concern)}


def test_a_manual_escalation_is_resolved_when_that_leader_signs_off(staff, concern):
    concern = handling.concern_acknowledge(user=staff.guardian, concern=concern)
    action = handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=timezone.localdate() + timedelta(days=3),
        accountable_lead=staff.lead,
    )
    concern.refresh_from_db()
    handling.concern_escalate(user=staff.guardian, concern=concern, level=2)  # the lead
    handling.concern_escalate(user=staff.guardian, concern=concern, level=4)  # the NED
    handling.action_respond(user=staff.manager, action=action, response="Done")
    handling.action_sign_off(user=staff.lead, action=action)
    resolved = _escalations(concern)
    assert resolved[staff.lead.pk] is not None
    assert resolved[staff.ned.pk] is None  # the NED has not acted yet


def test_manual_escalations_are_resolved_when_the_case_closes(staff, concern):
    concern, _ = _through_to_feedback(staff, concern)
    handling.concern_escalate(user=staff.guardian, concern=concern, level=4)
    assert _escalations(concern)[staff.ned.pk] is None
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="Fixed", learning="Rotas"
    )
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    handling.concern_close(user=staff.guardian, concern=concern)
    assert _escalations(concern)[staff.ned.pk] is not None


def test_manual_escalations_are_resolved_when_the_concern_is_withdrawn(staff, concern):
    concern = handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.concern_escalate(user=staff.guardian, concern=concern, level=4)
    handling.concern_withdraw(user=staff.guardian, concern=concern)
    assert _escalations(concern)[staff.ned.pk] is not None


def test_the_tick_resolves_a_manual_escalation_left_open_on_a_finished_case(staff, concern):
    concern = handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.concern_escalate(user=staff.guardian, concern=concern, level=4)
    concern.status = Status.WITHDRAWN  # as if finished before resolving existed
    concern.save()
    assert deadlines_tick().resolved == 1
    assert _escalations(concern)[staff.ned.pk] is not None
