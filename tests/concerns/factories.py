"""Concerns made straight in the database (sealed as the real intake seals them), for tests."""

import json
import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from speakup.concerns import sealing
from speakup.concerns.models import (
    Action,
    Concern,
    Confidentiality,
    Message,
    Status,
    StatusChange,
)
from speakup.concerns.receipts import new_receipt_code, receipt_hash
from tests.organisations.factories import OrganisationFactory

NARRATIVE = "Night shift on ward 7 is left with one nurse for 30 patients (synthetic)."
SPEAKER = {"name": "Sam Speaker", "email": "sam.speaker@fictional.test", "phone": ""}


class ConcernFactory(factory.django.DjangoModelFactory):
    """`ConcernFactory(narrative=..., speaker={...})`; anonymous concerns get no speaker."""

    class Meta:
        model = Concern

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.LazyFunction(lambda: "T" + secrets.token_hex(4).upper())
    confidentiality = Confidentiality.CONFIDENTIAL
    status = Status.RECEIVED
    received_at = factory.LazyFunction(timezone.now)
    acknowledge_by = factory.LazyAttribute(
        lambda o: timezone.localdate(o.received_at) + timedelta(7)
    )
    feedback_by = factory.LazyAttribute(lambda o: timezone.localdate(o.received_at) + timedelta(91))
    # A cheap stand-in for the Argon2 hash; tests that sign in by receipt use the real intake.
    receipt_hash = factory.LazyFunction(lambda: secrets.token_hex(32))
    narrative = NARRATIVE
    speaker = factory.LazyAttribute(
        lambda o: None if o.confidentiality == Confidentiality.ANONYMOUS else dict(SPEAKER)
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        narrative = kwargs.pop("narrative", NARRATIVE)
        speaker = kwargs.pop("speaker", None)
        data_key, wrapped = sealing.new_concern_key()
        concern = model_class(*args, wrapped_key=wrapped, **kwargs)
        concern._data_key = data_key
        concern.narrative_sealed = sealing.seal(concern, "narrative", narrative)
        if speaker:
            concern.speaker_sealed = sealing.seal(concern, "speaker", json.dumps(speaker))
        concern.save()
        StatusChange.objects.create(
            concern=concern,
            from_status="",
            to_status=Status.RECEIVED,
            by_label="speaker",
            at=concern.received_at,
        )
        return concern


def speaker_message(concern, body: str) -> Message:
    return Message.objects.create(
        concern=concern,
        author=Message.Author.SPEAKER,
        body_sealed=sealing.seal(concern, "body", body),
    )


def open_action(concern, *, created_by, handler=None, respond_by=None, description="Check rota"):
    return Action.objects.create(
        concern=concern,
        handler=handler,
        respond_by=respond_by,
        created_by=created_by,
        description_sealed=sealing.seal(concern, "description", description),
    )


def unused_receipt_code() -> tuple[str, str]:
    code = new_receipt_code()
    return code, receipt_hash(code)


def attached_file(concern, name: str, data: bytes, *, added_at=None):
    """A file the speaker attached, stored encrypted as the intake stores it."""
    from speakup.concerns import attachments
    from speakup.concerns.models import Attachment

    stored_as = attachments.new_stored_name()
    attachments.write_pending(concern, stored_as, data)
    attachments.move_into_place(stored_as)
    return Attachment.objects.create(
        concern=concern,
        name_sealed=sealing.seal(concern, attachments.name_field(stored_as), name),
        content_type=attachments.check_upload(attachments.Upload(name, data)),
        size=len(data),
        stored_as=stored_as,
        added_at=added_at or timezone.now(),
    )
