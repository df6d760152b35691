"""Reads that are more than a one-liner. Each returns a QuerySet with its joins chosen, so a
page of results costs a fixed number of queries whatever it holds."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from statements.models import (
    Assertion,
    Conflict,
    ConflictStatus,
    Entity,
    Evidence,
    ExclusionRule,
    Predicate,
    Source,
    Statement,
)

_CONFLICT_JOINS = (
    "assertion_a__predicate",
    "assertion_a__subject",
    "assertion_a__object",
    "assertion_a__statement__speaker",
    "assertion_a__statement__source",
    "assertion_a__evidence",
    "assertion_a__evidence__source",
    "assertion_a__evidence__place",
    "assertion_b__predicate",
    "assertion_b__subject",
    "assertion_b__object",
    "assertion_b__statement__speaker",
    "assertion_b__statement__source",
    "assertion_b__evidence",
    "assertion_b__evidence__source",
    "assertion_b__evidence__place",
    "reviewed_by",
)


# Columns of the joined rows that a conflict's output never shows. Left unread, they cost
# neither the transfer nor the decoding (JSON lists, timestamps) nor the setattr per row: on a
# page of 50 conflicts that is some 600 values. Read one anyway and it loads on access.
_ENTITY_UNSHOWN = ("aliases", "description", "lineage", "part_of")
_SIDE_UNSHOWN = (
    *(
        f"predicate__{name}"
        for name in (
            "name",
            "description",
            "value_type",
            "choices",
            "single_valued",
            "tolerance",
            "about_tolerance",
            "subject_kinds",
            "object_kinds",
        )
    ),
    *(f"{entity}__{name}" for entity in ("subject", "object") for name in _ENTITY_UNSHOWN),
    *(f"statement__{name}" for name in ("context", "created_by", "created_at", "updated_at")),
    *(f"statement__speaker__{name}" for name in _ENTITY_UNSHOWN),
    *(
        f"evidence__{name}"
        for name in ("description", "media_sha256", "created_by", "created_at", "updated_at")
    ),
    *(f"evidence__place__{name}" for name in _ENTITY_UNSHOWN),
)
_CONFLICT_UNSHOWN = (
    *(f"{side}__{name}" for side in ("assertion_a", "assertion_b") for name in _SIDE_UNSHOWN),
    *(
        f"reviewed_by__{name}"
        for name in (
            "password",
            "last_login",
            "is_superuser",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        )
    ),
)


def conflict_list(*, include_retracted: bool = True) -> QuerySet[Conflict]:
    """Return conflicts, highest score first, with both assertions and their owners joined.

    Retracted conflicts are included unless ``include_retracted`` is false (readers filter on
    ``status``). The joined rows carry only the columns a conflict's output shows; the
    conflict's own are all read (a review saves it).
    """
    queryset = Conflict.objects.select_related(*_CONFLICT_JOINS).defer(*_CONFLICT_UNSHOWN)
    if not include_retracted:
        queryset = queryset.exclude(status=ConflictStatus.RETRACTED)
    return queryset


def assertion_conflicts(
    *, assertion_ids: Iterable[int], include_retracted: bool = False
) -> QuerySet[Conflict]:
    """Return the conflicts in which any of ``assertion_ids`` takes part."""
    ids = list(assertion_ids)
    return conflict_list(include_retracted=include_retracted).filter(
        Q(assertion_a_id__in=ids) | Q(assertion_b_id__in=ids)
    )


def statement_conflicts(
    *, statement: Statement, include_retracted: bool = False
) -> QuerySet[Conflict]:
    """Return the conflicts of ``statement``'s assertions."""
    return conflict_list(include_retracted=include_retracted).filter(
        Q(assertion_a__statement=statement) | Q(assertion_b__statement=statement)
    )


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


def _either_side(**lookups) -> Q:
    condition = Q()
    for side in ("assertion_a", "assertion_b"):
        for lookup, value in lookups.items():
            condition |= Q(**{f"{side}__{lookup}": value})
    return condition


def conflicts_of_statement(conflicts: QuerySet[Conflict], *, statement_id: int):
    """Return the ``conflicts`` with an assertion of the statement on either side."""
    return conflicts.filter(_either_side(statement_id=statement_id))


def conflicts_of_evidence(conflicts: QuerySet[Conflict], *, evidence_id: int):
    """Return the ``conflicts`` with an assertion of the evidence item on either side."""
    return conflicts.filter(_either_side(evidence_id=evidence_id))


def conflicts_of_speaker(conflicts: QuerySet[Conflict], *, speaker: Entity, side: bool = False):
    """Return the ``conflicts`` where ``speaker`` said either side.

    With ``side``, include everyone ``part_of`` the speaker (a ministry's spokesman, a state's
    army), found through the materialised lineage.
    """
    if side and speaker.lineage:
        return conflicts.filter(
            _either_side(statement__speaker__lineage__startswith=speaker.lineage)
        )
    return conflicts.filter(_either_side(statement__speaker=speaker))


def conflicts_involving_entity(conflicts: QuerySet[Conflict], *, entity: Entity):
    """Return the ``conflicts`` where ``entity`` is the subject or object of either side."""
    return conflicts.filter(_either_side(subject=entity, object=entity))


def conflicts_of_entity(conflicts: QuerySet[Conflict], *, entity: Entity, side: bool = False):
    """Return the ``conflicts`` where ``entity`` speaks on either side or is claimed about."""
    speaking = (
        _either_side(statement__speaker__lineage__startswith=entity.lineage)
        if side and entity.lineage
        else _either_side(statement__speaker=entity)
    )
    return conflicts.filter(speaking | _either_side(subject=entity, object=entity))


def statements_about(statements: QuerySet[Statement], *, entity: Entity):
    """Return the ``statements`` with an assertion whose subject or object is ``entity``."""
    ids = Assertion.objects.filter(Q(subject=entity) | Q(object=entity), statement__isnull=False)
    return statements.filter(pk__in=ids.values("statement_id"))


def evidence_about(evidence: QuerySet[Evidence], *, entity: Entity):
    """Return the ``evidence`` with an assertion whose subject or object is ``entity``."""
    ids = Assertion.objects.filter(Q(subject=entity) | Q(object=entity), evidence__isnull=False)
    return evidence.filter(pk__in=ids.values("evidence_id"))
