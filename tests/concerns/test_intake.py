"""Taking a concern in: everything checked first, then all of it saved or none of it."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from speakup.concerns import attachments
from speakup.concerns.models import (
    Attachment,
    Concern,
    IdempotentSubmission,
    Source,
    StatusChange,
    Timescales,
)
from speakup.concerns.receipts import receipt_hash
from speakup.concerns.sealing import unseal
from speakup.concerns.services.intake import SubmissionInvalid, concern_submit
from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def submit(organisation_, **overrides):
    fields = {
        "organisation": organisation_,
        "confidentiality": "anonymous",
        "description": "The night rota leaves one nurse on the ward.",
    }
    fields.update(overrides)
    return concern_submit(**fields)


def test_an_anonymous_concern_is_received_with_a_reference_and_a_receipt_code(organisation):
    submitted = submit(organisation)
    concern = submitted.concern
    assert concern.status == "received"
    assert len(concern.reference) == 9 and concern.reference[4] == "-"
    assert len(submitted.receipt_code) == 16 and submitted.receipt_code.isdigit()
    assert concern.receipt_hash == receipt_hash(submitted.receipt_code)
    assert submitted.receipt_code not in concern.receipt_hash
    assert concern.speaker_sealed is None


def test_the_narrative_is_sealed_and_opens_with_the_concerns_key(organisation):
    concern = submit(organisation).concern
    stored = Concern.objects.get(pk=concern.pk)
    assert b"night rota" not in bytes(stored.narrative_sealed)
    assert unseal(stored, "narrative", stored.narrative_sealed).startswith("The night rota")


def test_deadlines_follow_the_organisations_timescales(organisation):
    Timescales.objects.create(
        organisation=organisation, acknowledge_within_days=3, feedback_within_days=30
    )
    concern = submit(organisation).concern
    today = timezone.localdate()
    assert concern.acknowledge_by == today + timedelta(days=3)
    assert concern.feedback_by == today + timedelta(days=30)


def test_default_timescales_are_seven_days_and_three_months(organisation):
    concern = submit(organisation).concern
    today = timezone.localdate()
    assert concern.acknowledge_by == today + timedelta(days=7)
    assert concern.feedback_by == today + timedelta(days=91)


def test_the_first_status_change_and_an_audit_record_are_written(organisation):
    concern = submit(organisation).concern
    change = StatusChange.objects.get(concern=concern)
    assert (change.from_status, change.to_status, change.by_label) == ("", "received", "speaker")
    record = AuditRecord.objects.get(action="concern.submit")
    assert record.object_ref == concern.reference
    assert record.actor_label == "speaker" and record.actor is None
    assert "night rota" not in json.dumps(record.detail)


def test_an_open_concern_keeps_the_speakers_identity_sealed(organisation):
    concern = submit(
        organisation,
        confidentiality="open",
        contact={"name": "Sam Speaker", "email": "sam@example.test", "phone": "07700 900982"},
    ).concern
    assert b"Sam Speaker" not in bytes(concern.speaker_sealed)
    identity = json.loads(unseal(concern, "speaker", concern.speaker_sealed))
    assert identity == {"name": "Sam Speaker", "email": "sam@example.test", "phone": "07700 900982"}


def test_the_speakers_statistical_answers_are_stored_plainly(organisation):
    concern = submit(
        organisation,
        worker_group="nursing_midwifery",
        patient_safety_risk=True,
        detriment_experienced=True,
    ).concern
    assert concern.worker_group == "nursing_midwifery"
    assert concern.patient_safety_risk is True
    assert concern.detriment_reported is True
    assert not concern.elements.exists()  # the guardian triages elements


def test_questions_the_speaker_left_unanswered_are_kept_as_not_answered(organisation):
    concern = submit(organisation).concern
    assert concern.patient_safety_risk is None
    assert concern.detriment_reported is None  # not "no": they did not say


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organisation": "NOPE1"}, "organisation"),
        ({"organisation": None}, "organisation"),
        ({"confidentiality": "secret"}, "confidentiality"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 20_001}, "description"),
        ({"worker_group": "astronauts"}, "worker_group"),
        ({"patient_safety_risk": "perhaps"}, "patient_safety_risk"),
        ({"confidentiality": "open"}, "contact"),
        ({"confidentiality": "confidential", "contact": {"name": "Sam"}}, "contact.email"),
        (
            {"confidentiality": "open", "contact": {"name": "Sam", "email": "not-an-email"}},
            "contact.email",
        ),
        ({"contact": {"name": "Sam", "email": "sam@example.test"}}, "contact"),
        ({"attachments": [attachments.Upload("a.exe", b"MZ\x90\x00\x03")]}, "attachments"),
    ],
)
def test_a_refused_submission_says_which_field_and_saves_nothing(organisation, overrides, field):
    with pytest.raises(SubmissionInvalid) as refused:
        submit(overrides.pop("organisation", organisation), **overrides)
    assert field in refused.value.errors
    assert refused.value.errors[field]
    assert not Concern.objects.exists()
    assert not AuditRecord.objects.exists()


def test_twenty_thousand_characters_are_accepted(organisation):
    concern = submit(organisation, description="x" * 20_000).concern
    assert len(unseal(concern, "narrative", concern.narrative_sealed)) == 20_000


def test_an_inactive_organisation_cannot_receive_concerns(organisation):
    organisation.active = False
    organisation.save()
    with pytest.raises(SubmissionInvalid) as refused:
        submit(organisation.ods_code)
    assert "organisation" in refused.value.errors


def test_the_organisation_can_be_named_by_its_ods_code_in_any_case(organisation):
    assert submit(organisation.ods_code.lower()).concern.organisation == organisation


def test_attachments_are_stored_encrypted_after_the_commit(
    organisation, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = submit(
            organisation,
            attachments=[
                attachments.Upload("rota.pdf", PDF),
                attachments.Upload("photo.png", PNG),
                attachments.Upload("notes.txt", b"Ward 7, Tuesday nights"),
                attachments.Upload("letter.docx", docx_bytes()),
            ],
        ).concern
    stored = list(Attachment.objects.filter(concern=concern).order_by("id"))
    assert [a.content_type for a in stored] == [
        "application/pdf",
        "image/png",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
    on_disk = sorted(p.name for p in (media_root / "concerns").iterdir())
    assert on_disk == sorted(a.stored_as for a in stored)
    for path in (media_root / "concerns").iterdir():
        assert b"Ward 7" not in path.read_bytes()
    notes = stored[2]
    assert attachments.read_attachment(concern, notes) == b"Ward 7, Tuesday nights"
    assert unseal(concern, f"attachment:{notes.stored_as}:name", notes.name_sealed) == "notes.txt"


def test_a_file_is_judged_by_its_content_not_its_name(organisation):
    with pytest.raises(SubmissionInvalid) as refused:
        submit(organisation, attachments=[attachments.Upload("report.pdf", b"\x7fELF\x02\x01")])
    assert "must be a PDF, PNG, JPEG, plain text or Word" in refused.value.errors["attachments"]


def test_a_file_over_ten_megabytes_is_refused(organisation):
    big = PDF + b"0" * (10 * 1024 * 1024)
    with pytest.raises(SubmissionInvalid) as refused:
        submit(organisation, attachments=[attachments.Upload("big.pdf", big)])
    assert refused.value.errors["attachments"] == (
        "“big.pdf” is larger than 10 MB: leave it out or attach a smaller copy"
    )


def test_more_than_five_files_are_refused(organisation):
    six = [attachments.Upload(f"{i}.txt", b"note") for i in range(6)]
    with pytest.raises(SubmissionInvalid) as refused:
        submit(organisation, attachments=six)
    assert "up to 5 files" in refused.value.errors["attachments"]


def test_a_failure_after_files_are_written_leaves_no_row_no_file_and_no_audit(
    organisation, media_root, monkeypatch
):
    from speakup.concerns.services import intake

    def broken_audit(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(intake, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        submit(organisation, attachments=[attachments.Upload("rota.pdf", PDF)])
    assert not Concern.objects.exists()
    assert not Attachment.objects.exists()
    assert not AuditRecord.objects.exists()
    folder = media_root / "concerns"
    assert not folder.exists() or not any(folder.iterdir())


def test_a_retry_with_the_same_idempotency_key_returns_the_first_result(organisation):
    first = submit(organisation, idempotency_key="retry-1")
    again = submit(organisation, idempotency_key="retry-1", description="something else")
    assert again.replayed
    assert again.concern.pk == first.concern.pk
    assert again.receipt_code == first.receipt_code
    assert Concern.objects.count() == 1
    stored = IdempotentSubmission.objects.get()
    assert first.receipt_code.encode() not in bytes(stored.response_sealed)


def test_a_guardian_records_a_concern_raised_by_phone_and_the_speaker_gets_a_code(
    organisation, person_with_role
):
    guardian = person_with_role(Role.GUARDIAN)
    submitted = submit(
        organisation,
        source=Source.PHONE,
        recorded_by=guardian,
        confidentiality="confidential",
        contact={"name": "Pat Caller", "email": "pat@example.test"},
    )
    concern = submitted.concern
    assert concern.source == "phone" and concern.recorded_by == guardian
    assert len(submitted.receipt_code) == 16
    change = StatusChange.objects.get(concern=concern)
    assert change.by == guardian and change.by_label == "staff"
    assert AuditRecord.objects.get(action="concern.submit").actor == guardian


def test_references_are_random_not_sequential(organisation):
    references = {submit(organisation).concern.reference for _ in range(5)}
    assert len(references) == 5
    for reference in references:
        assert not set(reference) & set("01IOL")
