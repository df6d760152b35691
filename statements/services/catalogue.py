"""The catalogue curators keep beside the record: sources, predicates and exclusion rules.

Each ``*_upsert`` finds the row by slug, writes only when something differs (so loading the same
data twice adds no history), and returns the row with whether it was created or changed.

A predicate or an exclusion rule says what assertions mean, so changing or deleting one (or
adding a rule) changes which stored pairs clash: once the transaction commits, a full re-check
starts (``recheck_on_commit``), on Celery when a broker is set and in-process otherwise. However
many such changes one transaction makes (a seed load, say), it starts one re-check. Its
``Recheck`` row is written in the same transaction as the change (the re-check outbox, see
``statements.services.rechecks``), so a change never commits without its re-check, even when
the broker is down.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db import models, transaction

from statements.models import Assertion, ExclusionRule, Predicate, Recheck, Source
from statements.services.rechecks import recheck_create, recheck_dispatch, recheck_run_inline
from statements.services.validation import exclusion_rule_clean, predicate_change_clean

Outcome = Literal["created", "updated", "unchanged"]

# Predicate fields that only describe it to people: changing them changes no conflict.
PREDICATE_LABELS = frozenset({"name", "description"})

# The fields of an exclusion rule's two conditions, checked together whichever of them change.
RULE_CONDITION_FIELDS = tuple(
    f"{side}_{part}" for side in ("left", "right") for part in ("predicate", "operator", "value")
)


class PendingRecheck:
    """The full re-check a transaction asked for: runs once on commit, with every reason.

    ``recheck`` is its ``Recheck`` row, written in the transaction; after the commit it is
    done if it ran in-process, pending or running if it went to Celery.
    """

    def __init__(self, recheck: Recheck) -> None:
        # Django names a failed robust callback by its ``__qualname__`` when it logs the error;
        # an instance has none of its own, and without it the logging itself would raise (a 500
        # for a write that committed).
        self.__qualname__ = f"{type(self).__qualname__}.__call__"
        self.reasons: list[str] = []
        self.recheck = recheck
        self.ran = False

    def add(self, reason: str) -> None:
        self.reasons.append(reason)
        self.recheck.reason = "; ".join(dict.fromkeys(self.reasons))[:300]
        self.recheck.save(update_fields=["reason"])

    def __call__(self) -> None:
        self.ran = True
        if self.recheck.backend == Recheck.Backend.INLINE:
            recheck_run_inline(recheck=self.recheck)
        else:
            recheck_dispatch(recheck_id=self.recheck.pk)
        self.recheck.refresh_from_db()


def recheck_pending() -> PendingRecheck | None:
    """Return the re-check the current transaction will start when it commits, if any."""
    # Django keeps the callbacks as (savepoint ids, callable, robust); one rolled back with its
    # savepoint is gone from the list, so a refused write never leaves a re-check behind. (Tests
    # run callbacks without committing, so one that already ran may still be listed.)
    for _, callback, _ in transaction.get_connection().run_on_commit:
        if isinstance(callback, PendingRecheck) and not callback.ran:
            return callback
    return None


def recheck_on_commit(*, reason: str) -> PendingRecheck | None:
    """Start a full re-check when the current transaction commits (once per transaction).

    Nothing to re-check when no assertion is on record (a first seed load): return None.
    """
    if not Assertion.objects.exists():
        return None
    pending = recheck_pending()
    if pending is None:
        pending = PendingRecheck(recheck_create(reason=reason[:300]))
        # Robust: the change is committed by then, so a failed re-check is logged (and shows
        # on its Recheck row), not turned into an error for a write that succeeded.
        transaction.on_commit(pending, robust=True)
    pending.add(reason)
    return pending


def _upsert(model: type[models.Model], *, slug: str, fields: dict[str, Any]):
    """Create or update the row ``slug``; return it, the outcome and the names that changed."""
    unknown = set(fields) - {f.name for f in model._meta.concrete_fields}
    if unknown:
        raise TypeError(f"unexpected fields for {model.__name__}: {', '.join(sorted(unknown))}")
    instance = model.objects.filter(slug=slug).first()
    if instance is None:
        instance = model(slug=slug, **fields)
        outcome: Outcome = "created"
        changed = list(fields)
    else:
        changed = [name for name, value in fields.items() if _differs(instance, name, value)]
        if not changed:
            return instance, "unchanged", []
        for name in changed:
            setattr(instance, name, fields[name])
        outcome = "updated"
    instance.full_clean()
    instance.save()
    return instance, outcome, changed


def _differs(instance: models.Model, name: str, value: Any) -> bool:
    field = instance._meta.get_field(name)
    if field.is_relation:
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, name) != value


@transaction.atomic
def source_upsert(*, slug: str, **fields: Any) -> tuple[Source, Outcome]:
    """Create or update the source ``slug`` with ``fields`` (title, url, publisher...)."""
    source, outcome, _ = _upsert(Source, slug=slug, fields=fields)
    return source, outcome


@transaction.atomic
def predicate_upsert(*, slug: str, **fields: Any) -> tuple[Predicate, Outcome]:
    """Create or update the predicate ``slug`` with ``fields`` (value_type, choices, ...).

    A changed meaning (anything but the name and description) re-checks the record on commit;
    a new predicate has no assertions yet, so it changes nothing. A change that would strand
    assertions or rules (see ``predicate_change_clean``) raises ``ValidationError``.
    """
    existing = Predicate.objects.filter(slug=slug).first()
    if existing is not None:
        predicate_change_clean(predicate=existing, fields=fields)
    predicate, outcome, changed = _upsert(Predicate, slug=slug, fields=fields)
    if outcome == "updated" and set(changed) - PREDICATE_LABELS:
        recheck_on_commit(reason=f"predicate {slug} changed ({', '.join(changed)})")
    return predicate, outcome


@transaction.atomic
def predicate_delete(*, predicate: Predicate) -> None:
    """Delete a predicate no assertion uses, with the exclusion rules that name it.

    A predicate in use raises ``ProtectedError`` (change or delete its assertions first).
    """
    predicate.delete()
    recheck_on_commit(reason=f"predicate {predicate.slug} deleted")


@transaction.atomic
def exclusion_rule_upsert(*, slug: str, **fields: Any) -> tuple[ExclusionRule, Outcome]:
    """Create or update the exclusion rule ``slug`` with ``fields`` (predicates, operators...).

    Both conditions are checked (``exclusion_rule_clean``) as they will be stored, a partial
    update merged onto the stored rule; a new or changed rule re-checks the record on commit.
    """
    existing = (
        ExclusionRule.objects.select_related("left_predicate", "right_predicate")
        .filter(slug=slug)
        .first()
    )
    exclusion_rule_clean(
        fields={
            name: fields[name] if name in fields else getattr(existing, name, None)
            for name in RULE_CONDITION_FIELDS
        }
    )
    rule, outcome, _ = _upsert(ExclusionRule, slug=slug, fields=fields)
    if outcome != "unchanged":
        recheck_on_commit(reason=f"exclusion rule {slug} {outcome}")
    return rule, outcome


@transaction.atomic
def exclusion_rule_delete(*, rule: ExclusionRule) -> None:
    """Delete an exclusion rule; the record is re-checked on commit."""
    rule.delete()
    recheck_on_commit(reason=f"exclusion rule {rule.slug} deleted")
