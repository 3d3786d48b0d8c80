"""The tick checks the audit log once a day and emails the superusers when it is broken."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection

from speakup.core.audit import audit
from speakup.core.audit_checks import daily_audit_check
from speakup.core.models import AuditCheck

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MORNING = datetime(2026, 11, 27, 7, 0, tzinfo=LONDON)


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser(
        email="platform@fictional.test", password="x" * 20
    )


@pytest.fixture
def records():
    return [
        audit(
            actor=None,
            actor_label="system",
            action="concern.view",
            object_type="concern",
            object_ref=f"C-{n}",
        )
        for n in range(3)
    ]


def tamper(sql: str, params: list) -> None:
    """What someone with the database's own rights would do: switch the guard off, then write."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # triggers off for this session
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_the_tick_reports_the_audit_log_intact_and_checks_it_once_a_day(records, superuser):
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert "Audit log: intact, 3 records checked" in out.getvalue()

    out = io.StringIO()
    call_command("tick", stdout=out)  # fifteen minutes later: not again
    assert "Audit log: checked at" in out.getvalue()
    assert "intact" in out.getvalue()
    assert AuditCheck.objects.count() == 1
    assert mail.outbox == []


def test_an_altered_record_is_found_and_the_superusers_are_emailed_once_a_day(records, superuser):
    daily_audit_check(now=MORNING)
    tamper("UPDATE core_auditrecord SET object_ref = 'C-9' WHERE id = %s", [records[1].pk])

    line = daily_audit_check(now=MORNING + timedelta(days=1))

    assert line.startswith(f"Audit log: BROKEN — record #{records[1].pk} is broken")
    assert "altered" in line
    (email,) = mail.outbox
    assert email.to == ["platform@fictional.test"]
    assert email.subject == "speakup: the audit log failed its daily check"
    assert f"record #{records[1].pk} is broken" in email.body
    assert "speakup verify-audit" in email.body
    # Later the same day: not checked again. The next day: reported again, but the same
    # problem is not emailed twice.
    assert "BROKEN" in daily_audit_check(now=MORNING + timedelta(days=1, hours=3))
    assert "BROKEN" in daily_audit_check(now=MORNING + timedelta(days=2))
    assert len(mail.outbox) == 1
    # Another record altered: a new problem, a new email.
    tamper("UPDATE core_auditrecord SET object_ref = 'C-8' WHERE id = %s", [records[0].pk])
    daily_audit_check(now=MORNING + timedelta(days=3))
    assert len(mail.outbox) == 2
    assert f"record #{records[0].pk} is broken" in mail.outbox[1].body


def test_restoring_the_altered_record_from_a_backup_makes_the_log_pass_again(records, superuser):
    tamper("UPDATE core_auditrecord SET object_ref = 'C-9' WHERE id = %s", [records[1].pk])
    assert "BROKEN" in daily_audit_check(now=MORNING)
    tamper("UPDATE core_auditrecord SET object_ref = 'C-1' WHERE id = %s", [records[1].pk])
    assert daily_audit_check(now=MORNING + timedelta(days=1)) == (
        "Audit log: intact, 3 records checked"
    )


def test_cutting_off_the_newest_records_is_found_by_the_next_check(records, superuser):
    assert daily_audit_check(now=MORNING) == "Audit log: intact, 3 records checked"
    tamper("DELETE FROM core_auditrecord WHERE id = %s", [records[2].pk])

    line = daily_audit_check(now=MORNING + timedelta(days=1))

    assert line.startswith("Audit log: BROKEN — the newest records were cut off")
    assert "the newest records were cut off" in mail.outbox[0].body
    # Still expected the day after: the cut is not forgotten because one check failed.
    assert "cut off" in daily_audit_check(now=MORNING + timedelta(days=2))


def test_records_added_since_the_last_check_are_fine(records, superuser):
    daily_audit_check(now=MORNING)
    audit(
        actor=None,
        actor_label="system",
        action="concern.view",
        object_type="concern",
        object_ref="C-4",
    )
    assert daily_audit_check(now=MORNING + timedelta(days=1)) == (
        "Audit log: intact, 4 records checked"
    )
    assert mail.outbox == []


def test_an_empty_log_is_intact():
    assert daily_audit_check(now=MORNING) == "Audit log: intact, 0 records checked"
