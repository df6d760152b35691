"""Reads that are more than a one-liner. Each returns a QuerySet with its joins chosen, so a
page of results costs a fixed number of queries whatever it holds."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery

from statements.models import (
    Assertion,
    Conflict,
    ConflictStatus,
    Dispute,
    Entity,
    Evidence,
    ExclusionRule,
    Position,
    Predicate,
    Source,
    Statement,
)

# What a position needs to be shown: its predicate, subject and object.
POSITION_JOINS = ("predicate", "subject", "object")
_CONFLICT_JOINS = tuple(f"position_{side}__{name}" for side in "ab" for name in POSITION_JOINS)


def _supporter_count(position: str) -> Subquery:
    """Return how many assertions hold the conflict's ``position`` side, as a subquery."""
    held = (
        Assertion.objects.filter(position_id=OuterRef(f"{position}_id"))
        .order_by()
        .values("position_id")
        .annotate(total=Count("id"))
        .values("total")
    )
    return Subquery(held, output_field=IntegerField())


def conflict_list(*, include_retracted: bool = True) -> QuerySet[Conflict]:
    """Return conflicts, highest score first, with both positions joined.

    Retracted conflicts are included unless ``include_retracted`` is false (readers filter on
    ``status``). Each side's supporter count comes with the page, in the same query.
    """
    queryset = Conflict.objects.select_related(*_CONFLICT_JOINS).annotate(
        position_a_supporters=_supporter_count("position_a"),
        position_b_supporters=_supporter_count("position_b"),
    )
    if not include_retracted:
        queryset = queryset.exclude(status=ConflictStatus.RETRACTED)
    return queryset


def dispute_list() -> QuerySet[Dispute]:
    """Return disputes, highest score and latest activity first, with their positions loaded."""
    positions = (
        Position.objects.select_related(*POSITION_JOINS)
        .annotate(supporter_total=Count("supporters"))
        .order_by("id")
    )
    return Dispute.objects.select_related("verdict_position", "reviewed_by").prefetch_related(
        Prefetch("positions", queryset=positions)
    )


def dispute_conflicts(dispute: Dispute) -> QuerySet[Conflict]:
    """Return the live conflicts between ``dispute``'s positions."""
    return conflict_list(include_retracted=False).filter(position_a__dispute=dispute)


def position_supporters(position_ids: Iterable[int]) -> QuerySet[Assertion]:
    """Return the assertions that hold ``position_ids``, oldest said or captured first."""
    return (
        Assertion.objects.filter(position_id__in=list(position_ids))
        .select_related(*OWNER_JOINS)
        .order_by("position_id", "statement__said_at", "evidence__captured_at", "id")
    )


def supporter_positions(**lookups) -> QuerySet:
    """Return the ids of positions held by an assertion matching ``lookups`` (a subquery)."""
    return Assertion.objects.filter(**lookups).values("position_id")


def positions_of(condition: Q) -> QuerySet:
    """Return the ids of positions held by an assertion matching ``condition`` (a subquery)."""
    return Assertion.objects.filter(condition).values("position_id")


def _either_position(positions) -> Q:
    return Q(position_a_id__in=positions) | Q(position_b_id__in=positions)


def conflicts_of_statement(conflicts: QuerySet[Conflict], *, statement_id: int):
    """Return the ``conflicts`` with a position the statement holds on either side."""
    return conflicts.filter(_either_position(supporter_positions(statement_id=statement_id)))


def conflicts_of_evidence(conflicts: QuerySet[Conflict], *, evidence_id: int):
    """Return the ``conflicts`` with a position the evidence item holds on either side."""
    return conflicts.filter(_either_position(supporter_positions(evidence_id=evidence_id)))


def _speaking(speaker: Entity, side: bool) -> Q:
    if side and speaker.lineage:
        return Q(statement__speaker__lineage__startswith=speaker.lineage)
    return Q(statement__speaker=speaker)


def conflicts_of_speaker(conflicts: QuerySet[Conflict], *, speaker: Entity, side: bool = False):
    """Return the ``conflicts`` where ``speaker`` holds either side.

    With ``side``, include everyone ``part_of`` the speaker (a ministry's spokesman, a state's
    army), found through the materialised lineage.
    """
    return conflicts.filter(_either_position(positions_of(_speaking(speaker, side))))


def _about(entity: Entity) -> Q:
    return Q(subject=entity) | Q(object=entity)


def conflicts_involving_entity(conflicts: QuerySet[Conflict], *, entity: Entity):
    """Return the ``conflicts`` where ``entity`` is the subject or object of either side."""
    about = Position.objects.filter(_about(entity)).values("id")
    return conflicts.filter(_either_position(about))


def conflicts_of_entity(conflicts: QuerySet[Conflict], *, entity: Entity, side: bool = False):
    """Return the ``conflicts`` where ``entity`` speaks on either side or is claimed about."""
    about = Position.objects.filter(_about(entity)).values("id")
    speaking = positions_of(_speaking(entity, side))
    return conflicts.filter(_either_position(about) | _either_position(speaking))


def _disputes_holding(positions) -> Q:
    return Q(id__in=Position.objects.filter(id__in=positions).values("dispute_id"))


def disputes_of_speaker(disputes: QuerySet[Dispute], *, speaker: Entity, side: bool = False):
    """Return the ``disputes`` where ``speaker`` (or with ``side``, its parts) holds a position."""
    return disputes.filter(_disputes_holding(positions_of(_speaking(speaker, side))))


def disputes_of_entity(disputes: QuerySet[Dispute], *, entity: Entity):
    """Return the ``disputes`` with a position whose subject or object is ``entity``."""
    return disputes.filter(id__in=Position.objects.filter(_about(entity)).values("dispute_id"))


def disputes_of_record(disputes: QuerySet[Dispute], **owner) -> QuerySet[Dispute]:
    """Return the ``disputes`` a statement or evidence item (``statement_id=...``) is in."""
    return disputes.filter(_disputes_holding(supporter_positions(**owner)))


# --- The catalogue and the record, as the API lists them. ---

# What an assertion needs to be shown in full: its predicate, subject, object and owner.
ASSERTION_JOINS = ("predicate", "subject", "object")
OWNER_JOINS = (
    "statement__speaker",
    "statement__source",
    "evidence__source",
    "evidence__place",
)


def entity_list() -> QuerySet[Entity]:
    """Return entities with their parent and categories loaded."""
    return Entity.objects.select_related("part_of").prefetch_related(
        Prefetch("categories", queryset=Entity.objects.only("id", "slug"))
    )


def source_list() -> QuerySet[Source]:
    """Return sources."""
    return Source.objects.all()


def predicate_list() -> QuerySet[Predicate]:
    """Return predicates."""
    return Predicate.objects.all()


def exclusion_rule_list() -> QuerySet[ExclusionRule]:
    """Return exclusion rules with both predicates loaded."""
    return ExclusionRule.objects.select_related("left_predicate", "right_predicate")


def _assertions_prefetch() -> Prefetch:
    return Prefetch("assertions", queryset=Assertion.objects.select_related(*ASSERTION_JOINS))


def statement_list() -> QuerySet[Statement]:
    """Return statements with speaker, source, author and their assertions loaded."""
    return Statement.objects.select_related("speaker", "source", "created_by").prefetch_related(
        _assertions_prefetch()
    )


def evidence_list() -> QuerySet[Evidence]:
    """Return evidence items with source, place, author and their assertions loaded."""
    return Evidence.objects.select_related("source", "place", "created_by").prefetch_related(
        _assertions_prefetch()
    )


def assertion_list() -> QuerySet[Assertion]:
    """Return assertions with their values and owner (statement or evidence) loaded."""
    return Assertion.objects.select_related(*ASSERTION_JOINS, *OWNER_JOINS)


def statements_about(statements: QuerySet[Statement], *, entity: Entity):
    """Return the ``statements`` with an assertion whose subject or object is ``entity``."""
    ids = Assertion.objects.filter(Q(subject=entity) | Q(object=entity), statement__isnull=False)
    return statements.filter(pk__in=ids.values("statement_id"))


def evidence_about(evidence: QuerySet[Evidence], *, entity: Entity):
    """Return the ``evidence`` with an assertion whose subject or object is ``entity``."""
    ids = Assertion.objects.filter(Q(subject=entity) | Q(object=entity), evidence__isnull=False)
    return evidence.filter(pk__in=ids.values("evidence_id"))
