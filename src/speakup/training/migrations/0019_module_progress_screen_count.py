"""ModuleProgress.screen_count: how many screens the version a worker's place is in has, so that a
worker who had gone on to its knowledge check continues to the check of a newer version that
still counts (they were sent back to its last screen).

Every version shipped before this one had the screens the current files have (Speak Up 7,
Listen Up 6, Follow Up 6, read from each version's file in the repository's history), so the
rows already kept are given those.
"""

from django.db import migrations, models

SCREENS_OF_EVERY_VERSION_SO_FAR = {"speak_up": 7, "listen_up": 6, "follow_up": 6}


def give_the_screen_counts(apps, schema_editor):
    ModuleProgress = apps.get_model("training", "ModuleProgress")
    for module, screens in SCREENS_OF_EVERY_VERSION_SO_FAR.items():
        ModuleProgress.objects.filter(module=module).update(screen_count=screens)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0018_staff_record_left_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="moduleprogress",
            name="screen_count",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(give_the_screen_counts, migrations.RunPython.noop, elidable=True),
    ]
