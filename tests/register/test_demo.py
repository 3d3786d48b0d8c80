"""The demo register is searchable on first run, shows a mix of compliant and overdue directors
with training read from the demo training records, and loading it again changes nothing."""

import pytest
from django.utils import timezone

from speakup.organisations.demo import load_demo_organisations
from speakup.register import duties, queries
from speakup.register.demo import load_demo
from speakup.register.models import Appointment, Attestation, CodeOfPractice, Decision, Director
from speakup.training.demo import load_demo as load_training_demo

pytestmark = pytest.mark.django_db


def states_of(email: str) -> dict:
    director = Director.objects.get(email=email)
    return {d.duty: d.state for d in duties.director_compliance(director=director).duties}


def test_the_demo_boards_have_compliant_and_overdue_directors_and_a_published_decision(client):
    load_demo_organisations()
    load_training_demo()  # as `speakup demo-data` does: training before the register
    load_demo()
    load_demo()  # idempotent
    assert Director.objects.count() == 14
    assert Appointment.objects.count() == 14
    assert Decision.objects.filter(published_at__isnull=False, outcome="advice").count() == 1
    assert [c.director.email for c in queries.conditions_due_for_review()] == [
        "board-member2@demo1.demo.speakup.test"
    ]  # an officer can try reviewing it
    # ...from a case that ran months ago, so the dates read as a real case's would.
    (condition,) = queries.conditions_due_for_review()
    case = condition.decision.case
    today = timezone.localdate()
    assert case.opened_at < case.responded_at < condition.decision.decided_at
    assert condition.decision.decided_at.date() < condition.review_date < today
    # Attestations were made weeks ago, after the code was published.
    code_published = CodeOfPractice.objects.get().published_at
    attested = [a.attested_at for a in Attestation.objects.all()]
    assert attested and all(code_published < at and at.date() < today for at in attested)

    everything = {"attestation": "compliant", "fppt": "compliant", "training": "compliant"}
    assert states_of("executive-lead@demo1.demo.speakup.test") == everything
    assert states_of("board-member2@demo1.demo.speakup.test")["training"] == "overdue"
    assert states_of("board-member3@demo1.demo.speakup.test")["training"] == "due"
    # No demo director's training is "not known": training answers for all of them.
    all_states = [states_of(d.email) for d in Director.objects.all()]
    assert all(s["training"] in {"compliant", "due", "overdue"} for s in all_states)
    fully_compliant = [s for s in all_states if s == everything]
    assert len(fully_compliant) >= 4
    overdue = {row.director.email.split("@")[0] for row in duties.overdue_duties()}
    assert {"board-member2", "executive-lead"} <= overdue  # DEMO2's chief executive is behind

    page = client.get("/register/", {"q": "Hillside"}).content.decode()
    assert "5 directors found" in page
