"""Listen Up and Follow Up through the service functions: the status flow and its refusals."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from speakup.concerns import sealing
from speakup.concerns.models import (
    Action,
    DetrimentCheckin,
    Escalation,
    Message,
    Status,
    Timescales,
)
from speakup.concerns.services import handling
from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role

pytestmark = pytest.mark.django_db


def _through_to_feedback(staff, concern):
    g = staff.guardian
    concern = handling.concern_acknowledge(user=g, concern=concern)
    concern = handling.concern_triage(
        user=g, concern=concern, elements=["patient_safety"], worker_group="nursing_midwifery"
    )
    action = handling.action_assign(
        user=g,
        concern=concern,
        handler=staff.manager,
        respond_by=timezone.localdate() + timedelta(days=14),
        accountable_lead=staff.lead,
        description="Review the night rota",
        shared_summary="Staffing on a ward at night",
    )
    handling.action_respond(user=staff.manager, action=action, response="Rota changed")
    concern.refresh_from_db()
    handling.action_sign_off(user=staff.lead, action=action)
    concern = handling.concern_give_feedback(user=g, concern=concern, body="We changed the rota")
    return concern, action


def test_a_case_moves_from_received_to_closed_and_every_move_is_a_row(staff, concern):
    concern, _ = _through_to_feedback(staff, concern)
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="Rota fixed", learning="Check rotas weekly"
    )
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    concern = handling.concern_close(user=staff.guardian, concern=concern)

    assert concern.status == Status.CLOSED
    moves = [(c.from_status, c.to_status) for c in concern.status_changes.all()]
    assert moves == [
        ("", "received"),
        ("received", "acknowledged"),
        ("acknowledged", "in_progress"),
        ("in_progress", "feedback_given"),
        ("feedback_given", "closed"),
    ]
    assert concern.status_changes.last().by == staff.guardian
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"concern.acknowledge", "concern.triage", "action.assign", "action.respond"} <= actions
    assert {"action.sign_off", "concern.sign_off_learning", "concern.close"} <= actions


def test_closing_schedules_detriment_checkins_at_the_organisations_months(staff, concern):
    concern, _ = _through_to_feedback(staff, concern)
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="Done", learning="Learned"
    )
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    handling.concern_close(user=staff.guardian, concern=concern)
    assert DetrimentCheckin.objects.filter(concern=concern).count() == 2


def test_months_written_oddly_by_an_admin_are_left_out_not_an_error(staff, concern):
    # Timescales are edited in the admin, where nothing stops "²" (a digit to str.isdigit).
    Timescales.objects.update_or_create(
        organisation_id=concern.organisation_id, defaults={"detriment_checkin_months": "1, ², 6"}
    )
    concern, _ = _through_to_feedback(staff, concern)
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="Done", learning="Learned"
    )
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    handling.concern_close(user=staff.guardian, concern=concern)
    closed_on = timezone.localdate()
    assert sorted(DetrimentCheckin.objects.values_list("due_on", flat=True)) == [
        closed_on + relativedelta(months=1),
        closed_on + relativedelta(months=6),
    ]


def test_a_case_cannot_close_before_the_leader_signs_off_the_learning(staff, concern):
    concern, _ = _through_to_feedback(staff, concern)
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="Done", learning="Learned"
    )
    with pytest.raises(ValidationError, match="sign off the learning"):
        handling.concern_close(user=staff.guardian, concern=concern)
    concern.refresh_from_db()
    assert concern.status == Status.FEEDBACK_GIVEN


def test_a_case_cannot_close_while_an_action_is_not_signed_off(staff, concern):
    concern = handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=timezone.localdate(),
        accountable_lead=staff.lead,
    )
    concern = handling.concern_give_feedback(user=staff.guardian, concern=concern, body="Update")
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="o", learning="l"
    )
    with pytest.raises(ValidationError, match="Sign off every action"):
        handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    with pytest.raises(ValidationError, match="sign off every action"):
        handling.concern_close(user=staff.guardian, concern=concern)


def test_changing_the_learning_after_sign_off_needs_a_new_sign_off(staff, concern):
    concern, _ = _through_to_feedback(staff, concern)
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="o", learning="l"
    )
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    with pytest.raises(ValidationError) as refused:
        handling.concern_close(user=staff.guardian, concern=concern, learning="something else")
    assert "learning" in refused.value.message_dict
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="o", learning="m"
    )
    concern.refresh_from_db()
    assert concern.learning_signed_off_at is None


def test_a_concern_cannot_be_acknowledged_twice(staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    with pytest.raises(ValidationError, match="already acknowledged"):
        handling.concern_acknowledge(user=staff.guardian, concern=concern)
    assert concern.status_changes.count() == 2


def test_a_received_concern_cannot_be_closed_or_given_feedback(staff, concern):
    with pytest.raises(ValidationError, match="cannot give feedback"):
        handling.concern_give_feedback(user=staff.guardian, concern=concern, body="hello")
    with pytest.raises(ValidationError):
        handling.concern_close(user=staff.guardian, concern=concern)
    assert not Message.objects.filter(concern=concern).exists()
    assert concern.status_changes.count() == 1


def test_triage_refuses_codes_not_on_the_concerns_years_list(staff, concern):
    concern.received_at = timezone.make_aware(timezone.datetime(2023, 5, 1))
    concern.save()
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    with pytest.raises(ValidationError) as refused:
        handling.concern_triage(
            user=staff.guardian,
            concern=concern,
            elements=["policies_processes"],  # on the list from 2024/25 only
            worker_group="astronauts",
        )
    assert set(refused.value.message_dict) == {"elements", "worker_group"}
    assert not concern.elements.exists()


def test_triage_records_several_elements(staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.concern_triage(
        user=staff.guardian,
        concern=concern,
        elements=["patient_safety", "bullying_harassment"],
        worker_group="ahp",
    )
    assert set(concern.elements.values_list("code", flat=True)) == {
        "patient_safety",
        "bullying_harassment",
    }


def test_an_action_can_only_go_to_a_line_manager_of_the_same_organisation(
    staff, concern, person_with_role, other_organisation
):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    elsewhere = person_with_role(Role.LINE_MANAGER, other_organisation)
    with pytest.raises(ValidationError) as refused:
        handling.action_assign(
            user=staff.guardian,
            concern=concern,
            handler=elsewhere,
            respond_by=timezone.localdate() - timedelta(days=1),
            accountable_lead=staff.manager,
        )
    assert set(refused.value.message_dict) == {"handler", "respond_by", "accountable_lead"}
    assert not Action.objects.exists()


def test_the_accountable_leader_must_be_an_executive_or_board_member(staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    with pytest.raises(ValidationError) as refused:
        handling.concern_name_accountable_lead(
            user=staff.guardian, concern=concern, accountable_lead=staff.ned
        )
    assert "accountable_lead" in refused.value.message_dict


def test_only_the_handler_may_respond_and_only_the_accountable_leader_may_sign_off(
    staff, concern, person_with_role
):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    action = handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=timezone.localdate(),
        accountable_lead=staff.lead,
    )
    another_manager = person_with_role(Role.LINE_MANAGER)
    with pytest.raises(Http404):
        handling.action_respond(user=another_manager, action=action, response="not mine")
    other_exec = person_with_role(Role.EXECUTIVE_LEAD)
    with pytest.raises(Http404):
        handling.action_sign_off(user=other_exec, action=action)
    with pytest.raises(ValidationError, match="not responded"):
        handling.action_sign_off(user=staff.lead, action=action)


def test_people_who_are_not_the_guardian_cannot_handle_a_case(staff, concern, person_with_role):
    for role in (Role.WORKER, Role.CHAMPION, Role.BOARD_MEMBER, Role.LINE_MANAGER):
        with pytest.raises(Http404):
            handling.concern_acknowledge(user=person_with_role(role), concern=concern)
    with pytest.raises(Http404):
        handling.concern_acknowledge(user=staff.lead, concern=concern)
    concern.refresh_from_db()
    assert concern.status == Status.RECEIVED


def test_reopening_a_closed_case_is_recorded_and_needs_a_new_sign_off(staff, concern):
    concern, _ = _through_to_feedback(staff, concern)
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="o", learning="l"
    )
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    handling.concern_close(user=staff.guardian, concern=concern)
    concern = handling.concern_reopen(user=staff.guardian, concern=concern)
    assert concern.status == Status.IN_PROGRESS
    assert concern.learning_signed_off_at is None
    assert AuditRecord.objects.filter(action="concern.reopen").count() == 1
    assert not DetrimentCheckin.objects.filter(concern=concern).exists()


def test_a_withdrawn_concern_takes_no_new_work_until_reopened(staff, concern):
    handling.concern_withdraw(user=staff.guardian, concern=concern)
    with pytest.raises(ValidationError, match="Reopen it first"):
        handling.action_record(user=staff.guardian, concern=concern, description="x")
    handling.concern_reopen(user=staff.guardian, concern=concern)
    concern.refresh_from_db()
    assert concern.status == Status.IN_PROGRESS


def test_messages_to_the_speaker_are_sealed(staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    message = handling.concern_message(
        user=staff.guardian, concern=concern, body="Thank you, we are looking at it"
    )
    assert b"Thank you" not in bytes(message.body_sealed)
    assert sealing.unseal(concern, "body", message.body_sealed) == "Thank you, we are looking at it"
    record = AuditRecord.objects.get(action="concern.message")
    assert "Thank you" not in str(record.detail)


def test_a_manual_escalation_emails_the_leader_a_link_and_nothing_else(
    staff, concern, mailoutbox, django_capture_on_commit_callbacks
):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    with django_capture_on_commit_callbacks(execute=True):
        rows = handling.concern_escalate(
            user=staff.guardian, concern=concern, level=Escalation.Level.EXECUTIVE_LEAD
        )
    assert [row.escalated_to for row in rows] == [staff.lead]
    assert len(mailoutbox) == 1
    assert concern.reference in mailoutbox[0].body
    assert "nurse" not in mailoutbox[0].body


def test_the_services_refuse_text_over_the_limit_whoever_calls_them(staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    with pytest.raises(ValidationError) as refused:
        handling.concern_message(user=staff.guardian, concern=concern, body="x" * 100_001)
    assert refused.value.message_dict == {
        "body": ["Your message must be 20,000 characters or fewer"]
    }
    with pytest.raises(ValidationError) as refused:
        handling.action_record(user=staff.guardian, concern=concern, description="x" * 50_000)
    assert refused.value.message_dict == {
        "description": ["The description of the action must be 20,000 characters or fewer"]
    }
    assert not concern.messages.exists() and not concern.actions.exists()
