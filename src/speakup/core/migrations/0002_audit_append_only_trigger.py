"""On PostgreSQL, refuse UPDATE and DELETE of audit records in the database itself.

SQLite has no such guard here: there, `speakup verify-audit` is what detects tampering.
"""

from django.db import migrations

CREATE = [
    """
CREATE OR REPLACE FUNCTION core_auditrecord_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % of core_auditrecord is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER core_auditrecord_append_only
    BEFORE UPDATE OR DELETE ON core_auditrecord
    FOR EACH ROW EXECUTE FUNCTION core_auditrecord_refuse_change()
""",
]

DROP = [
    "DROP TRIGGER IF EXISTS core_auditrecord_append_only ON core_auditrecord",
    "DROP FUNCTION IF EXISTS core_auditrecord_refuse_change()",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Straight to the cursor with no parameters, so the % in RAISE is not read as a placeholder.
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_trigger(apps, schema_editor):
    _run(schema_editor, CREATE)


def drop_trigger(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
