"""Whether the speaker reported detriment may now be not answered (null): the case page said
"No" for a speaker who never answered. Concerns received before keep what they hold (False for
both "no" and not answered): whether they answered was not kept, so cannot be told apart."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0003_action_change"),
    ]

    operations = [
        migrations.AlterField(
            model_name="concern",
            name="detriment_reported",
            field=models.BooleanField(null=True),
        ),
    ]
