"""The guardian gives an open action a new date or hands it to someone else, and says why."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from speakup.concerns.models import Action, ActionChange, Escalation, Notification, Status
from speakup.concerns.services import handling
from speakup.concerns.services.deadlines import deadlines_tick
from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from tests.concerns.factories import ConcernFactory
from tests.concerns.test_handling_pages import _text
from tests.conftest import date_boxes, sign_in

pytestmark = pytest.mark.django_db

SITE = "https://speakup.example.nhs.uk"
LONDON = ZoneInfo("Europe/London")
REASON = "Manny is on long-term sick leave"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def other_manager(person_with_role):
    return person_with_role(Role.LINE_MANAGER, full_name="Olive Other")


def _assigned(staff, concern, respond_by=None):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    concern.refresh_from_db()
    return handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=respond_by or timezone.localdate() + timedelta(days=7),
        accountable_lead=staff.lead,
        description="Review the night rota",
        shared_summary="A staffing concern about nights",
    )


def _change_page(action):
    return reverse("concerns:change_action", args=[action.concern.reference, action.pk])


def _post_change(client, action, handler, respond_by, reason=REASON):
    return client.post(
        _change_page(action),
        {"handler": str(handler.pk), **date_boxes("respond_by", respond_by), "reason": reason},
    )


# --- On the case page ---------------------------------------------------------------------


def test_the_guardian_hands_an_action_on_with_a_new_date_and_the_case_keeps_why(
    client, staff, concern, other_manager
):
    action = _assigned(staff, concern)
    sign_in(client, staff.guardian)
    case_page = reverse("concerns:show_concern", args=[concern.reference])
    assert _change_page(action) in client.get(case_page).content.decode()

    form = client.get(_change_page(action)).content.decode()
    assert "Review the night rota" in form and "Why are you making this change?" in form
    new_date = timezone.localdate() + timedelta(days=14)
    response = _post_change(client, action, other_manager, new_date)
    assert response.status_code == 302, response.content.decode()

    action.refresh_from_db()
    assert action.handler == other_manager and action.respond_by == new_date
    page = _text(client.get(case_page).content.decode())
    assert "Action handed on, with a new date" in page
    assert "Handed from Manny Manager to Olive Other" in page
    assert REASON in page, "the reason is kept in the case's history"
    assert "Gina Guardian" in page.split("Changes to action 1")[1]


def test_the_reason_is_sealed_and_the_audit_record_holds_ids_and_field_names_only(
    staff, concern, other_manager
):
    action = _assigned(staff, concern)
    change = handling.action_change(
        user=staff.guardian,
        action=action,
        handler=other_manager,
        respond_by=timezone.localdate() + timedelta(days=3),
        reason=REASON,
    )
    assert REASON.encode() not in bytes(change.reason_sealed)
    record = AuditRecord.objects.get(action="action.change")
    assert record.detail["action_id"] == action.pk
    assert record.detail["changed"] == ["handler", "respond_by"]
    assert record.detail["from_handler_id"] == staff.manager.pk
    assert record.detail["handler_id"] == other_manager.pk
    assert "sick" not in json.dumps(record.detail)


def test_a_date_in_the_past_or_more_than_a_year_ahead_is_refused_as_on_assignment(
    client, staff, concern
):
    action = _assigned(staff, concern)
    was = action.respond_by
    sign_in(client, staff.guardian)
    past = _post_change(client, action, staff.manager, timezone.localdate() - timedelta(days=1))
    assert past.status_code == 200
    assert "<title>Error: " in past.content.decode()
    assert "The date to respond by must be today or in the future" in past.content.decode()
    far = _post_change(client, action, staff.manager, timezone.localdate() + timedelta(days=400))
    assert "The date to respond by must be no more than a year from today" in _text(
        far.content.decode()
    )
    assert far.status_code == 200
    action.refresh_from_db()
    assert action.respond_by == was
    assert not ActionChange.objects.exists()
    assert not AuditRecord.objects.filter(action="action.change").exists()


def test_a_change_needs_a_reason_and_a_change(client, staff, concern):
    action = _assigned(staff, concern)
    sign_in(client, staff.guardian)
    new_date = timezone.localdate() + timedelta(days=10)
    no_reason = _post_change(client, action, staff.manager, new_date, reason="  ")
    assert "Enter the reason for the change" in no_reason.content.decode()
    same = _post_change(client, action, staff.manager, action.respond_by)
    assert "Give the action a new date or choose someone else" in same.content.decode()
    too_long = _post_change(client, action, staff.manager, new_date, reason="x" * 501)
    assert "The reason for the change must be 500 characters or fewer" in _text(
        too_long.content.decode()
    )
    assert not ActionChange.objects.exists()


def test_an_answered_action_or_a_finished_concern_cannot_be_changed(
    client, staff, concern, other_manager
):
    action = _assigned(staff, concern)
    handling.action_respond(user=staff.manager, action=action, response="Rota changed")
    sign_in(client, staff.guardian)
    case_page = reverse("concerns:show_concern", args=[concern.reference])
    assert _change_page(action) not in client.get(case_page).content.decode()
    assert client.get(_change_page(action)).status_code == 302
    with pytest.raises(Exception, match="responded to"):
        handling.action_change(
            user=staff.guardian,
            action=action,
            handler=other_manager,
            reason=REASON,
        )

    second = ConcernFactory(organisation=staff.organisation)
    open_one = _assigned(staff, second)
    handling.concern_withdraw(user=staff.guardian, concern=second)
    with pytest.raises(Exception, match="Reopen it first"):
        handling.action_change(
            user=staff.guardian, action=open_one, handler=other_manager, reason=REASON
        )
    open_one.refresh_from_db()
    assert open_one.handler == staff.manager


def test_only_the_cases_guardian_may_change_an_action(staff, concern, other_manager):
    action = _assigned(staff, concern)
    for someone in (staff.manager, staff.lead, other_manager):
        with pytest.raises(Http404):
            handling.action_change(
                user=someone, action=action, handler=other_manager, reason=REASON
            )
    action.refresh_from_db()
    assert action.handler == staff.manager


# --- Who is told, and who sees what ------------------------------------------------------


def test_the_new_line_manager_is_emailed_and_the_one_before_is_told_it_was_handed_on(
    staff, concern, other_manager, mailoutbox, django_capture_on_commit_callbacks
):
    action = _assigned(staff, concern)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        handling.action_change(
            user=staff.guardian, action=action, handler=other_manager, reason=REASON
        )
    by_person = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_person) == sorted([other_manager.email, staff.manager.email])
    new = by_person[other_manager.email]
    assert new.subject == "speakup: something needs your attention"
    assert f"{SITE}/concerns/actions/{action.pk}/" in new.body
    before = by_person[staff.manager.email]
    assert "handed to someone else" in before.body
    assert f"{SITE}/concerns/actions/" in before.body
    assert f"/concerns/actions/{action.pk}/" not in before.body
    for message in mailoutbox:
        text = message.subject + message.body
        for word in ("rota", "staffing", "sick", "nurse", concern.reference, "Sam"):
            assert word not in text, word
    kinds = Notification.objects.filter(action=action).exclude(
        kind="action.assigned", to_user=staff.manager
    )
    assert sorted(kinds.values_list("kind", "to_user")) == sorted(
        [("action.assigned", other_manager.pk), ("action.handed_on", staff.manager.pk)]
    )


def test_a_new_date_alone_emails_the_holder_a_link_to_the_action(
    staff, concern, mailoutbox, django_capture_on_commit_callbacks
):
    action = _assigned(staff, concern)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        handling.action_change(
            user=staff.guardian,
            action=action,
            respond_by=timezone.localdate() + timedelta(days=20),
            reason="The ward is short this week",
        )
    assert [m.to for m in mailoutbox] == [[staff.manager.email]]
    assert f"{SITE}/concerns/actions/{action.pk}/" in mailoutbox[0].body


def test_the_line_manager_it_was_with_no_longer_sees_it(client, staff, concern, other_manager):
    action = _assigned(staff, concern)
    handling.action_change(user=staff.guardian, action=action, handler=other_manager, reason=REASON)
    sign_in(client, staff.manager)
    listing = client.get(reverse("concerns:list_actions")).content.decode()
    assert "Review the night rota" not in listing and concern.reference not in listing
    assert client.get(reverse("concerns:show_action", args=[action.pk])).status_code == 404
    # A response sent now is not sent: given back on a page of its own (the test below).
    sent = client.post(reverse("concerns:show_action", args=[action.pk]), {"response": "Done"})
    assert sent.status_code == 409 and "Review the night rota" not in sent.content.decode()
    action.refresh_from_db()
    assert action.state == Action.State.OPEN


def test_the_new_line_manager_sees_the_action_but_never_the_speaker_or_the_reason(
    client, staff, concern, other_manager
):
    action = _assigned(staff, concern)
    handling.action_change(user=staff.guardian, action=action, handler=other_manager, reason=REASON)
    sign_in(client, other_manager)
    listing = client.get(reverse("concerns:list_actions")).content.decode()
    assert "Review the night rota" in listing
    page = client.get(reverse("concerns:show_action", args=[action.pk])).content.decode()
    assert "Review the night rota" in page and "A staffing concern about nights" in page
    for secret in ("Sam Speaker", "sam.speaker@fictional.test", "one nurse for 30", REASON):
        assert secret not in page, secret
    assert client.get(reverse("concerns:show_concern", args=[concern.reference])).status_code == 404
    client.post(reverse("concerns:show_action", args=[action.pk]), {"response": "Rota fixed"})
    action.refresh_from_db()
    assert action.state == Action.State.RESPONDED


# --- Deadlines ---------------------------------------------------------------------------


def _tick_on(day: date, hour: int = 1):
    with time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)):
        return deadlines_tick()


def test_a_new_date_ends_the_escalation_which_starts_again_if_that_date_passes(
    staff, other_manager, mailoutbox
):
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=LONDON), tick=False):
        concern = ConcernFactory(organisation=staff.organisation, received_at=timezone.now())
        action = _assigned(staff, concern, respond_by=date(2026, 5, 5))
    _tick_on(date(2026, 5, 6))
    _tick_on(date(2026, 5, 14))
    climbing = Escalation.objects.filter(action=action)
    assert sorted(climbing.values_list("level", flat=True)) == [1, 2]

    with time_machine.travel(datetime(2026, 5, 15, 9, 0, tzinfo=LONDON), tick=False):
        handling.action_change(
            user=staff.guardian,
            action=action,
            handler=other_manager,
            respond_by=date(2026, 5, 20),
            reason=REASON,
        )
    assert not climbing.filter(resolved_at__isnull=True).exists(), "no longer overdue"
    mailoutbox.clear()
    _tick_on(date(2026, 5, 20), hour=23)  # the new date: not late yet
    assert not climbing.filter(resolved_at__isnull=True).exists()
    assert mailoutbox == []

    _tick_on(date(2026, 5, 21))  # the new date passed: from the first level again
    fresh = climbing.filter(resolved_at__isnull=True)
    assert list(fresh.values_list("level", "escalated_to")) == [(1, staff.guardian.pk)]
    reminded = Notification.objects.filter(action=action, kind="action.overdue")
    assert [n.to_user for n in reminded] == [staff.manager, other_manager]


def test_the_tick_resolves_an_action_escalation_once_its_date_is_not_yet_passed(staff):
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=LONDON), tick=False):
        concern = ConcernFactory(organisation=staff.organisation, received_at=timezone.now())
        action = _assigned(staff, concern, respond_by=date(2026, 5, 5))
    _tick_on(date(2026, 5, 6))
    Action.objects.filter(pk=action.pk).update(respond_by=date(2026, 5, 30))  # not by the page
    _tick_on(date(2026, 5, 7))
    assert Escalation.objects.get(action=action).resolved_at is not None


# --- The API ------------------------------------------------------------------------------


@pytest.fixture
def api(staff):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=staff.guardian)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _api_change(api, action, **body):
    return api.post(
        f"/api/v1/concerns/{action.concern.reference}/actions/{action.pk}/change",
        body,
        format="json",
    )


def test_the_api_hands_an_action_on_with_a_new_date(api, staff, concern, other_manager):
    action = _assigned(staff, concern)
    new_date = timezone.localdate() + timedelta(days=9)
    response = _api_change(
        api, action, handler=other_manager.email, respond_by=new_date.isoformat(), reason=REASON
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "action": action.pk,
        "handler": other_manager.email,
        "respond_by": new_date.isoformat(),
    }
    action.refresh_from_db()
    assert action.handler == other_manager and action.respond_by == new_date
    assert ActionChange.objects.get().to_handler == other_manager


def test_the_api_refuses_a_bad_change_by_field(api, staff, concern, person_with_role):
    action = _assigned(staff, concern)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = _api_change(api, action, respond_by=past, reason=REASON)
    assert response.status_code == 400
    assert "today or in the future" in response.json()["respond_by"][0]
    assert _api_change(api, action, respond_by=past).json()["reason"] == [
        "Enter the reason for the change"
    ]
    worker = person_with_role(Role.WORKER)
    response = _api_change(api, action, handler=worker.email, reason=REASON)
    assert "line manager" in response.json()["handler"][0]
    response = _api_change(api, action, handler="nobody@fictional.test", reason=REASON)
    assert response.json()["handler"] == ["Nobody has this email address"]
    assert _api_change(api, action, reason=REASON).json() == {
        "non_field_errors": ["Give the action a new date or choose someone else to hand it to"]
    }
    action.refresh_from_db()
    assert action.handler == staff.manager and not ActionChange.objects.exists()


def test_the_api_finds_no_action_of_another_concern(api, staff, concern, other_manager):
    action = _assigned(staff, concern)
    second = ConcernFactory(organisation=staff.organisation)
    response = api.post(
        f"/api/v1/concerns/{second.reference}/actions/{action.pk}/change",
        {"handler": other_manager.email, "reason": REASON},
        format="json",
    )
    assert response.status_code == 404
    concern.refresh_from_db()
    assert concern.status == Status.IN_PROGRESS


def test_a_response_written_while_the_action_was_handed_on_is_given_back_not_lost(
    client, staff, concern, other_manager
):
    """The line manager opened the action and wrote; meanwhile the guardian handed it on. Send
    was a "page not found" that lost the words."""
    action = _assigned(staff, concern)
    handling.action_change(user=staff.guardian, action=action, handler=other_manager, reason=REASON)
    sign_in(client, staff.manager)
    page = reverse("concerns:show_action", args=[action.pk])
    sent = client.post(page, {"response": "Rota changed from Monday"})
    text = _text(sent.content.decode())
    assert sent.status_code == 409
    assert "Your response was not sent" in text
    assert "handed this action to someone else while you were writing" in text
    assert "Rota changed from Monday" in text
    assert concern.reference not in text  # nothing more of the case
    action.refresh_from_db()
    assert action.state == Action.State.OPEN and not action.response_sealed
    assert client.get(page).status_code == 404  # the action itself is theirs no more
    sign_in(client, staff.guardian)  # someone never given it learns nothing either
    assert client.post(page, {"response": "x"}).status_code == 404


def test_a_reason_of_nothing_visible_is_asked_for(staff, concern, other_manager):
    action = _assigned(staff, concern)
    with pytest.raises(ValidationError) as refused:
        handling.action_change(
            user=staff.guardian, action=action, handler=other_manager, reason="\u200b "
        )
    assert "Enter the reason for the change" in str(refused.value)
    assert not ActionChange.objects.exists()
