"""Reads that are more than a one-liner. Each returns a QuerySet with its joins chosen, so a
page of results costs a fixed number of queries whatever it holds."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from statements.models import Conflict, ConflictStatus, Statement

_CONFLICT_JOINS = (
    "assertion_a__predicate",
    "assertion_a__subject",
    "assertion_a__object",
    "assertion_a__statement__speaker",
    "assertion_a__evidence",
    "assertion_b__predicate",
    "assertion_b__subject",
    "assertion_b__object",
    "assertion_b__statement__speaker",
    "assertion_b__evidence",
    "reviewed_by",
)


def conflict_list(*, include_retracted: bool = True) -> QuerySet[Conflict]:
    """Return conflicts, highest score first, with both assertions and their owners joined.

    Retracted conflicts are included unless ``include_retracted`` is false (readers filter on
    ``status``).
    """
    queryset = Conflict.objects.select_related(*_CONFLICT_JOINS)
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
