"""Emails about a case: who is told and when, and that they say nothing of it.

Each email says only that something needs attention, with a link to sign in; it is sent when
the change commits (never for one that is undone), once, and recorded as a Notification.
"""

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from speakup.concerns.models import DetrimentCheckin, Escalation, Notification, Status
from speakup.concerns.services import deadlines, handling
from speakup.concerns.services.deadlines import deadlines_tick
from speakup.concerns.services.intake import concern_submit
from speakup.concerns.services.speaker import speaker_reply
from speakup.core.models import AuditRecord
from speakup.organisations.models import RoleMembership
from speakup.organisations.roles import Role
from tests.concerns.factories import ConcernFactory
from tests.concerns.test_handling_pages import _record
from tests.concerns.test_speaker_pages import step, walk_to_check
from tests.conftest import date_boxes, sign_in

pytestmark = pytest.mark.django_db

SITE = "https://speakup.example.nhs.uk"
ATTENTION = "speakup: something needs your attention"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def sent(mailoutbox, django_capture_on_commit_callbacks):
    """Run the block's on-commit emails, as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def _to(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def _case_link(concern) -> str:
    return f"{SITE}/concerns/cases/{concern.reference}/"


def _action_link(action) -> str:
    return f"{SITE}/concerns/actions/{action.pk}/"


def _submit(organisation, **fields):
    return concern_submit(
        organisation=organisation,
        confidentiality="confidential",
        description="The night rota leaves one nurse on the ward (synthetic)",
        contact={"name": "Sam Speaker", "email": "sam.speaker@fictional.test"},
        **fields,
    ).concern


def _assign(staff, concern, respond_by=None, **fields):
    fields.setdefault("accountable_lead", staff.lead)
    return handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=respond_by or timezone.localdate() + timedelta(days=7),
        **fields,
    )


# --- A new concern ------------------------------------------------------------------------


def test_a_new_concern_emails_each_guardian_of_the_organisation_a_link_to_it(
    staff, person_with_role, other_organisation, mailoutbox, sent
):
    second = person_with_role(Role.GUARDIAN, full_name="Second Guardian")
    elsewhere = person_with_role(Role.GUARDIAN, other_organisation)
    with sent():
        concern = _submit(staff.organisation)
    assert _to(mailoutbox) == sorted([staff.guardian.email, second.email])
    assert elsewhere.email not in _to(mailoutbox)
    for message in mailoutbox:
        assert len(message.to) == 1, "one email each: guardians do not see who else was told"
        assert message.subject == ATTENTION
        assert _case_link(concern) in message.body
    notes = Notification.objects.filter(concern=concern, kind="concern.new")
    assert sorted(n.to_user.email for n in notes) == _to(mailoutbox)


def test_a_concern_sent_through_the_api_emails_the_guardians_once_even_when_retried(
    client, staff, mailoutbox, sent
):
    body = {
        "organisation": staff.organisation.ods_code,
        "confidentiality": "anonymous",
        "description": "Sharps bins on ward 4 are overfilled (synthetic)",
    }
    for _ in range(2):  # a client retrying with the same Idempotency-Key
        with sent():
            response = client.post(
                "/api/v1/concerns",
                json.dumps(body),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="retry-1",
            )
        assert response.status_code == 201
    assert [m.to for m in mailoutbox] == [[staff.guardian.email]]
    assert f"/concerns/cases/{response.json()['reference']}/" in mailoutbox[0].body


def test_a_concern_sent_from_the_speak_up_page_emails_the_guardians_once(
    client, staff, mailoutbox, sent
):
    check = walk_to_check(client, staff.organisation)
    with sent():
        step(client, check, go="send")
    with sent():
        step(client, check, go="send")  # sent twice: one concern, one email
    assert [m.to for m in mailoutbox] == [[staff.guardian.email]]
    assert mailoutbox[0].subject == ATTENTION


def test_a_concern_a_guardian_records_emails_the_other_guardians_but_not_them(
    client, staff, person_with_role, mailoutbox, sent
):
    second = person_with_role(Role.GUARDIAN, full_name="Second Guardian")
    with sent():
        page = _record(client, staff, confidentiality="anonymous", patient_safety_risk="yes")
    assert page.status_code == 200
    assert [m.to for m in mailoutbox] == [[second.email]]


# --- Actions ------------------------------------------------------------------------------


def test_assigning_an_action_emails_the_handler_the_action_and_a_new_leader_the_case(
    staff, concern, mailoutbox, sent
):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    with sent():
        action = _assign(staff, concern)
    assert [m.to for m in mailoutbox] == [[staff.manager.email], [staff.lead.email]]
    assert _action_link(action) in mailoutbox[0].body
    assert _case_link(concern) in mailoutbox[1].body
    kinds = Notification.objects.filter(concern=concern).values_list("kind", "to_user")
    assert sorted(kinds) == sorted(
        [("action.assigned", staff.manager.pk), ("concern.accountable_lead", staff.lead.pk)]
    )
    with sent():
        second = _assign(staff, concern, description="Check the agency bookings")
    # The leader was already named: only the handler is told of the second action.
    assert [m.to for m in mailoutbox[2:]] == [[staff.manager.email]]
    assert _action_link(second) in mailoutbox[2].body


def test_naming_a_new_accountable_leader_emails_them_once(
    staff, concern, person_with_role, mailoutbox, sent
):
    board = person_with_role(Role.BOARD_MEMBER, full_name="Bea Board")
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    for leader in (staff.lead, staff.lead, board):
        with sent():
            handling.concern_name_accountable_lead(
                user=staff.guardian, concern=concern, accountable_lead=leader
            )
    # The leader named first is told, last, that the case is no longer theirs.
    assert [m.to for m in mailoutbox] == [[staff.lead.email], [board.email], [staff.lead.email]]
    assert all(_case_link(concern) in m.body for m in mailoutbox[:2])
    # Like a handler whose action was handed on, they may no longer open it: no link, no
    # reference.
    assert "no longer the accountable leader for one of your cases" in mailoutbox[2].body
    assert concern.reference not in mailoutbox[2].body
    record = AuditRecord.objects.filter(action="concern.name_lead").latest("id")
    assert record.detail["from_accountable_lead_id"] == staff.lead.pk


def _assign_on_the_page(client, staff, concern, *, accountable_lead):
    """The guardian assigns an action on the page, naming `accountable_lead`."""
    sign_in(client, staff.guardian)
    return client.post(
        reverse("concerns:assign_action", args=[concern.reference]),
        {
            "description": "Check the agency bookings",
            "shared_summary": "Night staffing",
            "handler": str(staff.manager.pk),
            **date_boxes("respond_by", timezone.localdate() + timedelta(days=5)),
            "accountable_lead": str(accountable_lead.pk),
        },
    )


def test_the_leader_replaced_on_a_case_is_told_it_is_no_longer_theirs_and_nothing_more(
    client, staff, concern, person_with_role, mailoutbox, sent
):
    board = person_with_role(Role.BOARD_MEMBER, full_name="Bea Board")
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    with sent():
        _assign(staff, concern)
    mailoutbox.clear()
    with sent():
        response = _assign_on_the_page(client, staff, concern, accountable_lead=board)
    assert response.status_code == 302, response.content.decode()
    by_person = {m.to[0]: m for m in mailoutbox}
    assert _case_link(concern) in by_person[board.email].body
    before = by_person[staff.lead.email]
    assert before.subject == "speakup: you are no longer the accountable leader for a case"
    assert "no longer the accountable leader for one of your cases" in before.body
    assert "It is no longer on your list" in before.body
    assert concern.reference not in before.body
    assert f"{SITE}/concerns/follow-up/" in before.body
    assert _case_link(concern) not in before.body
    for word in ("rota", "agency", "staffing", "nurse", "Sam", "Bea"):
        assert word not in before.subject + before.body, word
    record = AuditRecord.objects.filter(action="action.assign").latest("id")
    assert record.detail["from_accountable_lead_id"] == staff.lead.pk
    assert record.detail["accountable_lead_id"] == board.pk


def test_a_leader_replaced_on_a_case_escalated_to_them_keeps_it_and_is_told_so(
    client, staff, concern, person_with_role, mailoutbox, sent
):
    board = person_with_role(Role.BOARD_MEMBER, full_name="Bea Board")
    other = person_with_role(Role.BOARD_MEMBER, full_name="Gita Calloway")
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.concern_name_accountable_lead(
        user=staff.guardian, concern=concern, accountable_lead=board
    )
    handling.concern_escalate(
        user=staff.guardian, concern=concern, level=Escalation.Level.ACCOUNTABLE_LEAD
    )
    with sent():
        response = _assign_on_the_page(client, staff, concern, accountable_lead=other)
    assert response.status_code == 302, response.content.decode()
    told = {m.to[0]: m for m in mailoutbox}[board.email]
    assert "no longer the accountable leader for one of your cases" in told.body
    assert 'it stays on your list under "Escalated to you"' in told.body
    assert "no longer on your list" not in told.body
    assert "do not need to follow it up" not in told.body
    sign_in(client, board)
    page = client.get(reverse("concerns:list_led")).content.decode()
    escalated = re.sub(r"<[^>]+>", " ", page[page.index("<h2>Escalated to you") :])
    assert concern.reference in escalated
    assert "Not yet" in escalated
    case = client.get(reverse("concerns:show_concern", args=[concern.reference]))
    assert case.status_code == 200


def test_a_handlers_response_emails_the_cases_guardian(client, staff, concern, mailoutbox, sent):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    action = _assign(staff, concern)
    mailoutbox.clear()
    sign_in(client, staff.manager)
    with sent():
        page = client.post(
            reverse("concerns:show_action", args=[action.pk]), {"response": "Rota changed"}
        )
    assert page.status_code == 302
    assert [m.to for m in mailoutbox] == [[staff.guardian.email]]
    assert _case_link(concern) in mailoutbox[0].body
    assert Notification.objects.get(kind="action.responded").action == action


# --- The tick -----------------------------------------------------------------------------


@pytest.fixture
def overdue_action(staff):
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=LONDON), tick=False):
        concern = ConcernFactory(organisation=staff.organisation, received_at=timezone.now())
        handling.concern_acknowledge(user=staff.guardian, concern=concern)
        return _assign(staff, concern, respond_by=date(2026, 5, 5))


def _tick_on(day: date, hour: int = 1):
    with time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)):
        return deadlines_tick()


def _reminders(mailoutbox, action) -> list:
    return [m for m in mailoutbox if _action_link(action) in m.body]


def test_the_holder_of_an_overdue_action_is_reminded_once_for_each_date_it_misses(
    staff, overdue_action, mailoutbox
):
    mailoutbox.clear()
    _tick_on(date(2026, 5, 5), hour=23)  # due today: not late yet
    assert mailoutbox == []
    report = _tick_on(date(2026, 5, 6))
    _tick_on(date(2026, 5, 6), hour=2)  # the tick runs again: nothing new
    reminders = _reminders(mailoutbox, overdue_action)
    assert [m.to for m in reminders] == [[staff.manager.email]]
    assert reminders[0].subject == ATTENTION
    assert "Reminders sent for overdue actions: 1" in report.lines()
    _tick_on(date(2026, 5, 14))  # a week on: the next level, but no second reminder
    assert len(_reminders(mailoutbox, overdue_action)) == 1
    levels = Escalation.objects.filter(action=overdue_action).values_list("level", flat=True)
    assert sorted(levels) == [1, 2], "the escalation ladder is unchanged"

    # The guardian gives a new date; missing that one is a new reminder.
    with time_machine.travel(datetime(2026, 5, 15, 9, 0, tzinfo=LONDON), tick=False):
        handling.action_change(
            user=staff.guardian,
            action=overdue_action,
            respond_by=date(2026, 5, 20),
            reason="The ward is short-staffed this week",
        )
    _tick_on(date(2026, 5, 21))
    _tick_on(date(2026, 5, 22))
    assert len(_reminders(mailoutbox, overdue_action)) == 2
    reminded = Notification.objects.filter(action=overdue_action, kind="action.overdue")
    assert [n.to_user for n in reminded] == [staff.manager, staff.manager]


def test_only_a_holder_who_still_manages_there_is_reminded(
    staff, overdue_action, person_with_role, mailoutbox
):
    other = person_with_role(Role.LINE_MANAGER, full_name="Otto Other")
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=LONDON), tick=False):
        second = handling.action_assign(
            user=staff.guardian,
            concern=overdue_action.concern,
            handler=other,
            respond_by=date(2026, 5, 5),
        )
    RoleMembership.objects.filter(user=staff.manager, role=Role.LINE_MANAGER).delete()
    mailoutbox.clear()
    _tick_on(date(2026, 5, 6))
    assert [m.to for m in _reminders(mailoutbox, second)] == [[other.email]]
    assert _reminders(mailoutbox, overdue_action) == []


def test_the_tick_sends_nothing_for_an_item_it_undoes(
    staff, overdue_action, mailoutbox, monkeypatch
):
    def broken_audit(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    mailoutbox.clear()
    monkeypatch.setattr(deadlines, "audit", broken_audit)
    report = _tick_on(date(2026, 5, 6))
    assert report.failed == 2  # the reminder and the escalation, both left for the next tick
    assert mailoutbox == []
    assert not Notification.objects.filter(action=overdue_action).exclude(kind="action.assigned")
    monkeypatch.undo()
    _tick_on(date(2026, 5, 6), hour=2)
    assert _to(mailoutbox) == sorted([staff.manager.email, staff.guardian.email])


def test_the_detriment_checkin_email_links_to_the_receipt_sign_in_page(staff, mailoutbox):
    concern = ConcernFactory(organisation=staff.organisation, status=Status.CLOSED)
    DetrimentCheckin.objects.create(concern=concern, due_on=timezone.localdate())
    deadlines_tick()
    assert [m.to for m in mailoutbox] == [["sam.speaker@fictional.test"]]
    assert f"Use your receipt code to see it: {SITE}/concerns/check/\n" in mailoutbox[0].body


def test_the_detriment_checkin_email_does_not_say_its_reader_spoke_up(staff, mailoutbox):
    """A work or shared mailbox may be read by others: the email reads as any speakup email
    (every worker gets training reminders), never "the concern you raised"."""
    concern = ConcernFactory(organisation=staff.organisation, status=Status.CLOSED)
    DetrimentCheckin.objects.create(concern=concern, due_on=timezone.localdate())
    deadlines_tick()
    (email,) = mailoutbox
    assert email.subject == "speakup: something needs your attention"
    # The link is the public "check" page every speaker uses (its address is the service's).
    words = (email.subject + email.body).replace(f"{SITE}/concerns/check/", "").lower()
    for telling in ("concern", "speak up", "speaking up", "raised", "detriment", "guardian"):
        assert telling not in words


# --- Never sent for what is undone, never case content ------------------------------------


def test_nothing_is_sent_for_a_change_that_is_undone(staff, concern, mailoutbox, sent):
    class Undone(Exception):
        pass

    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    with sent(), pytest.raises(Undone), transaction.atomic():
        _submit(staff.organisation)
        action = _assign(staff, concern)
        handling.action_respond(user=staff.manager, action=action, response="Rota changed")
        raise Undone
    assert mailoutbox == []
    assert not Notification.objects.exists()
    with sent():
        _assign(staff, concern)
    assert [m.to for m in mailoutbox] == [[staff.manager.email], [staff.lead.email]]


NARRATIVE = "Quentin Marchbanks falsified morphine registers on Xylophone ward during handovers"
SPEAKER = {"name": "Zebedee Ollerton", "email": "z.ollerton@fictional.test"}
ACTION = "Audit Quillington pharmacy cupboard logbooks"
SUMMARY = "Controlled medicine discrepancies flagged"
RESPONSE = "Logbooks reconciled; Marchbanks suspended pending inquiry"
REPLY = "Marchbanks threatened colleagues yesterday afternoon"
OUTCOME = "Pharmacist dismissed after disciplinary hearing"
LEARNING = "Double signatures whenever opioids leave cabinets"


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z]+", text.lower()) if len(word) > 3}


def test_no_email_holds_a_word_of_the_concern_the_action_or_the_response(staff, mailoutbox, sent):
    g = staff.guardian
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=LONDON), tick=False):
        with sent():
            concern = concern_submit(
                organisation=staff.organisation,
                confidentiality="open",
                description=NARRATIVE,
                contact=SPEAKER,
            ).concern
            handling.concern_acknowledge(user=g, concern=concern)
            handling.concern_triage(
                user=g,
                concern=concern,
                elements=["patient_safety"],
                worker_group="nursing_midwifery",
            )
            action = _assign(
                staff,
                concern,
                respond_by=date(2026, 5, 5),
                description=ACTION,
                shared_summary=SUMMARY,
            )
        with sent():
            speaker_reply(concern=concern, body=REPLY)
        with sent():
            handling.concern_escalate(
                user=g, concern=concern, level=Escalation.Level.NON_EXECUTIVE_LEAD
            )
    _tick_on(date(2026, 5, 6))  # overdue: the holder is reminded, the guardian told
    with time_machine.travel(datetime(2026, 5, 7, 9, 0, tzinfo=LONDON), tick=False):
        with sent():
            handling.action_respond(user=staff.manager, action=action, response=RESPONSE)
        handling.action_sign_off(user=staff.lead, action=action)
        concern.refresh_from_db()
        handling.concern_give_feedback(user=g, concern=concern, body=OUTCOME)
        handling.concern_record_learning(
            user=g, concern=concern, outcome=OUTCOME, learning=LEARNING
        )
        handling.concern_sign_off_learning(user=staff.lead, concern=concern)
        handling.concern_close(user=g, concern=concern)
    _tick_on(date(2026, 6, 8))  # the first detriment check-in, a month on

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {
        "concern.new",
        "action.assigned",
        "concern.accountable_lead",
        "speaker.message",
        "escalation.manual",
        "action.overdue",
        "escalation.action_overdue",
        "action.responded",
        "detriment_checkin",
    }
    assert len(mailoutbox) == len(kinds)
    secret = _words(" ".join([NARRATIVE, SPEAKER["name"], ACTION, SUMMARY, RESPONSE, REPLY]))
    secret |= _words(" ".join([OUTCOME, LEARNING]))
    for message in mailoutbox:
        said = _words(message.subject + " " + message.body)
        assert not said & secret, f"{message.subject!r} to {message.to} says {said & secret}"
