"""The full re-check: every position again, one shard (a subject-id range) at a time.

Positions stream from a server-side cursor in (subject, predicate) order, the subjects that
cannot clash already left out by the server (``recheck_scan``); a subject's rows are compared
only when two of them make different claims (or sit on exclusion partners), and only those rows
become facts. Generic claims are checked in the shard of their own subject, so every conflict
belongs to exactly one shard (``Conflict.block_subject``) and shards can run in any order, in
parallel, or again. Disputes are rebuilt once every shard is done (``disputes_rebuild``), unless
no conflict changed and they are already in step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from itertools import groupby, pairwise
from operator import attrgetter
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, When
from django.db.models.functions import Cast
from django.utils import timezone

from contradict.engine import Screen, check, check_block, exclusion_partners, is_generic_claim
from contradict.engine.facts import ExclusionFact, Finding, ScanRow
from statements.engine_io import FACT_FIELDS, DbWorld, fact_columns, predicate_facts
from statements.models import Conflict, ConflictStatus, EntityKind, Polarity, Position
from statements.rules import active_rules
from statements.selectors.candidates import (
    chunks,
    generic_instances,
    load_facts,
    mentioned,
)
from statements.services.disputes import disputes_rebuild
from statements.services.findings import (
    PairFindings,
    RecheckCounts,
    conflicts_retract,
    conflicts_upsert,
    pairs_of,
)

# How many candidate rows a re-check gathers before it builds facts and writes conflicts. A
# batch's facts, supporters and conflict rows are the re-check's peak memory (about 1 MB per
# 1,000 rows); 2,000 keeps it small and costs a few queries a batch.
RECHECK_BATCH = 2000
# How many conflicts a re-check writes at a time (their supporters are read in one query).
WRITE_BATCH = 1000
# How many rows the server-side cursor of a re-check fetches at a time.
SCAN_CHUNK = 10000
# How many generic claims a re-check takes per instance query.
GENERIC_BATCH = 50
# What a position claims of its predicate and subject (``ScanRow.claim``).
CLAIM_COLUMNS = FACT_FIELDS[3:10]


@dataclass(frozen=True)
class Shard:
    """One independent part of a full re-check: the subjects ``[subject_from, subject_to)``.

    ``None`` is an open bound. A shard re-checks its subjects' blocks (polarity, values,
    numbers, exclusions) and the generic claims about its subjects; shards never share a
    conflict.
    """

    subject_from: int | None = None
    subject_to: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def label(self) -> str:
        return f"subjects {self.subject_from or ''}..{self.subject_to or ''}"


def conflicts_recheck_shards(*, count: int) -> list[Shard]:
    """Return about ``count`` subject-range shards covering every subject."""
    bounds = Position.objects.aggregate(low=Min("subject_id"), high=Max("subject_id"))
    if bounds["low"] is None:
        return [Shard()]
    low, high = bounds["low"], bounds["high"] + 1
    count = max(1, min(count, high - low))
    step = -(-(high - low) // count)
    edges = [*range(low, high, step), high]
    return [
        Shard(
            subject_from=None if index == 0 else start,
            subject_to=None if stop == high else stop,
        )
        for index, (start, stop) in enumerate(pairwise(edges))
    ]


def conflicts_recheck(
    *, shard: Shard | None = None, progress: Callable[[int], None] | None = None
) -> RecheckCounts:
    """Re-check the whole record (or one ``shard`` of it); return what changed.

    Without a shard, the disputes are rebuilt at the end too; a sharded re-check rebuilds them
    once its last shard is done. ``progress`` is called with the number of positions read
    since its last call.
    """
    # One transaction per shard: a shard killed half-way leaves nothing behind and can simply
    # run again, and PostgreSQL streams the scan instead of materialising a WITH HOLD cursor.
    began = timezone.now()
    with transaction.atomic():
        counts = _recheck_shard(shard or Shard(), progress)
        if shard is None:
            disputes_rebuild(unless_unchanged_since=began)
        return counts


def conflicts_recheck_total(*, shard: Shard | None = None) -> int:
    """Return how many positions a re-check of ``shard`` reads (for a progress bar)."""
    return recheck_scan(shard, _screen().exclusions).count()


def _screen() -> Screen:
    world = DbWorld()
    return Screen(active_rules(), predicate_facts(), world.load_exclusions())


def _subject_range(queryset, shard: Shard, field_name: str):
    if shard.subject_from is not None:
        queryset = queryset.filter(**{f"{field_name}__gte": shard.subject_from})
    if shard.subject_to is not None:
        queryset = queryset.filter(**{f"{field_name}__lt": shard.subject_to})
    return queryset


def positions_scan(shard: Shard | None = None):
    """Return every position of ``shard`` as ``ScanRow`` columns, in (subject, predicate) order."""
    scan = _subject_range(Position.objects.all(), shard or Shard(), "subject_id")
    return scan.order_by("subject_id", "predicate_id", "id").values_list(*fact_columns())


def recheck_scan(shard: Shard | None = None, exclusions: Iterable[ExclusionFact] = ()):
    """Return the scan a re-check streams: the rows of the subjects that may hold a clash.

    The server drops, in one grouped pass over the covering index, every subject whose
    predicates each make one claim and which holds no two predicates an exclusion rule
    pairs: ``Screen.candidates`` would drop each of them anyway, and most subjects are such
    (of the synthetic 1M corpus's 660,017 positions, 171,430 reach Python). The engine's
    screen then decides on the rest, as before.
    """
    shard = shard or Shard()
    varied = _subject_range(Position.objects.order_by(), shard, "subject_id")
    varied = varied.values("subject_id", "predicate_id").annotate(
        rows=Count("id"), **_claim_spread()
    )
    clashing = Q(subject_id__in=varied.filter(_claim_varies()).values("subject_id"))
    pairs = _partner_pairs(exclusions)
    if pairs:
        partnered = sorted({predicate for pair in pairs for predicate in pair})
        holds = {
            f"holds_{predicate}": Max(Case(When(predicate_id=predicate, then=1), default=0))
            for predicate in partnered
        }
        both = Q()
        for left, right in pairs:
            both |= Q(**{f"holds_{left}": 1, f"holds_{right}": 1})
        paired = _subject_range(Position.objects.order_by(), shard, "subject_id")
        paired = paired.filter(predicate_id__in=partnered).values("subject_id").annotate(**holds)
        clashing |= Q(subject_id__in=paired.filter(both).values("subject_id"))
    return positions_scan(shard).filter(clashing)


def _partner_pairs(exclusions: Iterable[ExclusionFact]) -> list[tuple[int, int]]:
    """Return the (lower, higher) predicate id pairs that some exclusion rule pairs."""
    partners = exclusion_partners(exclusions)
    return sorted({tuple(sorted((p, q))) for p, others in partners.items() for q in others})


def _claim_columns() -> dict[str, Any]:
    """Return the claim's columns as expressions min() and max() take on every database."""
    columns: dict[str, Any] = {name: F(name) for name in CLAIM_COLUMNS}
    columns["boolean"] = Cast("boolean", IntegerField())  # PostgreSQL has no min(boolean)
    return columns


def _claim_spread() -> dict[str, Any]:
    """Per column of the claim: its least and greatest value and how many rows are not NULL."""
    spread = {}
    for name, column in _claim_columns().items():
        spread[f"low_{name}"] = Min(column)
        spread[f"high_{name}"] = Max(column)
        spread[f"filled_{name}"] = Count(column)
    return spread


def _claim_varies() -> Q:
    """A group holds two claims when some column takes two values (NULL counting as one)."""
    varies = Q()
    for name in CLAIM_COLUMNS:
        varies |= Q(**{f"low_{name}__lt": F(f"high_{name}")})
        varies |= Q(**{f"filled_{name}__gt": 0, f"filled_{name}__lt": F("rows")})
    return varies


def _recheck_shard(shard: Shard, progress: Callable[[int], None] | None) -> RecheckCounts:
    rules = active_rules()
    world = DbWorld()
    predicates = predicate_facts()
    exclusions = world.load_exclusions()
    screen = Screen(rules, predicates, exclusions)
    counts = RecheckCounts()
    found_ids: set[int] = set()
    pending: list[list[ScanRow]] = []
    pending_rows = 0
    read = 0

    written: set[tuple[int, int]] = set()
    unwritten: list[PairFindings] = []

    def write(findings: list[Finding], facts: dict, *, last: bool = False) -> None:
        nonlocal counts, unwritten
        # A generic claim and an instance on one subject meet in both passes, with the same
        # rules (see ``compare_block``): write and count such a pair once.
        pairs = [pair for pair in pairs_of(findings, facts) if (pair.a, pair.b) not in written]
        written.update((pair.a, pair.b) for pair in pairs)
        unwritten.extend(pairs)
        # Pairs are few beside the rows scanned: written a few thousand at a time, each
        # batch's supporters, names and stored conflicts are read in one query each.
        if len(unwritten) < WRITE_BATCH and not last:
            return
        with transaction.atomic():
            upsert = conflicts_upsert(unwritten, refresh=False)
        unwritten = []
        counts += upsert.counts
        found_ids.update(upsert.ids)

    def flush() -> None:
        nonlocal pending, pending_rows
        if not pending:
            return
        world.forget()
        groups, pending, pending_rows = pending, [], 0
        blocks = [load_facts(group, predicates) for group in groups]
        facts = {fact.id: fact for block in blocks for fact in block}
        world.load(mentioned(facts.values()))
        findings: list[Finding] = []
        for block in blocks:
            findings.extend(check_block(block, rules, world))
        write(findings, facts)

    rows = (
        ScanRow(*row)
        for row in recheck_scan(shard, screen.exclusions).iterator(chunk_size=SCAN_CHUNK)
    )
    for _subject, group in groupby(rows, attrgetter("subject")):
        block = list(group)
        read += len(block)
        kept = screen.candidates(block)
        if kept:
            pending.append(kept)
            pending_rows += len(kept)
            if pending_rows >= RECHECK_BATCH:
                flush()
        if progress is not None and read >= SCAN_CHUNK:
            progress(read)
            read = 0
    flush()
    if progress is not None and read:
        progress(read)

    claims = _subject_range(_generic_claims(), shard, "subject_id")
    claims = claims.order_by("predicate_id", "id").values_list(*fact_columns())
    # In predicate order, so a batch's claims share few predicates (one query each).
    for chunk in chunks(claims.iterator(chunk_size=GENERIC_BATCH * 20), GENERIC_BATCH):
        world.forget()
        generics = load_facts(chunk, predicates)
        world.load(mentioned(generics))
        generics = [fact for fact in generics if is_generic_claim(fact, world)]
        instances = generic_instances(generics, world, predicates)
        facts = {fact.id: fact for fact in generics}
        findings = []
        for generic in generics:
            facts.update((fact.id, fact) for fact in instances[generic.id])
            # Every rule, not the generic ones alone: see ``compare_block``.
            findings.extend(check([generic], instances[generic.id], rules, world))
        write(findings, facts)
    write([], {}, last=True)

    live = _subject_range(
        Conflict.objects.filter(status=ConflictStatus.OPEN), shard, "block_subject_id"
    )
    stale = [pk for pk in live.values_list("id", flat=True).iterator() if pk not in found_ids]
    counts.retracted += conflicts_retract(stale)
    return counts


def _generic_claims():
    return Position.objects.filter(polarity=Polarity.DENIED, object__kind=EntityKind.CATEGORY)
