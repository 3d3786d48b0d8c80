"""Demo data gives every demo organisation a roster, a policy and completions."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from speakup.organisations.models import Organisation, User
from speakup.training.models import Completion, MonthEndCompliance, StaffRecord, TrainingPolicy
from speakup.training.queries import compliance_summary, my_training, policy_for
from speakup.training.tallies import compliance_figures, compliance_trend

pytestmark = pytest.mark.django_db


def test_demo_data_gives_dashboards_something_real(capsys):
    call_command("demo-data")
    counts = (StaffRecord.objects.count(), Completion.objects.count())
    assert counts[0] > 150 and counts[1] > 50
    demo1, demo2, demo3 = (
        Organisation.objects.get(ods_code=c) for c in ("DEMO1", "DEMO2", "DEMO3")
    )
    flags = lambda o: [m["mandatory"] for m in compliance_summary(organisation=o)["modules"]]  # noqa: E731
    assert flags(demo1) == [True, True, True]
    assert flags(demo2) == [True, False, False]
    assert flags(demo3) == [False, False, False]
    speak_up = compliance_summary(organisation=demo1)["modules"][0]
    assert speak_up["due"] > 0  # new starters within their first 30 days
    board = compliance_summary(organisation=demo1)["board_follow_up"]
    assert 0 < board["compliant"] < board["required"]
    assert policy_for(organisation=demo2).listen_up_from_band == "7"

    overdue = User.objects.get(email="board-member2@demo1.demo.speakup.test")
    (mine,) = my_training(user=overdue)
    assert mine.record is not None and mine.statuses[2].status == "overdue"
    worker = User.objects.get(email="worker1@demo1.demo.speakup.test")
    assert my_training(user=worker)[0].statuses[0].status == "overdue"

    call_command("demo-data")
    assert (StaffRecord.objects.count(), Completion.objects.count()) == counts


def test_demo_workers_take_the_modules_in_order():
    """Nobody in the demo has Listen Up or Follow Up without the modules before it."""
    call_command("demo-data")
    done = {}
    for record_id, module in Completion.objects.values_list("staff_record_id", "module"):
        done.setdefault(record_id, set()).add(module)
    assert done
    for modules in done.values():
        assert "listen_up" not in modules or "speak_up" in modules
        assert "follow_up" not in modules or {"speak_up", "listen_up"} <= modules


def test_the_demo_rosters_senior_bands_are_a_mix_of_line_managers_and_others():
    """Every Band 8b worker at DEMO1 was a line manager: the dashboard's "Compliance by band"
    showed Listen Up required of the whole band."""
    call_command("demo-data")
    demo1 = Organisation.objects.get(ods_code="DEMO1")
    by_band = compliance_figures(organisation=demo1, today=timezone.localdate())["breakdowns"]
    rows = {row["value"]: row for row in by_band["band"]}
    for band in ("Band 7", "Band 8a", "Band 8b"):
        listen_up = rows[band]["listen_up"]["required"]
        assert 0 < listen_up < rows[band]["workers"], band
    managers = StaffRecord.objects.filter(organisation=demo1, is_line_manager=True)
    assert managers.filter(band="Band 6").exists()  # some ward sisters manage too


def test_the_demo_trend_keeps_its_past_months_when_the_policy_changes():
    """A tester shortened DEMO1's Speak Up refresher to a year: its 30 June fell from 61% to
    36%. The demo records its past month ends when it is made, as the tick would have."""
    call_command("demo-data")
    demo1 = Organisation.objects.get(ods_code="DEMO1")
    today = timezone.localdate()
    before = compliance_trend(organisation=demo1, today=today)
    TrainingPolicy.objects.filter(organisation=demo1).update(speak_up_refresher_years=1)
    after = compliance_trend(organisation=demo1, today=today)

    assert [row["recorded"] for row in after] == [True] * 5 + [False]
    assert after[:5] == before[:5]
    call_command("demo-data")
    assert MonthEndCompliance.objects.filter(organisation=demo1).count() == 5 * 3
