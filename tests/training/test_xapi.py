"""xAPI statements from a learning record store become completions, once each."""

import datetime
import uuid

import pytest
import time_machine

from speakup.organisations.roles import Role
from speakup.training.models import Completion, CompletionSource
from tests.training.factories import StaffRecordFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen"),
]
ACTIVITY = "https://speakup.nhs.example/xapi/activities/listen_up"


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


def statement(actor, verb="completed", activity=ACTIVITY, **extra):
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": activity, "objectType": "Activity"},
        "timestamp": "2025-05-20T10:00:00Z",
        **extra,
    }


@pytest.fixture
def admin(client_as):
    return client_as(Role.ORGANISATION_ADMIN)


def post(client, body):
    return client.post("/api/v1/training/xapi/statements", body, content_type="application/json")


def test_statements_by_mbox_and_account_are_recorded(admin, organisation):
    ada = StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    bryn = StaffRecordFactory(organisation=organisation, employee_number="1002")
    body = [
        statement({"mbox": "mailto:Ada@fictional.test"}),
        statement({"account": {"homePage": "https://esr.example", "name": "1002"}}, verb="passed"),
    ]
    response = post(admin, body)
    assert response.status_code == 200 and len(response.json()["stored"]) == 2
    assert set(Completion.objects.values_list("staff_record", flat=True)) == {ada.pk, bryn.pk}
    completion = Completion.objects.first()
    assert completion.source == CompletionSource.XAPI and completion.module == "listen_up"
    assert completion.completed_on == datetime.date(2025, 5, 20)


def test_a_statement_sent_twice_is_recorded_once(admin, organisation):
    StaffRecordFactory(organisation=organisation, employee_number="1002")
    body = statement({"account": {"homePage": "https://esr.example", "name": "1002"}})
    post(admin, body)
    again = post(admin, body)
    assert again.json()["duplicates"] == [body["id"]]
    assert Completion.objects.count() == 1


def test_unknown_actors_activities_and_verbs_are_reported(admin, organisation):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    response = post(
        admin,
        [
            statement({"mbox": "mailto:nobody@fictional.test"}),
            statement({"mbox": "mailto:ada@fictional.test"}, activity="https://elsewhere/x"),
            statement({"mbox": "mailto:ada@fictional.test"}, verb="attempted"),
            statement({"mbox": "mailto:ada@fictional.test"}, result={"success": False}),
        ],
    )
    assert response.status_code == 400
    reasons = [e["reason"] for e in response.json()["errors"]]
    assert "not on the roster" in reasons[0]
    assert "not mapped to a module" in reasons[1]
    assert "is not counted" in reasons[2]
    assert "did not succeed" in reasons[3]
    assert not Completion.objects.exists()


def test_workers_of_other_organisations_are_not_recorded(admin, other_organisation):
    StaffRecordFactory(organisation=other_organisation, email="ada@fictional.test")
    response = post(admin, statement({"mbox": "mailto:ada@fictional.test"}))
    assert response.status_code == 400 and not Completion.objects.exists()


def test_only_organisation_admins_send_statements(client_as, organisation):
    response = post(client_as(Role.WORKER), statement({"mbox": "mailto:a@fictional.test"}))
    assert response.status_code == 404


def test_a_second_statement_for_the_same_worker_module_and_day_is_a_duplicate(admin, organisation):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    first = statement({"mbox": "mailto:ada@fictional.test"})
    second = statement({"mbox": "mailto:ada@fictional.test"}, verb="passed")  # another id
    response = post(admin, [first, second])
    assert response.status_code == 200
    assert response.json()["stored"] == [first["id"]]
    assert response.json()["duplicates"] == [second["id"]]
    assert Completion.objects.count() == 1


def test_the_same_worker_and_module_on_another_day_is_recorded(admin, organisation):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    body = [
        statement({"mbox": "mailto:ada@fictional.test"}),
        statement({"mbox": "mailto:ada@fictional.test"}, timestamp="2025-05-21T10:00:00Z"),
    ]
    assert len(post(admin, body).json()["stored"]) == 2


@pytest.mark.parametrize("verb", [None, "completed", ["completed"], {}])
def test_a_statement_without_a_verb_says_so(admin, organisation, verb):
    body = statement({"mbox": "mailto:ada@fictional.test"})
    body["verb"] = verb
    if verb is None:
        del body["verb"]
    response = post(admin, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["reason"] == (
        "The statement has no verb: send completed or passed"
    )


@pytest.mark.parametrize("body", ["", "{}", "[]"])
def test_an_empty_body_says_it_is_empty(admin, body):
    response = post(admin, body)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"reason": "The body is empty: send a statement or a list of statements"}
    ]
