"""The national view's training figures are each organisation's own dashboard figures."""

import datetime

import pytest

from speakup.training import national
from speakup.training.content import MODULE_ORDER
from speakup.training.tallies import compliance_figures
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 2, 10)


@pytest.fixture
def rosters():
    """Three organisations with different refresher policies and workers trained every way."""
    default = OrganisationFactory(ods_code="DEF01")
    yearly = OrganisationFactory(ods_code="ONE01")
    never = OrganisationFactory(ods_code="NEV01")
    TrainingPolicyFactory(organisation=yearly, speak_up_refresher_years=1)
    TrainingPolicyFactory(organisation=never, speak_up_refresher_years=None)
    for organisation in (default, yearly, never):
        recent = StaffRecordFactory(organisation=organisation, is_line_manager=True)
        old = StaffRecordFactory(organisation=organisation, is_board_member=True)
        by_account = StaffRecordFactory(organisation=organisation, user=UserFactory())
        StaffRecordFactory(organisation=organisation, active=False)
        CompletionFactory(staff_record=recent, completed_on=datetime.date(2026, 12, 1))
        CompletionFactory(staff_record=recent, module="listen_up", completed_on=TODAY)
        CompletionFactory(staff_record=old, completed_on=datetime.date(2025, 6, 1))
        CompletionFactory(
            staff_record=None,
            user=by_account.user,
            organisation=organisation,
            completed_on=datetime.date(2026, 1, 1),
        )
        CompletionFactory(
            staff_record=old, module="follow_up", completed_on=datetime.date(2028, 1, 1)
        )
        board = StaffRecordFactory(organisation=organisation, is_board_member=True)
        CompletionFactory(staff_record=board, module="follow_up", completed_on=TODAY)
    return default, yearly, never


def test_each_organisations_national_figures_are_its_dashboards(rosters):
    default, yearly, never = rosters
    counts = national.training_counts_by_organisation(today=TODAY)
    for organisation in rosters:
        summary = compliance_figures(organisation=organisation, today=TODAY)["summary"]
        mine = counts[organisation.pk]
        for row in summary["modules"]:
            module = row["module"]
            assert (mine[f"{module}_required"], mine[f"{module}_compliant"]) == (
                row["required"],
                row["compliant"],
            )
        board = summary["board_follow_up"]
        assert (mine["board_members"], mine["board_completed"]) == (
            board["required"],
            board["compliant"],
        )
    assert counts[default.pk]["speak_up_required"] == 4  # the leaver is not counted
    assert counts[default.pk]["speak_up_compliant"] == 3
    assert counts[yearly.pk]["speak_up_compliant"] == 1  # only December 2026 is within a year
    assert counts[never.pk]["speak_up_compliant"] == 3
    assert counts[default.pk]["board_members"] == 2
    assert set(counts) == {organisation.pk for organisation in rosters}


def test_the_national_counts_give_each_organisations_workers(rosters):
    counts = national.training_counts_by_organisation(today=TODAY)
    assert [counts[organisation.pk]["workers"] for organisation in rosters] == [4, 4, 4]
    assert all(set(counts[o.pk]) >= {f"{m}_required" for m in MODULE_ORDER} for o in rosters)
