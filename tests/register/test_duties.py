"""Each director's duties: attestation, fit and proper checks, and Follow Up training."""

import sys
import types
from datetime import date

import pytest
import time_machine

from speakup.core.audit import records_for
from speakup.organisations.roles import Role
from speakup.register import queries
from speakup.register.queries import Duty, State
from speakup.register.services import (
    LCF_DOMAINS,
    RegisterRefusal,
    attestation_submit,
    code_publish,
    fppt_record,
)
from speakup.register.training_link import follow_up_status
from tests.register.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

ANSWERS = {key: {"rating": "strong", "note": ""} for key in LCF_DOMAINS}


@pytest.fixture
def officer(person_with_role):
    return person_with_role(Role.REGISTER_OFFICER)


@pytest.fixture
def appointment(organisation):
    return AppointmentFactory(organisation=organisation, start_date=date(2026, 1, 5))


def duty(director, which, today):
    compliance = queries.director_compliance(director=director, today=today)
    return next(d for d in compliance.duties if d.duty == which)


def test_attestation_is_due_within_30_days_then_overdue_then_compliant_for_a_year(
    officer, appointment
):
    director = appointment.director
    with time_machine.travel("2026-01-01 09:00", tick=False):
        code = code_publish(actor=officer, title="Code", body="Text")
    assert duty(director, Duty.ATTESTATION, date(2026, 2, 4)).state == State.DUE
    assert duty(director, Duty.ATTESTATION, date(2026, 2, 5)).state == State.OVERDUE
    with time_machine.travel("2026-02-10 09:00", tick=False):
        attestation_submit(actor=None, director=director, code=code, self_assessment=ANSWERS)
    assert duty(director, Duty.ATTESTATION, date(2027, 2, 9)).state == State.COMPLIANT
    assert duty(director, Duty.ATTESTATION, date(2027, 2, 10)).state == State.DUE
    assert duty(director, Duty.ATTESTATION, date(2027, 3, 13)).state == State.OVERDUE


def test_a_new_version_makes_attestation_due_again_and_the_old_version_is_refused(
    officer, appointment
):
    director = appointment.director
    with time_machine.travel("2026-01-01 09:00", tick=False):
        old = code_publish(actor=officer, title="Code", body="Text")
        attestation_submit(actor=None, director=director, code=old, self_assessment=ANSWERS)
    with time_machine.travel("2026-05-01 09:00", tick=False):
        new = code_publish(actor=officer, title="Code", body="Better text")
        assert new.version == 2
        with pytest.raises(RegisterRefusal, match="Version 1 of the code of practice is no longer"):
            attestation_submit(actor=None, director=director, code=old, self_assessment=ANSWERS)
    assert duty(director, Duty.ATTESTATION, date(2026, 5, 31)).state == State.DUE
    assert duty(director, Duty.ATTESTATION, date(2026, 6, 1)).state == State.OVERDUE


def test_an_attestation_needs_a_rating_for_all_six_domains(officer, appointment):
    code = code_publish(actor=officer, title="Code", body="Text")
    partial = dict(ANSWERS)
    del partial["culture"]
    with pytest.raises(RegisterRefusal, match="compassionate, just and positive culture"):
        attestation_submit(
            actor=None, director=appointment.director, code=code, self_assessment=partial
        )
    assert not appointment.director.attestations.exists()


def record(actor, appointment, outcome="fit", recorded_on=date(2026, 1, 20), **checks):
    values = {
        "references_6_years": True,
        "qualifications": True,
        "disqualified_director_check": True,
        "right_to_work": True,
        "chair_signed_off": True,
    }
    values.update(checks)
    return fppt_record(
        actor=actor,
        director=appointment.director,
        organisation=appointment.organisation,
        year=recorded_on.year,
        outcome=outcome,
        recorded_on=recorded_on,
        **values,
    )


@time_machine.travel("2026-03-01 09:00", tick=False)
def test_fppt_is_annual_and_fit_needs_every_check_and_the_chairs_sign_off(
    person_with_role, appointment
):
    chair = person_with_role(Role.ORGANISATION_ADMIN)
    director = appointment.director
    assert duty(director, Duty.FPPT, date(2026, 2, 4)).state == State.DUE
    assert duty(director, Duty.FPPT, date(2026, 2, 5)).state == State.OVERDUE
    with pytest.raises(RegisterRefusal, match="every check is done and the chair has signed off"):
        record(chair, appointment, chair_signed_off=False)
    record(chair, appointment)
    assert duty(director, Duty.FPPT, date(2027, 1, 19)).state == State.COMPLIANT
    assert duty(director, Duty.FPPT, date(2027, 1, 20)).state == State.DUE
    assert duty(director, Duty.FPPT, date(2027, 2, 20)).state == State.OVERDUE
    assert (
        records_for("director", director.register_number)
        .filter(action="register.fppt_record")
        .exists()
    )


def test_fppt_cannot_be_recorded_for_someone_not_on_that_board(
    person_with_role, appointment, other_organisation
):
    chair = person_with_role(Role.ORGANISATION_ADMIN)
    with pytest.raises(RegisterRefusal, match="has no appointment at Otherton"):
        fppt_record(
            actor=chair,
            director=appointment.director,
            organisation=other_organisation,
            year=2026,
            references_6_years=True,
            qualifications=True,
            disqualified_director_check=True,
            right_to_work=True,
            chair_signed_off=True,
            outcome="fit",
            recorded_on=date(2026, 1, 1),
        )


@pytest.fixture
def training_says(monkeypatch):
    """Stand in for the training app's one function the register reads."""

    def install(answer):
        module = types.ModuleType("speakup.training.queries")
        if answer != "absent":
            module.follow_up_completed_on = lambda *, email: answer
        monkeypatch.setitem(sys.modules, "speakup.training.queries", module)

    return install


def test_training_is_not_known_while_training_cannot_say(training_says, appointment):
    training_says("absent")
    assert not follow_up_status(appointment.director).known
    assert duty(appointment.director, Duty.TRAINING, date(2026, 2, 1)).state == State.NOT_KNOWN


def test_follow_up_is_due_within_90_days_of_appointment_then_overdue(training_says, appointment):
    training_says(None)
    assert duty(appointment.director, Duty.TRAINING, date(2026, 4, 5)).state == State.DUE
    assert duty(appointment.director, Duty.TRAINING, date(2026, 4, 6)).state == State.OVERDUE
    training_says(date(2026, 3, 1))
    assert duty(appointment.director, Duty.TRAINING, date(2026, 4, 6)).state == State.COMPLIANT


def test_a_former_director_has_no_duties_and_is_not_on_the_overdue_list(appointment):
    appointment.end_date = date(2026, 1, 31)
    appointment.save()
    assert (
        queries.director_compliance(director=appointment.director, today=date(2026, 6, 1)).duties
        == []
    )
    assert queries.overdue_duties(today=date(2026, 6, 1)) == []


def test_the_national_list_shows_directors_with_overdue_duties(appointment):
    rows = queries.overdue_duties(today=date(2026, 6, 1))
    assert [row.director for row in rows] == [appointment.director]
