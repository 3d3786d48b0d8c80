"""Every change to training records, and every download of workers' training, is in the audit
log: who, what, which organisation, and counts, never a worker's name or email."""

import datetime
import io
import json
import uuid

import pytest
from django.core.management import call_command

from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.training.content import course
from speakup.training.services import knowledge_check_submit, policy_update, progress_visit
from tests.conftest import sign_in
from tests.training.factories import StaffRecordFactory

pytestmark = pytest.mark.django_db

ROSTER = (
    "Employee Number,First Name,Last Name,Email,Staff Group,Line Manager,Senior Leader,"
    "Board Member,Assignment Start\n"
    "1001,Ada,Ashdown,ada@fictional.test,Students,N,N,N,2024-01-01\n"
)


def last(action: str) -> AuditRecord:
    return AuditRecord.objects.filter(action=action).latest("id")


def assert_no_personal_data(record: AuditRecord) -> None:
    written = json.dumps(record.detail)
    for personal in ("Ada", "Ashdown", "ada@fictional.test"):
        assert personal not in written


def test_a_roster_import_is_recorded_with_who_and_counts(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    client.post("/api/v1/organisations/TST01/staff", ROSTER, content_type="text/csv")
    record = last("training.roster_import")
    assert record.actor == client.user
    assert (record.object_type, record.object_ref, record.organisation) == (
        "roster",
        "TST01",
        organisation,
    )
    assert record.detail == {
        "full": False,
        "rows_read": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "left": 0,
        "skipped": 0,
    }
    assert_no_personal_data(record)


def test_a_refused_roster_leaves_no_record(client_as, organisation):
    client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/organisations/TST01/staff",
        ROSTER + "1002,,X,,Students,N,N,N,2024-01-01\n",
        content_type="text/csv",
    )
    assert not AuditRecord.objects.filter(action="training.roster_import").exists()


def test_an_import_from_the_command_line_is_the_systems(organisation, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    call_command("import-staff", str(roster), organisation="TST01", stdout=io.StringIO())
    record = last("training.roster_import")
    assert record.actor is None and record.actor_label == "system"


def test_a_policy_change_names_the_fields_changed(organisation, person_with_role):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    policy_update(
        organisation=organisation,
        actor=admin,
        speak_up_mandatory=True,
        speak_up_mandatory_from=datetime.date(2026, 4, 1),
    )
    record = last("training.policy_update")
    assert record.actor == admin
    assert record.detail == {"fields": ["speak_up_mandatory", "speak_up_mandatory_from"]}


def test_completions_imported_and_sent_by_xapi_are_recorded(client_as, organisation):
    StaffRecordFactory(organisation=organisation, employee_number="1001", email="w@fictional.test")
    client = client_as(Role.ORGANISATION_ADMIN)
    client.post(
        "/api/v1/training/completions",
        "Employee Number,Organisation,Module,Completed On,Source\n"
        "1001,TST01,speak_up,2025-02-01,import\n",
        content_type="text/csv",
    )
    imported = last("training.completions_import")
    assert imported.detail["created"] == 1
    assert imported.organisation == organisation  # in the organisation's own audit trail
    # Rows refused are rows, however many problems each has.
    client.post(
        "/api/v1/training/completions?skip_invalid=yes",
        "Employee Number,Organisation,Module,Completed On,Source\n"
        "1001,TST01,listen_up,2025-02-01,import\n"
        "9999,TST01,Fire safety,2030-01-01,import\n",
        content_type="text/csv",
    )
    assert last("training.completions_import").detail["rows_refused"] == 1
    statement_id = str(uuid.uuid4())
    client.post(
        "/api/v1/training/xapi/statements",
        {
            "id": statement_id,
            "actor": {"mbox": "mailto:w@fictional.test"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": "https://speakup.nhs.example/xapi/activities/listen_up"},
            "timestamp": "2025-05-20T10:00:00Z",
        },
        content_type="application/json",
        headers={"X-Experience-API-Version": "1.0.3"},
    )
    record = last("training.xapi_statements")
    assert record.detail == {"statements": [statement_id], "duplicates": 0}
    assert "w@fictional.test" not in json.dumps(record.detail)


def test_passing_a_module_is_recorded_as_the_workers(organisation, person_with_role):
    worker = person_with_role(Role.WORKER)
    StaffRecordFactory(organisation=organisation, user=worker)
    questions = course("speak_up").questions
    progress_visit(user=worker, module="speak_up", screen=course("speak_up").screen_count)
    knowledge_check_submit(
        user=worker,
        module="speak_up",
        answers={n: q.correct for n, q in enumerate(questions, start=1)},
    )
    record = last("training.module_pass")
    assert record.actor == worker and record.detail["module"] == "speak_up"
    assert record.detail["score_percent"] == 100


def test_downloading_workers_training_is_recorded(client_as, organisation):
    StaffRecordFactory(organisation=organisation, first_name="Ada", last_name="Ashdown")
    client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/compliance.csv")
    record = last("training.roster_export")
    assert record.detail == {"workers": 1} and record.organisation == organisation
    assert_no_personal_data(record)


def test_looking_at_the_dashboard_and_a_team_is_recorded(client_as, organisation, person_with_role):
    StaffRecordFactory(organisation=organisation, is_board_member=True)
    client = client_as(Role.ORGANISATION_ADMIN)
    client.get("/training/organisations/TST01/")
    viewed = last("training.dashboard_view")
    assert viewed.actor == client.user and viewed.detail == {"board_members": 1}

    manager = person_with_role(Role.WORKER)
    StaffRecordFactory(organisation=organisation, user=manager, is_line_manager=True)
    StaffRecordFactory(organisation=organisation, first_name="Ada", last_name="Ashdown")
    sign_in(client, manager)
    client.get("/training/team/")
    record = last("training.team_view")
    assert record.actor == manager and record.detail == {"workers": 2}  # the board member too
    assert_no_personal_data(record)
