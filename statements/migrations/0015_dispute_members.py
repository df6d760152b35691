"""Dispute membership moves off the position row into DisputeMember (see its docstring)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


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
    """Put each member's dispute back on its position, in one statement."""
    Position = apps.get_model("statements", "Position")
    DisputeMember = apps.get_model("statements", "DisputeMember")
    member = DisputeMember.objects.filter(position_id=OuterRef("pk")).values("dispute_id")[:1]
    Position.objects.filter(dispute_member__isnull=False).update(dispute_id=Subquery(member))


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
