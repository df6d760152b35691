"""Rows to facts: what the engine sees of the record, read with as few queries as possible.

Rows come from ``.values_list`` of only the columns the rules need (``FACT_FIELDS``), never as
model instances; ``DbWorld`` answers the engine's questions about entities from batched
look-ups, loading what it is asked about in a few queries and remembering it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Q

from contradict.engine.facts import (
    EVIDENCE,
    STATEMENT,
    AssertionFact,
    Condition,
    ExclusionFact,
    Origin,
    PredicateFact,
)
from contradict.engine.intervals import widen
from statements.models import Entity, EntityKind, ExclusionRule, Predicate, ValueType

# The columns a fact is built from, in this order (``fact_from_row`` reads them by position).
FACT_FIELDS = (
    "id",
    "subject_id",
    "predicate_id",
    "object_id",
    "choice",
    "number",
    "boolean",
    "comparator",
    "polarity",
    "valid_from",
    "valid_until",
    "time_precision",
    "certainty",
    "statement_id",
    "evidence_id",
    "statement__speaker_id",
    "statement__said_at",
    "evidence__reliability",
    "evidence__credibility",
    "evidence__captured_at",
)
# The narrow columns of a re-check scan, matching ``contradict.engine.blocking.SCAN_FIELDS``.
SCAN_FIELDS = (
    "id",
    "subject_id",
    "predicate_id",
    "object_id",
    "choice",
    "number",
    "boolean",
    "comparator",
    "polarity",
)
PREDICATE_FIELDS = (
    "id",
    "slug",
    "value_type",
    "single_valued",
    "tolerance",
    "about_tolerance",
)


def _epoch(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def predicate_facts(ids: Iterable[int] | None = None) -> dict[int, PredicateFact]:
    """Return the predicates (all of them, or those with ``ids``) as facts, in one query."""
    queryset = Predicate.objects.all()
    if ids is not None:
        queryset = queryset.filter(id__in=list(ids))
    return {row[0]: PredicateFact(*row) for row in queryset.values_list(*PREDICATE_FIELDS)}


def fact_from_row(row: Sequence[Any], predicates: Mapping[int, PredicateFact]) -> AssertionFact:
    """Return the fact of one row read with ``FACT_FIELDS``."""
    (
        pk,
        subject,
        predicate,
        obj,
        choice,
        number,
        boolean,
        comparator,
        polarity,
        valid_from,
        valid_until,
        precision,
        certainty,
        statement,
        evidence,
        speaker,
        said_at,
        reliability,
        credibility,
        captured_at,
    ) = row
    start, end = widen(valid_from, valid_until, precision)
    if statement is not None:
        origin = Origin(STATEMENT, statement, speaker=speaker, time=_epoch(said_at))
    else:
        origin = Origin(
            EVIDENCE, evidence, time=_epoch(captured_at), grade=f"{reliability}{credibility}"
        )
    return AssertionFact(
        id=pk,
        predicate=predicates[predicate],
        subject=subject,
        object=obj,
        choice=choice or None,
        number=number,
        boolean=boolean,
        comparator=comparator,
        affirmed=polarity == "affirmed",
        start=start,
        end=end,
        certainty=certainty,
        origin=origin,
    )


def draft_fact(
    *,
    id: int,
    data: Mapping[str, Any],
    predicates: Mapping[int, PredicateFact],
    speaker: int | None = None,
    said_at: datetime | None = None,
    grade: str | None = None,
) -> AssertionFact:
    """Return the fact of an unsaved assertion (fields as ``assertion_clean`` returns them).

    ``id`` should be negative so it never meets a stored id. With ``grade`` the draft is
    evidence, otherwise a statement by ``speaker``.
    """
    start, end = widen(data.get("valid_from"), data.get("valid_until"), data["time_precision"])
    if grade:
        origin = Origin(EVIDENCE, 0, time=_epoch(said_at), grade=grade)
    else:
        origin = Origin(STATEMENT, 0, speaker=speaker, time=_epoch(said_at))
    obj = data.get("object")
    return AssertionFact(
        id=id,
        predicate=predicates[data["predicate"].pk],
        subject=data["subject"].pk,
        object=obj.pk if obj is not None else None,
        choice=data.get("choice") or None,
        number=data.get("number"),
        boolean=data.get("boolean"),
        comparator=data["comparator"],
        affirmed=data["polarity"] == "affirmed",
        start=start,
        end=end,
        certainty=data["certainty"],
        origin=origin,
    )


class DbWorld:
    """Entity look-ups for the engine, loaded in batches and remembered.

    Call ``load(ids)`` with every entity a batch of facts mentions (subjects, objects,
    speakers) before running rules: it reads them and the categories they reach in a few
    queries, however many ids there are. A question about an entity not loaded costs a query.
    """

    def __init__(self) -> None:
        self._lineage: dict[int, tuple[int, ...]] = {}
        self._kind: dict[int, str] = {}
        self._memberships: dict[int, tuple[int, ...]] = {}
        self._categories: dict[int, frozenset[int]] = {}
        self._exclusions: tuple[ExclusionFact, ...] | None = None
        self._by_predicate: dict[int, tuple[ExclusionFact, ...]] = {}

    # -- loading --------------------------------------------------------------------------

    def load(self, ids: Iterable[int | None]) -> None:
        """Read the entities ``ids`` and every category they reach, in a few queries."""
        missing = {pk for pk in ids if pk is not None and pk not in self._kind}
        while missing:
            rows = list(Entity.objects.filter(id__in=missing).values_list("id", "lineage", "kind"))
            memberships: dict[int, list[int]] = {pk: [] for pk in missing}
            through = Entity.categories.through.objects.filter(from_entity_id__in=missing)
            for member, category in through.values_list("from_entity_id", "to_entity_id"):
                memberships[member].append(category)
            reached: set[int] = set()
            for pk in missing:
                self._kind.setdefault(pk, "")
                self._lineage.setdefault(pk, (pk,))
            for pk, lineage, kind in rows:
                chain = tuple(int(part) for part in lineage.strip("/").split("/") if part)
                self._lineage[pk] = chain or (pk,)
                self._kind[pk] = kind
                if kind == EntityKind.CATEGORY:
                    reached.update(chain[:-1])
            for pk, categories in memberships.items():
                self._memberships[pk] = tuple(categories)
                reached.update(categories)
            missing = {pk for pk in reached if pk not in self._kind}

    def forget(self) -> None:
        """Drop the entities read so far (a long re-check calls this between batches)."""
        self._lineage.clear()
        self._kind.clear()
        self._memberships.clear()
        self._categories.clear()

    def load_exclusions(self) -> tuple[ExclusionFact, ...]:
        """Return the active exclusion rules as facts (read once, entity slugs made ids)."""
        if self._exclusions is None:
            rows = list(
                ExclusionRule.objects.filter(active=True)
                .order_by("id")
                .values_list(
                    "id",
                    "slug",
                    "left_predicate_id",
                    "left_predicate__value_type",
                    "left_operator",
                    "left_value",
                    "right_predicate_id",
                    "right_predicate__value_type",
                    "right_operator",
                    "right_value",
                )
            )
            slugs = {
                value
                for row in rows
                for value_type, value in ((row[3], row[5]), (row[7], row[9]))
                if value_type == ValueType.ENTITY and isinstance(value, str)
            }
            ids = (
                dict(Entity.objects.filter(slug__in=slugs).values_list("slug", "id"))
                if slugs
                else {}
            )

            def condition(predicate: int, value_type: str, operator: str, value: Any) -> Condition:
                if value_type == ValueType.ENTITY and isinstance(value, str):
                    value = ids.get(value, -1)
                return Condition(predicate, operator, value)

            self._exclusions = tuple(
                ExclusionFact(
                    id=row[0],
                    slug=row[1],
                    left=condition(row[2], row[3], row[4], row[5]),
                    right=condition(row[6], row[7], row[8], row[9]),
                )
                for row in rows
            )
            by_predicate: dict[int, list[ExclusionFact]] = {}
            for exclusion in self._exclusions:
                for predicate in {exclusion.left.predicate, exclusion.right.predicate}:
                    by_predicate.setdefault(predicate, []).append(exclusion)
            self._by_predicate = {key: tuple(value) for key, value in by_predicate.items()}
        return self._exclusions

    def subcategories(self, category: int) -> set[int]:
        """Return ``category`` and every category below it (by ``part_of`` or membership)."""
        found = {category}
        frontier = {category}
        while frontier:
            condition = Q()
            for pk in frontier:
                condition |= Q(lineage__contains=f"/{pk}/") | Q(categories=pk)
            below = set(
                Entity.objects.filter(condition, kind=EntityKind.CATEGORY).values_list(
                    "id", flat=True
                )
            )
            frontier = below - found
            found |= below
        return found

    # -- the World protocol ---------------------------------------------------------------

    def lineage(self, entity: int) -> tuple[int, ...]:
        if entity not in self._lineage:
            self.load([entity])
        return self._lineage[entity]

    def categories(self, entity: int) -> frozenset[int]:
        cached = self._categories.get(entity)
        if cached is not None:
            return cached
        if entity not in self._kind:
            self.load([entity])
        found: set[int] = set()
        todo = list(self._memberships.get(entity, ()))
        if self._kind.get(entity) == EntityKind.CATEGORY:
            todo.extend(self._lineage[entity][:-1])
        while todo:
            category = todo.pop()
            if category in found:
                continue
            if category not in self._kind:
                self.load([category])
            if self._kind.get(category) != EntityKind.CATEGORY:
                continue
            found.add(category)
            todo.extend(self._memberships.get(category, ()))
            todo.extend(self._lineage[category][:-1])
        result = frozenset(found)
        self._categories[entity] = result
        return result

    def exclusions(self, predicate: int) -> tuple[ExclusionFact, ...]:
        self.load_exclusions()
        return self._by_predicate.get(predicate, ())

    def is_category(self, entity: int) -> bool:
        if entity not in self._kind:
            self.load([entity])
        return self._kind.get(entity) == EntityKind.CATEGORY
