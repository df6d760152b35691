"""Entity writes: keep the ``part_of`` lineage (materialised path) true for the whole subtree,
and the conflicts true to who belongs to whom.

An entity's ``part_of``, kind and categories decide which side a speaker is on and which
claims about a category reach it, so changing them can make or unmake conflicts of assertions
already on record. ``entity_save`` then re-checks the assertions that mention the entity, its
parts all the way down, or the members of any category among those (as subject, object or
speaker), found through indexed look-ups. Past ``MENTIONS_CHECK_LIMIT`` of them (re-parenting a
state with thousands of claims under it, say) a full re-check is the cheaper way: it starts on
commit, like a changed predicate's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from statements.models import Assertion, Entity, EntityKind, Statement
from statements.services.catalogue import recheck_on_commit
from statements.services.records import conflicts_check_later

# How many mentioning assertions ``entity_save`` checks itself before leaving it to a full
# re-check (see the module docstring).
MENTIONS_CHECK_LIMIT = 5000


def _lineage_of(entity: Entity) -> str:
    parent_lineage = entity.part_of.lineage if entity.part_of_id else "/"
    return f"{parent_lineage}{entity.pk}/"


def _category_ids(categories: Iterable[Entity | int]) -> set[int]:
    """Return the ids of ``categories``, refusing any that is not an entity of kind category."""
    wanted = {getattr(category, "pk", category) for category in categories}
    kinds = dict(Entity.objects.filter(pk__in=wanted).values_list("pk", "kind"))
    for pk in sorted(wanted):
        if pk not in kinds:
            raise ValidationError({"categories": f"There is no entity {pk}."})
        if kinds[pk] != EntityKind.CATEGORY:
            raise ValidationError({"categories": f"Entity {pk} is a {kinds[pk]}, not a category."})
    return wanted


@transaction.atomic
def entity_save(*, entity: Entity, categories: Iterable[Entity | int] | None = None) -> Entity:
    """Save ``entity`` (and set its ``categories`` when given); keep lineages and conflicts true.

    Refuse a ``part_of`` that would make the entity part of itself (a cycle). When an existing
    entity's ``part_of``, kind or categories change, the assertions that may read differently
    are re-checked (see the module docstring).
    """
    before = None
    if entity.pk:
        before = Entity.objects.filter(pk=entity.pk).values("part_of_id", "kind", "lineage").first()
    if entity.pk and entity.part_of_id:
        parent = Entity.objects.get(pk=entity.part_of_id)
        if entity.pk in parent.lineage_ids or parent.pk == entity.pk:
            raise ValidationError({"part_of": f"{parent} is already part of {entity}."})
        entity.part_of = parent
    wanted = _category_ids(categories) if categories is not None else None
    old_lineage = before["lineage"] if before is not None else None
    entity.full_clean(exclude=["lineage", "categories"])
    entity.save()
    new_lineage = _lineage_of(entity)
    if new_lineage != entity.lineage:
        entity.lineage = new_lineage
        Entity.objects.filter(pk=entity.pk).update(lineage=new_lineage)
        if old_lineage:
            _rewrite_descendants(old_lineage, new_lineage)
    changed = before is not None and (
        before["part_of_id"] != entity.part_of_id or before["kind"] != entity.kind
    )
    if wanted is not None and wanted != set(entity.categories.values_list("pk", flat=True)):
        entity.categories.set(wanted)
        changed = changed or before is not None
    if changed:
        _recheck_mentions(entity)
    return entity


def _rewrite_descendants(old_prefix: str, new_prefix: str) -> None:
    descendants = Entity.objects.filter(lineage__startswith=old_prefix).exclude(lineage=old_prefix)
    changed = []
    for descendant in descendants.only("id", "lineage"):
        descendant.lineage = new_prefix + descendant.lineage[len(old_prefix) :]
        changed.append(descendant)
    Entity.objects.bulk_update(changed, ["lineage"], batch_size=500)


def _reached(entity: Entity, limit: int) -> set[int] | None:
    """Return the entities whose claims may read differently after ``entity`` changed.

    That is the entity and its parts all the way down (``lineage`` prefix, indexed), the
    members of any category among them, their parts, and so on. None past ``limit``.
    """
    seen: set[int] = set()
    lineages = [entity.lineage]
    categories = [entity.pk]  # it may have stopped being a category: its members still count
    while lineages or categories:
        for lineage in lineages:
            for pk, kind in Entity.objects.filter(lineage__startswith=lineage).values_list(
                "pk", "kind"
            ):
                if pk not in seen:
                    seen.add(pk)
                    if kind == EntityKind.CATEGORY:
                        categories.append(pk)
            if len(seen) > limit:
                return None
        lineages = []
        if categories:
            members = Entity.objects.filter(categories__in=categories).exclude(pk__in=seen)
            lineages = sorted(set(members.values_list("lineage", flat=True)))
            categories = []
    return seen


def _recheck_mentions(entity: Entity) -> None:
    """Re-check the positions that mention what ``entity`` reaches, or all past the limit."""
    if not Assertion.objects.exists():
        return  # nothing on record yet (a first seed load sets up its entities first)
    reached = _reached(entity, MENTIONS_CHECK_LIMIT)
    ids: set[int] = set()
    if reached is not None:
        reached_ids = sorted(reached)
        statements = Statement.objects.filter(speaker_id__in=reached_ids).values("pk")
        for queryset in (
            Assertion.objects.filter(subject_id__in=reached_ids),
            Assertion.objects.filter(object_id__in=reached_ids),
            Assertion.objects.filter(statement_id__in=statements),
        ):
            ids.update(queryset.values_list("position_id", flat=True)[: MENTIONS_CHECK_LIMIT + 1])
            if len(ids) > MENTIONS_CHECK_LIMIT:
                break
    if reached is None or len(ids) > MENTIONS_CHECK_LIMIT:
        recheck_on_commit(reason=f"entity {entity.slug} changed (part_of, kind or categories)")
    else:
        conflicts_check_later(position_ids=ids)
