"""How large a file each import takes, stated and kept alike on the upload pages and the API: a
roster up to 500 MB (1.5 million workers is about 220 MB), completions up to 20 MB. The roster
had no limit at all, and the API took any size of either."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from speakup.organisations.roles import Role
from speakup.training import uploads
from speakup.training.models import Completion, StaffImport, StaffRecord

pytestmark = pytest.mark.django_db

ROSTER_PAGE = "/training/organisations/TST01/roster/"
COMPLETIONS_PAGE = "/training/organisations/TST01/completions/"
ROSTER = (
    "Employee Number,First Name,Last Name,Staff Group,Line Manager (Y/N),Senior Leader (Y/N),"
    "Board Member (Y/N),Assignment Start\n"
    "1001,Ada,Ashdown,Other,N,N,N,2024-01-01\n"
)
COMPLETIONS = (
    "Employee Number,Organisation,Module,Completed On,Source\n1001,TST01,speak_up,2025-01-01,\n"
)
OVER_A_MEGABYTE = " " * (1024 * 1024)
ROSTER_TOO_LARGE = (
    "The file is larger than 1 MB, far larger than a staff roster (one of 1.5 million workers is "
    "about 220 MB): check that it is your roster, saved as CSV"
)


@pytest.fixture
def admin(client_as):
    return client_as(Role.ORGANISATION_ADMIN)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_each_upload_page_says_how_large_a_file_it_takes(admin, organisation):
    roster_page = page_text(admin.get(ROSTER_PAGE))
    assert "It can be up to 500 MB (a roster of 1.5 million workers is about 220 MB)." in (
        roster_page
    )
    assert "It can be up to 20 MB." in page_text(admin.get(COMPLETIONS_PAGE))


def test_a_roster_larger_than_the_limit_is_refused_on_the_form(admin, organisation, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ROSTER_FILE_MB", 1)
    file = SimpleUploadedFile("roster.csv", (ROSTER + OVER_A_MEGABYTE).encode())
    page = page_text(admin.post(ROSTER_PAGE, {"file": file}))
    assert "<title>Error: Upload your staff roster" in page
    assert ROSTER_TOO_LARGE in page
    assert not StaffImport.objects.exists() and not StaffRecord.objects.exists()


def test_a_roster_at_the_limit_is_imported(admin, organisation, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ROSTER_FILE_MB", 1)
    body = ROSTER + "\n" * (1024 * 1024 - len(ROSTER))  # exactly 1 MB, blank lines after
    response = admin.post(
        "/api/v1/organisations/TST01/staff", body.encode(), content_type="text/csv"
    )
    assert response.status_code == 200, response.json()
    assert StaffRecord.objects.count() == 1


def test_the_api_refuses_a_roster_larger_than_the_limit_with_a_413(
    admin, organisation, monkeypatch
):
    monkeypatch.setattr(uploads, "MAX_ROSTER_FILE_MB", 1)
    response = admin.post(
        "/api/v1/organisations/TST01/staff", ROSTER + OVER_A_MEGABYTE, content_type="text/csv"
    )
    assert response.status_code == 413
    assert response.json() == {"detail": ROSTER_TOO_LARGE}
    assert not StaffRecord.objects.exists()


def test_the_api_refuses_completions_larger_than_the_upload_pages_limit(
    admin, organisation, monkeypatch
):
    monkeypatch.setattr(uploads, "MAX_COMPLETIONS_FILE_MB", 1)
    response = admin.post(
        "/api/v1/training/completions", COMPLETIONS + OVER_A_MEGABYTE, content_type="text/csv"
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The file is larger than 1 MB: split it into smaller files and upload each "
        "of them"
    }
    assert not Completion.objects.exists()


def test_the_schema_lists_the_413_of_each_csv_import(admin):
    schema = admin.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    roster = schema["paths"]["/api/v1/organisations/{ods_code}/staff"]["post"]["responses"]
    completions = schema["paths"]["/api/v1/training/completions"]["post"]["responses"]
    assert "larger than 500 MB" in roster["413"]["description"]
    assert "larger than 20 MB" in completions["413"]["description"]
