"""Entity writes: keep the ``part_of`` lineage (materialised path) true for the whole subtree."""

from django.core.exceptions import ValidationError
from django.db import transaction

from statements.models import Entity


def _lineage_of(entity: Entity) -> str:
    parent_lineage = entity.part_of.lineage if entity.part_of_id else "/"
    return f"{parent_lineage}{entity.pk}/"


@transaction.atomic
def entity_save(*, entity: Entity) -> Entity:
    """Save ``entity`` and rewrite the lineage of everything below it.

    Refuse a ``part_of`` that would make the entity part of itself (a cycle).
    """
    if entity.pk and entity.part_of_id:
        parent = Entity.objects.get(pk=entity.part_of_id)
        if entity.pk in parent.lineage_ids or parent.pk == entity.pk:
            raise ValidationError({"part_of": f"{parent} is already part of {entity}."})
        entity.part_of = parent
    old_lineage = None
    if entity.pk:
        old_lineage = Entity.objects.filter(pk=entity.pk).values_list("lineage", flat=True).first()
    entity.full_clean(exclude=["lineage", "categories"])
    entity.save()
    new_lineage = _lineage_of(entity)
    if new_lineage != entity.lineage:
        entity.lineage = new_lineage
        Entity.objects.filter(pk=entity.pk).update(lineage=new_lineage)
        if old_lineage:
            _rewrite_descendants(old_lineage, new_lineage)
    return entity


def _rewrite_descendants(old_prefix: str, new_prefix: str) -> None:
    descendants = Entity.objects.filter(lineage__startswith=old_prefix).exclude(lineage=old_prefix)
    changed = []
    for descendant in descendants.only("id", "lineage"):
        descendant.lineage = new_prefix + descendant.lineage[len(old_prefix) :]
        changed.append(descendant)
    Entity.objects.bulk_update(changed, ["lineage"], batch_size=500)
