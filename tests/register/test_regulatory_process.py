"""A fair regulatory process: notified, answerable, decided by another officer, appealable."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from speakup.register import duties, queries
from speakup.register.models import (
    Appeal,
    AppealOutcome,
    CaseStep,
    Decision,
    Outcome,
    Status,
)
from speakup.register.services.common import RegisterRefusal
from speakup.register.services.entries import appointment_add
from speakup.register.services.regulatory import (
    appeal_decide,
    appeal_lodge,
    case_decide,
    case_open,
    case_respond,
)
from tests.conftest import sign_in
from tests.register.factories import AppointmentFactory, DirectorFactory

pytestmark = pytest.mark.django_db

START = "2026-03-02 10:00"


def open_case(officer, director):
    return case_open(actor=officer, director=director, grounds="Did not act on a concern.")


@time_machine.travel(START, tick=False)
def test_opening_a_case_notifies_the_director_with_where_to_respond(officers, director):
    case = open_case(officers[0], director)
    assert case.response_due == date(2026, 3, 30)
    message = mail.outbox[-1]
    assert message.to == ["dana@fictional.test"]
    assert case.reference in message.subject
    assert f"/register/me/cases/{case.pk}/" in message.body
    assert "30 March 2026" in message.body
    assert [s.kind for s in CaseStep.objects.filter(case=case)] == ["opened", "notified"]
    notified = CaseStep.objects.get(case=case, kind="notified")
    assert notified.detail == "Notice sent to the director; respond by 30 March 2026"


@time_machine.travel(START, tick=False)
def test_the_officer_who_opened_a_case_cannot_decide_it(officers, director):
    case = open_case(officers[0], director)
    case_respond(actor=None, case=case, response="I did act.")
    with pytest.raises(RegisterRefusal, match="different register officer must decide"):
        case_decide(actor=officers[0], case=case, outcome=Outcome.ADVICE, reasons="Advice.")
    assert not Decision.objects.exists()


def test_no_decision_before_the_director_responds_or_the_window_closes(officers, director):
    with time_machine.travel(START, tick=False):
        case = open_case(officers[0], director)
        with pytest.raises(RegisterRefusal, match="has until 30 March 2026 to respond"):
            case_decide(actor=officers[1], case=case, outcome=Outcome.ADVICE, reasons="Advice.")
    with time_machine.travel("2026-03-31 09:00", tick=False):
        with pytest.raises(RegisterRefusal, match="time to respond ended"):
            case_respond(actor=None, case=case, response="Too late.")
        decision = case_decide(
            actor=officers[1], case=case, outcome=Outcome.ADVICE, reasons="Advice given."
        )
    assert decision.published_at is not None


@time_machine.travel(START, tick=False)
def test_a_decision_can_be_made_as_soon_as_the_director_responds(officers, director):
    case = open_case(officers[0], director)
    case_respond(actor=None, case=case, response="My answer.")
    with pytest.raises(RegisterRefusal, match="already responded"):
        case_respond(actor=None, case=case, response="Again.")
    decision = case_decide(
        actor=officers[1],
        case=case,
        outcome=Outcome.CONDITIONS,
        reasons="Reasons.",
        conditions_text="Complete Follow Up training again.",
        review_date=date(2026, 9, 1),
    )
    director.refresh_from_db()
    assert director.status == Status.CONDITIONS
    assert [c.text for c in queries.conditions_in_force(director)] == [
        "Complete Follow Up training again."
    ]
    assert decision in queries.published_decisions(director)
    assert "The decision on your regulatory case" in mail.outbox[-1].subject


@time_machine.travel(START, tick=False)
def test_a_suspension_runs_to_its_date(officers, director):
    case = open_case(officers[0], director)
    case_respond(actor=None, case=case, response="My answer.")
    with pytest.raises(RegisterRefusal) as refused:
        case_decide(actor=officers[1], case=case, outcome=Outcome.SUSPENSION, reasons="R.")
    assert refused.value.message_dict == {"suspended_until": ["Enter the date the suspension ends"]}
    case_decide(
        actor=officers[1],
        case=case,
        outcome=Outcome.SUSPENSION,
        reasons="R.",
        suspended_until=date(2026, 6, 30),
    )
    director.refresh_from_db()
    assert queries.effective_status(director, date(2026, 6, 30)) == Status.SUSPENDED
    assert queries.effective_status(director, date(2026, 7, 1)) == Status.REGISTERED


def decided_removal(officers, director):
    case = open_case(officers[0], director)
    case_respond(actor=None, case=case, response="My answer.")
    return case_decide(actor=officers[1], case=case, outcome=Outcome.REMOVAL, reasons="Serious.")


def test_an_appeal_is_decided_by_a_third_officer_and_upheld_reverses_the_status(
    officers, director, organisation
):
    with time_machine.travel(START, tick=False):
        decision = decided_removal(officers, director)
        director.refresh_from_db()
        assert director.status == Status.REMOVED
        appeal = appeal_lodge(actor=None, decision=decision, grounds="The facts were wrong.")
        for officer in officers[:2]:
            with pytest.raises(RegisterRefusal, match="third register officer"):
                appeal_decide(
                    actor=officer, appeal=appeal, outcome=AppealOutcome.UPHELD, reasons="R."
                )
        appeal_decide(
            actor=officers[2], appeal=appeal, outcome=AppealOutcome.UPHELD, reasons="New evidence."
        )
        director.refresh_from_db()
        assert director.status == Status.REGISTERED
        assert [c.to_status for c in director.status_changes.all()] == ["removed", "registered"]
        # Restored, they may be appointed again.
        appointment_add(
            actor=officers[0],
            organisation=organisation,
            role_title="Chair",
            executive=False,
            start_date=date(2026, 4, 1),
            register_number=director.register_number,
        )


def test_a_dismissed_appeal_leaves_the_decision_standing(officers, director):
    with time_machine.travel(START, tick=False):
        decision = decided_removal(officers, director)
        appeal = appeal_lodge(actor=None, decision=decision, grounds="Unfair.")
        appeal_decide(
            actor=officers[2],
            appeal=appeal,
            outcome=AppealOutcome.DISMISSED,
            reasons="The decision was sound.",
        )
    director.refresh_from_db()
    assert director.status == Status.REMOVED


def test_an_appeal_after_the_28_day_window_is_refused(officers, director):
    with time_machine.travel(START, tick=False):
        decision = decided_removal(officers, director)
    with (
        time_machine.travel(date(2026, 3, 2) + timedelta(days=29), tick=False),
        pytest.raises(RegisterRefusal, match="time to appeal ended on 30 March 2026"),
    ):
        appeal_lodge(actor=None, decision=decision, grounds="Late.")
    with time_machine.travel("2026-03-30 12:00", tick=False):
        assert appeal_lodge(actor=None, decision=decision, grounds="Just in time.").pk


def test_a_decided_case_cannot_be_decided_again(officers, director):
    with time_machine.travel(START, tick=False):
        decision = decided_removal(officers, director)
        with pytest.raises(RegisterRefusal, match="already been decided"):
            case_decide(
                actor=officers[2], case=decision.case, outcome=Outcome.ADVICE, reasons="Advice."
            )


def test_every_step_is_timestamped_and_written_to_the_audit_log(officers, director):
    from speakup.core.audit import records_for, verify_chain

    with time_machine.travel(START, tick=False):
        decision = decided_removal(officers, director)
        appeal = appeal_lodge(actor=None, decision=decision, grounds="Unfair.")
        appeal_decide(
            actor=officers[2], appeal=appeal, outcome=AppealOutcome.DISMISSED, reasons="Sound."
        )
    case = decision.case
    kinds = [s.kind for s in case.steps.all()]
    assert kinds == ["opened", "notified", "responded", "decided", "appealed", "appeal_decided"]
    assert all(step.at is not None for step in case.steps.all())
    actions = [r.action for r in records_for("regulatory_case", case.reference)]
    assert actions == [f"register.case_{kind}" for kind in kinds]
    assert verify_chain().ok


@time_machine.travel(START, tick=False)
def test_an_officer_who_is_also_a_director_cannot_decide_a_case_about_themselves(
    officers, person_with_role
):
    officer_director = DirectorFactory(email=officers[1].email)
    case = open_case(officers[0], officer_director)
    case_respond(actor=None, case=case, response="Answer.")
    with pytest.raises(RegisterRefusal, match="your own register entry"):
        case_decide(actor=officers[1], case=case, outcome=Outcome.ADVICE, reasons="Advice.")
    with pytest.raises(RegisterRefusal, match="your own register entry"):
        open_case(officers[1], officer_director)


def test_removal_ends_current_appointments_so_the_public_page_shows_them_as_past(
    officers, director, organisation, other_organisation, client
):
    running = AppointmentFactory(
        director=director,
        organisation=organisation,
        role_title="Chair",
        start_date=date(2024, 1, 1),
    )
    fixed_term = AppointmentFactory(
        director=director,
        organisation=other_organisation,
        start_date=date(2025, 1, 1),
        end_date=date(2027, 12, 31),
    )
    finished = AppointmentFactory(
        director=director,
        organisation=organisation,
        role_title="Non-executive director",
        start_date=date(2020, 1, 1),
        end_date=date(2022, 12, 31),
    )
    with time_machine.travel(START, tick=False):
        decided_removal(officers, director)
        for appointment in (running, fixed_term, finished):
            appointment.refresh_from_db()
        # The removal takes effect on the decision date: the last day served is the day before.
        assert running.end_date == fixed_term.end_date == date(2026, 3, 1)
        assert finished.end_date == date(2022, 12, 31)
        assert duties.board_compliance(organisation=organisation) == []
        page = client.get(f"/register/directors/{director.register_number}/").content.decode()
    assert "No current appointments." in page
    past = page.split("Past appointments", 1)[1]
    assert past.count("1 March 2026") == 2 and "31 December 2022" in past
    assert "Removed" in page


def test_an_upheld_appeal_against_removal_gives_the_appointments_back(
    officers, director, organisation
):
    running = AppointmentFactory(director=director, organisation=organisation, role_title="Chair")
    fixed_term = AppointmentFactory(
        director=director,
        organisation=organisation,
        role_title="Non-executive director",
        start_date=date(2025, 1, 1),
        end_date=date(2027, 12, 31),
    )
    with time_machine.travel(START, tick=False):
        decision = decided_removal(officers, director)
        appeal = appeal_lodge(actor=None, decision=decision, grounds="The facts were wrong.")
        appeal_decide(
            actor=officers[2], appeal=appeal, outcome=AppealOutcome.UPHELD, reasons="New evidence."
        )
    running.refresh_from_db()
    fixed_term.refresh_from_db()
    assert running.end_date is None
    assert fixed_term.end_date == date(2027, 12, 31)
    assert running.ended_by_decision is None


def test_a_dismissed_appeal_against_removal_leaves_the_appointments_ended(officers, director):
    running = AppointmentFactory(director=director, start_date=date(2025, 1, 1))
    with time_machine.travel(START, tick=False):
        decision = decided_removal(officers, director)
        appeal = appeal_lodge(actor=None, decision=decision, grounds="Unfair.")
        appeal_decide(
            actor=officers[2], appeal=appeal, outcome=AppealOutcome.DISMISSED, reasons="It stands."
        )
    running.refresh_from_db()
    assert running.end_date == date(2026, 3, 1)


def test_conditions_past_their_review_date_are_listed_for_the_officer(officers, director, client):
    with time_machine.travel(START, tick=False):
        case = open_case(officers[0], director)
        case_respond(actor=None, case=case, response="My answer.")
        case_decide(
            actor=officers[1],
            case=case,
            outcome=Outcome.CONDITIONS,
            reasons="Reasons.",
            conditions_text="Report each quarter on concerns raised.",
            review_date=date(2026, 9, 1),
        )
    sign_in(client, officers[2])
    with time_machine.travel("2026-08-31 09:00", tick=False):
        assert queries.conditions_due_for_review() == []
        page = client.get("/register/officer/").content.decode()
        assert "No conditions are past their review date." in page
    with time_machine.travel("2026-09-01 09:00", tick=False):
        page = client.get("/register/officer/").content.decode()
    assert "1 condition past its review date" in page
    section = page.split("Conditions due for review", 1)[1].split("Regulatory cases", 1)[0]
    assert "Report each quarter on concerns raised." in section
    assert "1 September 2026" in section and case.reference in section


def test_every_step_of_a_case_is_notified_to_the_people_who_must_act(officers, director):
    opener, decider, appeals = officers
    with time_machine.travel(START, tick=False):
        case = open_case(opener, director)
        assert mail.outbox[-1].to == [director.email]
        case_respond(actor=None, case=case, response="My answer.")
        assert mail.outbox[-1].to == [opener.email]
        decision = case_decide(
            actor=decider, case=case, outcome=Outcome.ADVICE, reasons="Advice is given."
        )
        assert mail.outbox[-1].to == [director.email]
        assert "You may appeal until 30 March 2026" in mail.outbox[-1].body
        appeal = appeal_lodge(actor=None, decision=decision, grounds="Unfair.")
        assert sorted(mail.outbox[-1].to) == sorted([opener.email, decider.email])
        appeal_decide(
            actor=appeals, appeal=appeal, outcome=AppealOutcome.DISMISSED, reasons="Sound."
        )
        assert mail.outbox[-1].to == [director.email]
        assert "dismissed" in mail.outbox[-1].body
    assert len(mail.outbox) == 5


@time_machine.travel(START, tick=False)
def test_no_action_leaves_the_status_and_is_published_with_nothing_to_appeal(officers, director):
    case = open_case(officers[0], director)
    case_respond(actor=None, case=case, response="I acted on every concern.")
    decision = case_decide(
        actor=officers[1], case=case, outcome=Outcome.NO_ACTION, reasons="The grounds were not met."
    )
    director.refresh_from_db()
    assert director.status == Status.REGISTERED
    assert decision in queries.published_decisions(director)
    with pytest.raises(RegisterRefusal, match="nothing to appeal"):
        appeal_lodge(actor=None, decision=decision, grounds="Nothing.")


def responded_case(officers, director):
    """A case the director has answered: another officer may decide it."""
    case = open_case(officers[0], director)
    case_respond(actor=None, case=case, response="My answer.")
    return case


def decision_email():
    (message,) = [m for m in mail.outbox if "The decision on your regulatory case" in m.subject]
    return message.body


@time_machine.travel(START, tick=False)
def test_the_decision_email_gives_the_conditions_their_review_date_and_the_public_entry(
    officers, director
):
    case = responded_case(officers, director)
    case_decide(
        actor=officers[1],
        case=case,
        outcome=Outcome.CONDITIONS,
        reasons="Concerns went unanswered.",
        conditions_text="Report each quarter on concerns raised.",
        review_date=date(2026, 9, 1),
    )
    body = decision_email()
    assert f"The decision on case {case.reference} is: Conditions." in body
    assert "Concerns went unanswered." in body
    assert "The conditions are:\nReport each quarter on concerns raised." in body
    assert "A register officer will review them on 1 September 2026." in body
    # "Public entry" leads to the public entry; the case page is where to appeal.
    entry = f"/register/directors/{director.register_number}/"
    assert f"published on your public register entry: {entry}" in body
    case_page = f"/register/me/cases/{case.pk}/"
    assert f"To read the case and appeal, sign in to speakup and go to: {case_page}" in body


@time_machine.travel(START, tick=False)
def test_the_decision_email_gives_the_end_of_a_suspension(officers, director):
    case_decide(
        actor=officers[1],
        case=responded_case(officers, director),
        outcome=Outcome.SUSPENSION,
        reasons="Serious.",
        suspended_until=date(2026, 6, 30),
    )
    body = decision_email()
    assert "Your registration is suspended until 30 June 2026." in body
    assert f"/register/directors/{director.register_number}/" in body


@time_machine.travel(START, tick=False)
def test_a_review_date_or_a_suspension_more_than_2_years_ahead_is_refused(officers, director):
    case = responded_case(officers, director)
    limit = "must be no more than 2 years from today: 2 March 2028 or earlier"
    with pytest.raises(RegisterRefusal) as refused:
        case_decide(
            actor=officers[1],
            case=case,
            outcome=Outcome.CONDITIONS,
            reasons="R.",
            conditions_text="Mentoring.",
            review_date=date(2126, 1, 1),
        )
    assert refused.value.message_dict == {
        "review_date": [f"The review date for the conditions {limit}"]
    }
    with pytest.raises(RegisterRefusal) as refused:
        case_decide(
            actor=officers[1],
            case=case,
            outcome=Outcome.SUSPENSION,
            reasons="R.",
            suspended_until=date(2028, 3, 3),
        )
    assert refused.value.message_dict == {
        "suspended_until": [f"The date the suspension ends {limit}"]
    }
    assert not Decision.objects.exists()
    decision = case_decide(
        actor=officers[1],
        case=case,
        outcome=Outcome.SUSPENSION,
        reasons="R.",
        suspended_until=date(2028, 3, 2),  # two years to the day is allowed
    )
    assert decision.suspended_until == date(2028, 3, 2)


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def case_page(client, officer, case) -> str:
    """The case page as `officer` reads it."""
    sign_in(client, officer)
    return page_text(client.get(f"/register/officer/cases/{case.pk}/"))


@time_machine.travel(START, tick=False)
def test_only_an_officer_who_may_decide_sees_the_decision_form(officers, director, client):
    opener, decider, _ = officers
    case = open_case(opener, director)
    page = case_page(client, opener, case)
    assert "You opened this case, so a different register officer must decide it." in page
    assert "Make the decision" not in page
    page = case_page(client, decider, case)
    assert (
        "The director has until 30 March 2026 to respond: the case can be decided once they "
        "respond or that date has passed."
    ) in page
    assert "Make the decision" not in page
    case_respond(actor=None, case=case, response="My answer.")
    page = case_page(client, decider, case)
    assert "Make the decision" in page and "has until 30 March 2026" not in page
    assert "Make the decision" not in case_page(client, opener, case)  # still not the opener


@time_machine.travel(START, tick=False)
def test_an_officer_on_the_register_is_told_they_cannot_decide_their_own_case(officers, client):
    case = responded_case(officers, DirectorFactory(email=officers[1].email))
    page = case_page(client, officers[1], case)
    assert "You cannot decide a case about your own register entry." in page
    assert "Make the decision" not in page


def appealed_case(officers, director):
    """A removal the director has appealed: only the third officer may decide the appeal."""
    decision = decided_removal(officers, director)
    appeal_lodge(actor=None, decision=decision, grounds="The facts were wrong.")
    return decision.case


@time_machine.travel(START, tick=False)
def test_only_a_third_officer_sees_the_appeal_form(officers, director, client):
    opener, decider, third = officers
    case = appealed_case(officers, director)
    page = case_page(client, opener, case)
    assert "You opened this case, so a third register officer must decide the appeal." in page
    assert "Reasons for the appeal decision" not in page
    page = case_page(client, decider, case)
    assert "You made the decision, so a third register officer must decide the appeal." in page
    assert "Reasons for the appeal decision" not in page
    # Posting anyway (a page left open) is refused with the same sentence, and nothing is decided.
    refused = client.post(
        f"/register/officer/cases/{case.pk}/",
        {"decide_appeal": "1", "outcome": "upheld", "reasons": "R."},
    )
    assert "You made the decision, so a third register officer must decide" in page_text(refused)
    assert not Appeal.objects.filter(decided_at__isnull=False).exists()
    page = case_page(client, third, case)
    assert "Reasons for the appeal decision" in page
    assert "third register officer must decide" not in page


@time_machine.travel(START, tick=False)
def test_an_officer_on_the_register_is_told_they_cannot_decide_an_appeal_on_their_own_case(
    officers, client
):
    case = appealed_case(officers, DirectorFactory(email=officers[2].email))
    page = case_page(client, officers[2], case)
    assert "You cannot decide an appeal on a case about your own register entry." in page
    assert "Reasons for the appeal decision" not in page
    with pytest.raises(RegisterRefusal, match="decide an appeal on a case about your own"):
        appeal_decide(
            actor=officers[2],
            appeal=Appeal.objects.get(decision__case=case),
            outcome=AppealOutcome.UPHELD,
            reasons="R.",
        )
