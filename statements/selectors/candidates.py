"""The engine's reads: positions that may clash, and the supporters of positions.

Every read goes through an index on the position table (subject + predicate, predicate +
object) or the assertion table's position key, so checking a new statement costs the same on
a corpus of ten thousand assertions as on one of a million.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.db.models import Q

from contradict.engine import is_generic_claim
from contradict.engine.blocking import exclusion_partners
from contradict.engine.facts import AssertionFact, PredicateFact, Supporter
from statements.engine_io import (
    DbWorld,
    fact_columns,
    fact_from_row,
    id_chunk,
    id_in,
    predicate_facts,
    rows_by_id,
    supporter_columns,
    supporter_from_row,
)
from statements.models import Assertion, Entity, Polarity, Position


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """Yield lists of at most ``size`` items of ``items``, in order."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def load_facts(rows: Iterable[Sequence], predicates: dict[int, PredicateFact]) -> list:
    """Return the facts of position rows, reading the predicates not yet in ``predicates``."""
    rows = list(rows)
    missing = {row[2] for row in rows} - predicates.keys()
    if missing:
        predicates.update(predicate_facts(missing))
    return [fact_from_row(row, predicates) for row in rows]


def position_facts(
    position_ids: Iterable[int], predicates: dict[int, PredicateFact]
) -> list[AssertionFact]:
    """Return the facts of the positions ``position_ids``, one query per ``id_chunk()`` ids."""
    rows: list = []
    for chunk in chunks(sorted(set(position_ids)), id_chunk()):
        rows.extend(rows_by_id("position facts", _position_fact_query, chunk))
    return load_facts(rows, predicates)


def _position_fact_query(ids: list[int]):
    return id_in(Position.objects.order_by(), ids).values_list(*fact_columns())


def mentioned(facts: Iterable[AssertionFact]) -> set[int]:
    """Return the entity ids ``facts`` name (subjects and objects), for ``DbWorld.load``."""
    ids: set[int] = set()
    for fact in facts:
        ids.add(fact.subject)
        if fact.object is not None:
            ids.add(fact.object)
    return ids


def lineage_text(chain: Sequence[int]) -> str:
    return "/" + "/".join(map(str, chain)) + "/"


def _generic_condition(facts: Sequence[AssertionFact], world: DbWorld) -> Q | None:
    """Return the condition that finds the generic partners of ``facts``, or ``None``.

    An affirmed entity claim meets the denied claims about its object's categories whose
    subject is its subject or above it; a generic claim meets the affirmed claims about the
    members of its category (or its sub-categories) whose subject is at or below its own.
    """
    condition = Q()
    any_part = False
    for fact in facts:
        if fact.predicate.value_type != "entity" or fact.object is None:
            continue
        if fact.affirmed:
            categories = world.categories(fact.object)
            if categories:
                condition |= Q(
                    predicate_id=fact.predicate.id,
                    polarity=Polarity.DENIED,
                    object_id__in=sorted(categories),
                    subject_id__in=list(world.lineage(fact.subject)),
                )
                any_part = True
        elif is_generic_claim(fact, world):
            below = world.subcategories(fact.object)
            members = Q(object__categories__in=sorted(below))
            if len(below) > 1:
                members |= Q(object_id__in=sorted(below - {fact.object}))
            condition |= (
                Q(
                    predicate_id=fact.predicate.id,
                    polarity=Polarity.AFFIRMED,
                    subject__lineage__startswith=lineage_text(world.lineage(fact.subject)),
                )
                & members
            )
            any_part = True
    return condition if any_part else None


def candidates_for(
    facts: Sequence[AssertionFact], world: DbWorld, predicates: dict[int, PredicateFact]
) -> list[AssertionFact]:
    """Return the stored positions that may clash with ``facts``, in at most two queries.

    Same subject with the same or an exclusion-partner predicate through the (subject,
    predicate) index; generic claims and their instances through (predicate, object).
    """
    if not facts:
        return []
    partners = exclusion_partners(world.load_exclusions())
    subjects = {fact.subject for fact in facts}
    wanted = set()
    for fact in facts:
        wanted.add(fact.predicate.id)
        wanted.update(partners.get(fact.predicate.id, ()))
    rows = rows_by_id("same subject", _same_subject_query, sorted(subjects), sorted(wanted))
    generic = _generic_condition(facts, world)
    if generic is not None:
        seen = {row[0] for row in rows}
        for row in Position.objects.filter(generic).distinct().values_list(*fact_columns()):
            if row[0] not in seen:
                seen.add(row[0])
                rows.append(row)
    candidates = load_facts(rows, predicates)
    world.load(mentioned(candidates))
    return candidates


def _same_subject_query(subjects: list[int], predicates: list[int]):
    on_subjects = id_in(Position.objects.all(), subjects, "subject_id")
    return id_in(on_subjects, predicates, "predicate_id").values_list(*fact_columns())


def generic_instances(
    generics: Sequence[AssertionFact], world: DbWorld, predicates: dict[int, PredicateFact]
) -> dict[int, list[AssertionFact]]:
    """Return the instance positions each generic claim (by id) may clash with.

    The same candidates as ``_generic_condition`` (affirmed, same predicate, the subject at or
    below the claim's, the object a member of the category or of a category below it, or one
    of those categories), read in two indexed queries instead of one OR of joins: the claims'
    subjects and what lies below them (by lineage prefix), then those subjects' positions on
    the claims' predicates through the (subject, predicate) index. Generic claims sit on
    narrow subjects and broad categories, so the subjects are what keeps this small.
    """
    if not generics:
        return {}
    prefixes = {fact.subject: lineage_text(world.lineage(fact.subject)) for fact in generics}
    condition = Q()
    for prefix in sorted(set(prefixes.values())):
        condition |= Q(lineage__startswith=prefix)
    below_subject: dict[int, set[int]] = {subject: set() for subject in prefixes}
    for pk, lineage in Entity.objects.filter(condition).values_list("id", "lineage"):
        for subject, prefix in prefixes.items():
            if lineage.startswith(prefix):
                below_subject[subject].add(pk)
    objects: dict[int, frozenset[int]] = {}
    for fact in generics:
        if fact.object not in objects:
            below = world.subcategories(fact.object)
            members = world.members(below)
            found = set(below - {fact.object})
            found.update(*members.values())
            objects[fact.object] = frozenset(found)
    subjects = sorted(set().union(*below_subject.values()))
    wanted = sorted({fact.predicate.id for fact in generics})
    rows: list = []
    for chunk in chunks(subjects, id_chunk()):
        affirmed = Position.objects.filter(predicate_id__in=wanted, polarity=Polarity.AFFIRMED)
        rows.extend(id_in(affirmed, chunk, "subject_id").values_list(*fact_columns()))
    instances = load_facts(rows, predicates)
    world.load(mentioned(instances))
    return {
        fact.id: [
            instance
            for instance in instances
            if instance.predicate.id == fact.predicate.id
            and instance.object in objects[fact.object]
            and instance.subject in below_subject[fact.subject]
        ]
        for fact in generics
    }


def supporters_of(position_ids: Iterable[int]) -> dict[int, list[Supporter]]:
    """Return the supporters of each position, through the assertions' position index."""
    found: dict[int, list[Supporter]] = defaultdict(list)
    for chunk in chunks(sorted(set(position_ids)), id_chunk()):
        for row in rows_by_id("supporters", _supporter_query, chunk):
            supporter = supporter_from_row(row)
            found[supporter.position].append(supporter)
    return found


def _supporter_query(position_ids: list[int]):
    assertions = id_in(Assertion.objects.order_by(), position_ids, "position_id")
    return assertions.values_list(*supporter_columns())
