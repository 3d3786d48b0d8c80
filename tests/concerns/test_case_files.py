"""The speaker's files on the case page: listed, downloaded decrypted and audited, only by those
who may see them."""

import re
from html import unescape
from urllib.parse import quote

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from speakup.concerns import attachments
from speakup.concerns.models import Attachment, Confidentiality
from speakup.concerns.services.intake import concern_submit
from speakup.core.models import AuditRecord
from tests.concerns.factories import ConcernFactory, attached_file
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n" + b"0" * 3000
PDF_NAME = "Rota – ward 7 (Zoë).pdf"
NOTES = b"Tuesday 3 June: one nurse on nights (synthetic)"


@pytest.fixture
def sent(staff, django_capture_on_commit_callbacks):
    """A concern sent with a PDF named in unicode and a text file, through the real intake."""
    with django_capture_on_commit_callbacks(execute=True):
        concern = concern_submit(
            organisation=staff.organisation,
            confidentiality="confidential",
            description="The night rota leaves one nurse on the ward.",
            contact={"name": "Sam Speaker", "email": "sam@fictional.test", "phone": ""},
            attachments=[
                attachments.Upload(PDF_NAME, PDF),
                attachments.Upload("notes.txt", NOTES),
            ],
        ).concern
    pdf, notes = Attachment.objects.filter(concern=concern).order_by("id")
    return concern, pdf, notes


def _download(concern, attachment) -> str:
    return reverse("concerns:download_attachment", args=[concern.reference, attachment.pk])


def test_the_guardian_sees_each_file_with_its_type_and_size_and_a_link(client, staff, sent):
    concern, pdf, notes = sent
    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:show_concern", args=[concern.reference])).content.decode()
    assert "Files the speaker attached" in page
    assert "Rota – ward 7 (Zoë).pdf" in page and "(PDF, 3 KB)" in page
    assert "notes.txt" in page and "(Text file, 47 bytes)" in page
    assert f'href="{_download(concern, pdf)}"' in page
    assert f'href="{_download(concern, notes)}"' in page


def test_a_download_is_the_decrypted_file_saved_under_its_name_and_audited(client, staff, sent):
    concern, pdf, notes = sent
    sign_in(client, staff.guardian)

    response = client.get(_download(concern, pdf))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Rota _ ward 7 (Zoe).pdf\"; filename*=UTF-8''"
        + quote(PDF_NAME, safe="")
    )
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"

    text = client.get(_download(concern, notes))
    assert text.content == NOTES
    assert text["Content-Disposition"] == 'attachment; filename="notes.txt"'

    reads = AuditRecord.objects.filter(action="attachment.view", object_ref=concern.reference)
    assert [r.detail for r in reads.order_by("id")] == [
        {"attachment_id": pdf.pk},
        {"attachment_id": notes.pk},
    ]
    assert reads.first().actor == staff.guardian


def test_an_unknown_file_or_another_concerns_file_is_page_not_found(client, staff, sent):
    concern, pdf, _ = sent
    other = ConcernFactory(organisation=staff.organisation)
    elsewhere = attached_file(other, "elsewhere.txt", b"another concern's file")
    sign_in(client, staff.guardian)
    assert client.get(_download(concern, elsewhere)).status_code == 404
    assert client.get(_download(other, pdf)).status_code == 404
    missing = reverse("concerns:download_attachment", args=[concern.reference, 999999])
    assert client.get(missing).status_code == 404
    assert not AuditRecord.objects.filter(action="attachment.view").exists()


def test_a_file_missing_from_storage_is_page_not_found_and_not_audited(client, staff, sent):
    concern, pdf, _ = sent
    (attachments.attachments_dir() / pdf.stored_as).unlink()
    sign_in(client, staff.guardian)
    assert client.get(_download(concern, pdf)).status_code == 404
    assert not AuditRecord.objects.filter(action="attachment.view").exists()


def test_a_leader_is_told_of_a_confidential_speakers_files_but_cannot_open_them(
    client, staff, sent
):
    """A file can name who made it (its name, a Word or PDF file's author, a photo), and the
    leader must not learn who a confidential speaker is."""
    concern, pdf, _ = sent
    concern.accountable_lead = staff.lead
    concern.save()
    sign_in(client, staff.lead)
    page = client.get(reverse("concerns:show_concern", args=[concern.reference])).content.decode()
    said = "The speaker attached 2 files. Only the organisation's FTSU guardians open them"
    assert said in unescape(page)
    assert "Zoë" not in page and "notes.txt" not in page
    assert client.get(_download(concern, pdf)).status_code == 404


def test_the_accountable_leader_of_an_open_speakers_concern_gets_the_files(client, staff):
    concern = ConcernFactory(
        organisation=staff.organisation,
        confidentiality=Confidentiality.OPEN,
        accountable_lead=staff.lead,
    )
    note = attached_file(concern, "notes.txt", NOTES)
    sign_in(client, staff.lead)
    assert client.get(_download(concern, note)).content == NOTES


def test_a_concern_without_files_says_so(client, staff, concern):
    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:show_concern", args=[concern.reference])).content.decode()
    assert re.search(r"Files the speaker attached</h2>\s*<p>None.</p>", page)


def test_the_staff_api_lists_the_files_without_their_content(staff, sent):
    concern, pdf, notes = sent
    concern.accountable_lead = staff.lead
    concern.save()
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=staff.guardian)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = api.get(f"/api/v1/concerns/{concern.reference}").json()
    assert [(f["id"], f["name"], f["content_type"], f["size"]) for f in body["attachments"]] == [
        (pdf.pk, PDF_NAME, "application/pdf", len(PDF)),
        (notes.pk, "notes.txt", "text/plain", len(NOTES)),
    ]
    assert "Tuesday 3 June" not in str(body)

    token, _ = Token.objects.get_or_create(user=staff.lead)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(f"/api/v1/concerns/{concern.reference}").json()["attachments"] == []


@pytest.mark.parametrize(
    ("name", "content_type", "saved_as"),
    [
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("C:\\Users\\sam\\notes.txt", "text/plain", "notes.txt"),
        ("notes.html", "text/plain", "notes.html.txt"),
        ("evil.pdf.exe", "application/pdf", "evil.pdf.exe.pdf"),
        ("REPORT.PDF", "application/pdf", "REPORT.PDF"),
        ("photo", "image/jpeg", "photo.jpg"),
        (".hidden.png", "image/png", "hidden.png"),
        ('a"b\r\nc.txt', "text/plain", "a_b__c.txt"),
        ("", "application/pdf", "attachment.pdf"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 146 + ".pdf"),
    ],
)
def test_a_file_is_saved_under_a_safe_name_that_says_what_it_is(name, content_type, saved_as):
    assert attachments.safe_filename(name, content_type) == saved_as


def test_the_download_header_never_carries_a_path_or_a_line_break():
    header = attachments.content_disposition(
        attachments.safe_filename("../a\r\nb.txt", "text/plain")
    )
    assert header == 'attachment; filename="a__b.txt"'
    arabic = attachments.content_disposition("تقرير.pdf")
    assert arabic.startswith("attachment; filename=\"_.pdf\"; filename*=UTF-8''%D8%AA")
