"""The catalogue curators keep beside the record: sources, predicates and exclusion rules.

Each ``*_upsert`` finds the row by slug, writes only when something differs (so loading the same
data twice adds no history), and returns the row with whether it was created or changed.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db import models, transaction

from statements.models import ExclusionRule, Predicate, Source

Outcome = Literal["created", "updated", "unchanged"]


def _upsert(model: type[models.Model], *, slug: str, fields: dict[str, Any]):
    unknown = set(fields) - {f.name for f in model._meta.concrete_fields}
    if unknown:
        raise TypeError(f"unexpected fields for {model.__name__}: {', '.join(sorted(unknown))}")
    instance = model.objects.filter(slug=slug).first()
    if instance is None:
        instance = model(slug=slug, **fields)
        outcome: Outcome = "created"
    else:
        changed = [name for name, value in fields.items() if _differs(instance, name, value)]
        if not changed:
            return instance, "unchanged"
        for name in changed:
            setattr(instance, name, fields[name])
        outcome = "updated"
    instance.full_clean()
    instance.save()
    return instance, outcome


def _differs(instance: models.Model, name: str, value: Any) -> bool:
    field = instance._meta.get_field(name)
    if field.is_relation:
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, name) != value


@transaction.atomic
def source_upsert(*, slug: str, **fields: Any) -> tuple[Source, Outcome]:
    """Create or update the source ``slug`` with ``fields`` (title, url, publisher...)."""
    return _upsert(Source, slug=slug, fields=fields)


@transaction.atomic
def predicate_upsert(*, slug: str, **fields: Any) -> tuple[Predicate, Outcome]:
    """Create or update the predicate ``slug`` with ``fields`` (value_type, choices, ...)."""
    return _upsert(Predicate, slug=slug, fields=fields)


@transaction.atomic
def exclusion_rule_upsert(*, slug: str, **fields: Any) -> tuple[ExclusionRule, Outcome]:
    """Create or update the exclusion rule ``slug`` with ``fields`` (predicates, operators...)."""
    return _upsert(ExclusionRule, slug=slug, fields=fields)
