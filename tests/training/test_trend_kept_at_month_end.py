"""The dashboard's trend keeps each month's figures as the tick recorded them at its end."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.training.models import MonthEndCompliance, TrainingPolicy
from speakup.training.tallies import compliance_figures, compliance_trend
from speakup.training.trend_months import trend_months_record
from tests.training.factories import CompletionFactory, StaffRecordFactory
from tests.training.test_trend_roster_at_month_end import speak_up, trend_rows

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2024, 1, 1)


def on(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False
    )


def roster_uploaded(organisation, day: datetime.date) -> None:
    """Three workers on the roster from `day`: trained 18 months before 30 June 2026 (in date
    with a 3-year refresher, not with a 1-year one), trained in March 2026, not trained."""
    with on(day):
        for number, completed_on in enumerate(
            [datetime.date(2025, 1, 10), datetime.date(2026, 3, 1), None]
        ):
            record = StaffRecordFactory(
                organisation=organisation,
                employee_number=f"E{number}",
                assignment_start=LONG_AGO,
            )
            if completed_on:
                CompletionFactory(staff_record=record, completed_on=completed_on)


def test_a_month_recorded_at_its_end_keeps_its_figure_when_the_refresher_is_shortened(
    client_as, organisation
):
    roster_uploaded(organisation, datetime.date(2026, 6, 20))
    with on(datetime.date(2026, 7, 1)):
        call_command("tick")
    with on(datetime.date(2026, 7, 3)):
        client = client_as(Role.GUARDIAN, organisation)
        before = speak_up(trend_rows(client))
        TrainingPolicy.objects.create(organisation=organisation, speak_up_refresher_years=1)
        after = speak_up(trend_rows(client))
        page = client.get("/training/organisations/TST01/").content.decode()

    assert before["30 June 2026"] == before["3 July 2026 (today)"] == "67%"
    assert after["30 June 2026"] == "67%"  # as recorded on 1 July
    assert after["3 July 2026 (today)"] == "33%"
    # Ended before the first roster upload: not recorded, worked out from today's policy.
    assert (before["31 May 2026"], after["31 May 2026"]) == ("67%", "33%")
    assert "and then kept as they were: a roster uploaded or a policy changed later" in page


def test_the_tick_records_the_month_just_ended_once(organisation):
    roster_uploaded(organisation, datetime.date(2026, 6, 20))
    with on(datetime.date(2026, 7, 1)):
        first = trend_months_record()
        second = trend_months_record()

    assert first == "Training trend: organisations whose month ends were recorded: 1"
    assert second == "Training trend: organisations whose month ends were recorded: 0"
    recorded = MonthEndCompliance.objects.order_by("module")
    assert [(r.month_end, r.module, r.compliant, r.required) for r in recorded] == [
        (datetime.date(2026, 6, 30), "follow_up", 0, 0),
        (datetime.date(2026, 6, 30), "listen_up", 0, 0),
        (datetime.date(2026, 6, 30), "speak_up", 2, 3),
    ]
    (audit,) = AuditRecord.objects.filter(action="training.month_ends_recorded")
    assert (audit.object_ref, audit.organisation_id, audit.actor_label) == (
        "TST01",
        organisation.pk,
        "system",
    )
    assert audit.detail == {"month_ends": ["2026-06-30"], "counted_on": "2026-07-01"}


def test_a_tick_missed_for_days_still_records_the_months_from_the_roster_of_that_day(
    organisation,
):
    roster_uploaded(organisation, datetime.date(2026, 4, 20))
    with on(datetime.date(2026, 7, 5)):
        # A worker who started on 1 July: not on the roster at any month end recorded.
        StaffRecordFactory(organisation=organisation, assignment_start=datetime.date(2026, 7, 1))
        assert trend_months_record().endswith("recorded: 1")

    speak_up_at = dict(
        MonthEndCompliance.objects.filter(module="speak_up").values_list("month_end", "compliant")
    )
    assert speak_up_at == {
        datetime.date(2026, 4, 30): 2,
        datetime.date(2026, 5, 31): 2,
        datetime.date(2026, 6, 30): 2,
    }
    (audit,) = AuditRecord.objects.filter(action="training.month_ends_recorded")
    assert audit.detail["counted_on"] == "2026-07-05"


def test_an_organisation_without_a_roster_has_nothing_recorded(organisation):
    with on(datetime.date(2026, 7, 1)):
        assert trend_months_record().endswith("recorded: 0")
    assert not MonthEndCompliance.objects.exists()


def test_with_every_month_gone_by_recorded_the_trend_counts_nothing_again(organisation):
    """Today's point is the headline's own figure, and the months gone by are read as
    recorded: the dashboard counted the roster for the trend on top of its headline figures,
    the larger part of its time for a 20,000-worker trust (docs/training.md, benchmark)."""
    roster_uploaded(organisation, datetime.date(2026, 1, 20))
    with on(datetime.date(2026, 7, 3)):
        trend_months_record()
        figures = compliance_figures(organisation=organisation, today=datetime.date(2026, 7, 3))
        with CaptureQueriesContext(connection) as queries:
            rows = compliance_trend(
                organisation=organisation, today=datetime.date(2026, 7, 3), figures=figures
            )

    assert len(queries) == 1  # reading the recorded months
    speak_up_today = next(m for m in figures["summary"]["modules"] if m["module"] == "speak_up")
    assert (speak_up_today["compliant"], speak_up_today["required"]) == (2, 3)
    assert [row["speak_up"] for row in rows][-1] == 67
    assert all(row["recorded"] for row in rows[:-1])
