"""Staff groups stored before the roster import wrote a recognised group in ESR's spelling
("nursing and midwifery registered") take that spelling now, and count as recognised, so the
dashboard counts each group once without waiting for the next import."""

from django.db import migrations

# App code on purpose: this must write exactly what the roster import writes.
from speakup.training.roster.columns import esr_staff_group


def groups_in_esr_spelling(apps, schema_editor):
    records = apps.get_model("training", "StaffRecord").objects
    # One UPDATE per stored spelling that changes: a national roster holds a million rows but a
    # few dozen spellings.
    for stored in records.order_by().values_list("staff_group", flat=True).distinct():
        group = esr_staff_group(stored)
        if group is not None and group != stored:
            records.filter(staff_group=stored).update(
                staff_group=group, staff_group_recognised=True
            )


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0013_staff_import_expect_leavers"),
    ]

    operations = [
        migrations.RunPython(groups_in_esr_spelling, migrations.RunPython.noop, elidable=True),
    ]
