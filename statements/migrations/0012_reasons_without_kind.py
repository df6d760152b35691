"""Stored reasons lose ``kind``: every rule's kind is its code, already under ``rule``."""

from django.db import migrations


def drop_kind(apps, schema_editor):
    Conflict = apps.get_model("statements", "Conflict")
    changed = []
    for conflict in Conflict.objects.only("id", "reasons").iterator(chunk_size=2000):
        reasons = [
            {key: value for key, value in reason.items() if key != "kind"}
            for reason in conflict.reasons
            if isinstance(reason, dict)
        ]
        if reasons != conflict.reasons:
            conflict.reasons = reasons
            changed.append(conflict)
        if len(changed) >= 2000:
            Conflict.objects.bulk_update(changed, ["reasons"])
            changed = []
    Conflict.objects.bulk_update(changed, ["reasons"])


class Migration(migrations.Migration):
    dependencies = [("statements", "0011_webhooks")]

    operations = [migrations.RunPython(drop_kind, migrations.RunPython.noop, elidable=True)]
