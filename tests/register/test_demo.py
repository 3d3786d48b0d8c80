"""The demo register is searchable on first run and loading it again changes nothing."""

import pytest

from speakup.organisations.demo import load_demo_organisations
from speakup.register import queries
from speakup.register.demo import load_demo
from speakup.register.models import Appointment, Decision, Director

pytestmark = pytest.mark.django_db


def test_the_demo_boards_have_compliant_and_overdue_directors_and_a_published_decision(client):
    load_demo_organisations()
    load_demo()
    load_demo()  # idempotent
    assert Director.objects.count() == 14
    assert Appointment.objects.count() == 14
    assert Decision.objects.filter(published_at__isnull=False, outcome="advice").count() == 1
    overdue = {row.director.email.split("@")[0] for row in queries.overdue_duties()}
    assert "board-member2" in overdue
    demo1 = Director.objects.get(email="executive-lead@demo1.demo.speakup.test")
    states = {d.duty: d.state for d in queries.director_compliance(director=demo1).duties}
    assert states["attestation"] == "compliant" and states["fppt"] == "compliant"
    page = client.get("/register/", {"q": "Hillside"}).content.decode()
    assert "5 directors found" in page
