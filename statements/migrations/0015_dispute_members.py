"""Dispute membership moves off the position row into DisputeMember (see its docstring)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_members(apps, schema_editor):
    """Give each position in a dispute its member row, in batches (nothing changes meaning)."""
    Position = apps.get_model("statements", "Position")
    DisputeMember = apps.get_model("statements", "DisputeMember")
    held = Position.objects.filter(dispute__isnull=False).order_by("id")
    batch = []
    for position_id, dispute_id in held.values_list("id", "dispute_id").iterator(chunk_size=5000):
        batch.append(DisputeMember(position_id=position_id, dispute_id=dispute_id))
        if len(batch) == 5000:
            DisputeMember.objects.bulk_create(batch)
            batch = []
    DisputeMember.objects.bulk_create(batch)


def copy_back(apps, schema_editor):
    Position = apps.get_model("statements", "Position")
    DisputeMember = apps.get_model("statements", "DisputeMember")
    for member in DisputeMember.objects.order_by("position_id").iterator(chunk_size=5000):
        Position.objects.filter(pk=member.position_id).update(dispute_id=member.dispute_id)


class Migration(migrations.Migration):

    dependencies = [
        ("statements", "0014_indexes_as_read"),
    ]

    operations = [
        migrations.CreateModel(
            name="DisputeMember",
            fields=[
                (
                    "position",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="dispute_member",
                        serialize=False,
                        to="statements.position",
                    ),
                ),
                (
                    "dispute",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="statements.dispute",
                    ),
                ),
            ],
        ),
        migrations.RunPython(copy_members, copy_back, elidable=True),
        migrations.RemoveField(
            model_name="position",
            name="dispute",
        ),
        migrations.AddField(
            model_name="dispute",
            name="positions",
            field=models.ManyToManyField(
                blank=True,
                related_name="disputes",
                through="statements.DisputeMember",
                to="statements.position",
            ),
        ),
    ]
