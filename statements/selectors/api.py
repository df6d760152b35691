"""Reads that are more than a one-liner. Each returns a QuerySet with its joins chosen, so a
page of results costs a fixed number of queries whatever it holds."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from statements.models import (
    Assertion,
    Conflict,
    ConflictStatus,
    Dispute,
    DisputeMember,
    Entity,
    Evidence,
    ExclusionRule,
    Position,
    Predicate,
    Source,
    Statement,
)

User = get_user_model()

# What a position needs to be shown: its predicate, subject and object.
# ``dispute_member`` names the dispute it is in (``Position.dispute_id``).
POSITION_JOINS = ("predicate", "subject", "object", "dispute_member")
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
        # Each position's claim is shown beside its dispute's title.
        .annotate(
            supporter_total=Count("supporters"), dispute_title=F("dispute_member__dispute__title")
        )
        .order_by("id")
    )
    return Dispute.objects.select_related("verdict_position", "reviewed_by").prefetch_related(
        Prefetch("positions", queryset=positions)
    )


# --- List pages as plain values: what a list row shows, in a few narrow queries. ---
#
# A page of 50 read as model instances with 21 joins cost more to plan (12-16 ms on
# PostgreSQL) and to turn into objects than to run; as values, the page is one query on its own
# table and its positions another, each with at most three joins.

CONFLICT_ROW_COLUMNS = (
    "id",
    "rules",
    "status",
    "score",
    "pair_classes",
    "position_a_id",
    "position_b_id",
    "detected_at",
)
DISPUTE_ROW_COLUMNS = (
    "id",
    "title",
    "status",
    "score",
    "rules",
    "pair_classes",
    "verdict",
    "verdict_position_id",
    "verdict_note",
    "reviewed_at",
    "last_activity_at",
)
POSITION_ROW_COLUMNS = (
    "id",
    "subject__name",
    "predicate__name",
    "object_id",
    "object__name",
    "object__slug",
    "choice",
    "number",
    "number_high",
    "boolean",
    "comparator",
    "polarity",
    "valid_from",
    "valid_until",
    "time_precision",
)


def conflict_rows(conflicts: QuerySet[Conflict]) -> QuerySet:
    """Return ``conflicts`` (filtered and ordered) as the values a list row shows."""
    return conflicts.values(*CONFLICT_ROW_COLUMNS)


def dispute_rows(disputes: QuerySet[Dispute]) -> QuerySet:
    """Return ``disputes`` (filtered and ordered) as the values a list row shows.

    The reviewer's name is a subquery, not a join, so that the page's count reads one table.
    """
    reviewer = User.objects.filter(pk=OuterRef("reviewed_by_id")).values("username")[:1]
    return disputes.values(*DISPUTE_ROW_COLUMNS, reviewed_by__username=Subquery(reviewer))


def position_rows(*, ids: Iterable[int] = (), disputes: Iterable[int] = ()) -> list[dict]:
    """Return the positions of ``disputes`` if any are given, else the positions ``ids``, as
    values, oldest first.

    Each row has its claim's columns, the names it is read with, and ``supporter_total``.
    """
    held = (
        Assertion.objects.filter(position_id=OuterRef("pk"))
        .order_by()
        .values("position_id")
        .annotate(total=Count("id"))
        .values("total")
    )
    disputes = list(disputes)
    if disputes:
        # The members first, then the positions by id: joined in one query, the plan rests on
        # the member table's statistics, and after a full rebuild (before autovacuum analyses
        # it) the planner scanned every position, 130 ms a page at a million assertions.
        members = DisputeMember.objects.filter(dispute_id__in=disputes).order_by()
        ids = members.values_list("position_id", flat=True)
    return list(
        Position.objects.filter(id__in=list(ids))
        .order_by("id")
        .values(
            *POSITION_ROW_COLUMNS,
            dispute_id=F("dispute_member__dispute"),
            supporter_total=Coalesce(Subquery(held, output_field=IntegerField()), 0),
        )
    )


def position_holders(position_ids: Iterable[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Return, per position, the slugs of its speakers (at most 10) and its evidence grades."""
    held: dict[int, tuple[list[str], list[str]]] = {pk: ([], []) for pk in position_ids}
    rows = (
        Assertion.objects.filter(position_id__in=list(held))
        .values_list(
            "position_id",
            "statement__speaker__slug",
            "evidence__reliability",
            "evidence__credibility",
        )
        .order_by("position_id", "statement__speaker__slug")
        .distinct()
    )
    for position, speaker, reliability, credibility in rows:
        speakers, grades = held[position]
        if speaker is not None and speaker not in speakers and len(speakers) < 10:
            speakers.append(speaker)
        if reliability is not None:
            grades.append(f"{reliability}{credibility}")
    return held


def dispute_conflicts(dispute: Dispute) -> QuerySet[Conflict]:
    """Return the live conflicts between ``dispute``'s positions."""
    return conflict_list(include_retracted=False).filter(position_a__disputes=dispute)


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
    return Q(id__in=Position.objects.filter(id__in=positions).values("disputes"))


def disputes_of_speaker(disputes: QuerySet[Dispute], *, speaker: Entity, side: bool = False):
    """Return the ``disputes`` where ``speaker`` (or with ``side``, its parts) holds a position."""
    return disputes.filter(_disputes_holding(positions_of(_speaking(speaker, side))))


def disputes_of_entity(disputes: QuerySet[Dispute], *, entity: Entity):
    """Return the ``disputes`` with a position whose subject or object is ``entity``."""
    return disputes.filter(id__in=Position.objects.filter(_about(entity)).values("disputes"))


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
