"""Each director's duties: attestation, fit and proper checks, and Follow Up training."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from speakup.core.audit import records_for
from speakup.organisations.roles import Role
from speakup.register import duties
from speakup.register.duties import Duty, State
from speakup.register.services.common import RegisterRefusal
from speakup.register.services.fppt_and_attestation import (
    LCF_DOMAINS,
    attestation_submit,
    code_publish,
    fppt_record,
)
from speakup.register.training_link import follow_up_status
from speakup.training import board_directors as training_board_directors
from speakup.training import queries as training_queries
from speakup.training.models import Completion, StaffRecord
from tests.conftest import sign_in
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
    compliance = duties.director_compliance(director=director, today=today)
    return next(d for d in compliance.duties if d.duty == which)


def test_attestation_is_due_within_30_days_then_overdue_then_compliant_for_a_year(
    officer, appointment
):
    director = appointment.director
    with time_machine.travel("2026-01-01 09:00", tick=False):
        code = code_publish(actor=officer, title="Code", body="Text", based_on=0)
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
        old = code_publish(actor=officer, title="Code", body="Text", based_on=0)
        attestation_submit(actor=None, director=director, code=old, self_assessment=ANSWERS)
    with time_machine.travel("2026-05-01 09:00", tick=False):
        new = code_publish(actor=officer, title="Code", body="Better text", based_on=1)
        assert new.version == 2
        with pytest.raises(RegisterRefusal, match="Version 1 of the code of practice is no longer"):
            attestation_submit(actor=None, director=director, code=old, self_assessment=ANSWERS)
    assert duty(director, Duty.ATTESTATION, date(2026, 5, 31)).state == State.DUE
    assert duty(director, Duty.ATTESTATION, date(2026, 6, 1)).state == State.OVERDUE


def test_an_attestation_needs_a_rating_for_all_six_domains(officer, appointment):
    code = code_publish(actor=officer, title="Code", body="Text", based_on=0)
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


def test_no_one_records_their_own_fppt_whether_linked_by_account_or_by_email(
    person_with_role, appointment, organisation
):
    admin = person_with_role(Role.ORGANISATION_ADMIN, email="sam.sec@fictional.test")
    own = "You cannot record your own fit and proper person checks: the company secretary or "
    linked = appointment.director
    linked.user = admin
    linked.save(update_fields=["user"])
    with pytest.raises(RegisterRefusal, match=own):
        record(admin, appointment)
    by_email = AppointmentFactory(
        organisation=organisation,
        start_date=date(2026, 1, 5),
        director__email="Sam.Sec@Fictional.test",
    )
    with pytest.raises(RegisterRefusal, match=own):
        record(admin, by_email)
    assert not linked.fppt_checks.exists() and not by_email.director.fppt_checks.exists()
    colleague = AppointmentFactory(organisation=organisation, start_date=date(2026, 1, 5))
    assert record(admin, colleague).outcome == "fit"


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


def complete(email, organisation, *modules, on=date(2026, 3, 1)):
    """Training records for a person known to training only by their roster email."""
    record = StaffRecord.objects.create(
        organisation=organisation,
        employee_number=f"E{StaffRecord.objects.count() + 1:05d}",
        first_name="Roster",
        last_name="Person",
        email=email,
    )
    for module in modules:
        Completion.objects.create(
            organisation=organisation,
            staff_record=record,
            module=module,
            completed_on=on,
            source="import",
        )


def test_follow_up_is_due_within_90_days_of_appointment_then_overdue(appointment):
    director = appointment.director
    assert duty(director, Duty.TRAINING, date(2026, 4, 5)).state == State.DUE
    assert duty(director, Duty.TRAINING, date(2026, 4, 6)).state == State.OVERDUE
    complete(director.email.upper(), appointment.organisation, "speak_up", "listen_up", "follow_up")
    training = duty(director, Duty.TRAINING, date(2026, 4, 6))
    assert training.state == State.COMPLIANT
    assert training.detail == "Follow Up completed on 1 March 2026; refresher due 1 March 2029"


def test_follow_up_counts_as_training_counts_it_and_runs_out_with_the_refresher(appointment):
    # Training's rule (ADR 0018): Speak Up and Listen Up come first when taking the modules,
    # but a Follow Up recorded counts; after the policy's refresher years it has run out.
    director = appointment.director
    complete(director.email, appointment.organisation, "follow_up")
    assert duty(director, Duty.TRAINING, date(2026, 4, 6)).state == State.COMPLIANT
    late = duty(director, Duty.TRAINING, date(2029, 3, 2))
    assert late.state == State.OVERDUE
    assert late.detail == (
        "Follow Up completed on 1 March 2026: the refresher was due by 1 March 2029"
    )


def test_training_is_not_known_when_training_cannot_answer(monkeypatch, appointment):
    def fails(**_):
        raise RuntimeError("training is down")

    monkeypatch.setattr(training_board_directors, "follow_up_of_appointed", fails)
    current = [appointment]
    assert not follow_up_status(appointment.director, current, today=date(2026, 2, 1)).known
    assert duty(appointment.director, Duty.TRAINING, date(2026, 2, 1)).state == State.NOT_KNOWN
    board = duties.board_compliance(organisation=appointment.organisation, today=date(2026, 2, 1))
    assert [d.state for d in board[0].duties if d.duty == Duty.TRAINING] == [State.NOT_KNOWN]


def test_a_board_and_the_national_list_read_training_in_one_query(organisation):
    trained = [
        AppointmentFactory(organisation=organisation, start_date=date(2025, 1, 1)) for _ in range(4)
    ]
    for appointment in trained[:2]:
        complete(appointment.director.email, organisation, "speak_up", "listen_up", "follow_up")
    for ask in (
        lambda: duties.overdue_duties(today=date(2026, 6, 1)),
        lambda: duties.board_compliance(organisation=organisation, today=date(2026, 6, 1)),
    ):
        with CaptureQueriesContext(connection) as captured:
            rows = ask()
        training_reads = [q for q in captured if "training_completion" in q["sql"]]
        # Completions by roster record, account and email at once, not one per director.
        assert len(training_reads) == 1
    states = {
        row.director: {d.duty: d.state for d in row.duties}[Duty.TRAINING]
        for row in duties.board_compliance(organisation=organisation, today=date(2026, 6, 1))
    }
    assert [states[a.director] for a in trained] == [
        State.COMPLIANT,
        State.COMPLIANT,
        State.OVERDUE,
        State.OVERDUE,
    ]
    assert {row.director for row in rows} == {a.director for a in trained}


def test_training_finds_a_boards_follow_up_by_email_in_any_case(organisation, person_with_role):
    person = person_with_role(Role.BOARD_MEMBER, email="Mixed.Case@fictional.test")
    for on in (date(2025, 2, 1), date(2026, 2, 1)):
        Completion.objects.create(
            organisation=organisation,
            user=person,
            module="follow_up",
            completed_on=on,
            source="import",
        )
    complete("Roster.Only@fictional.test", organisation, "follow_up")
    appointed = date(2025, 1, 1)
    emails = ["MIXED.case@fictional.test", "roster.only@fictional.test", "nobody@fictional.test"]
    statuses = training_board_directors.follow_up_of_appointed(
        appointments=[(email, organisation.pk, appointed) for email in emails],
        today=date(2026, 11, 27),
    )
    found = {email: statuses[(email.lower(), organisation.pk)] for email in emails}
    assert found["MIXED.case@fictional.test"].completed_on == date(2026, 2, 1)  # the latest
    assert found["roster.only@fictional.test"].completed_on == date(2026, 3, 1)
    assert found["nobody@fictional.test"].status == training_queries.OVERDUE


def test_a_former_director_has_no_duties_and_is_not_on_the_overdue_list(appointment):
    appointment.end_date = date(2026, 1, 31)
    appointment.save()
    assert (
        duties.director_compliance(director=appointment.director, today=date(2026, 6, 1)).duties
        == []
    )
    assert duties.overdue_duties(today=date(2026, 6, 1)) == []


def test_the_national_list_shows_directors_with_overdue_duties(appointment):
    rows = duties.overdue_duties(today=date(2026, 6, 1))
    assert [row.director for row in rows] == [appointment.director]


def test_the_officer_dashboard_counts_each_duty_across_england(client, officer, organisation):
    trained = AppointmentFactory(organisation=organisation, start_date=date(2025, 1, 1))
    AppointmentFactory(organisation=organisation, start_date=date(2025, 1, 1))
    complete(trained.director.email, organisation, "speak_up", "listen_up", "follow_up")
    rows = duties.national_compliance(today=date(2026, 6, 1))
    training = next(c for c in duties.compliance_counts(rows) if c["label"] == "Follow Up training")
    assert (training["compliant"], training["due"], training["overdue"]) == (1, 0, 1)
    sign_in(client, officer)
    page = client.get("/register/officer/").content.decode()
    assert "2 directors hold a current appointment" in page
    assert "Directors by duty and state" in page


def test_the_code_of_practice_covers_the_speak_up_duties_of_a_director(db):
    from speakup.register.demo import CODE_FILE

    text = CODE_FILE.read_text(encoding="utf-8").lower()
    for duty in ["listen", "followed up", "detriment", "follow up training", "guardian"]:
        assert duty in text, duty
