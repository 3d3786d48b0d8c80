"""Conditions are reviewed: lifted, or kept to a new review date, with reasons sent to the
director; lifting the last one registers the director again without conditions."""

import re
from datetime import date

import pytest
import time_machine
from django.core import mail

from speakup.core.audit import records_for
from speakup.organisations.roles import Role
from speakup.register.models import CaseStep, Condition, Outcome, Status, StepKind
from speakup.register.services.common import RegisterRefusal
from speakup.register.services.regulatory import (
    case_decide,
    case_open,
    case_respond,
    condition_review,
)
from tests.conftest import date_boxes, sign_in

pytestmark = pytest.mark.django_db

DECIDED = "2026-03-02 10:00"
REVIEW_DAY = "2026-09-02 09:00"


def impose(officers, director, *texts: str) -> list[Condition]:
    """A case decided with conditions, each to be reviewed on 1 September 2026."""
    conditions = []
    with time_machine.travel(DECIDED, tick=False):
        for text in texts:
            case = case_open(actor=officers[0], director=director, grounds="Did not act.")
            case_respond(actor=None, case=case, response="My answer.")
            decision = case_decide(
                actor=officers[1],
                case=case,
                outcome=Outcome.CONDITIONS,
                reasons="Reasons.",
                conditions_text=text,
                review_date=date(2026, 9, 1),
            )
            conditions.append(decision.conditions.get())
    return conditions


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@time_machine.travel(REVIEW_DAY, tick=False)
def test_lifting_the_last_condition_registers_the_director_again(officers, director):
    (condition,) = impose(officers, director, "Report each quarter.")
    director.refresh_from_db()
    assert director.status == Status.CONDITIONS
    condition_review(
        actor=officers[2], condition=condition, lift=True, reasons="Reports were on time."
    )
    director.refresh_from_db()
    assert director.status == Status.REGISTERED
    assert Condition.objects.get().lifted_at is not None
    step = CaseStep.objects.get(kind=StepKind.CONDITION_REVIEWED)
    assert step.detail == "Lifted: Reports were on time."
    assert mail.outbox[-1].to == ["dana@fictional.test"]
    assert "Outcome: Lifted." in mail.outbox[-1].body
    assert "Reports were on time." in mail.outbox[-1].body
    assert [r.action for r in records_for("regulatory_case", condition.decision.case.reference)][
        -1
    ] == "register.case_condition_reviewed"


@time_machine.travel(REVIEW_DAY, tick=False)
def test_a_director_stays_under_conditions_while_another_is_in_force(officers, director):
    first, _second = impose(officers, director, "Report each quarter.", "Attend training.")
    condition_review(actor=officers[2], condition=first, lift=True, reasons="Done.")
    director.refresh_from_db()
    assert director.status == Status.CONDITIONS


@time_machine.travel(REVIEW_DAY, tick=False)
def test_a_kept_condition_gets_its_new_review_date(officers, director):
    (condition,) = impose(officers, director, "Report each quarter.")
    condition_review(
        actor=officers[2],
        condition=condition,
        lift=False,
        reasons="Two reports were late.",
        review_date=date(2027, 3, 1),
    )
    condition.refresh_from_db()
    assert condition.lifted_at is None and condition.review_date == date(2027, 3, 1)
    director.refresh_from_db()
    assert director.status == Status.CONDITIONS
    assert "Kept until a review on 1 March 2027" in mail.outbox[-1].body


@time_machine.travel(REVIEW_DAY, tick=False)
def test_a_review_needs_reasons_a_future_date_to_keep_and_someone_else_to_do_it(
    officers, director, person_with_role
):
    (condition,) = impose(officers, director, "Report each quarter.")
    with pytest.raises(RegisterRefusal, match="Write the reasons"):
        condition_review(actor=officers[2], condition=condition, lift=True, reasons="  ")
    for review_date, problem in [
        (None, "Enter the new review date"),
        (date(2026, 9, 1), "The new review date must be in the future"),
        (
            date(2028, 9, 3),
            "The new review date must be no more than 2 years from today: 2 September 2028 "
            "or earlier",
        ),
    ]:
        with pytest.raises(RegisterRefusal) as refused:
            condition_review(
                actor=officers[2],
                condition=condition,
                lift=False,
                reasons="Late.",
                review_date=review_date,
            )
        assert refused.value.message_dict == {"review_date": [problem]}
    herself = person_with_role(Role.REGISTER_OFFICER, email="dana@fictional.test")
    with pytest.raises(RegisterRefusal, match="own register entry"):
        condition_review(actor=herself, condition=condition, lift=True, reasons="Mine.")
    condition_review(actor=officers[2], condition=condition, lift=True, reasons="Done.")
    with pytest.raises(RegisterRefusal, match="already been lifted"):
        condition_review(actor=officers[2], condition=condition, lift=True, reasons="Again.")
    assert CaseStep.objects.filter(kind=StepKind.CONDITION_REVIEWED).count() == 1


@time_machine.travel(REVIEW_DAY, tick=False)
def test_an_officer_reviews_a_condition_from_the_dashboard(officers, director, client):
    (condition,) = impose(officers, director, "Report each quarter.")
    sign_in(client, officers[2])
    dashboard = client.get("/register/officer/").content.decode()
    review_url = f"/register/officer/conditions/{condition.pk}/review/"
    assert f'href="{review_url}"' in dashboard

    # The example in the hint is ahead of today, as the new review date must be.
    assert "Only if you keep the condition. For example, 15 12 2026" in text(client.get(review_url))

    page = client.post(review_url, {"outcome": "keep", "reasons": ""})
    shown = text(page)
    assert "There is a problem" in shown
    assert "Enter the new review date" in shown and "Write the reasons for the review" in shown
    years_on = client.post(
        review_url,
        {"outcome": "keep", "reasons": "Late.", **date_boxes("review_date", date(2126, 1, 1))},
    )
    too_far = (
        "The new review date must be no more than 2 years from today: 2 September 2028 or earlier"
    )
    assert text(years_on).count(too_far) == 2  # in the summary and beside the date
    huge = client.post(
        review_url,
        {
            "outcome": "keep",
            "reasons": "Late.",
            **date_boxes("review_date", date(2026, 12, 1)),
            "review_date_month": "99999999999999999999",
        },
    )
    assert huge.status_code == 200
    assert text(huge).count("The new review date must be a real date") == 2
    condition.refresh_from_db()
    assert condition.review_date == date(2026, 9, 1)  # nothing half-saved

    done = client.post(review_url, {"outcome": "lift", "reasons": "Reports were on time."})
    assert done.status_code == 302
    dashboard = text(client.get("/register/officer/"))
    assert "The condition on Dana Dunmore is lifted, and they are told." in dashboard
    assert "No conditions are past their review date." in dashboard
    assert client.get(review_url).status_code == 404  # lifted: nothing left to review
    public = text(client.get(f"/register/directors/{director.register_number}/"))
    assert "No conditions." in public  # the public entry lists conditions in force only


def test_only_register_officers_review_conditions(officers, director, client_as):
    (condition,) = impose(officers, director, "Report each quarter.")
    url = f"/register/officer/conditions/{condition.pk}/review/"
    response = client_as(Role.GUARDIAN).post(url, {"outcome": "lift", "reasons": "x"})
    assert response.status_code in (403, 404)
    condition.refresh_from_db()
    assert condition.lifted_at is None
