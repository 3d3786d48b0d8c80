"""The national view's costliest counts are kept for the day, for at most MAX_AGE."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from speakup.organisations.roles import Role
from speakup.reporting import national_counts
from speakup.reporting.board_report_periods import Period
from speakup.reporting.models import NationalCounts
from speakup.reporting.national_view import national_view
from tests.reporting.factories import london
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory

pytestmark = pytest.mark.django_db
PERIOD = Period(datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))
TODAY = datetime.date(2027, 2, 10)


def _speak_up(organisation) -> str:
    view = national_view(period=PERIOD, today=TODAY)
    row = next(row for row in view.organisations if row.organisation == organisation)
    return row.measures["speak_up_compliance"].text


def test_the_count_is_kept_for_an_hour_then_made_again(organisation):
    trained = StaffRecordFactory(organisation=organisation)
    StaffRecordFactory(organisation=organisation)
    CompletionFactory(staff_record=trained, completed_on=datetime.date(2026, 6, 1))
    with time_machine.travel(london(2027, 2, 10, 9, 0), tick=False):
        assert _speak_up(organisation) == "50%"
    late = StaffRecordFactory(organisation=organisation)
    CompletionFactory(staff_record=late, completed_on=datetime.date(2027, 1, 5))
    with time_machine.travel(london(2027, 2, 10, 9, 59), tick=False):
        assert _speak_up(organisation) == "50%"  # the count of 9:00, kept
    with time_machine.travel(london(2027, 2, 10, 10, 1), tick=False):
        assert _speak_up(organisation) == "67%"
    assert NationalCounts.objects.count() == 2


def test_the_command_counts_ahead_of_visitors_and_old_days_are_dropped(organisation, capsys):
    StaffRecordFactory(organisation=organisation, is_board_member=True)
    with time_machine.travel(london(2027, 2, 1, 6, 0), tick=False):
        call_command("refresh-national-counts")
    with time_machine.travel(london(2027, 2, 10, 6, 0), tick=False):
        call_command("refresh-national-counts")
        counted = national_counts.latest_counts(today=TODAY)
    assert "as of 10 February 2027" in capsys.readouterr().out
    assert list(NationalCounts.objects.values_list("as_of", flat=True)) == [TODAY]
    assert national_counts.training_counts(counted)[organisation.pk]["board_members"] == 1
    assert national_counts.training_counts(counted)[organisation.pk]["workers"] == 1


def test_the_page_says_when_training_and_the_register_were_counted(client_as, february_2027):
    page = client_as(Role.NATIONAL_ANALYST).get("/reports/national/view/").content.decode()
    assert (
        "Training (with which modules each organisation makes mandatory) and the register were "
        "counted at 9:00am"
    ) in page


def test_the_tick_counts_again_once_the_counts_are_45_minutes_old(organisation):
    StaffRecordFactory(organisation=organisation)

    def tick_at(hour: int, minute: int) -> str:
        out = StringIO()
        with time_machine.travel(london(2027, 2, 10, hour, minute), tick=False):
            call_command("tick", stdout=out)
        return out.getvalue()

    assert "National counts: Counted 1 organisations' training" in tick_at(9, 0)
    StaffRecordFactory(organisation=organisation)
    assert "National counts: still fresh (counted at 09:00)" in tick_at(9, 44)
    assert "National counts: Counted" in tick_at(9, 46)
    counted_at = [
        timezone.localtime(counts.counted_at).time()
        for counts in NationalCounts.objects.order_by("counted_at")
    ]
    assert counted_at == [datetime.time(9, 0), datetime.time(9, 46)]
    with time_machine.travel(london(2027, 2, 10, 10, 30), tick=False):
        counted = national_counts.latest_counts(today=TODAY)
        assert national_counts.training_counts(counted)[organisation.pk]["workers"] == 2


def test_the_celery_beat_tick_keeps_the_counts_fresh_too(organisation):
    from speakup.concerns.tasks import tick

    StaffRecordFactory(organisation=organisation)
    with time_machine.travel(london(2027, 2, 10, 9, 0), tick=False):
        lines = tick.apply().get()
    assert any(line.startswith("National counts: Counted") for line in lines)
    assert NationalCounts.objects.count() == 1


def test_a_rows_mandatory_flags_come_from_the_count_its_figures_come_from(organisation):
    """The flags were read live beside compliance counted up to an hour before: a row could
    say Speak Up is mandatory beside a figure counted before it was made so."""
    StaffRecordFactory(organisation=organisation)
    policy = TrainingPolicyFactory(organisation=organisation, speak_up_mandatory=False)

    def speak_up_mandatory() -> bool:
        view = national_view(period=PERIOD, today=TODAY)
        return next(r for r in view.organisations if r.organisation == organisation).mandatory[
            "speak_up"
        ]

    with time_machine.travel(london(2027, 2, 10, 9, 0), tick=False):
        assert speak_up_mandatory() is False
    policy.speak_up_mandatory = True
    policy.save()
    with time_machine.travel(london(2027, 2, 10, 9, 30), tick=False):
        assert speak_up_mandatory() is False  # as counted at 9:00, with the 9:00 figures
    with time_machine.travel(london(2027, 2, 10, 10, 1), tick=False):
        assert speak_up_mandatory() is True  # counted again, figures and flags together


def test_counts_made_before_they_held_the_flags_are_counted_again(organisation):
    TrainingPolicyFactory(organisation=organisation, speak_up_mandatory=True)
    with time_machine.travel(london(2027, 2, 10, 9, 0), tick=False):
        NationalCounts.objects.create(as_of=TODAY, counts={"training": {}, "register": {}})
        counted = national_counts.latest_counts(today=TODAY)
    assert national_counts.training_counts(counted)[organisation.pk]["speak_up_mandatory"] is True
    assert NationalCounts.objects.count() == 2
