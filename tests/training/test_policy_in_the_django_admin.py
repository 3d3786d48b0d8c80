"""The Django admin shows an organisation's training policy but does not change it: its page
skipped the policy page's checks (asking before a change makes workers late at once, dating
the band rule), so it points to that page instead."""

import html

import pytest

from speakup.training.models import TrainingPolicy
from tests.conftest import sign_in
from tests.organisations.factories import UserFactory
from tests.training.factories import TrainingPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    return sign_in(client, UserFactory(is_superuser=True, is_staff=True))


def test_the_admin_shows_the_policy_and_links_to_the_policy_page(operator, organisation):
    policy = TrainingPolicyFactory(organisation=organisation, speak_up_mandatory=False)
    page = html.unescape(
        operator.get(f"/admin/training/trainingpolicy/{policy.pk}/change/").content.decode()
    )
    assert (
        '<a href="/training/organisations/TST01/policy/">Change it on the training policy' in page
    )
    assert 'name="speak_up_mandatory"' not in page and 'name="_save"' not in page
    listed = operator.get("/admin/training/trainingpolicy/").content.decode()
    assert 'href="/training/organisations/TST01/policy/"' in listed


def test_the_admin_saves_no_change_to_a_policy_nor_adds_or_deletes_one(operator, organisation):
    policy = TrainingPolicyFactory(organisation=organisation, speak_up_mandatory=False)
    changed = operator.post(
        f"/admin/training/trainingpolicy/{policy.pk}/change/",
        {"organisation": organisation.pk, "speak_up_mandatory": "on", "refresher_years": 1},
    )
    assert changed.status_code == 403
    assert not TrainingPolicy.objects.get().speak_up_mandatory
    assert operator.get("/admin/training/trainingpolicy/add/").status_code == 403
    deleted = operator.post(f"/admin/training/trainingpolicy/{policy.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert TrainingPolicy.objects.exists()
