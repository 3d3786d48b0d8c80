"""Listen Up "from band N up": the workers a new or widened rule reaches have the new starters'
days to take it, from the day their band came under the rule, instead of being overdue at once
(and emailed, with their line managers, as overdue the next morning)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from speakup.organisations.roles import Role
from speakup.training import content
from speakup.training.models import TrainingPolicy
from speakup.training.queries import WorkerFacts, module_status
from speakup.training.services import policy_update
from tests.training.factories import StaffRecordFactory, TrainingPolicyFactory
from tests.training.test_tallies import build_roster, python_counts, sql_counts

TODAY = datetime.date(2026, 11, 26)
LONG_AGO = datetime.date(2020, 1, 6)


def listen_up(facts, policy):
    return module_status(
        facts=facts, module="listen_up", policy=policy, completions=(), today=TODAY
    )


def test_a_band_just_brought_under_the_rule_is_due_from_that_day_not_overdue():
    policy = TrainingPolicy(
        listen_up_from_band="5", listen_up_band_since={"5": "2026-11-20", "6": "2026-11-20"}
    )
    newly = listen_up(WorkerFacts(band="Band 5", start=LONG_AGO), policy)
    assert newly.status == "due" and newly.due_on == datetime.date(2026, 12, 20)
    assert "due by 20 December 2026" in newly.reason
    # Band 7 was under the rule before its days were recorded: due from the start, long ago.
    assert listen_up(WorkerFacts(band="Band 7", start=LONG_AGO), policy).status == "overdue"
    # A line manager takes Listen Up whatever their band: the band's day changes nothing.
    manager = WorkerFacts(band="Band 5", start=LONG_AGO, is_line_manager=True)
    assert listen_up(manager, policy).status == "overdue"


@pytest.mark.django_db
def test_widening_the_rule_records_the_day_for_the_bands_it_reaches_and_keeps_the_others(
    organisation,
):
    with time_machine.travel("2026-10-01 12:00", tick=False):
        policy_update(organisation=organisation, listen_up_from_band="7")
    codes_from_7 = {"7", "8a", "8b", "8c", "8d", "9", "VSM"}
    policy = TrainingPolicy.objects.get()
    assert policy.listen_up_band_since == dict.fromkeys(codes_from_7, "2026-10-01")
    with time_machine.travel("2026-11-26 12:00", tick=False):
        policy_update(organisation=organisation, listen_up_from_band="5")
        policy_update(organisation=organisation, new_starter_due_days=45)  # band unchanged
    policy.refresh_from_db()
    assert policy.listen_up_band_since == {
        "5": "2026-11-26",
        "6": "2026-11-26",
        **dict.fromkeys(codes_from_7, "2026-10-01"),
    }
    with time_machine.travel("2026-12-01 12:00", tick=False):
        policy_update(organisation=organisation, listen_up_from_band="6")  # narrowed
    policy.refresh_from_db()
    assert policy.listen_up_band_ended == {"5": "2026-12-01"}
    # Widened again within a year, Band 5 keeps its day (ADR 0016); after more, it is new.
    with time_machine.travel("2026-12-08 12:00", tick=False):
        policy_update(organisation=organisation, listen_up_from_band="5")
    policy.refresh_from_db()
    assert policy.listen_up_band_since["5"] == "2026-11-26"
    assert policy.listen_up_band_since["6"] == "2026-11-26"
    assert policy.listen_up_band_ended == {}
    with time_machine.travel("2026-12-09 12:00", tick=False):
        policy_update(organisation=organisation, listen_up_from_band="")
    policy.refresh_from_db()
    assert policy.listen_up_band_ended == dict.fromkeys(policy.listen_up_band_since, "2026-12-09")
    with time_machine.travel("2027-12-10 12:00", tick=False):
        policy_update(organisation=organisation, listen_up_from_band="5")
    policy.refresh_from_db()
    assert set(policy.listen_up_band_since.values()) == {"2027-12-10"}


@pytest.mark.django_db
@time_machine.travel("2026-11-26 12:00", tick=False)
def test_an_admin_widening_the_rule_leaves_the_band_due_not_overdue_on_the_dashboard(
    client_as, organisation
):
    StaffRecordFactory(organisation=organisation, band="Band 5", assignment_start=LONG_AGO)
    client = client_as(Role.ORGANISATION_ADMIN)
    client.post(
        "/training/organisations/TST01/policy/",
        {
            "new_starter_due_days": "30",
            "board_follow_up_due_days": "90",
            "listen_up_from_band": "5",
        },
    )
    body = client.get("/api/v1/organisations/TST01/training/compliance").json()
    listen = next(m for m in body["modules"] if m["module"] == "listen_up")
    assert (listen["required"], listen["due"], listen["overdue"]) == (1, 1, 0)
    with time_machine.travel("2026-12-27 12:00", tick=False):
        client = client_as(Role.ORGANISATION_ADMIN)
        body = client.get("/api/v1/organisations/TST01/training/compliance").json()
    listen = next(m for m in body["modules"] if m["module"] == "listen_up")
    assert (listen["due"], listen["overdue"]) == (0, 1)


@pytest.mark.django_db
def test_the_dashboard_counts_in_sql_agree_with_the_rules_when_bands_came_under_the_rule_lately(
    monkeypatch,
):
    from tests.organisations.factories import OrganisationFactory

    monkeypatch.setattr(content, "superseded_versions", lambda module: ("0", "1"))
    with time_machine.travel("2026-11-26 12:00", tick=False):
        today = timezone.localdate()
        organisation, other = OrganisationFactory(), OrganisationFactory()
        recent = (today - datetime.timedelta(days=10)).isoformat()
        edge = (today - datetime.timedelta(days=30)).isoformat()  # due today: not yet late
        TrainingPolicyFactory(
            organisation=organisation,
            listen_up_from_band="5",
            listen_up_band_since={"5": recent, "6": edge, "8a": "2020-01-01"},
        )
        build_roster(organisation, other, today)
        python, sql = python_counts(organisation, today), sql_counts(organisation, today)
    assert sql == python
    assert python[0]["listen_up"]["due"] and python[0]["listen_up"]["overdue"]
