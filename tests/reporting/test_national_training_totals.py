"""The national view's training figures in one aggregate query agree with the reference query."""

import datetime

import pytest

from speakup.training import national
from speakup.training.queries import (
    board_follow_up_by_organisation,
    follow_up_completed_on,
    module_compliance_by_organisation,
    module_compliance_totals_by_organisation,
)
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


def test_one_query_gives_the_same_counts_whatever_the_refresher_policy(rosters):
    default, yearly, never = rosters
    totals = module_compliance_totals_by_organisation(today=TODAY)
    assert totals == {k: dict(v) for k, v in module_compliance_by_organisation(today=TODAY).items()}
    assert totals[default.pk]["speak_up"] == (4, 3)
    assert totals[yearly.pk]["speak_up"] == (4, 1)  # only December 2026 is within a year
    assert totals[never.pk]["speak_up"] == (4, 3)
    assert totals[default.pk]["follow_up"] == (2, 1)  # not the completion dated after today


def test_the_national_counts_in_one_pass_agree_with_the_queries_they_replace(rosters):
    default, yearly, never = rosters
    counts = national.training_counts_by_organisation(today=TODAY)
    modules = module_compliance_totals_by_organisation(today=TODAY)
    board = board_follow_up_by_organisation(today=TODAY)
    for organisation in rosters:
        mine = counts[organisation.pk]
        assert mine["workers"] == 4
        assert (mine["board_members"], mine["board_completed"]) == board[organisation.pk] == (2, 1)
        for module, (required, compliant) in modules[organisation.pk].items():
            assert (mine[f"{module}_required"], mine[f"{module}_compliant"]) == (
                required,
                compliant,
            )
    assert counts[yearly.pk]["speak_up_compliant"] == 1


def test_the_follow_up_lookup_by_email_answers_as_it_does_for_one_person():
    account = UserFactory(email="Chair@Fictional.test")
    record = StaffRecordFactory(email="chair@fictional.TEST")
    elsewhere = StaffRecordFactory(email="chair@fictional.test")
    CompletionFactory(staff_record=record, module="speak_up")
    CompletionFactory(
        staff_record=None,
        user=account,
        organisation=record.organisation,
        module="listen_up",
        completed_on=datetime.date(2025, 1, 1),
    )
    CompletionFactory(
        staff_record=elsewhere, module="follow_up", completed_on=datetime.date(2025, 2, 1)
    )
    half = StaffRecordFactory(email="half@fictional.test")
    CompletionFactory(staff_record=half, module="follow_up")
    emails = ["CHAIR@fictional.test ", "half@fictional.test", "nobody@fictional.test", ""]
    answers = national.follow_up_completed_on_many(emails=emails)
    # Keys lower-cased and stripped; an empty email is not asked about.
    asked = ["chair@fictional.test", "half@fictional.test", "nobody@fictional.test"]
    assert answers == {email: follow_up_completed_on(email=email) for email in asked}
    assert answers["chair@fictional.test"] == datetime.date(2025, 2, 1)
    assert answers["half@fictional.test"] is None  # Follow Up without Speak Up and Listen Up
