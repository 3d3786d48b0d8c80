"""The knowledge check's answers are kept as a worker gives them (ModuleProgress.check_answers),
and a pass now starts the module afresh, so that a refresher goes through the screens again.

Places kept from before: a worker whose progress has not moved since their pass is put back at
the start, as a pass from now on does; one who has gone on since (a refresher under way) keeps
their place.
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def start_afresh_after_a_pass(apps, schema_editor):
    ModuleProgress = apps.get_model("training", "ModuleProgress")
    Completion = apps.get_model("training", "Completion")
    # The pass saves the progress, then records the completion: a completion made at or after
    # the progress's last change is the pass that ended it. One UPDATE, not one per row.
    passed_since = Completion.objects.filter(
        user_id=OuterRef("user_id"),
        module=OuterRef("module"),
        source="in_product",
        created_at__gte=OuterRef("updated_at"),
    )
    ModuleProgress.objects.filter(Exists(passed_since)).update(furthest_screen=0, last_screen=0)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0011_xapi_voiding"),
    ]

    operations = [
        migrations.AddField(
            model_name="moduleprogress",
            name="check_answers",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(start_afresh_after_a_pass, migrations.RunPython.noop, elidable=True),
    ]
