"""Statements and evidence, written together with their assertions in one transaction.

Every assertion saved here gets its position (``positions_assign``); after every write the
positions it touched are checked against the record (``conflicts_check_positions``), so the
API, the admin and the seed loader all find conflicts and disputes the same way. A bulk writer
(the seed loader) wraps its writes in ``conflict_checks_deferred()`` to check everything it
wrote once at the end instead of record by record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from statements.languages import language_tag_clean
from statements.models import Assertion, Evidence, Statement
from statements.services.block_locks import positions_blocks_lock
from statements.services.conflicts import conflicts_check_positions, neighbours_of
from statements.services.disputes import disputes_close_emptied, disputes_held
from statements.services.history_writes import create_with_history
from statements.services.positions import positions_assign, positions_delete, positions_unheld
from statements.services.validation import assertion_clean

STATEMENT_FIELDS = (
    "speaker",
    "source",
    "said_at",
    "said_at_precision",
    "quote",
    "context",
    "language",
    "ref",
)
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


# How many positions a deferred check reads at once: the candidates of a batch are compared
# with all of the batch, so an unbounded batch would grow quadratically.
DEFERRED_BATCH = 500

# The position ids touched inside ``conflict_checks_deferred``, or None outside it.
_deferred: ContextVar[set[int] | None] = ContextVar("deferred_conflict_checks", default=None)


@contextmanager
def conflict_checks_deferred() -> Iterator[None]:
    """Collect the positions the record services touch, and check them all on a clean exit.

    Checking each record as it is written reads its candidates and upserts its conflicts one
    record at a time; a loader writing many records checks them together instead, in batches
    of ``DEFERRED_BATCH``. The conflicts found are the same: every batch meets all the
    assertions written before it through the database, and each other within the batch. If
    the block raises, nothing is checked (its transaction rolls back anyway). Nested blocks
    leave the checking to the outermost one.
    """
    if _deferred.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    _check_now(pending)


def _check_now(position_ids: Iterable[int]) -> None:
    ids = sorted(position_ids)
    for start in range(0, len(ids), DEFERRED_BATCH):
        conflicts_check_positions(position_ids=ids[start : start + DEFERRED_BATCH])


def conflicts_check_later(*, position_ids: Iterable[int]) -> None:
    """Check ``position_ids`` now, or at the end of the enclosing ``conflict_checks_deferred``."""
    pending = _deferred.get()
    if pending is None:
        _check_now(position_ids)
    else:
        pending.update(position_ids)


def positions_settle(*, before: Iterable[int], after: Iterable[int]) -> None:
    """Check what a write did to positions: ``before`` and ``after`` it, of the records touched.

    Positions left without supporters go, with their conflicts; the positions they clashed
    with are checked again (their disputes may split or close), and so is every position that
    gained or lost a supporter (its conflicts' scores and supporter pairs change).
    """
    before, after = set(before), set(after)
    pruned = set(positions_unheld(position_ids=before - after))
    if pruned:
        # Before their neighbours are read: a concurrent writer of a claim that clashes with
        # them waits until this commits, then finds them gone (see block_locks). The blocks
        # this write checks next are locked in the same sorted set, so two such writes wait
        # for each other instead of deadlocking; the check then takes them again at no cost.
        positions_blocks_lock(position_ids=before | after)
    neighbours = neighbours_of(pruned)
    held = disputes_held(position_ids=pruned)
    positions_delete(position_ids=pruned)
    # A dispute whose every position went has no position left to be checked through.
    disputes_close_emptied(dispute_ids=held)
    pending = _deferred.get()
    if pending is not None:
        pending.difference_update(pruned)
    conflicts_check_later(position_ids=((before | after) - pruned) | neighbours)


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(
            {f"{prefix}.{field}": errors for field, errors in error.error_dict.items()}
        )
    return ValidationError({prefix: error.messages})


def clean_assertions(
    assertions: Iterable[Mapping[str, Any]],
) -> list[tuple[int | None, dict[str, Any]]]:
    """Return ``(id, cleaned fields)`` for each item, or raise naming ``assertions.N.field``."""
    cleaned = []
    for index, data in enumerate(assertions):
        try:
            cleaned.append((data.get("id"), assertion_clean(data=data)))
        except ValidationError as error:
            raise _prefixed(error, f"assertions.{index}") from error
    return cleaned


def _language_clean(statement: Statement) -> None:
    """Keep the statement's language tag in its standard form; default a new one's."""
    if statement.pk is None and not statement.language:
        statement.language = settings.CONTRADICT_STATEMENT_LANGUAGE
    try:
        statement.language = language_tag_clean(statement.language)
    except ValidationError as error:
        raise ValidationError({"language": error.messages}) from error


def _full_clean(record: Statement | Evidence) -> None:
    # Relations and ``ref`` uniqueness are checked here too, so a bad field is named, not a 500.
    # A relation given as a row already read (the API's serializers and the admin's forms look
    # each one up) is not looked up a second time.
    read = [
        field.name
        for field in record._meta.concrete_fields
        if field.is_relation
        and field.name in record._state.fields_cache
        and getattr(record, field.name) is not None
        and not getattr(record, field.name)._state.adding
    ]
    record.full_clean(exclude=["created_by", *read])


def _replace_assertions(
    *,
    owner_field: str,
    owner: Statement | Evidence,
    assertions: Iterable[Mapping[str, Any]],
    new: bool = False,
) -> tuple[set[int], set[int]]:
    """Make ``owner``'s assertions exactly ``assertions``; return the positions before and after.

    An item with an ``id`` updates that assertion in place (so its conflicts keep their
    reviews). An item without one that says exactly what an unclaimed assertion of ``owner``
    says (its note aside) is matched to it, the first in id order, and updated in place too:
    a client resending a record without ids must not lose its reviews. The other items are
    created; assertions left out are deleted. A ``new`` owner has none yet, so none are read.
    """
    cleaned = clean_assertions(assertions)
    held = Assertion.objects.filter(**{owner_field: owner}).order_by("pk")
    existing = {} if new else {a.pk: a for a in held}
    claimed: set[int] = set()
    for index, (assertion_id, _fields) in enumerate(cleaned):
        if assertion_id is None:
            continue
        if assertion_id not in existing:
            raise ValidationError(
                {f"assertions.{index}.id": f"Assertion {assertion_id} does not belong here."}
            )
        claimed.add(assertion_id)
    before = {a.position_id for a in existing.values()}
    saved: list[Assertion] = []
    for assertion_id, fields in cleaned:
        if assertion_id is not None:
            assertion = existing[assertion_id]
        else:
            content = Assertion.claim_of(fields)
            assertion = next(
                (
                    candidate
                    for pk, candidate in existing.items()
                    if pk not in claimed and candidate.claim() == content
                ),
                None,
            )
            if assertion is None:
                assertion = Assertion(**{owner_field: owner})
            else:
                claimed.add(assertion.pk)
        for name, value in fields.items():
            setattr(assertion, name, value)
        saved.append(assertion)
    positions_assign(assertions=saved)
    for assertion in saved:
        if assertion.pk is not None:
            assertion.save()
    # New assertions and their history rows go in one batch, however many they are.
    create_with_history([a for a in saved if a.pk is None], Assertion, date=timezone.now())
    removed = [pk for pk in existing if pk not in claimed]
    if removed:
        Assertion.objects.filter(pk__in=removed).delete()
    return before, {assertion.position_id for assertion in saved}


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
    if isinstance(record, Statement):
        _language_clean(record)
    _full_clean(record)
    new = record.pk is None
    if new:
        # The row and its history row in one statement (on PostgreSQL); the related objects
        # are checked as ``save()`` checks them.
        record._prepare_related_fields_for_save(operation_name="save")
        create_with_history([record], type(record), date=timezone.now())
    else:
        record.save()
    if assertions is None:
        # The record's own fields (speaker, time, grade) change its supporters' pair classes.
        held = set(record.assertions.values_list("position_id", flat=True))
        positions_settle(before=held, after=held)
    else:
        before, after = _replace_assertions(
            owner_field=owner_field, owner=record, assertions=assertions, new=new
        )
        positions_settle(before=before, after=after)


def _delete(record: Statement | Evidence) -> None:
    # The record and its assertions go together (history keeps both); positions no one else
    # holds go with their conflicts, and the rest are checked again.
    held = set(record.assertions.values_list("position_id", flat=True))
    record.delete()
    positions_settle(before=held, after=())


@transaction.atomic
def statement_create(
    *, assertions: Iterable[Mapping[str, Any]] = (), created_by=None, **fields: Any
) -> Statement:
    """Create a statement with its assertions and check them against the record.

    ``fields`` are the statement's: ``speaker``, ``source``, ``said_at``, ``quote`` and
    optionally ``said_at_precision``, ``context``, ``language`` (a BCP 47 tag, stored in its
    standard form; ``CONTRADICT_STATEMENT_LANGUAGE`` when left out), ``ref``.
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

    ``fields`` are the item's: ``kind`` (an evidence kind's slug), ``source``,
    ``reliability``, ``credibility`` and optionally the rest of ``EVIDENCE_FIELDS`` (``title``
    too: an untitled item is shown by its description's start).
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


@transaction.atomic
def statement_delete(*, statement: Statement) -> None:
    """Delete a statement with its assertions and their conflicts."""
    _delete(statement)


@transaction.atomic
def evidence_delete(*, evidence: Evidence) -> None:
    """Delete an evidence item with its assertions and their conflicts."""
    _delete(evidence)


@transaction.atomic
def assertion_save(*, assertion: Assertion) -> Assertion:
    """Save one assertion already checked with ``assertion_clean``; re-check its positions."""
    before = set()
    if assertion.pk:
        before = set(
            Assertion.objects.filter(pk=assertion.pk).values_list("position_id", flat=True)
        )
    positions_assign(assertions=[assertion])
    assertion.save()
    positions_settle(before=before, after={assertion.position_id})
    return assertion


@transaction.atomic
def assertion_delete(*, assertion: Assertion) -> None:
    """Delete one assertion; its position goes too if no one else holds it."""
    held = {assertion.position_id}
    assertion.delete()
    positions_settle(before=held, after=())
