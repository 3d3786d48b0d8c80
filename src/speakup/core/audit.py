"""Write and check the append-only, hash-chained audit log.

Call audit() from the service function that does the thing, inside its transaction, so that
an action that fails leaves no record and a record never describes something that did not
happen. See docs/adr/0005-hash-chained-audit-log.md.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from speakup.core.models import AuditLogIsAppendOnly, AuditRecord

__all__ = [
    "AuditLogIsAppendOnly",
    "VerifyResult",
    "audit",
    "log_holds",
    "records_for",
    "verify_chain",
]

GENESIS_HASH = "0" * 64
ACTORLESS_LABELS = {"speaker", "system"}
# Any fixed number: the key of the PostgreSQL advisory lock that serialises appends.
ADVISORY_LOCK_KEY = 0x5BEA_C0A0D17


def _canonical(
    *,
    previous_hash: str,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_ref: str,
    organisation_id: int | None,
    detail: dict,
) -> bytes:
    body = {
        "previous_hash": previous_hash,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_ref": object_ref,
        "organisation_id": organisation_id,
        "detail": detail,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(**fields) -> str:
    return hashlib.sha256(_canonical(**fields)).hexdigest()


def _lock_chain() -> None:
    # On SQLite every write transaction is BEGIN IMMEDIATE (see core/database.py), which already
    # serialises writers; PostgreSQL needs a lock held until the caller's transaction ends.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def audit(
    *,
    actor,
    action: str,
    object_type: str,
    object_ref: str,
    organisation=None,
    detail: dict | None = None,
    actor_label: str | None = None,
) -> AuditRecord:
    """Append one record to the chain. `detail` holds ids, field names and statuses, never content.

    `actor` is the user who acted, or None for a speaker or the system (then say which in
    `actor_label`).
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # an anonymous request user is not a person we can name
    if actor is None:
        if actor_label not in ACTORLESS_LABELS:
            raise ValueError('with no actor, actor_label must be "speaker" or "system"')
    elif actor_label is None:
        actor_label = actor.email
    if not action or not object_type or not object_ref:
        raise ValueError("an audit record needs an action, an object_type and an object_ref")
    # Store exactly what is hashed: round-trip through JSON now, so dates, UUIDs and tuples
    # become the same plain values the database will hand back.
    clean_detail = json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))
    organisation_id = getattr(organisation, "pk", organisation)
    with transaction.atomic():
        _lock_chain()
        last = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first()
        previous_hash = last or GENESIS_HASH
        at = timezone.now()
        digest = compute_hash(
            previous_hash=previous_hash,
            at=at,
            actor_id=actor.pk if actor else None,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_ref=object_ref,
            organisation_id=organisation_id,
            detail=clean_detail,
        )
        record = AuditRecord(
            at=at,
            actor=actor,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_ref=object_ref,
            organisation_id=organisation_id,
            detail=clean_detail,
            previous_hash=previous_hash,
            hash=digest,
        )
        record.save(force_insert=True)
    return record


def audit_by(actor, **fields) -> AuditRecord:
    """`audit` for what a signed-in person or the system did (a command, a background job run
    for nobody in particular): with no one signed in, the system."""
    named = actor is not None and getattr(actor, "is_authenticated", False)
    return audit(actor=actor if named else None, actor_label=None if named else "system", **fields)


def records_for(object_type: str, object_ref: str) -> QuerySet[AuditRecord]:
    """One object's history, oldest first."""
    return (
        AuditRecord.objects.filter(object_type=object_type, object_ref=object_ref)
        .select_related("actor", "organisation")
        .order_by("id")
    )


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str
    last_hash: str = GENESIS_HASH


HASHED_FIELDS = [
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_ref",
    "organisation_id",
    "detail",
]


def verify_chain(*, on_progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Walk the log in id order, recomputing every hash and every link."""
    expected_previous = GENESIS_HASH
    checked = 0
    rows = (
        AuditRecord.objects.order_by("id")
        .values("id", "previous_hash", "hash", *HASHED_FIELDS)
        .iterator(chunk_size=2000)
    )
    for row in rows:
        if row["previous_hash"] != expected_previous:
            reason = (
                "it does not follow the record before it: a record was removed, added or moved"
                if checked
                else "the first record does not start the chain: earlier records were removed"
            )
            return VerifyResult(False, checked, row["id"], reason, expected_previous)
        fields = {name: row[name] for name in HASHED_FIELDS}
        if compute_hash(previous_hash=row["previous_hash"], **fields) != row["hash"]:
            return VerifyResult(
                False,
                checked,
                row["id"],
                "its contents do not match its hash: it was altered",
                expected_previous,
            )
        expected_previous = row["hash"]
        checked += 1
        if on_progress and checked % 2000 == 0:
            on_progress(2000)
    if on_progress and checked % 2000:
        on_progress(checked % 2000)
    return VerifyResult(True, checked, None, "", expected_previous)


def log_holds(record_hash: str) -> bool:
    """Whether the log still holds the record with this hash. A latest hash kept from an earlier
    check shows when the newest records were cut off, which the chain alone cannot show."""
    return AuditRecord.objects.filter(hash=record_hash.strip()).exists()
