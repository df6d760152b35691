"""A World held in memory: for tests, drafts and anything that already has the entities."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from contradict.engine.facts import ExclusionFact


class StaticWorld:
    """Answer entity questions from plain mappings.

    ``parents`` maps an entity to its ``part_of``; ``memberships`` maps an entity to the
    categories it is directly in; ``category_ids`` lists the categories. A category's
    super-categories are its ``part_of`` ancestors and its own memberships.
    """

    def __init__(
        self,
        *,
        parents: Mapping[int, int | None] | None = None,
        memberships: Mapping[int, Iterable[int]] | None = None,
        category_ids: Iterable[int] = (),
        exclusions: Iterable[ExclusionFact] = (),
    ) -> None:
        self._parents = dict(parents or {})
        self._memberships = {key: frozenset(value) for key, value in (memberships or {}).items()}
        self._category_ids = frozenset(category_ids)
        self._exclusions = tuple(exclusions)

    def lineage(self, entity: int) -> tuple[int, ...]:
        chain = [entity]
        seen = {entity}
        parent = self._parents.get(entity)
        while parent is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = self._parents.get(parent)
        return tuple(reversed(chain))

    def categories(self, entity: int) -> frozenset[int]:
        found: set[int] = set()
        todo = list(self._memberships.get(entity, ()))
        if entity in self._category_ids:
            todo.extend(c for c in self.lineage(entity)[:-1] if c in self._category_ids)
        while todo:
            category = todo.pop()
            if category in found:
                continue
            found.add(category)
            todo.extend(self._memberships.get(category, ()))
            todo.extend(c for c in self.lineage(category)[:-1] if c in self._category_ids)
        return frozenset(found)

    def exclusions(self, predicate: int) -> tuple[ExclusionFact, ...]:
        return tuple(
            rule
            for rule in self._exclusions
            if predicate in (rule.left.predicate, rule.right.predicate)
        )

    def is_category(self, entity: int) -> bool:
        return entity in self._category_ids
