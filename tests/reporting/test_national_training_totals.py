"""The national view's training figures in one aggregate query agree with the reference query."""

import datetime

import pytest

from speakup.training.queries import (
    module_compliance_by_organisation,
    module_compliance_totals_by_organisation,
)
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 2, 10)


def test_one_query_gives_the_same_counts_whatever_the_refresher_policy():
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
    totals = module_compliance_totals_by_organisation(today=TODAY)
    assert totals == {k: dict(v) for k, v in module_compliance_by_organisation(today=TODAY).items()}
    assert totals[default.pk]["speak_up"] == (3, 3)
    assert totals[yearly.pk]["speak_up"] == (3, 1)  # only December 2026 is within a year
    assert totals[never.pk]["speak_up"] == (3, 3)
    assert totals[default.pk]["follow_up"] == (1, 0)  # a completion dated after today
