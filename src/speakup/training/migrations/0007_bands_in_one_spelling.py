"""Bands stored before the roster import wrote each band one way take that one spelling now,
so the dashboard counts "5" and "Band 5" as one band without waiting for the next import."""

from django.db import migrations

# App code on purpose: band_normalised and band_code are pure, and this must write exactly what
# the roster import and the policy form write (a copied rule could drift from them).
from speakup.training.bands import band_code, band_normalised


def _respell(model, field: str, spelling) -> None:
    """One UPDATE per stored spelling that changes, not one per row: a national roster holds
    a million rows but a few dozen spellings."""
    stored = list(model.objects.order_by().values_list(field, flat=True).distinct())
    for old in stored:
        new = spelling(old)
        if new != old:
            model.objects.filter(**{field: old}).update(**{field: new})


def bands_in_one_spelling(apps, schema_editor):
    _respell(apps.get_model("training", "StaffRecord"), "band", band_normalised)
    # A policy keeps the choice the form shows and saves ("6", "8a", "VSM"); the rules read it.
    _respell(apps.get_model("training", "TrainingPolicy"), "listen_up_from_band", band_code)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0006_staff_record_line_manager_number"),
    ]

    operations = [
        migrations.RunPython(bands_in_one_spelling, migrations.RunPython.noop, elidable=True),
    ]
