"""xAPI statements from a learning record store become completions, once each."""

import datetime
import json
import logging
import uuid

import pytest
import time_machine
from django.test import override_settings

from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.training.models import Completion, CompletionSource
from speakup.training.services import XAPI_TIMESTAMP
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


def post(client, body, version="1.0.3"):
    headers = {"X-Experience-API-Version": version} if version is not None else {}
    return client.post(
        "/api/v1/training/xapi/statements", body, content_type="application/json", headers=headers
    )


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


def test_a_statement_without_a_verb_says_so(admin, organisation):
    body = statement({"mbox": "mailto:ada@fictional.test"})
    del body["verb"]
    response = post(admin, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["reason"] == (
        "The statement has no verb: send completed or passed"
    )


@pytest.mark.parametrize("verb", ["completed", ["completed"], {}, {"display": "completed"}])
def test_a_verb_that_is_not_an_object_with_an_id_is_told_its_shape(admin, organisation, verb):
    """ "verb": "completed" was told the statement had no verb."""
    body = statement({"mbox": "mailto:ada@fictional.test"})
    body["verb"] = verb
    response = post(admin, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["reason"] == (
        'The verb must be an object with an id, such as {"id": '
        '"http://adlnet.gov/expapi/verbs/completed"} (or .../passed)'
    )


@pytest.mark.parametrize("body", ["", "{}", "[]"])
def test_an_empty_body_says_it_is_empty(admin, body):
    response = post(admin, body)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"reason": "The body is empty: send a statement or a list of statements"}
    ]


@pytest.mark.parametrize(
    ("version", "detail"),
    [
        (None, "Send the header X-Experience-API-Version: 1.0.3 with the statements"),
        ("", "Send the header X-Experience-API-Version: 1.0.3 with the statements"),
        ("0.95", "X-Experience-API-Version “0.95” is not a version speakup reads: send 1.0.3"),
        ("2.0.0", "X-Experience-API-Version “2.0.0” is not a version speakup reads: send 1.0.3"),
    ],
)
def test_statements_without_the_xapi_version_header_are_refused(
    admin, organisation, version, detail
):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    response = post(admin, statement({"mbox": "mailto:ada@fictional.test"}), version=version)
    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert not Completion.objects.exists()


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "1.0.3"])
def test_any_xapi_1_0_version_is_read(admin, organisation, version):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    response = post(admin, statement({"mbox": "mailto:ada@fictional.test"}), version=version)
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"verb": {"id": ["completed"]}}, "The verb must be an object with an id, such as"),
        ({"object": {"id": {"iri": ACTIVITY}}}, "The statement has no activity (object.id)"),
        ({"object": "listen up"}, "The statement has no activity (object.id)"),
        ({"timestamp": 1747735200}, XAPI_TIMESTAMP),
        ({"timestamp": None}, XAPI_TIMESTAMP),
        ({"timestamp": "20 May 2025"}, XAPI_TIMESTAMP),
        ({"timestamp": "2025-06-02T09:00:00Z"}, "The timestamp is in the future"),
        (
            {"result": {"success": "false"}},
            "The result must be an object whose success is true or false",
        ),
        ({"result": "passed"}, "The result must be an object whose success is true or false"),
        ({"id": 42}, "The statement's id must be a UUID"),
        ({"id": "statement-1"}, "The statement's id must be a UUID"),
        ({"actor": {"mbox": 42}}, "Name the actor by mbox (mailto: and their email) or by account"),
        ({"actor": "ada"}, "Name the actor by mbox (mailto: and their email) or by account"),
        ({"actor": {"account": {"name": ["1001"]}}}, "Name the actor by mbox"),
    ],
)
def test_a_statement_with_a_wrong_type_or_value_is_refused_saying_why(
    admin, organisation, change, reason
):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    body = statement({"mbox": "mailto:ada@fictional.test"}) | change
    response = post(admin, [statement({"mbox": "mailto:ada@fictional.test"}), body])
    assert response.status_code == 200  # the first is recorded, the second reported
    (error,) = response.json()["errors"]
    assert error["statement"] == 1 and error["reason"].startswith(reason)
    assert Completion.objects.count() == 1


def test_a_statement_without_an_id_is_given_one(admin, organisation):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    body = statement({"mbox": "mailto:ada@fictional.test"})
    del body["id"]
    response = post(admin, body)
    assert response.status_code == 200
    (stored,) = response.json()["stored"]
    assert str(Completion.objects.get().statement_id) == stored


def test_an_actor_matching_two_workers_is_refused_never_guessed(admin, organisation):
    # Two assignments with one email address: which one took the module is not guessed.
    StaffRecordFactory(
        organisation=organisation, employee_number="1001", email="ada@fictional.test"
    )
    StaffRecordFactory(
        organisation=organisation, employee_number="1002", email="ada@fictional.test"
    )
    response = post(admin, statement({"mbox": "mailto:ada@fictional.test"}))
    assert response.status_code == 400
    assert response.json()["errors"][0]["reason"] == (
        "The actor matches more than one worker on your rosters (TST01 1001, TST01 1002), so "
        "none is guessed: name them by account (their employee number)"
    )
    assert not Completion.objects.exists()
    by_account = post(
        admin, statement({"account": {"homePage": "https://esr.example", "name": "1002"}})
    )
    assert by_account.status_code == 200


def test_the_day_of_a_timestamp_is_the_day_in_england(admin, organisation):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    # 23:30 in New York on 20 May is 04:30 on 21 May in London.
    post(
        admin,
        statement({"mbox": "mailto:ada@fictional.test"}, timestamp="2025-05-20T23:30:00-04:00"),
    )
    assert Completion.objects.get().completed_on == datetime.date(2025, 5, 21)


@override_settings(TRAINING_XAPI_ACTIVITIES={"https://elfh.example/ftsu/follow-up": "follow_up"})
def test_an_activity_mapped_by_the_setting_is_recorded_as_its_module(admin, organisation):
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    response = post(
        admin,
        statement(
            {"mbox": "mailto:ada@fictional.test"}, activity="https://elfh.example/ftsu/follow-up"
        ),
    )
    assert response.status_code == 200
    assert Completion.objects.get().module == "follow_up"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_a_body_too_large_is_refused_saying_so(admin, organisation, caplog):
    """A 413, as the CSV imports answer a file too large (it was a 400), and no ERROR with a
    traceback in the server's log (django.security.RequestDataTooBig) for a client's mistake."""
    StaffRecordFactory(organisation=organisation, email="ada@fictional.test")
    body = [statement({"mbox": "mailto:ada@fictional.test"})] * 5000  # over 1 MB
    with caplog.at_level(logging.INFO):
        response = post(admin, body)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request is larger than the 1 MB speakup reads: send it in parts."
    }
    assert not Completion.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_a_body_too_large_for_django_before_the_api_view_is_a_413_too(rf):
    """Django's own 400 page, for one read before a view of the API, answers the same 413."""
    from django.core.exceptions import RequestDataTooBig

    from speakup.core.views.errors import bad_request

    response = bad_request(rf.post("/api/v1/training/xapi/statements"), RequestDataTooBig())
    assert response.status_code == 413
    assert json.loads(response.content) == {
        "detail": "The request is larger than the 1 MB speakup reads: send it in parts."
    }


def voiding(statement_id, **object_fields):
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:lrs-admin@fictional.test"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": statement_id, **object_fields},
    }


def test_a_voiding_statement_takes_back_the_completion_its_statement_recorded(admin, organisation):
    StaffRecordFactory(organisation=organisation, employee_number="1002")
    sent = statement({"account": {"homePage": "https://esr.example", "name": "1002"}})
    post(admin, sent)
    assert Completion.objects.count() == 1
    first_void = voiding(sent["id"])
    response = post(admin, first_void)
    assert response.status_code == 200
    assert response.json()["voided"] == [sent["id"]] and response.json()["errors"] == []
    assert not Completion.objects.exists()
    record = AuditRecord.objects.filter(action="training.xapi_statements").latest("pk")
    assert record.detail["voided"] == [sent["id"]]
    again = post(admin, voiding(sent["id"]))
    assert again.status_code == 400
    # It said "No completion recorded here came from statement …", as if none ever had.
    assert again.json()["errors"] == [
        {
            "statement": 0,
            "reason": f"Statement {sent['id']} was voided already, by statement "
            f"{first_void['id']}: its "
            "completion no longer counts",
        }
    ]
    never = str(uuid.uuid4())
    assert post(admin, voiding(never)).json()["errors"] == [
        {"statement": 0, "reason": f"No completion recorded here came from statement {never}"}
    ]


def test_a_voiding_statement_cannot_take_back_another_organisations_completion(
    client_as, organisation, other_organisation
):
    StaffRecordFactory(organisation=organisation, employee_number="1002")
    sent = statement({"account": {"homePage": "https://esr.example", "name": "1002"}})
    post(client_as(Role.ORGANISATION_ADMIN, organisation), sent)
    response = post(client_as(Role.ORGANISATION_ADMIN, other_organisation), voiding(sent["id"]))
    assert response.status_code == 400
    assert Completion.objects.count() == 1


@pytest.mark.parametrize(
    "target, reason",
    [
        ({"objectType": "Activity", "id": ACTIVITY}, "must be a StatementRef"),
        ({"objectType": "StatementRef", "id": "not-a-uuid"}, "id must be a UUID"),
    ],
)
def test_a_voiding_statement_that_names_no_statement_says_why(admin, target, reason):
    body = voiding("x")
    body["object"] = target
    response = post(admin, body)
    assert response.status_code == 400 and reason in response.json()["errors"][0]["reason"]


def test_statements_sent_in_chunks_that_arrive_empty_are_told_to_send_a_content_length(admin):
    """As the CSV imports: sent in chunks, the body never reached Django, and was called empty."""
    response = admin.post(
        "/api/v1/training/xapi/statements",
        "",
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411
    assert response.json()["detail"].startswith("Send the statements with a Content-Length")
