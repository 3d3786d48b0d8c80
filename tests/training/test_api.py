"""The training API: compliance figures, roster import and completions import."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from speakup.organisations.roles import Role
from speakup.training.models import Completion, CompletionSource, StaffRecord
from speakup.training.roster.file_encoding import CP1252_WARNING
from tests.training.factories import (
    CompletionFactory,
    StaffRecordFactory,
    TrainingPolicyFactory,
)

pytestmark = pytest.mark.django_db

ROSTER = (
    "employee number,first name,last name,staff group,line manager,senior leader,"
    "board member,assignment start\n"
    "1001,Ada,Ashdown,Students,N,N,Y,2024-01-01\n"
)


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_compliance_is_given_in_the_documented_shape(client_as, organisation):
    chair = StaffRecordFactory(organisation=organisation, is_board_member=True)
    for module in ("speak_up", "listen_up", "follow_up"):
        CompletionFactory(staff_record=chair, module=module, completed_on=datetime.date(2025, 1, 1))
    StaffRecordFactory(organisation=organisation)
    response = client_as(Role.NON_EXECUTIVE_LEAD).get(
        "/api/v1/organisations/TST01/training/compliance"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["organisation"] == "TST01" and body["as_of"] == "2025-06-01"
    assert [m["module"] for m in body["modules"]] == ["speak_up", "listen_up", "follow_up"]
    assert body["modules"][0] == {
        "module": "speak_up",
        "mandatory": False,
        "mandatory_from": None,
        "required": 2,
        "compliant": 1,
        "due": 0,
        "overdue": 1,
        "expired": 0,
    }
    assert body["board_follow_up"] == {"required": 1, "compliant": 1}


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_compliance_gives_the_day_each_module_is_mandatory_from(client_as, organisation):
    TrainingPolicyFactory(
        organisation=organisation,
        speak_up_mandatory=True,
        speak_up_mandatory_from=datetime.date(2025, 4, 1),
        listen_up_mandatory=True,
        listen_up_mandatory_from=datetime.date(2025, 9, 1),  # still to come
    )
    client = client_as(Role.NON_EXECUTIVE_LEAD)
    body = client.get("/api/v1/organisations/TST01/training/compliance").json()
    assert [(m["module"], m["mandatory"], m["mandatory_from"]) for m in body["modules"]] == [
        ("speak_up", True, "2025-04-01"),
        ("listen_up", False, "2025-09-01"),
        ("follow_up", False, None),
    ]
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    documented = schema["components"]["schemas"]["ModuleCompliance"]["properties"]
    assert documented["mandatory_from"]["format"] == "date"
    assert documented["mandatory_from"]["nullable"] is True


@pytest.mark.parametrize("role", [Role.WORKER, Role.LINE_MANAGER, Role.NATIONAL_ANALYST])
def test_compliance_is_not_found_for_other_roles(client_as, organisation, role):
    response = client_as(role).get("/api/v1/organisations/TST01/training/compliance")
    assert response.status_code == 404


def test_compliance_asks_a_client_with_no_session_or_token_to_sign_in(client, organisation):
    response = client.get("/api/v1/organisations/TST01/training/compliance")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_admin_posts_a_roster_as_csv(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post("/api/v1/organisations/TST01/staff", ROSTER, content_type="text/csv")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    assert StaffRecord.objects.get().is_board_member


def test_the_schema_documents_every_field_of_a_roster_import_and_its_workers_as_objects(
    client_as, organisation
):
    """The answer was an untyped object: integrators could not see its fields, and
    `leavers_by_stored_end_named` was a list of strings beside `leavers`' objects."""
    client = client_as(Role.ORGANISATION_ADMIN)
    answer = client.post("/api/v1/organisations/TST01/staff", ROSTER, content_type="text/csv")
    refused = client.post(
        "/api/v1/organisations/TST01/staff", "Employee Number\n1\n", content_type="text/csv"
    )
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()

    documented = schema["components"]["schemas"]["RosterImportResult"]
    assert set(documented["properties"]) == set(answer.json()) == set(refused.json())
    assert set(documented["required"]) == set(answer.json())
    worker = {"$ref": "#/components/schemas/RosterWorker"}
    for workers in (
        "leavers",
        "returners",
        "leavers_by_stored_end_named",
        "leavers_to_confirm_named",
    ):
        assert documented["properties"][workers]["items"] == worker
    assert set(schema["components"]["schemas"]["RosterWorker"]["properties"]) == {
        "employee_number",
        "name",
    }
    import_staff = schema["paths"]["/api/v1/organisations/{ods_code}/staff"]["post"]["responses"]
    assert import_staff["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RosterImportResult"
    }
    refusals = import_staff["400"]["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/RosterImportResult"} in refusals


def test_the_schema_says_expect_leavers_is_a_number_of_workers_from_0(client_as, organisation):
    """The schema typed it as any integer, though -1 is refused."""
    client = client_as(Role.ORGANISATION_ADMIN)
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    parameters = schema["paths"]["/api/v1/organisations/{ods_code}/staff"]["post"]["parameters"]
    (expect_leavers,) = [p for p in parameters if p["name"] == "expect_leavers"]
    assert expect_leavers["schema"] == {"type": "integer", "minimum": 0, "maximum": 999_999_999}
    refused = client.post(
        "/api/v1/organisations/TST01/staff?full=true&expect_leavers=-1",
        ROSTER,
        content_type="text/csv",
    )
    assert refused.status_code == 400


def test_a_bad_roster_is_refused_with_every_problem(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post(
        "/api/v1/organisations/TST01/staff",
        ROSTER + "1002,,X,Students,N,N,N,2024-01-01\n",
        content_type="text/csv",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 3, "column": "First Name", "reason": "is empty"}]
    assert StaffRecord.objects.count() == 0


def test_an_empty_roster_body_is_a_clear_error(client_as, organisation):
    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/organisations/TST01/staff", "", content_type="text/csv"
    )
    assert response.status_code == 400 and "empty" in response.json()["summary"]


IMPORTS = ["/api/v1/organisations/TST01/staff", "/api/v1/training/completions"]


@pytest.mark.parametrize("path", IMPORTS)
def test_a_chunked_upload_that_arrives_empty_is_told_to_send_a_content_length(
    client_as, organisation, path
):
    """Sent in chunks, with no Content-Length, the body never reached Django: it was called an
    empty file. An empty body sent without chunks is still the empty file it is."""
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post(path, "", content_type="text/csv", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert response.json() == {
        "detail": "Send the file with a Content-Length header (curl --data-binary @file.csv "
        "sends one): this server does not take chunked uploads (Transfer-Encoding: chunked), "
        "so nothing was imported"
    }
    assert client.post(path, "", content_type="text/csv").status_code == 400
    sent = client.post(path, ROSTER, content_type="text/csv", HTTP_TRANSFER_ENCODING="chunked")
    assert sent.status_code != 411  # a body that did arrive is read


def test_a_roster_missing_columns_is_refused_with_one_plain_reason(client_as, organisation):
    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/organisations/TST01/staff",
        "Employee Number,Email\n1,a@b.test\n",
        content_type="text/csv",
    )
    body = response.json()
    assert response.status_code == 400
    assert body["summary"].startswith(
        "Nothing was imported: the file is missing these columns: First Name, Last Name"
    )
    assert [error["row"] for error in body["errors"]] == [0]  # 0: the whole file


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.BOARD_MEMBER])
def test_someone_who_sees_the_organisations_training_is_told_only_its_admins_import(
    client_as, organisation, role
):
    """A guardian, who reads the compliance, was told there was no organisation they could see."""
    client = client_as(role)
    assert client.get("/api/v1/organisations/TST01/training/compliance").status_code == 200
    roster = client.post("/api/v1/organisations/TST01/staff", ROSTER, content_type="text/csv")
    assert (roster.status_code, roster.json()) == (
        403,
        {"detail": "Only the organisation's admins can import its staff roster"},
    )
    completions = client.post("/api/v1/training/completions", ROSTER, content_type="text/csv")
    assert (completions.status_code, completions.json()) == (
        403,
        {"detail": "Only an organisation's admins can import its completions"},
    )
    assert StaffRecord.objects.count() == 0


def test_someone_who_cannot_see_the_organisation_is_not_told_it_exists(
    client_as, organisation, other_organisation
):
    for client in (
        client_as(Role.ORGANISATION_ADMIN, other_organisation),
        client_as(Role.GUARDIAN, other_organisation),
        client_as(Role.WORKER),
    ):
        response = client.post("/api/v1/organisations/TST01/staff", ROSTER, content_type="text/csv")
        assert response.status_code == 404
        assert response.json() == {
            "detail": "There is no organisation with that ODS code that you can see."
        }


COMPLETIONS = (
    "Employee Number,Organisation,Module,Completed On,Source\n"
    "1001,TST01,speak_up,2025-02-01,import\n"
    "1001,TST01,Freedom to Speak Up: Listen Up,01/03/2025,\n"
)


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_an_admin_posts_completions_and_course_titles_are_mapped(client_as, organisation):
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post("/api/v1/training/completions", COMPLETIONS, content_type="text/csv")
    assert response.status_code == 200, response.content
    assert sorted(Completion.objects.values_list("module", flat=True)) == [
        "listen_up",
        "speak_up",
    ]
    assert set(Completion.objects.values_list("source", flat=True)) == {CompletionSource.IMPORT}
    again = client.post("/api/v1/training/completions", COMPLETIONS, content_type="text/csv")
    assert again.json()["already_recorded"] == 2 and Completion.objects.count() == 2


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
@override_settings(TRAINING_COURSE_TITLES={"Trust FTSU: Speak Up (2024)": "speak_up"})
def test_course_titles_of_the_setting_are_mapped_whatever_their_case_and_spacing(
    client_as, organisation
):
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    body = (
        "Employee Number,Organisation,Module,Completed On,Source\n"
        "1001,TST01,trust ftsu:  speak up (2024),2025-02-01,\n"
        "1001,TST01,Freedom to  Speak Up: Listen Up ,2025-02-01,\n"
    )
    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/training/completions", body, content_type="text/csv"
    )
    assert response.status_code == 200, response.json()["errors"]
    assert response.json()["summary"] == "2 rows read: 2 completions added, 0 already recorded."
    assert sorted(Completion.objects.values_list("module", flat=True)) == [
        "listen_up",
        "speak_up",
    ]


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_unknown_workers_modules_and_organisations_are_reported_never_guessed(
    client_as, organisation
):
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    body = (
        "Employee Number,Organisation,Module,Completed On,Source\n"
        "9999,TST01,speak_up,2025-02-01,import\n"
        "1001,TST01,Fire safety,2025-02-01,import\n"
        "1001,OTH01,speak_up,2025-02-01,import\n"
        "1001,TST01,speak_up,2030-02-01,import\n"
    )
    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/training/completions", body, content_type="text/csv"
    )
    assert response.status_code == 400
    problems = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert problems == {
        (2, "Employee Number"),
        (3, "Module"),
        (4, "Organisation"),
        (5, "Completed On"),
    }
    assert not Completion.objects.exists()


def test_completions_in_unreadable_characters_are_refused_with_one_clear_error(
    client_as, organisation
):
    body = b"Employee Number,Organisation,Module,Completed On,Source\n1001,TST01,\x81\x8d,x,y\n"
    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/training/completions", body, content_type="text/csv"
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert "neither UTF-8 nor Windows-1252" in error["reason"]
    assert not Completion.objects.exists()


def test_completions_need_an_organisation_admin(client_as, organisation):
    response = client_as(Role.WORKER).post(
        "/api/v1/training/completions", COMPLETIONS, content_type="text/csv"
    )
    assert response.status_code == 404


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_command_imports_completions(organisation, tmp_path, capsys):
    from django.core.management import call_command

    StaffRecordFactory(organisation=organisation, employee_number="1001")
    path = tmp_path / "completions.csv"
    path.write_text(COMPLETIONS)
    call_command("import-completions", str(path))
    assert "2 completions added" in capsys.readouterr().out


def test_the_command_reports_bad_rows_and_imports_nothing(organisation, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    path = tmp_path / "completions.csv"
    path.write_text(COMPLETIONS)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-completions", str(path))
    assert "row 2, Employee Number" in capsys.readouterr().err


def test_the_command_names_the_missing_columns_of_a_completions_file_once(
    organisation, tmp_path, capsys
):
    from django.core.management import CommandError, call_command

    path = tmp_path / "completions.csv"
    path.write_text("Employee Number,Module\n1001,speak_up\n")
    with pytest.raises(CommandError) as refused:
        call_command("import-completions", str(path))
    assert str(refused.value).startswith(
        "Nothing was imported: the file is missing these columns: Organisation, Completed On."
    )
    assert "file:" not in capsys.readouterr().err


def test_a_whole_roster_with_no_workers_is_refused_through_the_api(client_as, organisation):
    StaffRecordFactory.create_batch(3, organisation=organisation)
    header_only = ROSTER.splitlines()[0] + "\n"
    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/organisations/TST01/staff?full=true", header_only, content_type="text/csv"
    )
    assert response.status_code == 400
    assert response.json()["summary"] == (
        "Nothing was imported: the file has no workers in it. As a whole roster it would mark "
        "all 3 workers as leavers."
    )
    assert StaffRecord.objects.filter(active=True).count() == 3


@pytest.mark.parametrize("flag", ["full", "skip_invalid"])
def test_a_roster_flag_that_is_not_true_or_false_is_refused(client_as, organisation, flag):
    response = client_as(Role.ORGANISATION_ADMIN).post(
        f"/api/v1/organisations/TST01/staff?{flag}=maybe", ROSTER, content_type="text/csv"
    )
    assert response.status_code == 400
    (message,) = response.json()[flag]
    assert message == f"{flag} must be true or false (or 1/0, yes/no), not “maybe”"
    assert StaffRecord.objects.count() == 0


def test_the_completions_skip_flag_is_read_as_the_rosters_is(client_as, organisation):
    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/training/completions?skip_invalid=maybe", b"", content_type="text/csv"
    )
    assert response.status_code == 400
    assert response.json() == {
        "skip_invalid": ["skip_invalid must be true or false (or 1/0, yes/no), not “maybe”"]
    }


@pytest.mark.parametrize("value", ["TRUE", "1", "Yes", "false", "0", "NO"])
def test_a_roster_flag_is_read_whatever_its_case(client_as, organisation, value):
    response = client_as(Role.ORGANISATION_ADMIN).post(
        f"/api/v1/organisations/TST01/staff?full={value}", ROSTER, content_type="text/csv"
    )
    assert response.status_code == 200, response.content


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_api_tells_of_skip_invalid_true_and_the_unknown_groups_of_its_own_file(
    client_as, organisation
):
    StaffRecordFactory(organisation=organisation, staff_group="Wizards")
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post("/api/v1/organisations/TST01/staff", ROSTER, content_type="text/csv")
    assert response.json()["unknown_staff_groups"] == {}
    bad = client.post(
        "/api/v1/organisations/TST01/staff",
        ROSTER + "1002,,X,Students,N,N,N,2024-01-01\n",
        content_type="text/csv",
    )
    summary = bad.json()["summary"]
    assert "1 of 2 rows has a problem" in summary
    assert "send it again with ?skip_invalid=true" in summary and "choosing" not in summary


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_completions_command_says_how_many_rows_it_skipped(organisation, tmp_path, capsys):
    from django.core.management import call_command

    StaffRecordFactory(organisation=organisation, employee_number="1001")
    path = tmp_path / "completions.csv"
    path.write_text(COMPLETIONS + "1001,TST01,Juggling,2025-02-01,import\n")
    call_command("import-completions", str(path), "--skip-invalid")
    out = capsys.readouterr().out
    assert out.strip() == (
        "3 rows read: 2 completions added, 0 already recorded, 1 row skipped because of problems."
    )


def test_a_failed_completions_import_counts_problems_and_rows_singular_or_plural(
    organisation, tmp_path
):
    from django.core.management import CommandError, call_command

    StaffRecordFactory(organisation=organisation, employee_number="1001")
    path = tmp_path / "completions.csv"
    path.write_text("Employee Number,Organisation,Module,Completed On\n1001,TST01,speak_up,x\n")
    with pytest.raises(CommandError) as refused:
        call_command("import-completions", str(path))
    assert "Nothing was imported: 1 of 1 row has a problem. Correct it" in str(refused.value)


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_refused_completions_import_says_how_each_channel_imports_the_good_rows(
    client_as, organisation, tmp_path
):
    """It ended "Nothing was imported: 1 problem in 1 row of the 2 read." and no more, where
    the roster's refusals say how to skip the bad rows, each in its own channel's terms."""
    from django.core.management import CommandError, call_command

    StaffRecordFactory(organisation=organisation, employee_number="1001")
    body = (
        "Employee Number,Organisation,Module,Completed On\n"
        "1001,TST01,speak_up,2025-02-01\n1001,TST01,Juggling,2025-02-01\n"
    )
    path = tmp_path / "completions.csv"
    path.write_text(body)
    with pytest.raises(CommandError) as refused:
        call_command("import-completions", str(path))
    assert str(refused.value) == (
        "Nothing was imported: 1 of 2 rows has a problem. Correct it and import the file again, "
        "or import it again with --skip-invalid to import the rows without problems."
    )
    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/training/completions", body, content_type="text/csv"
    )
    assert response.status_code == 400
    assert response.json()["summary"] == (
        "Nothing was imported: 1 of 2 rows has a problem. Correct it and import the file again, "
        "or send it again with ?skip_invalid=true to import the rows without problems."
    )
    assert not Completion.objects.exists()


def test_a_completions_value_over_the_csv_field_limit_names_its_row(organisation, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "completions.csv"
    huge = "x" * 131_073
    path.write_text(f'Employee Number,Organisation,Module,Completed On\n1001,TST01,"{huge}",x\n')
    with pytest.raises(CommandError, match="row 2 has a value longer than 131,072 characters"):
        call_command("import-completions", str(path))


def test_a_completions_file_with_a_quotation_mark_never_closed_names_its_row(
    organisation, tmp_path
):
    from django.core.management import CommandError, call_command

    path = tmp_path / "completions.csv"
    path.write_text(
        "Employee Number,Organisation,Module,Completed On\n"
        '1001,TST01,"speak_up,2025-01-02\n1002,TST01,speak_up,2025-01-02\n'
    )
    with pytest.raises(CommandError, match=r"row 2 opens a quotation mark \(\"\) that is never"):
        call_command("import-completions", str(path))


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_completions_with_every_row_bad_and_skipped_are_refused_not_a_success(
    organisation, tmp_path
):
    from django.core.management import CommandError, call_command

    path = tmp_path / "completions.csv"
    path.write_text(COMPLETIONS.splitlines()[0] + "\n9999,TST01,speak_up,2025-02-01,import\n")
    with pytest.raises(CommandError) as refused:
        call_command("import-completions", str(path), "--skip-invalid")
    assert "every row has a problem, so there is nothing to import" in str(refused.value)
    header_only = tmp_path / "header.csv"
    header_only.write_text(COMPLETIONS.splitlines()[0] + "\n")
    with pytest.raises(CommandError, match="the file has no completions in it"):
        call_command("import-completions", str(header_only))


@pytest.mark.parametrize(
    "path, operation",
    [
        ("/api/v1/organisations/TST01/staff", "organisations_staff_create"),
        ("/api/v1/training/completions", "training_completions_create"),
    ],
)
def test_a_form_upload_is_a_415_that_the_schema_lists_and_says_how_to_send(
    client_as, organisation, path, operation
):
    """A file sent as curl -F sends it was a 415 the schema did not list, naming only the type."""
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post(path, {"file": SimpleUploadedFile("roster.csv", ROSTER.encode())})
    assert response.status_code == 415
    assert response.json()["detail"] == (
        "Send the CSV file itself as the request's body, with the header Content-Type: text/csv "
        "(a form upload, multipart/form-data, is not read)"
    )
    assert StaffRecord.objects.count() == 0
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    documented = [
        answers
        for item in schema["paths"].values()
        for method in item.values()
        if isinstance(method, dict) and method.get("operationId") == operation
        for answers in [method["responses"]]
    ]
    assert "415" in documented[0]


@pytest.mark.parametrize(
    "body, encoding",
    [
        (ROSTER.encode("utf-16"), None),  # refused: UTF-16
        (b"\x81\x8d\x8f\x90\x9d", None),  # refused: neither UTF-8 nor Windows-1252
        (ROSTER.encode("utf-8"), "utf-8"),
        (ROSTER.replace("Ada", "Zoë").encode("cp1252"), "cp1252"),
    ],
)
def test_the_roster_apis_encoding_is_the_one_detected_or_null(
    client_as, organisation, body, encoding
):
    """A UTF-16 or unreadable file was answered with "encoding": "utf-8", which it was not."""
    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/organisations/TST01/staff", body, content_type="text/csv"
    )
    assert response.json()["encoding"] == encoding
    assert response.status_code == (400 if encoding is None else 200)


@pytest.mark.parametrize("charset", ["windows-1252", "cp1252", "Windows-1252"])
@pytest.mark.parametrize("path", IMPORTS)
def test_a_file_that_says_it_is_windows_1252_is_read_as_one_without_a_charset_is(
    client_as, organisation, charset, path
):
    """The same bytes were read, with a warning, without a charset, and refused (a 415 asking
    for UTF-8) when the Content-Type named theirs."""
    StaffRecordFactory(organisation=organisation, employee_number="1001")
    # Completions name no one: a column of the file's own gives them a name with an accent.
    completions = (
        "Employee Number,Organisation,Module,Completed On,Name\n"
        "1001,TST01,speak_up,2025-02-01,Zoë\n"
    )
    body = (ROSTER if path == IMPORTS[0] else completions).replace("Ada", "Zoë").encode("cp1252")
    client = client_as(Role.ORGANISATION_ADMIN)
    # generic, as the test client's post would encode the bytes again, in the charset named
    response = client.generic("POST", path, body, content_type=f"text/csv; charset={charset}")
    assert response.status_code == 200, response.content
    assert CP1252_WARNING in response.json()["warnings"]


@pytest.mark.parametrize("charset", ["iso-8859-2", "utf-16", "utf-7"])
@pytest.mark.parametrize("path", IMPORTS)
def test_a_file_in_another_charset_is_told_the_charsets_read(
    client_as, organisation, charset, path
):
    response = client_as(Role.ORGANISATION_ADMIN).generic(
        "POST", path, ROSTER.encode(), content_type=f"text/csv; charset={charset}"
    )
    assert response.status_code == 415
    assert response.json() == {
        "detail": "Send the CSV file in UTF-8 (charset=utf-8) or Windows-1252 "
        "(charset=windows-1252), or name no charset: speakup reads no other"
    }
    assert StaffRecord.objects.count() == 0


def test_json_in_windows_1252_is_still_refused(client_as, organisation):
    response = client_as(Role.ORGANISATION_ADMIN).post(
        "/api/v1/training/xapi/statements", "[]", content_type="application/json; charset=cp1252"
    )
    assert response.status_code == 415
    assert response.json() == {"detail": "Send text in UTF-8 (charset=utf-8)."}


def _workbook_bytes() -> bytes:
    """The opening of an .xlsx as Excel writes it: a ZIP archive, whose bytes happen to decode
    as Windows-1252 and so were read as a "CSV" with no columns."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as workbook:
        workbook.writestr("[Content_Types].xml", "<Types/>")
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    return archive.getvalue()


@pytest.mark.parametrize(
    "path", ["/api/v1/organisations/TST01/staff", "/api/v1/training/completions"]
)
def test_a_workbook_sent_to_the_api_is_told_to_save_it_as_csv(client_as, organisation, path):
    response = client_as(Role.ORGANISATION_ADMIN).post(
        path, _workbook_bytes(), content_type="text/csv"
    )
    assert response.status_code == 400
    assert "The file is an Excel workbook, not a CSV file." in response.content.decode()
    assert "Save As, and the type “CSV UTF-8 (Comma delimited)”" in response.content.decode()
    assert "missing these columns" not in response.content.decode()
    assert not StaffRecord.objects.exists() and not Completion.objects.exists()


def test_a_workbook_given_to_the_command_is_told_to_save_it_as_csv(organisation, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(_workbook_bytes())
    with pytest.raises(CommandError) as refused:
        call_command("import-staff", str(path), "--organisation", "TST01")
    assert "CSV UTF-8 (Comma delimited)" in str(refused.value)
    assert "Windows-1252" not in str(refused.value)


@pytest.mark.parametrize(
    ("start", "kind"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
    ],
)
@pytest.mark.parametrize(
    "path", ["/api/v1/organisations/TST01/staff", "/api/v1/training/completions"]
)
def test_a_pdf_or_a_picture_sent_as_csv_is_told_what_it_is(
    client_as, organisation, path, start, kind
):
    """A PNG renamed .csv was read as Windows-1252 ("check that names with accents look right")
    with every column missing, and a column named "‰PNG"."""
    response = client_as(Role.ORGANISATION_ADMIN).post(
        path, start + bytes(range(256)), content_type="text/csv"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"The file is {kind}, not a CSV file. In Excel, choose File, Save As" in page
    assert "must be a CSV file" not in page  # said once, not twice
    assert "Windows-1252" not in page and "missing" not in page
    assert not StaffRecord.objects.exists() and not Completion.objects.exists()


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize(
    ("command", "module", "written_by", "arguments", "content"),
    [
        (
            "import-staff",
            "speakup.training.roster.importing",
            "_refuse_unmeant",  # called once the rows are written, in the transaction
            ["--organisation", "TST01"],
            ROSTER,
        ),
        (
            "import-completions",
            "speakup.training.services",
            "_import_completion_rows",
            [],
            COMPLETIONS,
        ),
    ],
)
def test_ctrl_c_during_an_import_says_nothing_was_imported_and_exits_130(
    organisation, tmp_path, capsys, monkeypatch, command, module, written_by, arguments, content
):
    """It printed a KeyboardInterrupt traceback; the rows written before it are rolled back."""
    import importlib

    StaffRecordFactory(organisation=organisation, employee_number="1001")
    target = importlib.import_module(module)
    writes = getattr(target, written_by)

    def then_ctrl_c(*args, **kwargs):
        writes(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(target, written_by, then_ctrl_c)
    path = tmp_path / "file.csv"
    path.write_text(content)
    records, completions = StaffRecord.objects.count(), Completion.objects.count()
    with pytest.raises(SystemExit) as stopped:
        call_command(command, str(path), *arguments)
    assert stopped.value.code == 130
    assert capsys.readouterr().err.strip() == "Stopped: nothing was imported."
    assert (StaffRecord.objects.count(), Completion.objects.count()) == (records, completions)
    assert not StaffRecord.objects.filter(last_name="Ashdown").exists()
