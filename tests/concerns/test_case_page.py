"""The case page around the work: the speaker's closing feedback and detriment check-ins, text
in any direction, buttons opened in the browser after signing in again, asking before a reopen
or a withdrawal, and escalating only to someone there is."""

import json
import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from speakup.concerns.models import Confidentiality, DetrimentCheckin, Escalation, Status
from speakup.concerns.services import handling
from speakup.concerns.services.intake import concern_submit
from speakup.concerns.services.speaker import checkin_answer, speaker_feedback
from speakup.core.dates import day_in_words
from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from tests.concerns.factories import ConcernFactory, open_action, speaker_message
from tests.concerns.test_api_staff import api_as
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

COMMENT = "The guardian listened, but my manager still moved me off nights (synthetic)"


def _page(client, concern) -> str:
    return client.get(reverse("concerns:show_concern", args=[concern.reference])).content.decode()


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def closed(staff):
    return ConcernFactory(
        organisation=staff.organisation,
        status=Status.CLOSED,
        closed_at=timezone.now(),
        guardian=staff.guardian,
        accountable_lead=staff.lead,
    )


# --- The speaker's closing feedback ------------------------------------------------------


def test_the_guardian_reads_the_speakers_closing_answers_and_comment(client, staff, closed):
    speaker_feedback(concern=closed, would_speak_up_again="maybe", detriment=True, comment=COMMENT)
    sign_in(client, staff.guardian)
    text = _text(_page(client, closed))
    assert "The speaker's closing feedback" in text
    assert "Would speak up again Maybe" in text
    assert "Suffered for speaking up Yes" in text
    assert f"Their comment {COMMENT}" in text
    # The page read that showed it is audited, as every read of the case is.
    assert AuditRecord.objects.filter(action="concern.view", object_ref=closed.reference).exists()


@pytest.mark.parametrize("who", ["accountable", "escalated to"])
def test_a_leader_reads_the_closing_answers_but_not_the_speakers_comment(
    client, staff, closed, who
):
    """The comment is free text that may name the speaker, as the conversation may: it stays
    with the guardians (the speaker's form says "The guardian reads them")."""
    closed.status = Status.IN_PROGRESS  # escalated while it was open
    closed.save()
    handling.concern_escalate(
        user=staff.guardian, concern=closed, level=Escalation.Level.NON_EXECUTIVE_LEAD
    )
    closed.status = Status.CLOSED
    closed.save()
    speaker_feedback(concern=closed, would_speak_up_again="no", detriment=True, comment=COMMENT)
    leader = {"accountable": staff.lead, "escalated to": staff.ned}[who]
    sign_in(client, leader)
    text = _text(_page(client, closed))
    assert "Would speak up again No" in text and "Suffered for speaking up Yes" in text
    assert COMMENT not in text and "No comment" not in text
    assert (
        "Their comment Only the organisation's FTSU guardians read it, as they do the "
        "conversation with the speaker: it may name them"
    ) in text
    api = api_as(leader).get(f"/api/v1/concerns/{closed.reference}")
    assert api.status_code == 200 and COMMENT not in json.dumps(api.json())
    sign_in(client, staff.guardian)
    assert f"Their comment {COMMENT}" in _text(_page(client, closed))


def test_a_leader_is_not_told_whether_the_speaker_left_a_comment(client, staff, closed):
    speaker_feedback(concern=closed, would_speak_up_again="yes", detriment=False)
    sign_in(client, staff.lead)
    text = _text(_page(client, closed))
    assert "No comment" not in text and "Their comment Only the organisation's" in text


def test_feedback_without_a_comment_says_so(client, staff, closed):
    speaker_feedback(concern=closed, would_speak_up_again="yes", detriment=False)
    sign_in(client, staff.guardian)
    text = _text(_page(client, closed))
    assert "Would speak up again Yes" in text and "Their comment No comment" in text


def test_a_closed_concern_says_the_speaker_has_not_answered_yet(client, staff, closed):
    sign_in(client, staff.guardian)
    assert "The speaker has not answered yet" in _page(client, closed)


# --- What the speaker said when they spoke up --------------------------------------------


def _speaker_said(organisation, detriment) -> object:
    return concern_submit(
        organisation=organisation,
        confidentiality="anonymous",
        description="Synthetic",
        detriment_experienced=detriment,
    ).concern


@pytest.mark.parametrize(("said", "shown"), [(None, "Not answered"), (False, "No"), (True, "Yes")])
def test_the_case_says_whether_the_speaker_reported_detriment_or_did_not_answer(
    client, staff, said, shown
):
    """Their own check page said "Not answered" where the case page said "No"."""
    concern = _speaker_said(staff.organisation, said)
    sign_in(client, staff.guardian)
    assert f"Detriment reported by the speaker {shown} " in _text(_page(client, concern))


def test_both_questions_a_speaker_skipped_say_not_answered_to_the_guardian_and_the_leader(
    client, staff
):
    """Patients' risk said "Not known", which the speaker's form never offered, beside
    "Not answered" for detriment: the same unanswered question, in two words."""
    concern = concern_submit(
        organisation=staff.organisation,
        confidentiality=Confidentiality.CONFIDENTIAL,
        description="Synthetic",
        contact={"name": "Robin Nurse", "email": "robin@example.test"},
    ).concern
    concern.guardian, concern.accountable_lead = staff.guardian, staff.lead
    concern.save()
    for person in (staff.guardian, staff.lead):
        sign_in(client, person)
        text = _text(_page(client, concern))
        assert "Patients at risk Not answered " in text
        assert "Detriment reported by the speaker Not answered " in text
        assert "Not known" not in text


def test_an_answer_after_closing_answers_what_was_left_open_and_a_yes_stays(client, staff):
    unanswered, reported = (_speaker_said(staff.organisation, said) for said in (None, True))
    for concern in (unanswered, reported):
        concern.status, concern.closed_at = Status.CLOSED, timezone.now()
        concern.save()
        speaker_feedback(concern=concern, would_speak_up_again="yes", detriment=False)
    sign_in(client, staff.guardian)
    assert "Detriment reported by the speaker No " in _text(_page(client, unanswered))
    assert "Detriment reported by the speaker Yes " in _text(_page(client, reported))


# --- Detriment check-ins after closure ---------------------------------------------------

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_the_case_page_shows_when_each_checkin_was_asked_and_what_the_speaker_answered(
    client, staff, closed
):
    first = DetrimentCheckin.objects.create(
        concern=closed,
        due_on=date(2026, 10, 26),
        asked_at=datetime(2026, 10, 26, 9, 15, tzinfo=UTC),
    )
    DetrimentCheckin.objects.create(concern=closed, due_on=date(2026, 12, 26))
    checkin_answer(concern=closed, checkin_id=first.pk, detriment=False)

    # Whoever reads the closing feedback; the leader the days alone (a time can match a shift).
    for person, asked, answered in (
        (staff.guardian, "26 October 2026 at 9:15am", "26 November 2026 at 10:00am"),
        (staff.lead, "26 October 2026", "26 November 2026"),
    ):
        sign_in(client, person)
        text = _text(_page(client, closed))
        assert "Detriment check-ins" in text
        assert (
            f"Due 26 October 2026 Asked {asked} Answered {answered} Suffered for speaking up No"
        ) in text
        assert (
            "Due 26 December 2026 Asked Not yet Answered Not yet "
            "Suffered for speaking up No answer yet"
        ) in text


@time_machine.travel(NOW, tick=False)
def test_a_yes_at_a_checkin_is_on_the_reopened_case(client, staff, closed):
    checkin = DetrimentCheckin.objects.create(concern=closed, due_on=date(2026, 11, 26))
    checkin_answer(concern=closed, checkin_id=checkin.pk, detriment=True)
    sign_in(client, staff.guardian)
    text = _text(_page(client, closed))
    assert "In progress" in text
    assert "Answered 26 November 2026 at 10:00am " in text
    assert "Suffered for speaking up Yes, they have suffered for speaking up" in text


@time_machine.travel(NOW, tick=False)
def test_an_anonymous_speakers_due_checkin_waits_for_their_next_sign_in(client, staff):
    concern = ConcernFactory(
        organisation=staff.organisation,
        confidentiality=Confidentiality.ANONYMOUS,
        status=Status.CLOSED,
        closed_at=timezone.now(),
        guardian=staff.guardian,
    )
    DetrimentCheckin.objects.create(concern=concern, due_on=date(2026, 11, 20))
    sign_in(client, staff.guardian)
    text = _text(_page(client, concern))
    assert "Asked Not yet: they are asked when they next sign in with their receipt code" in text


def test_a_concern_with_no_checkins_shows_no_empty_table(client, staff, concern):
    sign_in(client, staff.guardian)
    assert "Detriment check-ins" not in _page(client, concern)


# --- Text in any direction ---------------------------------------------------------------


def test_everything_a_person_typed_is_shown_in_its_own_direction(client, staff):
    narrative = "هناك ممرضة واحدة فقط في الليل"
    concern = ConcernFactory(
        organisation=staff.organisation,
        narrative=f"{narrative}\nSecond line",
        status=Status.IN_PROGRESS,
        confidentiality=Confidentiality.OPEN,
        speaker={"name": "שרה כהן", "email": "sarah@fictional.test", "phone": ""},
    )
    speaker_message(concern, "אני עובדת בלילות")
    open_action(concern, created_by=staff.guardian, description="راجع جدول المناوبات")
    sign_in(client, staff.guardian)
    page = _page(client, concern)
    assert f'<p dir="auto">{narrative}</p>' in page
    assert '<p dir="auto">Second line</p>' in page  # line breaks kept
    assert '<p dir="auto">אני עובדת בלילות</p>' in page
    assert re.search(r'<dd class="nhsuk-summary-list__value"\s*dir="auto">\s*שרה כהן', page)
    assert re.search(r'<dd class="nhsuk-summary-list__value"\s*dir="auto">\s*راجع جدول', page)


def test_the_handler_sees_typed_text_in_its_own_direction(client, staff, concern):
    action = open_action(
        concern, created_by=staff.guardian, handler=staff.manager, description="راجع جدول"
    )
    sign_in(client, staff.manager)
    page = client.get(reverse("concerns:show_action", args=[action.pk])).content.decode()
    assert re.search(r'<dd class="nhsuk-summary-list__value"\s*dir="auto">\s*راجع جدول', page)
    listed = client.get(reverse("concerns:list_actions")).content.decode()
    assert re.search(r'<a href="[^"]+" dir="auto">راجع جدول</a>', listed)


def test_the_speaker_sees_the_conversation_in_its_own_direction(client, organisation):
    submitted = concern_submit(
        organisation=organisation, confidentiality="anonymous", description="Trolleys overnight."
    )
    speaker_message(submitted.concern, "المرضى ينتظرون في الممر")
    client.post(reverse("concerns:check_concern"), {"receipt_code": submitted.receipt_code})
    page = client.get(reverse("concerns:show_speaker_concern")).content.decode()
    assert '<p dir="auto">المرضى ينتظرون في الممر</p>' in page


def test_a_speakers_name_kept_with_half_a_character_still_opens_the_case(client, staff):
    """Before 27 November the API took a name holding half a character ("\\udc00" alone) and
    kept it: the case page and the API's case then failed every time. Shown as "�" now."""
    concern = ConcernFactory(
        organisation=staff.organisation,
        confidentiality=Confidentiality.OPEN,
        speaker={"name": "Ada\udc00", "email": "ada@fictional.test", "phone": ""},
    )
    sign_in(client, staff.guardian)
    assert "Ada\ufffd" in _page(client, concern)
    detail = client.get(reverse("api:staff_show_concern", args=[concern.reference]))
    assert detail.status_code == 200
    assert detail.json()["speaker"]["name"] == "Ada\ufffd"


# --- Button addresses opened in the browser ----------------------------------------------


def test_a_button_address_opened_after_signing_in_again_goes_to_the_case_and_changes_nothing(
    client, staff, concern
):
    address = reverse("concerns:acknowledge_concern", args=[concern.reference])
    signed_out = client.get(address)
    assert signed_out.status_code == 302 and "next=" in signed_out["Location"]

    sign_in(client, staff.guardian)
    response = client.get(address, follow=True)
    assert response.redirect_chain == [
        (reverse("concerns:show_concern", args=[concern.reference]), 302)
    ]
    assert "Nothing was changed" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == Status.RECEIVED


def test_the_leaders_sign_off_addresses_opened_in_the_browser_go_to_the_case(
    client, staff, concern
):
    concern.accountable_lead = staff.lead
    concern.save()
    action = open_action(concern, created_by=staff.guardian)
    sign_in(client, staff.lead)
    case = reverse("concerns:show_concern", args=[concern.reference])
    for address in (
        reverse("concerns:sign_off_action", args=[concern.reference, action.pk]),
        reverse("concerns:sign_off_learning", args=[concern.reference]),
    ):
        response = client.get(address)
        assert (response.status_code, response["Location"]) == (302, case)
    action.refresh_from_db()
    assert action.signed_off_at is None


def test_a_method_no_page_takes_gets_a_page_that_says_so(client, staff, concern):
    sign_in(client, staff.guardian)
    response = client.put(reverse("concerns:acknowledge_concern", args=[concern.reference]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "This page cannot be opened directly" in response.content.decode()


def test_a_speakers_button_address_opened_in_the_browser_is_a_page_not_a_blank(client):
    response = client.get(reverse("concerns:sign_out_speaker"))
    assert response.status_code == 405
    assert "<h1>This page cannot be opened directly</h1>" in response.content.decode()
    assert response["Cache-Control"] == "no-store, max-age=0"  # the speaker's headers are kept


# --- Asking before a reopen or a withdrawal ----------------------------------------------


def test_reopening_asks_first_and_the_history_records_who_reopened(client, staff, closed):
    sign_in(client, staff.guardian)
    case = _page(client, closed)
    address = reverse("concerns:reopen_concern", args=[closed.reference])
    assert f'href="{address}"' in case  # a link to the question, not a button that acts

    question = client.get(address)
    text = _text(question.content.decode())
    assert "Reopen the concern" in text
    assert "the accountable leader signs off the learning again" in text
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED

    done = client.post(address, follow=True)
    assert "Concern reopened" in done.content.decode()
    closed.refresh_from_db()
    assert closed.status == Status.IN_PROGRESS
    last = closed.status_changes.last()
    assert (last.from_status, last.to_status, last.by) == ("closed", "in_progress", staff.guardian)


def test_the_reopen_question_is_not_asked_of_an_open_concern(client, staff, concern):
    sign_in(client, staff.guardian)
    response = client.get(reverse("concerns:reopen_concern", args=[concern.reference]))
    assert response["Location"] == reverse("concerns:show_concern", args=[concern.reference])


def test_withdrawing_asks_first(client, staff, concern):
    sign_in(client, staff.guardian)
    address = reverse("concerns:withdraw_concern", args=[concern.reference])
    assert "only when the speaker has asked you to" in client.get(address).content.decode()
    concern.refresh_from_db()
    assert concern.status == Status.RECEIVED
    client.post(address)
    concern.refresh_from_db()
    assert concern.status == Status.WITHDRAWN


# --- Escalating to someone there is ------------------------------------------------------


def test_escalation_offers_only_the_leaders_there_are_by_name(
    client, staff, concern, person_with_role
):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    sign_in(client, staff.guardian)
    address = reverse("concerns:escalate_concern", args=[concern.reference])
    page = _text(client.get(address).content.decode())
    assert "The accountable leader" not in page  # none named yet
    assert "The executive FTSU lead (Eve Executive)" in page
    assert "The non-executive FTSU lead (Ned Nonexec)" in page

    refused = client.post(address, {"level": Escalation.Level.ACCOUNTABLE_LEAD})
    assert "Choose who to escalate to" in refused.content.decode()
    assert not Escalation.objects.exists()

    board_member = person_with_role(Role.BOARD_MEMBER, full_name="Bea Board")
    concern.accountable_lead = board_member
    concern.save()
    page = _text(client.get(address).content.decode())
    assert "The accountable leader (Bea Board)" in page
    assert "The executive FTSU lead (Eve Executive)" in page


def test_a_leader_in_two_roles_on_the_case_is_offered_once_naming_both(
    client, staff, concern, person_with_role
):
    """The accountable leader who is also the executive FTSU lead is one person: one choice,
    recorded at the higher level."""
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    concern.refresh_from_db()
    concern.accountable_lead = staff.lead
    concern.save()
    sign_in(client, staff.guardian)
    address = reverse("concerns:escalate_concern", args=[concern.reference])
    page = client.get(address).content.decode()
    text = _text(page)
    assert "The accountable leader and executive FTSU lead (Eve Executive)" in text
    assert text.count("Eve Executive") == 1
    assert "The non-executive FTSU lead (Ned Nonexec)" in text
    assert page.count('type="radio"') == 2

    chosen = re.search(r'value="(\d+)"[^>]*>\s*<label[^>]*>\s*The accountable leader and', page)
    assert chosen.group(1) == str(Escalation.Level.EXECUTIVE_LEAD)


def _escalating_a_case_eve_is_accountable_for(client, staff, concern) -> str:
    """The guardian, signed in, at the escalation page of a case whose accountable leader is
    the executive FTSU lead."""
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.concern_name_accountable_lead(
        user=staff.guardian, concern=concern, accountable_lead=staff.lead
    )
    sign_in(client, staff.guardian)
    return reverse("concerns:escalate_concern", args=[concern.reference])


def test_the_accountable_leader_in_their_other_role_too_is_sent_the_case_once(
    client, staff, concern, mailoutbox, django_capture_on_commit_callbacks
):
    """The one choice naming both roles escalates to them once, as the accountable leader
    choice would; a second time is refused while the first is open."""
    address = _escalating_a_case_eve_is_accountable_for(client, staff, concern)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(address, {"level": Escalation.Level.EXECUTIVE_LEAD}, follow=True)
    assert "Concern escalated" in sent.content.decode()
    assert [e.escalated_to for e in Escalation.objects.all()] == [staff.lead]
    assert [m.to for m in mailoutbox] == [[staff.lead.email]]
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(address, {"level": Escalation.Level.EXECUTIVE_LEAD})
    page = refused.content.decode()
    summary = _text(page[page.index("nhsuk-error-summary") :])
    assert "Eve Executive has already been sent this case on" in summary
    assert Escalation.objects.count() == 1


def test_of_two_executive_leads_only_the_one_not_accountable_is_sent_the_case(
    client, staff, concern, person_with_role, mailoutbox, django_capture_on_commit_callbacks
):
    second = person_with_role(Role.EXECUTIVE_LEAD, full_name="Esa Second")
    address = _escalating_a_case_eve_is_accountable_for(client, staff, concern)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(address, {"level": Escalation.Level.EXECUTIVE_LEAD}, follow=True)
    assert "Concern escalated" in sent.content.decode()
    assert [e.escalated_to for e in Escalation.objects.all()] == [second]
    assert [m.to for m in mailoutbox] == [[second.email]]


def _escalated_on_3_november(staff, concern, *levels) -> str:
    """The guardian escalated the case to each of `levels` on 3 November 2026; signed in at the
    escalation page."""
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    with time_machine.travel(datetime(2026, 11, 3, 10, 0, tzinfo=UTC), tick=False):
        for level in levels:
            handling.concern_escalate(user=staff.guardian, concern=concern, level=level)
    return reverse("concerns:escalate_concern", args=[concern.reference])


def test_a_leader_already_escalated_to_is_not_offered_and_the_page_says_since_when(
    client, staff, concern
):
    """Offered, then refused ("has already been sent this case"): now the page says who has it
    and offers only what would be done. A page shown before still gets the refusal."""
    address = _escalated_on_3_november(staff, concern, Escalation.Level.EXECUTIVE_LEAD)
    sign_in(client, staff.guardian)
    page = client.get(address).content.decode()
    hint = re.search(r'id="id_level-hint"\s*>(.*?)</div>', page, re.S)
    assert _text(hint.group(1)) == (
        "Not offered, as they already have this concern: the executive FTSU lead "
        "(Eve Executive), escalated to them on 3 November 2026."
    )
    assert re.search(r'<fieldset[^>]*aria-describedby="id_level-hint"', page)
    assert page.count('type="radio"') == 1
    assert f'value="{Escalation.Level.EXECUTIVE_LEAD}"' not in page
    assert "The non-executive FTSU lead (Ned Nonexec)" in _text(page)

    refused = client.post(address, {"level": Escalation.Level.EXECUTIVE_LEAD})
    summary = _text(refused.content.decode().split("nhsuk-error-summary", 1)[1])
    assert "Eve Executive has already been sent this case on 3 November 2026" in summary
    assert Escalation.objects.count() == 1


def test_beside_a_choice_the_page_names_who_of_its_leaders_is_not_sent_it_and_why(
    client, staff, concern, person_with_role
):
    second = person_with_role(Role.EXECUTIVE_LEAD, full_name="Esa Second")
    address = _escalating_a_case_eve_is_accountable_for(client, staff, concern)
    page = client.get(address).content.decode()
    choice = re.search(
        rf'<input[^>]*value="{Escalation.Level.EXECUTIVE_LEAD}"[^>]*aria-describedby="([^"]+)"',
        page,
    )
    hint = re.search(rf'id="{choice.group(1)}"\s*>(.*?)</div>', page, re.S)
    assert _text(hint.group(1)) == (
        "Not sent to Eve Executive: accountable for this case, so it is on their list already."
    )
    # Escalated to Esa alone: now she has it, and Eve, alone left, would be sent it after all.
    client.post(address, {"level": Escalation.Level.EXECUTIVE_LEAD})
    assert [e.escalated_to for e in Escalation.objects.all()] == [second]
    today = day_in_words(timezone.now())
    text = _text(client.get(address).content.decode())
    assert f"Not sent again to Esa Second: already escalated to them on {today}." in text
    assert "Not sent to Eve Executive" not in text


def test_with_everyone_already_escalated_to_the_page_says_so_and_offers_nothing(
    client, staff, concern
):
    address = _escalated_on_3_november(
        staff, concern, Escalation.Level.EXECUTIVE_LEAD, Escalation.Level.NON_EXECUTIVE_LEAD
    )
    sign_in(client, staff.guardian)
    page = client.get(address).content.decode()
    assert (
        "Everyone you could escalate this concern to already has it: the executive FTSU lead "
        "(Eve Executive), escalated to them on 3 November 2026; the non-executive FTSU lead "
        "(Ned Nonexec), escalated to them on 3 November 2026."
    ) in _text(page)
    assert 'type="radio"' not in page
    assert "Escalate the concern</button>" not in page


def test_with_nobody_to_escalate_to_the_page_says_so(client, staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    staff.lead.memberships.all().delete()
    staff.ned.memberships.all().delete()
    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:escalate_concern", args=[concern.reference]))
    text = _text(page.content.decode())
    assert "There is nobody to escalate this concern to yet" in text
    assert 'type="radio"' not in page.content.decode()


# --- Caching ------------------------------------------------------------------------------


def test_case_pages_are_not_kept_by_the_browser(client, staff, concern):
    sign_in(client, staff.guardian)
    response = client.get(reverse("concerns:show_concern", args=[concern.reference]))
    assert "no-store" in response["Cache-Control"]
