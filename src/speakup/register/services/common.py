"""What every register service shares: the refusal they raise and the audit record they write."""

from django.core.exceptions import ValidationError


class RegisterRefusal(ValidationError):
    """A rule of the register said no; the message is written for the person who asked."""


def audit_change(
    *, actor, action: str, object_type: str, object_ref: str, organisation=None, detail=None
):
    # Written inside the caller's transaction, so a refused action leaves no record.
    from speakup.core.audit import audit_by

    audit_by(
        actor,
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        organisation=organisation,
        detail=detail,
    )
