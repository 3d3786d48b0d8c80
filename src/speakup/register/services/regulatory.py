"""The regulatory process: a case opened by the officer, the director's response, the decision,
its email, an appeal, and reviews of conditions."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from speakup.core.dates import (
    day_in_words,
    more_than_years_ahead,
    years_after,
)
from speakup.core.links import absolute_url
from speakup.core.text import blank, trimmed
from speakup.core.words import capitalised
from speakup.register.models import (
    Appeal,
    AppealOutcome,
    Appointment,
    CaseStep,
    Condition,
    Decision,
    Director,
    Outcome,
    RegulatoryCase,
    Status,
    StepKind,
)
from speakup.register.rules import decide_appeal_blocker, decide_blocker, is_own_entry
from speakup.register.services.common import RegisterRefusal, audit_change
from speakup.register.services.entries import set_status

DEFAULT_RESPONSE_DAYS = 28


APPEAL_DAYS = 28


# How far ahead a decision may set a condition's review date or a suspension's end: two turns of
# the directors' yearly duties. Further than that is a mistyped year (docs/register.md).
DECISION_DATE_YEARS = 2


def _notify(*, to: list[str], subject: str, body: str) -> None:
    recipients = [address for address in to if address]
    if recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _refuse_own_entry(actor, director: Director, what: str) -> None:
    if is_own_entry(actor, director):
        raise RegisterRefusal(f"You cannot {what} a case about your own register entry.")


def latest_decision_date(today: date | None = None) -> date:
    """The latest review date for conditions, or end of a suspension, a decision may set."""
    return years_after(today or timezone.localdate(), DECISION_DATE_YEARS)


def _date_ahead_problem(day: date | None, *, called: str) -> str:
    """What is wrong with a date a decision sets ahead ("" when nothing): `called` names it."""
    capital = capitalised(called)
    if day is None:
        return f"Enter {called}"
    if day <= timezone.localdate():
        return f"{capital} must be in the future"
    if day > (latest := latest_decision_date()):
        return more_than_years_ahead(capital, latest, years=DECISION_DATE_YEARS)
    return ""


def decision_terms_problems(
    *,
    outcome: str,
    conditions_text: str = "",
    review_date: date | None = None,
    suspended_until: date | None = None,
) -> dict[str, str]:
    """What the outcome still needs, by field: conditions their text and a review date, a
    suspension its end date. The decision form shows each beside its field."""
    problems = {}
    if outcome == Outcome.CONDITIONS:
        if blank(conditions_text):
            problems["conditions_text"] = "Enter the conditions"
        problems["review_date"] = _date_ahead_problem(
            review_date, called="the review date for the conditions"
        )
    if outcome == Outcome.SUSPENSION:
        problems["suspended_until"] = _date_ahead_problem(
            suspended_until, called="the date the suspension ends"
        )
    return {field: problem for field, problem in problems.items() if problem}


def new_review_date_problem(review_date: date | None) -> str:
    """Keeping a condition needs a new review date, ahead as a decision's is."""
    return _date_ahead_problem(review_date, called="the new review date")


def _step(case, kind, actor, detail=""):
    CaseStep.objects.create(case=case, kind=kind, actor=actor, detail=detail[:300])
    audit_change(
        actor=actor,
        action=f"register.case_{kind}",
        object_type="regulatory_case",
        object_ref=case.reference,
        detail={"register_number": case.director.register_number},
    )


@transaction.atomic
def case_open(
    *, actor, director: Director, grounds: str, response_days: int = DEFAULT_RESPONSE_DAYS
) -> RegulatoryCase:
    grounds = trimmed(grounds or "")
    _refuse_own_entry(actor, director, "open")
    if not grounds:
        raise RegisterRefusal("Enter the grounds for the case: the director must know them.")
    if response_days < 14:
        raise RegisterRefusal("Give the director at least 14 days to respond.")
    case = RegulatoryCase.objects.create(
        director=director,
        grounds=grounds,
        opened_by=actor,
        response_due=timezone.localdate() + timedelta(days=response_days),
    )
    _step(case, StepKind.OPENED, actor)
    link = absolute_url(reverse("register:show_my_case", args=[case.pk]))
    _notify(
        to=[director.email],
        subject=f"A regulatory case about your register entry ({case.reference})",
        body=(
            f"Dear {director.name},\n\n"
            f"A register officer has opened a regulatory case ({case.reference}) about your entry "
            f"{director.register_number} on the register of board directors.\n\n"
            f"The grounds are:\n{grounds}\n\n"
            f"You can respond until {day_in_words(case.response_due)}. No decision will be made "
            "before you respond or that date passes. To read the case and respond, sign in to "
            f"speakup and go to: {link}\n"
        ),
    )
    _step(
        case,
        StepKind.NOTIFIED,
        None,
        f"Notice sent to the director; respond by {day_in_words(case.response_due)}",
    )
    return case


@transaction.atomic
def case_respond(*, actor, case: RegulatoryCase, response: str) -> RegulatoryCase:
    case = RegulatoryCase.objects.select_for_update().get(pk=case.pk)
    response = trimmed(response or "")
    if not response:
        raise RegisterRefusal("Enter your response.")
    if case.responded_at is not None:
        raise RegisterRefusal("You have already responded to this case.")
    if hasattr(case, "decision"):
        raise RegisterRefusal("A decision has already been made on this case.")
    if timezone.localdate() > case.response_due:
        raise RegisterRefusal(f"The time to respond ended on {day_in_words(case.response_due)}.")
    case.response = response
    case.responded_at = timezone.now()
    case.save(update_fields=["response", "responded_at"])
    _step(case, StepKind.RESPONDED, actor)
    _notify(
        to=[case.opened_by.email],
        subject=f"The director has responded ({case.reference})",
        body=f"{case.director.name} has responded to case {case.reference}. "
        "Another register officer can now decide it.",
    )
    return case


@transaction.atomic
def case_decide(
    *,
    actor,
    case: RegulatoryCase,
    outcome: str,
    reasons: str,
    conditions_text: str = "",
    review_date: date | None = None,
    suspended_until: date | None = None,
) -> Decision:
    case = RegulatoryCase.objects.select_for_update().get(pk=case.pk)
    reasons = trimmed(reasons or "")
    if blocker := decide_blocker(actor, case, timezone.localdate()):
        raise RegisterRefusal(blocker)
    if outcome not in Outcome.values:
        raise RegisterRefusal("Choose an outcome.")
    if not reasons:
        raise RegisterRefusal("Write the reasons for the decision: they are published.")
    problems = decision_terms_problems(
        outcome=outcome,
        conditions_text=conditions_text,
        review_date=review_date,
        suspended_until=suspended_until,
    )
    if problems:
        raise RegisterRefusal(problems)  # named by field, so each shows beside its own
    director = Director.objects.select_for_update().get(pk=case.director_id)
    now = timezone.now()
    decision = Decision.objects.create(
        case=case,
        outcome=outcome,
        reasons=reasons,
        decided_by=actor,
        decided_at=now,
        suspended_until=suspended_until if outcome == Outcome.SUSPENSION else None,
        published_at=now,
        status_before=director.status,
    )
    reason = f"Decision on case {case.reference}"
    if outcome == Outcome.CONDITIONS:
        Condition.objects.create(
            director=director,
            decision=decision,
            text=trimmed(conditions_text),
            review_date=review_date,
        )
        if director.status == Status.REGISTERED:
            set_status(director=director, to=Status.CONDITIONS, actor=actor, reason=reason)
    elif outcome == Outcome.SUSPENSION:
        set_status(
            director=director,
            to=Status.SUSPENDED,
            until=suspended_until,
            actor=actor,
            reason=reason,
        )
    elif outcome == Outcome.REMOVAL:
        set_status(director=director, to=Status.REMOVED, actor=actor, reason=reason)
        _end_appointments_on_removal(
            director=director, decision=decision, actor=actor, decided_on=timezone.localdate(now)
        )
    director.save(update_fields=["updated_at"])
    _step(case, StepKind.DECIDED, actor, Outcome(outcome).label)
    _notify(
        to=[director.email],
        subject=f"The decision on your regulatory case ({case.reference})",
        body=_decision_email(
            decision,
            director=director,
            conditions_text=trimmed(conditions_text),
            review_date=review_date,
        ),
    )
    return decision


def _decision_email(
    decision: Decision, *, director: Director, conditions_text: str, review_date: date | None
) -> str:
    """The decision in full, with its conditions or the end of the suspension: it is the
    director's own case, and all of it is published on their entry too."""
    case = decision.case
    terms = ""
    if decision.outcome == Outcome.CONDITIONS:
        terms = (
            f"The conditions are:\n{conditions_text}\n\n"
            f"A register officer will review them on {day_in_words(review_date)}.\n\n"
        )
    elif decision.outcome == Outcome.SUSPENSION:
        until = day_in_words(decision.suspended_until)
        terms = f"Your registration is suspended until {until}.\n\n"
    case_link = absolute_url(reverse("register:show_my_case", args=[case.pk]))
    if decision.outcome == Outcome.NO_ACTION:
        case_page = f"To read the case, sign in to speakup and go to: {case_link}\n\n"
    else:
        case_page = (
            f"You may appeal until {day_in_words(appeal_deadline(decision))}; a register officer "
            "who has not worked on the case will decide the appeal. To read the case and appeal, "
            f"sign in to speakup and go to: {case_link}\n\n"
        )
    entry_link = absolute_url(reverse("register:show_director", args=[director.register_number]))
    return (
        f"Dear {director.name},\n\nThe decision on case {case.reference} is: "
        f"{Outcome(decision.outcome).label}.\n\nReasons:\n{decision.reasons}\n\n"
        + terms
        + case_page
        + "The decision and its reasons are published on your public register entry: "
        + f"{entry_link}\n"
    )


def _end_appointments_on_removal(*, director, decision, actor, decided_on: date) -> None:
    """A removed director holds no appointment from the decision date: each appointment still
    running then ends the day before (or on its start date, if it starts later)."""
    running = Appointment.objects.select_for_update().filter(
        Q(end_date__isnull=True) | Q(end_date__gte=decided_on), director=director
    )
    for appointment in running:
        appointment.end_date_before_removal = appointment.end_date
        appointment.end_date = max(appointment.start_date, decided_on - timedelta(days=1))
        appointment.ended_by = actor
        appointment.ended_by_decision = decision
        appointment.save(
            update_fields=[
                "end_date",
                "end_date_before_removal",
                "ended_by",
                "ended_by_decision",
                "updated_at",
            ]
        )
        audit_change(
            actor=actor,
            action="register.appointment_end",
            object_type="appointment",
            object_ref=str(appointment.pk),
            organisation=appointment.organisation,
            detail={"end_date": appointment.end_date.isoformat(), "case": decision.case.reference},
        )


def _restore_appointments_ended_by(*, decision, actor) -> None:
    for appointment in Appointment.objects.select_for_update().filter(ended_by_decision=decision):
        appointment.end_date = appointment.end_date_before_removal
        appointment.end_date_before_removal = None
        appointment.ended_by = None
        appointment.ended_by_decision = None
        appointment.save(
            update_fields=[
                "end_date",
                "end_date_before_removal",
                "ended_by",
                "ended_by_decision",
                "updated_at",
            ]
        )
        audit_change(
            actor=actor,
            action="register.appointment_restore",
            object_type="appointment",
            object_ref=str(appointment.pk),
            organisation=appointment.organisation,
            detail={"case": decision.case.reference},
        )


def appeal_deadline(decision: Decision) -> date:
    return timezone.localdate(decision.decided_at) + timedelta(days=APPEAL_DAYS)


@transaction.atomic
def appeal_lodge(*, actor, decision: Decision, grounds: str) -> Appeal:
    grounds = trimmed(grounds or "")
    if Appeal.objects.filter(decision=decision).exists():
        raise RegisterRefusal("This decision has already been appealed.")
    if decision.outcome == Outcome.NO_ACTION:
        raise RegisterRefusal("There is nothing to appeal: the decision was to take no action.")
    if timezone.localdate() > appeal_deadline(decision):
        raise RegisterRefusal(
            f"The time to appeal ended on {day_in_words(appeal_deadline(decision))}, "
            f"{APPEAL_DAYS} days after the decision."
        )
    if not grounds:
        raise RegisterRefusal("Enter the grounds for your appeal.")
    appeal = Appeal.objects.create(decision=decision, grounds=grounds)
    _step(decision.case, StepKind.APPEALED, actor)
    _notify(
        to=[decision.case.opened_by.email, decision.decided_by.email],
        subject=f"An appeal has been lodged ({decision.case.reference})",
        body=f"{decision.case.director.name} has appealed the decision on case "
        f"{decision.case.reference}. A third register officer must decide the appeal.",
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor, appeal: Appeal, outcome: str, reasons: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("decision__case").get(pk=appeal.pk)
    decision, case = appeal.decision, appeal.decision.case
    if blocker := decide_appeal_blocker(actor, appeal):
        raise RegisterRefusal(blocker)
    if outcome not in AppealOutcome.values:
        raise RegisterRefusal("Choose whether the appeal is upheld or dismissed.")
    if blank(reasons):
        raise RegisterRefusal("Write the reasons for the appeal decision: they are published.")
    appeal.outcome = outcome
    appeal.reasons = trimmed(reasons)
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["outcome", "reasons", "decided_by", "decided_at"])
    director = Director.objects.select_for_update().get(pk=case.director_id)
    if outcome == AppealOutcome.UPHELD:
        decision.conditions.filter(lifted_at__isnull=True).update(lifted_at=appeal.decided_at)
        _restore_appointments_ended_by(decision=decision, actor=actor)
        restored = Status(decision.status_before)
        if (
            restored == Status.REGISTERED
            and director.conditions.filter(lifted_at__isnull=True).exists()
        ):
            restored = Status.CONDITIONS
        if director.status != restored:
            set_status(
                director=director,
                to=restored,
                actor=actor,
                reason=f"Appeal upheld on case {case.reference}",
            )
    director.save(update_fields=["updated_at"])
    _step(case, StepKind.APPEAL_DECIDED, actor, AppealOutcome(outcome).label)
    _notify(
        to=[director.email],
        subject=f"The decision on your appeal ({case.reference})",
        body=f"Dear {director.name},\n\nYour appeal on case {case.reference} was "
        f"{AppealOutcome(outcome).label.lower()}.\n\nReasons:\n{appeal.reasons}\n",
    )
    return appeal


@transaction.atomic
def condition_review(
    *, actor, condition: Condition, lift: bool, reasons: str, review_date: date | None = None
) -> Condition:
    """Lift a condition, or keep it until a new review date; the director is told either way.

    When the last condition in force is lifted, a director under conditions is registered again.
    """
    condition = (
        Condition.objects.select_for_update().select_related("decision__case").get(pk=condition.pk)
    )
    case = condition.decision.case
    _refuse_own_entry(actor, case.director, "review a condition on")
    if condition.lifted_at is not None:
        raise RegisterRefusal("This condition has already been lifted.")
    reasons = trimmed(reasons or "")
    if not reasons:
        raise RegisterRefusal("Write the reasons for the review: the director is sent them.")
    if not lift and (problem := new_review_date_problem(review_date)):
        raise RegisterRefusal({"review_date": problem})
    director = Director.objects.select_for_update().get(pk=case.director_id)
    if lift:
        condition.lifted_at = timezone.now()
        condition.save(update_fields=["lifted_at"])
        others_in_force = director.conditions.filter(lifted_at__isnull=True).exists()
        if director.status == Status.CONDITIONS and not others_in_force:
            set_status(
                director=director,
                to=Status.REGISTERED,
                actor=actor,
                reason=f"Conditions lifted on review (case {case.reference})",
            )
        outcome = "Lifted"
    else:
        condition.review_date = review_date
        condition.save(update_fields=["review_date"])
        outcome = f"Kept until a review on {day_in_words(review_date)}"
    director.save(update_fields=["updated_at"])
    _step(case, StepKind.CONDITION_REVIEWED, actor, f"{outcome}: {reasons}")
    _notify(
        to=[director.email],
        subject=f"A condition on your register entry was reviewed ({case.reference})",
        body=f"Dear {director.name},\n\nThe condition from case {case.reference}:\n"
        f"{condition.text}\n\nwas reviewed. Outcome: {outcome}.\n\nReasons:\n{reasons}\n",
    )
    return condition
