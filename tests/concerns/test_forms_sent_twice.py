"""A staff form sent twice (a double click, a reload, a second tab) is acted on once."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from speakup.concerns.models import Action, Escalation, Message
from speakup.concerns.services import handling
from speakup.core.submissions import ALREADY_DONE
from tests.conftest import date_boxes, sign_in

pytestmark = pytest.mark.django_db


def token_of(page) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]{32})"', page.content.decode())[1]


def send_twice(client, url: str, data: dict):
    """The form as the browser has it, sent twice with the same hidden token."""
    data = {**data, "form_token": token_of(client.get(url))}
    return client.post(url, data, follow=True), client.post(url, data, follow=True)


@pytest.fixture
def guardian(client, staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    return sign_in(client, staff.guardian)


def test_an_action_assigned_twice_by_a_double_click_is_assigned_once(guardian, staff, concern):
    url = reverse("concerns:assign_action", args=[concern.reference])
    first, second = send_twice(
        guardian,
        url,
        {
            "description": "Review the rota",
            "shared_summary": "Night staffing",
            "handler": str(staff.manager.pk),
            **date_boxes("respond_by", timezone.localdate() + timedelta(days=14)),
            "accountable_lead": str(staff.lead.pk),
        },
    )
    assert "Action assigned" in first.content.decode()
    assert Action.objects.count() == 1
    assert second.redirect_chain[-1][0] == reverse(
        "concerns:show_concern", args=[concern.reference]
    )
    assert ALREADY_DONE in second.content.decode()


def test_a_message_to_the_speaker_sent_twice_is_sent_once(guardian, concern):
    url = reverse("concerns:message_concern", args=[concern.reference])
    first, second = send_twice(guardian, url, {"body": "Could we meet on Tuesday?"})
    assert "Message sent to the speaker" in first.content.decode()
    assert Message.objects.filter(concern=concern).count() == 1
    assert ALREADY_DONE in second.content.decode()


def test_a_form_refused_by_the_service_can_be_sent_again(guardian, staff, concern, monkeypatch):
    """Claimed but refused (nothing done): the same page may be sent again."""
    from django.core.exceptions import ValidationError

    real = handling.action_assign
    calls = []

    def refuses_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise ValidationError("The line manager has just left")
        return real(**kwargs)

    monkeypatch.setattr(handling, "action_assign", refuses_once)
    url = reverse("concerns:assign_action", args=[concern.reference])
    data = {
        "description": "Review the rota",
        "shared_summary": "Night staffing",
        "handler": str(staff.manager.pk),
        **date_boxes("respond_by", timezone.localdate() + timedelta(days=14)),
        "accountable_lead": str(staff.lead.pk),
        "form_token": token_of(guardian.get(url)),
    }
    refused = guardian.post(url, data)
    assert "The line manager has just left" in refused.content.decode()
    assert not Action.objects.exists()
    guardian.post(url, data)
    assert Action.objects.count() == 1


def test_two_forms_opened_separately_are_two_messages(guardian, concern):
    url = reverse("concerns:message_concern", args=[concern.reference])
    for body in ("First note", "Second note"):
        guardian.post(url, {"body": body, "form_token": token_of(guardian.get(url))})
    assert Message.objects.filter(concern=concern).count() == 2


def test_an_action_handed_on_twice_by_a_double_click_is_handed_on_once(
    guardian, staff, concern, person_with_role
):
    from speakup.organisations.roles import Role

    action = handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=timezone.localdate() + timedelta(days=7),
        accountable_lead=staff.lead,
    )
    other = person_with_role(Role.LINE_MANAGER)
    url = reverse("concerns:change_action", args=[concern.reference, action.pk])
    first, second = send_twice(
        guardian,
        url,
        {
            "handler": str(other.pk),
            **date_boxes("respond_by", timezone.localdate() + timedelta(days=14)),
            "reason": "The line manager is on leave",
        },
    )
    assert "Action handed on, with a new date" in first.content.decode()
    assert action.changes.count() == 1
    assert ALREADY_DONE in second.content.decode()


def test_escalating_to_a_leader_who_already_has_the_case_is_refused_in_the_error_summary(
    guardian, staff, concern, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("concerns:escalate_concern", args=[concern.reference])
    lead = {"level": str(Escalation.Level.EXECUTIVE_LEAD)}
    # Two tabs, each loaded on its own: two tokens, so the form token does not stop the second.
    tabs = [token_of(guardian.get(url)) for _ in range(2)]
    may_3 = datetime(2026, 5, 3, 10, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(may_3), django_capture_on_commit_callbacks(execute=True):
        first = guardian.post(url, {**lead, "form_token": tabs[0]}, follow=True)
        second = guardian.post(url, {**lead, "form_token": tabs[1]})
    assert "Concern escalated" in first.content.decode()
    page = second.content.decode()
    assert second.status_code == 200
    summary = page[page.index("nhsuk-error-summary") :]
    assert f"{staff.lead} has already been sent this case on 3 May 2026" in summary
    assert Escalation.objects.filter(concern=concern).count() == 1
    assert [m.to for m in mailoutbox] == [[staff.lead.email]]
