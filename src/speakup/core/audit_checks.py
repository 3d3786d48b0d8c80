"""The daily check of the audit log, run by the tick (docs/operations.md, "Checking the audit log").

A hash chain shows tampering only when someone checks it. The tick checks the whole chain once a
day, and that the newest record of the last good check is still there (the chain alone cannot
show that its newest records were cut off). When either fails, an error is logged every day and
the superusers are emailed once for each new problem.
The check's own records are kept in the same database, so they catch a careless or partial
change, not an operator who rewrites both: for that, keep `verify-audit`'s latest hash outside
(docs/operations.md).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone

from speakup.core.audit import log_holds, verify_chain
from speakup.core.models import AuditCheck

logger = logging.getLogger(__name__)


def daily_audit_check(*, now: datetime | None = None) -> str:
    """Check the audit log unless it was checked earlier today; a line saying which."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last = AuditCheck.objects.first()
    if last and timezone.localdate(last.checked_at) == today:
        state = "intact" if last.intact else "BROKEN"
        return f"Audit log: checked at {timezone.localtime(last.checked_at):%H:%M}, {state}"
    check = _check(now=now, previous=last)
    if not check.intact:
        logger.error("The audit log failed its daily check: %s", check.problem)
        if last is None or last.intact or last.problem != check.problem:
            _email_superusers(check)  # once per problem: the error above is logged every day
        return f"Audit log: BROKEN — {check.problem}"
    return f"Audit log: intact, {check.records_checked:,} records checked"


def _check(*, now: datetime, previous: AuditCheck | None) -> AuditCheck:
    result = verify_chain()
    if not result.ok:
        return AuditCheck.objects.create(
            checked_at=now,
            intact=False,
            records_checked=result.checked,
            first_broken_id=result.first_broken_id,
            problem=f"record #{result.first_broken_id} is broken: {result.reason}",
        )
    kept = _last_good_hash(previous)
    if kept and not log_holds(kept):
        return AuditCheck.objects.create(
            checked_at=now,
            intact=False,
            records_checked=result.checked,
            problem=(
                "the newest records were cut off: the log no longer holds the record that was "
                f"newest when it was last found intact (hash {kept})"
            ),
        )
    return AuditCheck.objects.create(
        checked_at=now,
        intact=True,
        records_checked=result.checked,
        latest_hash=result.last_hash if result.checked else "",
    )


def _last_good_hash(previous: AuditCheck | None) -> str:
    if previous is None:
        return ""
    if previous.intact:
        return previous.latest_hash
    # After a failed check, keep expecting the newest record of the last good one.
    good = AuditCheck.objects.filter(intact=True).first()
    return good.latest_hash if good else ""


def _email_superusers(check: AuditCheck) -> None:
    recipients = list(
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    when = timezone.localtime(check.checked_at)
    send_mail(
        "speakup: the audit log failed its daily check",
        (
            f"The daily check of speakup's audit log at {when:%H:%M} on {when:%d %B %Y} found "
            f"that {check.problem}.\n\n"
            "Someone may have changed or removed audit records directly in the database. Do not "
            "change anything yet. Run `speakup verify-audit` to confirm, keep a copy of the "
            "database as it is now, and follow the steps in docs/operations.md, 'Checking the "
            "audit log'.\n\n"
            "Each daily check logs the problem again until the log passes; this email is sent "
            "again only if the check finds a different problem."
        ),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
