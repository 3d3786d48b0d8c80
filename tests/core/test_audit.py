"""The audit log: append-only, hash-chained, and checked by `speakup verify-audit`."""

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from speakup.core.audit import GENESIS_HASH, audit, records_for, verify_chain
from speakup.core.models import AuditLogIsAppendOnly, AuditRecord
from speakup.organisations.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def guardian(person_with_role):
    return person_with_role(Role.GUARDIAN, email="guardian@fictional.test")


@pytest.fixture
def three_records(guardian, organisation):
    return [
        audit(
            actor=None,
            actor_label="speaker",
            action="concern.raise",
            object_type="concern",
            object_ref="C-0001",
            organisation=organisation,
        ),
        audit(
            actor=guardian,
            action="concern.view",
            object_type="concern",
            object_ref="C-0001",
            organisation=organisation,
        ),
        audit(
            actor=guardian,
            action="concern.acknowledge",
            object_type="concern",
            object_ref="C-0001",
            organisation=organisation,
            detail={"from": "received", "to": "acknowledged", "due": date(2026, 3, 1)},
        ),
    ]


def raw_update(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_record_links_to_the_one_before(three_records):
    first, second, third = three_records
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


def test_a_record_names_who_acted(three_records, guardian):
    first, second, third = three_records
    assert (first.actor, first.actor_label) == (None, "speaker")
    assert (second.actor, second.actor_label) == (guardian, "guardian@fictional.test")
    third.refresh_from_db()
    assert third.detail == {"from": "received", "to": "acknowledged", "due": "2026-03-01"}


def test_an_actorless_record_must_say_speaker_or_system():
    with pytest.raises(ValueError, match="speaker"):
        audit(actor=None, action="concern.view", object_type="concern", object_ref="C-1")
    assert not AuditRecord.objects.exists()


def test_a_good_chain_verifies(three_records):
    result = verify_chain()
    assert result.ok
    assert result.checked == 3
    assert result.first_broken_id is None
    assert result.last_hash == three_records[-1].hash


def test_an_empty_log_verifies():
    assert verify_chain().ok


def test_records_for_shows_one_objects_history_oldest_first(three_records, organisation):
    audit(
        actor=None,
        actor_label="system",
        action="concern.view",
        object_type="concern",
        object_ref="C-0002",
        organisation=organisation,
    )
    history = records_for("concern", "C-0001")
    assert [r.action for r in history] == ["concern.raise", "concern.view", "concern.acknowledge"]


def test_records_cannot_be_changed_or_deleted_through_the_orm(three_records):
    record = three_records[1]
    record.action = "concern.close"
    with pytest.raises(AuditLogIsAppendOnly):
        record.save()
    with pytest.raises(AuditLogIsAppendOnly):
        record.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditRecord.objects.filter(pk=record.pk).update(action="concern.close")
    assert AuditRecord.objects.get(pk=record.pk).action == "concern.view"
    assert verify_chain().ok


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the UPDATE itself")
def test_a_record_altered_in_the_database_is_found(three_records):
    second = three_records[1]
    raw_update(
        "UPDATE core_auditrecord SET action = %s WHERE id = %s", ["concern.close", second.pk]
    )
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_id == second.pk
    assert result.checked == 1
    assert "altered" in result.reason


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the DELETE itself")
def test_a_record_removed_from_the_database_is_found(three_records):
    raw_update("DELETE FROM core_auditrecord WHERE id = %s", [three_records[1].pk])
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_id == three_records[2].pk
    assert "removed" in result.reason


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditrecord SET action = 'concern.close' WHERE id = %s",
        "DELETE FROM core_auditrecord WHERE id = %s",
    ],
)
def test_postgresql_refuses_to_alter_or_remove_a_record(three_records, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_update(sql, [three_records[1].pk])
    assert verify_chain().ok


def test_a_failed_action_leaves_no_audit_record(guardian, organisation):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit(
            actor=guardian,
            action="concern.close",
            object_type="concern",
            object_ref="C-0001",
            organisation=organisation,
        )
        raise RuntimeError("the action failed after it was audited")
    assert not AuditRecord.objects.exists()
    # The chain carries on cleanly from where it was.
    record = audit(actor=guardian, action="concern.view", object_type="concern", object_ref="C-1")
    assert record.previous_hash == GENESIS_HASH
    assert verify_chain().ok


def test_verify_audit_command_reports_an_intact_log(three_records, capsys):
    call_command("verify-audit")
    out = capsys.readouterr().out
    assert "Audit log intact: 3 records checked" in out


def test_a_kept_latest_hash_shows_when_the_newest_records_are_cut_off(three_records, capsys):
    call_command("verify-audit")
    kept = capsys.readouterr().out.split("Latest hash: ")[1].strip()
    audit(
        actor=None,
        actor_label="system",
        action="concern.view",
        object_type="concern",
        object_ref="C-4",
    )
    call_command("verify-audit", "--includes", kept)  # later records are fine
    assert "Audit log intact: 4 records checked" in capsys.readouterr().out
    # Cutting records off the end leaves an unbroken chain: only the kept hash shows it.
    with pytest.raises(SystemExit) as exit_:
        call_command("verify-audit", "--includes", "0" * 64)
    assert exit_.value.code == 1
    assert "Audit log cut short: it no longer holds the record with hash" in capsys.readouterr().err


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the DELETE itself")
def test_deleting_the_newest_records_is_caught_by_the_kept_hash(three_records, capsys):
    call_command("verify-audit")
    kept = capsys.readouterr().out.split("Latest hash: ")[1].strip()
    raw_update("DELETE FROM core_auditrecord WHERE id = %s", [three_records[2].pk])
    call_command("verify-audit")  # the chain alone still looks whole
    with pytest.raises(SystemExit):
        call_command("verify-audit", "--includes", kept)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the UPDATE itself")
def test_verify_audit_command_fails_at_the_broken_record(three_records, capsys):
    raw_update(
        "UPDATE core_auditrecord SET object_ref = 'C-9999' WHERE id = %s", [three_records[2].pk]
    )
    with pytest.raises(SystemExit) as exit_:
        call_command("verify-audit")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"Audit log broken at record #{three_records[2].pk}: " in err


def speakup(*args: str, env: dict) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("speakup")), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_verify_audit_exits_0_on_a_good_log_and_1_on_a_tampered_one(tmp_path):
    """The real command line, on a throwaway SQLite database of its own."""
    database = tmp_path / "audit.sqlite3"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        "SPEAKUP_KEK_FILE": str(tmp_path / "kek.json"),
    }
    seed = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from speakup.core.audit import audit\n"
        "call_command('migrate', 'core', verbosity=0)\n"
        "for n in range(3):\n"
        "    audit(actor=None, actor_label='system', action='concern.view',"
        " object_type='concern', object_ref=f'C-{n}')\n"
    )
    subprocess.run(
        [sys.executable, "-c", seed],
        env={**env, "DJANGO_SETTINGS_MODULE": "speakup.settings"},
        check=True,
        timeout=120,
    )

    good = speakup("verify-audit", env=env)
    assert good.returncode == 0, good.stderr
    assert "Audit log intact: 3 records checked" in good.stdout

    with sqlite3.connect(database) as db:
        db.execute("UPDATE core_auditrecord SET actor_label = 'speaker' WHERE id = 2")
    bad = speakup("verify-audit", env=env)
    assert bad.returncode == 1
    assert "Audit log broken at record #2: its contents do not match its hash" in bad.stderr


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's in-memory test database is one writer"
)
@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_time_still_make_one_unbroken_chain():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def write(worker: int) -> None:
        try:
            for n in range(10):
                with transaction.atomic():
                    audit(
                        actor=None,
                        actor_label="system",
                        action="concern.view",
                        object_type="concern",
                        object_ref=f"C-{worker}-{n}",
                    )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))

    result = verify_chain()
    assert result.ok, result.reason
    assert result.checked == 40
