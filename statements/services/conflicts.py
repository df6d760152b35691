"""Check positions against the record: after a write, or for a draft that writes nothing.

- ``conflicts_check_positions``: after every write, the positions it touched against their
  candidates (found through indexes in at most two queries, whatever the corpus holds); their
  conflicts are upserted or retracted and their disputes brought up to date;
- ``conflicts_check_draft``: what an unsaved statement or evidence item would clash with, and
  which disputes it would join or open, writing nothing.

The full re-check lives in ``statements.services.recheck_scan``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q

from contradict.engine import check, components
from contradict.engine.facts import EVIDENCE, STATEMENT, Supporter
from contradict.engine.scoring import pair_classes
from statements.engine_io import DbWorld, draft_fact, predicate_facts
from statements.models import Assertion, Conflict, ConflictStatus, Position
from statements.rules import active_rules
from statements.selectors.candidates import (
    candidates_for,
    mentioned,
    position_facts,
    supporters_of,
)
from statements.services.block_locks import blocks_lock
from statements.services.disputes import disputes_refresh
from statements.services.explanations import conflict_explanation
from statements.services.findings import (
    PairFindings,
    RecheckCounts,
    conflicts_retract,
    conflicts_touching,
    conflicts_upsert,
    derive_all,
    pairs_of,
)
from statements.services.limits import DraftLimits
from statements.services.positions import position_columns, position_key


def neighbours_of(position_ids: Iterable[int]) -> set[int]:
    """Return the positions live conflicts link to ``position_ids`` (themselves excluded)."""
    ids = sorted(set(position_ids))
    if not ids:
        return set()
    live = Conflict.objects.filter(status=ConflictStatus.OPEN).filter(
        Q(position_a_id__in=ids) | Q(position_b_id__in=ids)
    )
    found = {pk for pair in live.values_list("position_a", "position_b") for pk in pair}
    return found - set(ids)


def conflicts_check_positions(*, position_ids: Iterable[int]) -> RecheckCounts:
    """Check the given positions against their candidates; upsert, retract, update disputes.

    Live conflicts of these positions that no longer clash are retracted, and every dispute
    the positions are or were in is brought up to date.
    """
    ids = sorted(set(position_ids))
    if not ids:
        return RecheckCounts()
    # No savepoint: a failure here fails the caller's write too, so there is nothing to keep.
    with transaction.atomic(savepoint=False):
        # The rules in force first, each read once: every predicate (few), the exclusion
        # rules; then the facts, their entities and their candidates.
        predicates = predicate_facts()
        world = DbWorld()
        world.load_exclusions()
        facts = position_facts(ids, predicates)
        world.load(mentioned(facts))
        # Before reading candidates: a concurrent writer of a clashing claim waits here until
        # this transaction commits, then sees these positions (see block_locks).
        blocks_lock(facts, world)
        candidates = candidates_for(facts, world, predicates)
        findings = check(facts, candidates, active_rules(), world)
        by_id = {fact.id: fact for fact in (*candidates, *facts)}
        # Every pair found holds one of ``ids``, so their conflicts on record are among these;
        # the live ones not found again are stale.
        stored = conflicts_touching(ids)
        live = [c for c in stored.values() if c.status == ConflictStatus.OPEN]
        upsert = conflicts_upsert(
            pairs_of(findings, by_id), refresh=True, world=world, stored=stored
        )
        stale_pairs = [
            (c.pk, c.position_a_id, c.position_b_id) for c in live if c.pk not in upsert.ids
        ]
        upsert.counts.retracted = conflicts_retract(pk for pk, _, _ in stale_pairs)
        touched = {*ids, *(pk for _, a, b in stale_pairs for pk in (a, b))}
        disputes_refresh(position_ids=touched)
        return upsert.counts


# -- drafts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftSide:
    """One side of a draft's conflict: an assertion of the draft, a position on record, or both.

    ``draft`` indexes the draft's assertions list; ``position`` is the stored position, which
    a draft assertion has too when it repeats a claim on record.
    """

    draft: int | None
    position: int | None


@dataclass(frozen=True)
class DraftFinding:
    """A conflict an unsaved record would create, sides ``a`` and ``b`` as its reasons say.

    ``a`` is always one of the draft's assertions (the earlier one, between two of them).
    """

    rules: list[str]
    reasons: list[dict]
    pair_classes: list[str]
    supporter_pairs: list[dict]
    score: float
    explanation: str
    a: DraftSide
    b: DraftSide
    dispute: int | None  # the dispute it would join (None: it would open one)


@dataclass(frozen=True)
class DraftCheck:
    """What a draft would do: its conflicts, and the disputes it would join or open."""

    findings: list[DraftFinding]
    joins: list[int]  # ids of existing disputes the draft would join
    opens: int  # how many new disputes it would open
    claims: list[Position]  # each draft assertion's claim, unsaved, by index


def conflicts_check_draft(
    *,
    assertions: Sequence[Mapping[str, Any]],
    speaker=None,
    said_at: datetime | None = None,
    quote: str = "",
    source=None,
    grade: str | None = None,
    limits: DraftLimits | None = None,
) -> DraftCheck:
    """Return the conflicts a not-yet-saved statement (or evidence item) would create.

    ``assertions`` are dicts as ``statement_create`` takes them. Nothing is written: the
    draft's claims get negative ids and meet their candidates read from the database. Pass
    ``grade`` (such as ``"B2"``) to check a draft evidence item instead of a statement. A draft
    claim that repeats a stored position joins that position's dispute as a new supporter.
    ``limits`` bound the candidates examined and the conflicts reported (ValidationError).
    """
    from statements.services.records import clean_assertions

    cleaned = [fields for _, fields in clean_assertions(assertions)]
    predicates = predicate_facts({fields["predicate"].pk for fields in cleaned})
    # Draft ids are negative and the first assertion's the lowest: since a finding's ``a`` has
    # the smaller id, a draft assertion is always ``a``, and the earlier of two of them.
    offset = len(cleaned)
    facts = [
        draft_fact(id=index - offset, data=fields, predicates=predicates)
        for index, fields in enumerate(cleaned)
    ]
    world = DbWorld()
    world.load(mentioned(facts))
    candidates = candidates_for(facts, world, predicates)
    limits = limits or DraftLimits()
    limits.check_candidates(len(candidates))
    findings = check(facts, candidates, active_rules(), world)
    by_id = {fact.id: fact for fact in (*candidates, *facts)}
    pairs = pairs_of(findings, by_id)
    limits.check_conflicts(len(pairs))
    supporters: dict[int, list[Supporter]] = dict(
        supporters_of({pk for pair in pairs for pk in (pair.a, pair.b) if pk > 0})
    )
    kind, record = (EVIDENCE, 0) if grade else (STATEMENT, 0)
    time = said_at.timestamp() if said_at is not None else None
    for fact, fields in zip(facts, cleaned, strict=True):
        supporters[fact.id] = [
            Supporter(
                fact.id,
                kind,
                record,
                speaker=None if grade or speaker is None else speaker.pk,
                time=time,
                grade=grade,
                certainty=fields["certainty"],
            )
        ]
    stored = {
        key: (pk, dispute)
        for key, pk, dispute in Position.objects.filter(
            key__in=[position_key(position_columns(fields)) for fields in cleaned]
        ).values_list("key", "id", "disputes")
    }
    dispute_of = dict(
        Position.objects.filter(
            id__in=[p for pair in pairs for p in (pair.a, pair.b) if p > 0]
        ).values_list("id", "disputes")
    )
    repeats: dict[int, int] = {}  # draft id -> the stored position it repeats
    for fields, fact in zip(cleaned, facts, strict=True):
        repeated = stored.get(position_key(position_columns(fields)))
        if repeated is not None:
            repeats[fact.id], dispute_of[fact.id] = repeated
    derived, names = derive_all(pairs, supporters, world)
    names.load(
        positions={pk: fact for pair in pairs for pk, fact in pair.positions().items() if pk > 0},
        supporters=[s for group in supporters.values() for s in group if s.record],
    )
    for fact, fields in zip(facts, cleaned, strict=True):
        names.positions[fact.id] = _draft_text(fields)
        if speaker is not None:
            names.entities.setdefault(speaker.pk, (speaker.slug, speaker.name))

    def side(pk: int) -> DraftSide:
        if pk < 0:
            return DraftSide(draft=pk + offset, position=repeats.get(pk))
        return DraftSide(draft=None, position=pk)

    results = []
    joins: set[int] = set()
    for pair in pairs:
        row = derived[(pair.a, pair.b)]
        dispute = dispute_of.get(pair.b) or dispute_of.get(pair.a)
        if dispute:
            joins.add(dispute)
        results.append(
            DraftFinding(
                rules=[finding.rule for finding in pair.findings],
                reasons=row.reasons,
                pair_classes=pair_classes(row.supporter_pairs),
                supporter_pairs=[_unsaved_record(item) for item in row.supporter_pairs],
                score=row.score,
                explanation=conflict_explanation(pair, row, supporters, names),
                a=side(pair.a),
                b=side(pair.b),
                dispute=dispute,
            )
        )
    for fact in facts:
        repeated = dispute_of.get(fact.id)
        if repeated:
            joins.add(repeated)
    opens = _groups_opened(pairs, dispute_of)
    claims = [
        Position(**{name: fields[name] for name in Assertion.POSITION_FIELDS}) for fields in cleaned
    ]
    return DraftCheck(findings=results, joins=sorted(joins), opens=opens, claims=claims)


def _groups_opened(pairs: Sequence[PairFindings], dispute_of: Mapping[int, int | None]) -> int:
    """Return how many new disputes the draft's conflicts would open (groups with none yet)."""
    groups = components((pair.a, pair.b) for pair in pairs)
    return sum(1 for group in groups if not any(dispute_of.get(pk) for pk in group))


def _unsaved_record(item: Mapping[str, Any]) -> dict:
    """Return a ``supporter_pairs`` item with the draft's record (0: not saved) as null."""
    named = dict(item)
    for key in ("first_record", "then_record"):
        if named.get(key) == 0:
            named[key] = None
    return named


def _draft_text(fields: Mapping[str, Any]) -> str:
    from statements.text import position_text

    claim = Assertion(**{k: v for k, v in fields.items() if k != "note"})
    return position_text(claim)
