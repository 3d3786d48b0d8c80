"""The national view's register counts (one aggregate query) agree with each director's duties
worked out one at a time (`director_compliance`), on a varied register, on many days."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from speakup.register import duties
from speakup.register.models import Attestation, FpptCheck, FpptOutcome
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.register.factories import AppointmentFactory, CodeFactory, DirectorFactory
from tests.training.factories import CompletionFactory, StaffRecordFactory

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _check(director, organisation, recorded_on, outcome=FpptOutcome.FIT):
    FpptCheck.objects.create(
        director=director,
        organisation=organisation,
        year=recorded_on.year,
        references_6_years=True,
        qualifications=True,
        disqualified_director_check=True,
        right_to_work=True,
        chair_signed_off=True,
        outcome=outcome,
        recorded_on=recorded_on,
        recorded_by=UserFactory(),
    )


def _follow_up_done(director, organisation):
    record = StaffRecordFactory(organisation=organisation, email=director.email.upper())
    for module in ("speak_up", "listen_up", "follow_up"):
        CompletionFactory(staff_record=record, module=module, completed_on=date(2025, 3, 1))


def _one_at_a_time(today: date) -> dict[int, tuple[int, int]]:
    counts: dict[int, list[int]] = {}
    for row in duties.national_compliance(today=today):
        for organisation_id in {a.organisation_id for a in row.appointments}:
            total, ok = counts.setdefault(organisation_id, [0, 0]), not row.overdue
            total[0] += 1
            total[1] += ok
    return {key: tuple(value) for key, value in counts.items()}


@pytest.fixture
def register():
    """Boards of three organisations, each director in a different state of their duties."""
    north, south, east = (OrganisationFactory() for _ in range(3))
    old_code = CodeFactory(published_at=_at(date(2024, 1, 10)))
    code = CodeFactory(published_at=_at(date(2025, 9, 1)))

    def director(organisation, start, **kwargs):
        return AppointmentFactory(organisation=organisation, start_date=start, **kwargs).director

    # Attestation: never; to the old version; this version recently, long ago, on 29 February.
    director(north, date(2025, 1, 6))
    director(north, date(2025, 12, 20))
    Attestation.objects.create(
        director=director(north, date(2024, 2, 1)), code=old_code, attested_at=_at(date(2024, 2, 2))
    )
    for attested in (date(2025, 10, 1), date(2024, 2, 29), date(2025, 9, 15)):
        someone = director(south, date(2024, 1, 2))
        Attestation.objects.create(director=someone, code=code, attested_at=_at(attested, 23))
        _check(someone, south, date(2025, 9, 20))
        _follow_up_done(someone, east)
    # FPPT: not fit after being fit; fit long ago; in progress only; fit at one board of two.
    unfit = director(east, date(2023, 5, 1))
    _check(unfit, east, date(2024, 5, 1))
    _check(unfit, east, date(2025, 10, 1), FpptOutcome.NOT_FIT)
    _check(director(east, date(2023, 5, 1)), east, date(2024, 6, 1))
    _check(director(east, date(2025, 11, 1)), east, date(2025, 11, 5), FpptOutcome.IN_PROGRESS)
    fit_a_year_ago = director(east, date(2024, 1, 2))  # within the grace on 1 March 2026
    Attestation.objects.create(
        director=fit_a_year_ago, code=code, attested_at=_at(date(2026, 1, 15))
    )
    _check(fit_a_year_ago, east, date(2025, 2, 10))
    _follow_up_done(fit_a_year_ago, east)
    two_boards = director(north, date(2024, 3, 1))
    AppointmentFactory(director=two_boards, organisation=east, start_date=date(2025, 8, 1))
    _check(two_boards, north, date(2025, 9, 1))
    # Appointments that are not current: ended, and not started yet; a director with no email.
    director(south, date(2020, 1, 1), end_date=date(2024, 12, 31))
    director(south, date(2027, 1, 1))
    nameless = DirectorFactory(email="")
    AppointmentFactory(director=nameless, organisation=south, start_date=date(2025, 2, 1))
    return north, south, east


@pytest.mark.parametrize(
    "today",
    [
        date(2025, 12, 1),
        date(2026, 1, 5),
        date(2026, 2, 27),
        date(2026, 3, 1),
        date(2026, 3, 31),
        date(2026, 10, 31),
        date(2026, 11, 1),
        date(2027, 6, 1),
    ],
)
def test_the_aggregate_counts_agree_with_each_directors_duties(register, today):
    counts = duties.compliance_by_organisation(today=today)
    assert counts == _one_at_a_time(today)


def test_some_directors_are_overdue_and_some_not(register):
    north, south, east = register
    counts = duties.compliance_by_organisation(today=date(2026, 3, 1))
    assert counts[north.pk] == (4, 0)
    assert counts[south.pk] == (4, 2)  # attested on 29 February 2024, and never: overdue
    assert counts[east.pk] == (5, 1)  # fit a year ago, the annual check due: not overdue


def test_the_day_an_attestation_becomes_overdue_is_the_anniversary_and_the_grace():
    appointment = AppointmentFactory(start_date=date(2024, 1, 1))
    code = CodeFactory(published_at=_at(date(2023, 12, 1)))
    Attestation.objects.create(
        director=appointment.director, code=code, attested_at=_at(date(2024, 2, 29))
    )
    _check(appointment.director, appointment.organisation, date(2030, 1, 1))
    _follow_up_done(appointment.director, appointment.organisation)
    last_day = date(2025, 2, 28) + timedelta(days=duties.ATTESTATION_GRACE_DAYS)
    organisation = appointment.organisation_id
    assert duties.compliance_by_organisation(today=last_day)[organisation] == (1, 1)
    after = last_day + timedelta(days=1)
    assert duties.compliance_by_organisation(today=after)[organisation] == (1, 0)
