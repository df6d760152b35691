"""Statements and evidence, written together with their assertions in one transaction.

After every write the changed assertions are checked against the record
(``conflicts_check_assertions``), so the API, the admin and the seed loader all find conflicts
the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from statements.models import Assertion, Evidence, Statement
from statements.services.conflicts import conflicts_check_assertions, conflicts_forget_assertions
from statements.services.validation import assertion_clean

STATEMENT_FIELDS = ("speaker", "source", "said_at", "said_at_precision", "quote", "context", "ref")
EVIDENCE_FIELDS = (
    "kind",
    "title",
    "source",
    "captured_at",
    "captured_at_precision",
    "place",
    "reliability",
    "credibility",
    "description",
    "media_url",
    "media_sha256",
    "ref",
)


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(
            {f"{prefix}.{field}": errors for field, errors in error.error_dict.items()}
        )
    return ValidationError({prefix: error.messages})


def _clean_all(assertions: Iterable[Mapping[str, Any]]) -> list[tuple[int | None, dict[str, Any]]]:
    cleaned = []
    for index, data in enumerate(assertions):
        try:
            cleaned.append((data.get("id"), assertion_clean(data=data)))
        except ValidationError as error:
            raise _prefixed(error, f"assertions.{index}") from error
    return cleaned


def _full_clean(record: Statement | Evidence) -> None:
    # Relations and ``ref`` uniqueness are checked here too, so a bad field is named, not a 500.
    record.full_clean(exclude=["created_by"])


def _replace_assertions(
    *, owner_field: str, owner: Statement | Evidence, assertions: Iterable[Mapping[str, Any]]
) -> list[int]:
    """Make ``owner``'s assertions exactly ``assertions``; return the ids created or changed.

    An item with an ``id`` updates that assertion in place (so its conflicts keep their
    reviews); items without one are created; assertions left out are deleted.
    """
    cleaned = _clean_all(assertions)
    existing = {a.pk: a for a in Assertion.objects.filter(**{owner_field: owner})}
    kept_ids = set()
    touched: list[int] = []
    for index, (assertion_id, fields) in enumerate(cleaned):
        if assertion_id is not None:
            assertion = existing.get(assertion_id)
            if assertion is None:
                raise ValidationError(
                    {f"assertions.{index}.id": f"Assertion {assertion_id} does not belong here."}
                )
            kept_ids.add(assertion_id)
        else:
            assertion = Assertion(**{owner_field: owner})
        for name, value in fields.items():
            setattr(assertion, name, value)
        assertion.save()
        touched.append(assertion.pk)
    removed = [pk for pk in existing if pk not in kept_ids]
    if removed:
        conflicts_forget_assertions(assertion_ids=removed)
        Assertion.objects.filter(pk__in=removed).delete()
    return touched


def _write(
    *,
    record: Statement | Evidence,
    owner_field: str,
    allowed: tuple[str, ...],
    assertions: Iterable[Mapping[str, Any]] | None,
    fields: Mapping[str, Any],
) -> None:
    """Save ``record`` with ``fields``; replace its assertions when given; check what changed."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields for {owner_field}: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(record, name, value)
    _full_clean(record)
    record.save()
    if assertions is None:
        touched = list(record.assertions.values_list("pk", flat=True))
    else:
        touched = _replace_assertions(owner_field=owner_field, owner=record, assertions=assertions)
    conflicts_check_assertions(assertion_ids=touched)


@transaction.atomic
def statement_create(
    *, assertions: Iterable[Mapping[str, Any]] = (), created_by=None, **fields: Any
) -> Statement:
    """Create a statement with its assertions and check them against the record.

    ``fields`` are the statement's: ``speaker``, ``source``, ``said_at``, ``quote`` and
    optionally ``said_at_precision``, ``context``, ``ref``.
    """
    statement = Statement(created_by=created_by)
    _write(
        record=statement,
        owner_field="statement",
        allowed=STATEMENT_FIELDS,
        assertions=assertions,
        fields=fields,
    )
    return statement


@transaction.atomic
def statement_update(
    *, statement: Statement, assertions: Iterable[Mapping[str, Any]] | None = None, **fields: Any
) -> Statement:
    """Change a statement's fields and, when given, replace its assertions; re-check them."""
    _write(
        record=statement,
        owner_field="statement",
        allowed=STATEMENT_FIELDS,
        assertions=assertions,
        fields=fields,
    )
    return statement


@transaction.atomic
def evidence_create(
    *, assertions: Iterable[Mapping[str, Any]] = (), created_by=None, **fields: Any
) -> Evidence:
    """Create an evidence item with its assertions and check them against the record.

    ``fields`` are the item's: ``kind``, ``title``, ``source``, ``reliability``,
    ``credibility`` and optionally the rest of ``EVIDENCE_FIELDS``.
    """
    evidence = Evidence(created_by=created_by)
    _write(
        record=evidence,
        owner_field="evidence",
        allowed=EVIDENCE_FIELDS,
        assertions=assertions,
        fields=fields,
    )
    return evidence


@transaction.atomic
def evidence_update(
    *, evidence: Evidence, assertions: Iterable[Mapping[str, Any]] | None = None, **fields: Any
) -> Evidence:
    """Change an evidence item and, when given, replace its assertions; re-check them."""
    _write(
        record=evidence,
        owner_field="evidence",
        allowed=EVIDENCE_FIELDS,
        assertions=assertions,
        fields=fields,
    )
    return evidence
