"""A learning record store resends statements it is unsure were received: a voiding statement
sent again, or sent again with the statement it voided, is a duplicate, not an error, and the
completion stays voided."""

import datetime

import pytest
import time_machine

from speakup.organisations.roles import Role
from speakup.training.models import Completion
from tests.training.factories import StaffRecordFactory
from tests.training.test_xapi import post, statement, voiding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def admin(client_as, organisation):
    StaffRecordFactory(organisation=organisation, employee_number="1002")
    return client_as(Role.ORGANISATION_ADMIN)


def test_a_voiding_statement_sent_twice_is_a_duplicate_the_second_time(admin):
    sent = statement({"account": {"homePage": "https://esr.example", "name": "1002"}})
    post(admin, sent)
    void = voiding(sent["id"])
    assert post(admin, void).json()["voided"] == [sent["id"]]
    again = post(admin, void)
    assert again.status_code == 200
    assert again.json() == {
        "stored": [],
        "duplicates": [void["id"]],
        "voided": [],
        "errors": [],
    }
    assert not Completion.objects.exists()


def test_a_batch_resent_whole_leaves_the_voided_completion_voided(admin):
    sent = statement({"account": {"homePage": "https://esr.example", "name": "1002"}})
    batch = [sent, voiding(sent["id"])]
    first = post(admin, batch).json()
    assert first["stored"] == [sent["id"]] and first["voided"] == [sent["id"]]
    again = post(admin, batch)
    assert again.status_code == 200
    assert again.json()["duplicates"] == [sent["id"], batch[1]["id"]]
    assert again.json()["stored"] == [] and again.json()["errors"] == []
    assert not Completion.objects.exists()  # the voided completion does not come back


def test_another_voiding_statement_for_a_statement_voided_already_is_still_refused(admin):
    sent = statement({"account": {"homePage": "https://esr.example", "name": "1002"}})
    post(admin, sent)
    post(admin, voiding(sent["id"]))
    response = post(admin, voiding(sent["id"]))
    assert response.status_code == 400
    assert response.json()["errors"][0]["reason"].startswith(f"Statement {sent['id']} was voided")
