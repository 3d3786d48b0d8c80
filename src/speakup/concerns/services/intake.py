"""Speaking up: one function takes a concern in, from the web form, the API or a guardian.

Everything is checked before anything is written; then one transaction makes the concern, its
sealed content, its first status change, its attachments and its audit record, or none of them.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from speakup.concerns import attachments as files
from speakup.concerns.limits import (
    DESCRIPTION_MAX,
    EMAIL_MAX,
    NAME_MAX,
    NOT_A_PHONE_NUMBER,
    is_phone_number,
)
from speakup.concerns.models import (
    Attachment,
    Concern,
    Confidentiality,
    IdempotentSubmission,
    Source,
    Status,
    StatusChange,
    Timescales,
)
from speakup.concerns.receipts import new_receipt_code, receipt_hash
from speakup.concerns.references import new_reference
from speakup.concerns.sealing import new_concern_key, seal, unseal
from speakup.concerns.services.notices import notify_guardians
from speakup.concerns.taxonomy import WORKER_GROUP_CODES
from speakup.core.audit import audit
from speakup.core.text import trimmed
from speakup.core.words import too_long
from speakup.organisations.models import Organisation
from speakup.organisations.validators import ODS_CODE

IDEMPOTENCY_KEY_MAX = 200


class SubmissionInvalid(Exception):
    """The submission was refused; `errors` maps each field to a message a person can act on."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Submitted:
    concern: Concern
    receipt_code: str
    replayed: bool = False  # True when an Idempotency-Key retry returned the first result


@dataclass
class _Checked:
    organisation: Organisation
    confidentiality: str
    description: str
    worker_group: str
    patient_safety_risk: bool | None
    detriment_experienced: bool | None
    contact: dict | None
    uploads: list = field(default_factory=list)  # [(Upload, content type)]


def _organisation(value, errors) -> Organisation | None:
    if isinstance(value, Organisation):
        if value.active:
            return value
    elif isinstance(value, str) and value.strip():
        code = value.strip().upper()
        # Only a code of the right shape is looked up: text the database cannot hold (a NUL
        # byte) is an unknown organisation, not an error.
        found = ODS_CODE.fullmatch(code) and (
            Organisation.objects.filter(ods_code__iexact=code, active=True).first()
        )
        if found:
            return found
    elif value in (None, ""):
        errors["organisation"] = "Select the organisation your concern is about"
        return None
    errors["organisation"] = "Select an organisation from the list"
    return None


def _optional_bool(value, name, message, errors) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    errors[name] = message
    return None


# What the contact checks say: to the speaker themself (the speak-up page, the API), or to the
# guardian who records a concern raised in person or by phone.
SPEAKERS_WORDS = {
    "missing": "Give your name and email address so the guardian can contact you",
    "name": "Enter your name",
    "name_called": "Your name",
    "email": "Enter your email address",
    "email_format": "Enter an email address in the correct format, like name@example.com",
    "anonymous": "Do not give contact details if you want to stay anonymous",
}
GUARDIANS_WORDS = {
    "missing": "Give the speaker's name, and their email address or phone number",
    "name": "Enter the speaker's name",
    "name_called": "The speaker's name",
    "email": "Enter the speaker's email address or phone number",
    "email_format": "Enter the speaker's email address in the correct format, "
    "like name@example.com",
    "anonymous": "You chose anonymous: remove the speaker's name and contact details, "
    "or choose confidential",
}


def check_contact(confidentiality, contact, errors, *, recorded: bool = False) -> dict | None:
    """A named speaker's name and how to reach them, checked; what is wrong goes in `errors`.

    A speaker on their own gives an email address: it is how speakup asks them, in words that
    tell nobody else who reads that inbox anything, whether they have suffered for speaking up
    (docs/concerns.md). A concern a guardian `recorded` needs an email address or a phone
    number: the guardian has spoken with the speaker and knows how they want to be reached."""
    words = GUARDIANS_WORDS if recorded else SPEAKERS_WORDS
    if confidentiality == Confidentiality.ANONYMOUS:
        if contact:
            errors["contact"] = words["anonymous"]
        return None
    if confidentiality not in (Confidentiality.OPEN, Confidentiality.CONFIDENTIAL):
        return None  # the confidentiality error already says what to do
    if not isinstance(contact, dict) or not contact:
        errors["contact"] = words["missing"]
        return None
    unknown = set(contact) - {"name", "email", "phone"}
    if unknown:
        errors["contact"] = "Contact details can only be a name, an email address and a phone"
        return None
    return check_details(contact, errors, recorded=recorded)


def _typed(value) -> str:
    """What a text field holds, trimmed (`core.text.trimmed`: spaces and characters that show
    nothing, such as a zero-width space); "" for anything that is not text."""
    return trimmed(value) if isinstance(value, str) else ""


def check_details(contact: dict, errors, *, recorded: bool = False) -> dict:
    """The name, email address and phone number given, trimmed and checked. The speak-up
    page's contact step asks this too, so that it refuses what sending would, in the same
    words. What is wrong goes in `errors` ("contact.name", "contact.email", "contact.phone")."""
    words = GUARDIANS_WORDS if recorded else SPEAKERS_WORDS
    name, email = _typed(contact.get("name")), _typed(contact.get("email"))
    phone = contact.get("phone")
    checked = {}
    if not name:
        errors["contact.name"] = words["name"]
    elif len(name) > NAME_MAX:
        errors["contact.name"] = too_long(words["name_called"], NAME_MAX)
    else:
        checked["name"] = name
    if not email:
        if not recorded or phone in (None, ""):
            errors["contact.email"] = words["email"]
    else:
        try:
            validate_email(email)
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
            checked["email"] = email
        except ValidationError:
            errors["contact.email"] = words["email_format"]
    if phone not in (None, ""):
        if isinstance(phone, str) and is_phone_number(phone):
            checked["phone"] = phone.strip()
        else:
            errors["contact.phone"] = NOT_A_PHONE_NUMBER
    return checked


def check_description(description, errors) -> str:
    """What the speaker says happened, trimmed and checked, as the description step asks it:
    text that shows nothing (spaces, a zero-width space) is no description."""
    description = _typed(description)
    if not description:
        errors["description"] = "Describe your concern"
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = too_long("Your description", DESCRIPTION_MAX)
    return description


def check_submission(
    *,
    organisation,
    confidentiality,
    description,
    worker_group=None,
    patient_safety_risk=None,
    detriment_experienced=None,
    contact=None,
    attachments=(),
    recorded: bool = False,
) -> _Checked:
    """Every field checked; SubmissionInvalid lists everything wrong at once. `recorded`: by a
    guardian, for the speaker (check_contact)."""
    errors: dict[str, str] = {}
    org = _organisation(organisation, errors)
    if confidentiality not in Confidentiality.values:
        errors["confidentiality"] = "Select how open you want to be"
    description = check_description(description, errors)
    if worker_group in (None, ""):
        worker_group = ""
    elif worker_group not in WORKER_GROUP_CODES:
        errors["worker_group"] = "Select a worker group from the list"
    risk = _optional_bool(
        patient_safety_risk,
        "patient_safety_risk",
        "Select yes or no for whether patients are at risk",
        errors,
    )
    detriment = _optional_bool(
        detriment_experienced,
        "detriment_experienced",
        "Select yes or no for whether you have suffered for speaking up",
        errors,
    )
    checked_contact = check_contact(confidentiality, contact, errors, recorded=recorded)
    uploads = []
    try:
        uploads = files.check_uploads(attachments or ())
    except files.AttachmentInvalid as refused:
        errors["attachments"] = str(refused)
    if errors:
        raise SubmissionInvalid(errors)
    return _Checked(
        organisation=org,
        confidentiality=confidentiality,
        description=description,
        worker_group=worker_group,
        patient_safety_risk=risk,
        detriment_experienced=detriment,
        contact=checked_contact,
        uploads=uploads,
    )


def _unique_reference() -> str:
    for _ in range(10):
        reference = new_reference()
        if not Concern.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("could not find a free concern reference")  # 31^8: will not happen


def _new_receipt() -> tuple[str, str]:
    for _ in range(10):
        code = new_receipt_code()
        hashed = receipt_hash(code)
        if not Concern.objects.filter(receipt_hash=hashed).exists():
            return code, hashed
    raise RuntimeError("could not find a free receipt code")  # 10^16: will not happen


def idempotency_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _replay(key_hash: str) -> Submitted | None:
    stored = (
        IdempotentSubmission.objects.filter(key_hash=key_hash).select_related("concern").first()
    )
    if stored is None:
        return None
    answer = json.loads(unseal(stored.concern, "idempotent_response", stored.response_sealed))
    return Submitted(concern=stored.concern, receipt_code=answer["receipt_code"], replayed=True)


def concern_submit(
    *,
    organisation,
    confidentiality: str,
    description: str,
    worker_group: str | None = None,
    patient_safety_risk: bool | None = None,
    detriment_experienced: bool | None = None,
    contact: dict | None = None,
    attachments=(),
    source: str = Source.ONLINE,
    recorded_by=None,
    idempotency_key: str | None = None,
) -> Submitted:
    """Take a concern in. Raises SubmissionInvalid (nothing written) when anything is wrong.

    `organisation` is an Organisation or an ODS code. A guardian recording a concern raised in
    person or by phone passes `recorded_by` and `source`; the speaker still gets a receipt code.
    A retry with the same `idempotency_key` returns the first result and creates nothing.
    """
    if idempotency_key is not None:
        if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
            message = f"An Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX} characters"
            raise SubmissionInvalid({"idempotency_key": message})
        replay = _replay(idempotency_hash(idempotency_key))
        if replay:
            return replay
    if source not in Source.values:
        raise SubmissionInvalid({"source": "Select how the concern was raised"})
    checked = check_submission(
        organisation=organisation,
        confidentiality=confidentiality,
        description=description,
        worker_group=worker_group,
        patient_safety_risk=patient_safety_risk,
        detriment_experienced=detriment_experienced,
        contact=contact,
        attachments=attachments,
        recorded=recorded_by is not None,
    )
    try:
        return _create(
            checked, source=source, recorded_by=recorded_by, idempotency_key=idempotency_key
        )
    except IntegrityError:
        # Two retries with the same key at once: the other one won, so answer with its result.
        if idempotency_key is not None:
            replay = _replay(idempotency_hash(idempotency_key))
            if replay:
                return replay
        raise


def _create(checked: _Checked, *, source, recorded_by, idempotency_key) -> Submitted:
    pending: list[str] = []  # attachment files written under a temporary name
    try:
        with transaction.atomic():
            submitted = _create_rows(
                checked,
                source=source,
                recorded_by=recorded_by,
                idempotency_key=idempotency_key,
                pending=pending,
            )
            for stored_as in pending:
                transaction.on_commit(lambda s=stored_as: files.move_into_place(s))
    except BaseException:
        for stored_as in pending:
            files.discard_pending(stored_as)
        raise
    return submitted


def _create_rows(checked: _Checked, *, source, recorded_by, idempotency_key, pending) -> Submitted:
    organisation = checked.organisation
    timescales, _ = Timescales.objects.get_or_create(organisation=organisation)
    now = timezone.now()
    today = timezone.localdate(now)
    data_key, wrapped = new_concern_key()
    code, hashed = _new_receipt()
    concern = Concern(
        organisation=organisation,
        reference=_unique_reference(),
        confidentiality=checked.confidentiality,
        status=Status.RECEIVED,
        source=source,
        worker_group=checked.worker_group,
        patient_safety_risk=checked.patient_safety_risk,
        # What the speaker says; the "detriment" element is the guardian's to set at triage.
        detriment_reported=checked.detriment_experienced,
        received_at=now,
        acknowledge_by=today + timedelta(days=timescales.acknowledge_within_days),
        feedback_by=today + timedelta(days=timescales.feedback_within_days),
        recorded_by=recorded_by,
        wrapped_key=wrapped,
        receipt_hash=hashed,
    )
    concern._data_key = data_key  # sealing reads it from here instead of unwrapping again
    concern.narrative_sealed = seal(concern, "narrative", checked.description)
    if checked.contact is not None:
        concern.speaker_sealed = seal(concern, "speaker", json.dumps(checked.contact))
    concern.save()
    StatusChange.objects.create(
        concern=concern,
        from_status="",
        to_status=Status.RECEIVED,
        by=recorded_by,
        by_label="staff" if recorded_by else "speaker",
        at=now,
    )
    for upload, content_type in checked.uploads:
        stored_as = files.new_stored_name()
        files.write_pending(concern, stored_as, upload.data)
        pending.append(stored_as)
        Attachment.objects.create(
            concern=concern,
            name_sealed=seal(concern, files.name_field(stored_as), upload.name),
            content_type=content_type,
            size=len(upload.data),
            stored_as=stored_as,
            added_at=now,
        )
    if idempotency_key is not None:
        IdempotentSubmission.objects.create(
            key_hash=idempotency_hash(idempotency_key),
            concern=concern,
            response_sealed=seal(
                concern, "idempotent_response", json.dumps({"receipt_code": code})
            ),
            created_at=now,
        )
    audit(
        actor=recorded_by,
        actor_label=None if recorded_by else "speaker",
        action="concern.submit",
        object_type="concern",
        object_ref=concern.reference,
        organisation=organisation,
        detail={"source": source, "attachments": len(checked.uploads)},
    )
    # Not the guardian who recorded it: they know.
    notify_guardians(concern, "concern.new", by=recorded_by)
    return Submitted(concern=concern, receipt_code=code)
