"""The findings writer: one conflict per pair of positions, upserted, refreshed and retracted.

The engine returns findings, one per rule and pair of positions; here they become one
``Conflict`` per pair carrying every rule that sees it, each rule's reason kept (entity ids
made slugs, so the reason reads like the rest of the API). The pair's score and its supporter
pairs come from the two positions' supporters, read once per position: linear in the
supporters, never their product. A live conflict whose pair no longer clashes is retracted;
when it clashes again it comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone

from contradict.engine.facts import AssertionFact, Finding, Supporter
from contradict.engine.rules import GENERIC
from contradict.engine.scoring import pair_classes, score, supporter_pairs
from statements.engine_io import DbWorld, id_chunk, id_in
from statements.models import Conflict, ConflictStatus, tag_text
from statements.rules import active_rules
from statements.selectors.candidates import chunks, supporters_of
from statements.services.explanations import Names, conflict_explanation
from statements.services.history_writes import create_with_history, update_with_history
from statements.webhooks.events import webhook_events_emit
from statements.webhooks.models import WebhookEvent

# Fields a refresh may change on a conflict that stays live.
CONFLICT_FIELDS = (
    "rules",
    "reasons",
    "pair_classes",
    "supporter_pairs",
    "explanation",
    "score",
    "status",
    "retracted_at",
    "updated_at",
)


@dataclass
class RecheckCounts:
    """What a check did: conflicts found, new, brought back, retracted, left as they were.

    ``found = new + restored + unchanged``.
    """

    found: int = 0
    new: int = 0
    retracted: int = 0
    unchanged: int = 0
    restored: int = 0

    def __add__(self, other: RecheckCounts) -> RecheckCounts:
        return RecheckCounts(
            **{key: value + getattr(other, key) for key, value in asdict(self).items()}
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class PairFindings:
    """Every rule's finding on one pair of positions (``a`` has the smaller id).

    ``facts`` are the two positions' facts, ``a``'s first: explanations name them in words.
    """

    a: int
    b: int
    block_subject: int
    facts: tuple[AssertionFact, AssertionFact]
    findings: list[Finding] = field(default_factory=list)

    def positions(self) -> dict[int, AssertionFact]:
        """Return each of the two positions' facts, by id."""
        return {self.a: self.facts[0], self.b: self.facts[1]}


def pairs_of(findings: Iterable[Finding], facts: Mapping[int, AssertionFact]) -> list[PairFindings]:
    """Group ``findings`` by pair of positions, in rule order, pairs in id order.

    A generic finding belongs to the block of the generic claim's subject, the others to the
    subject both positions share: a re-check shard of subjects owns exactly its blocks' pairs.
    """
    rules = active_rules()
    order = {rule.code: index for index, rule in enumerate(rules)}
    generic_codes = {rule.code for rule in rules if rule.scope == GENERIC}
    grouped: dict[tuple[int, int], list[Finding]] = {}
    for finding in findings:
        grouped.setdefault((finding.a, finding.b), []).append(finding)
    pairs = []
    for (a, b), found in sorted(grouped.items()):
        found.sort(key=lambda finding: order.get(finding.rule, len(order)))
        owner = a
        for finding in found:
            if finding.rule in generic_codes:
                owner = a if finding.reason.get("generic") == "a" else b
        pairs.append(PairFindings(a, b, facts[owner].subject, (facts[a], facts[b]), found))
    return pairs


def _reason_entities(groups: Iterable[Iterable[Finding]]) -> set[int]:
    """Return the entity ids findings' reasons hold under their rules' ``ENTITY_KEYS``."""
    keys = {rule.code: rule.ENTITY_KEYS for rule in active_rules()}
    return {
        finding.reason[key]
        for group in groups
        for finding in group
        for key in keys.get(finding.rule, ())
        if isinstance(finding.reason.get(key), int)
    }


@dataclass
class _Derived:
    """What a conflict's row says, computed from its findings and supporters."""

    rules: str
    reasons: list
    pair_classes: str
    supporter_pairs: list
    score: float

    def differs_from(self, conflict: Conflict) -> bool:
        stored = (conflict.rules, conflict.reasons, conflict.pair_classes)
        stored += (conflict.supporter_pairs, conflict.score)
        if stored == (
            self.rules,
            self.reasons,
            self.pair_classes,
            self.supporter_pairs,
            self.score,
        ):
            return False  # the common case, without normalising every number
        return (
            conflict.rules,
            json_numbers(conflict.reasons),
            conflict.pair_classes,
            json_numbers(conflict.supporter_pairs),
            conflict.score,
        ) != (
            self.rules,
            json_numbers(self.reasons),
            self.pair_classes,
            json_numbers(self.supporter_pairs),
            self.score,
        )


def json_numbers(value: Any) -> Any:
    """Return JSON data ``value`` with every number a float, to compare stored and derived.

    PostgreSQL's jsonb keeps numbers as decimals and prints a large float in full: 1e308 comes
    back as the 309-digit integer 10**308, which Python does not count equal to the float, so
    every re-check saw a change (and wrote a history row) where there was none.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:  # an integer beyond float range: compare it as it is
            return value
    if isinstance(value, list | tuple):
        return [json_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: json_numbers(item) for key, item in value.items()}
    return value


def _derive(
    pair: PairFindings,
    supporters: Mapping[int, Sequence[Supporter]],
    world: DbWorld,
    names: Names,
) -> _Derived:
    side_a, side_b = supporters.get(pair.a, ()), supporters.get(pair.b, ())
    pairs = supporter_pairs(side_a, side_b, world)
    return _Derived(
        rules=tag_text([finding.rule for finding in pair.findings]),
        reasons=[names.reason(finding) for finding in pair.findings],
        pair_classes=tag_text(pair_classes(pairs)),
        supporter_pairs=[names.supporter_pair(item) for item in pairs],
        score=score(side_a, side_b),
    )


def derive_all(
    pairs: Sequence[PairFindings],
    supporters: Mapping[int, Sequence[Supporter]],
    world: DbWorld,
) -> tuple[dict[tuple[int, int], _Derived], Names]:
    """Return each pair's row (rules, reasons, supporter pairs, score) and the names read.

    The speakers, their sides and the entities in the reasons are read in one batch first.
    """
    speakers = {s.speaker for group in supporters.values() for s in group} - {None}
    world.load(speakers)
    names = Names()
    names.load_entities(
        [
            *speakers,
            *(world.lineage(speaker)[0] for speaker in speakers),
            *_reason_entities(pair.findings for pair in pairs),
        ],
        known=world.names(),  # the world read them with the speakers and the claims
    )
    derived = {(pair.a, pair.b): _derive(pair, supporters, world, names) for pair in pairs}
    return derived, names


@dataclass
class Upsert:
    """The outcome of writing one batch of findings: counts and the live conflicts' ids."""

    counts: RecheckCounts = field(default_factory=RecheckCounts)
    ids: set[int] = field(default_factory=set)


def conflicts_touching(position_ids: Iterable[int]) -> dict[tuple[int, int], Conflict]:
    """Return every conflict, live or retracted, with one of ``position_ids`` at either end."""
    found: dict[tuple[int, int], Conflict] = {}
    for chunk in chunks(sorted(set(position_ids)), id_chunk()):
        either = id_in(Conflict.objects.order_by(), chunk, "position_a_id") | id_in(
            Conflict.objects.order_by(), chunk, "position_b_id"
        )
        found.update(((c.position_a_id, c.position_b_id), c) for c in either)
    return found


def conflicts_upsert(
    pairs: Sequence[PairFindings],
    *,
    refresh: bool,
    world: DbWorld | None = None,
    stored: Mapping[tuple[int, int], Conflict] | None = None,
) -> Upsert:
    """Write ``pairs`` as conflicts: create new ones, bring back retracted ones, update changed.

    With ``refresh`` every found conflict gets its explanation rebuilt (a record's words or
    speaker may have changed); otherwise only new, restored or changed ones do. ``stored``
    are the conflicts on record of the pairs, when the caller has read them already (every
    pair's, as ``conflicts_touching`` gives them for positions each pair holds one of).
    """
    result = Upsert()
    if not pairs:
        return result
    positions = {pk for pair in pairs for pk in (pair.a, pair.b)}
    supporters = supporters_of(positions)
    if world is None:
        world = DbWorld()  # else the caller's, with the entities it has read already
    derived, names = derive_all(pairs, supporters, world)
    if stored is None:
        stored = _stored(positions, refresh)
    existing = {key: conflict for key, conflict in stored.items() if key in derived}
    now = timezone.now()
    to_explain = [
        pair
        for pair in pairs
        if refresh
        or (pair.a, pair.b) not in existing
        or existing[(pair.a, pair.b)].status == ConflictStatus.RETRACTED
        or derived[(pair.a, pair.b)].differs_from(existing[(pair.a, pair.b)])
    ]
    names.load(
        positions={pk: fact for pair in to_explain for pk, fact in pair.positions().items()},
        supporters=[s for pair in to_explain for pk in (pair.a, pair.b) for s in supporters[pk]],
        pairs=[derived[(pair.a, pair.b)] for pair in to_explain],
    )
    explanations = {
        (pair.a, pair.b): conflict_explanation(pair, derived[(pair.a, pair.b)], supporters, names)
        for pair in to_explain
    }
    created: list[Conflict] = []
    changed: list[Conflict] = []
    counts = result.counts
    for pair in pairs:
        key = (pair.a, pair.b)
        row = derived[key]
        counts.found += 1
        conflict = existing.get(key)
        if conflict is None:
            counts.new += 1
            created.append(
                Conflict(
                    position_a_id=pair.a,
                    position_b_id=pair.b,
                    block_subject_id=pair.block_subject,
                    rules=row.rules,
                    reasons=row.reasons,
                    pair_classes=row.pair_classes,
                    supporter_pairs=row.supporter_pairs,
                    explanation=explanations[key],
                    score=row.score,
                    status=ConflictStatus.OPEN,
                    detected_at=now,
                    updated_at=now,
                )
            )
            continue
        result.ids.add(conflict.pk)
        dirty = False
        if conflict.status == ConflictStatus.RETRACTED:
            counts.restored += 1
            conflict.status = ConflictStatus.OPEN
            conflict.retracted_at = None
            dirty = True
        else:
            counts.unchanged += 1
        if key in explanations:
            values = {**asdict(row), "explanation": explanations[key]}
            deferred = conflict.get_deferred_fields()
            for name, value in values.items():
                if name in deferred or getattr(conflict, name) != value:
                    setattr(conflict, name, value)
                    dirty = True
        if dirty:
            conflict.updated_at = now
            changed.append(conflict)
    if created:
        saved = create_with_history(created, Conflict, date=now)
        result.ids.update(conflict.pk for conflict in saved)
    if changed:
        update_with_history(changed, Conflict, CONFLICT_FIELDS, date=now)
    return result


def _stored(positions: set[int], refresh: bool) -> dict[tuple[int, int], Conflict]:
    # Without ``refresh`` only new or changed conflicts get an explanation, so the stored
    # ones (the bulk of a re-check's reading) are not needed.
    conflicts = Conflict.objects.all() if refresh else Conflict.objects.defer("explanation")
    found: dict[tuple[int, int], Conflict] = {}
    for chunk in chunks(sorted(positions), id_chunk()):
        found.update(
            ((c.position_a_id, c.position_b_id), c)
            for c in id_in(conflicts, chunk, "position_a_id")
        )
    return found


def _retracted_item(conflict: Conflict) -> dict:
    return {
        "id": conflict.pk,
        "position_a": conflict.position_a_id,
        "position_b": conflict.position_b_id,
        "rules": conflict.rule_list,
        "explanation": conflict.explanation[:1000],
        "retracted_at": conflict.retracted_at.isoformat(),
    }


def conflicts_retract(conflict_ids: Iterable[int]) -> int:
    """Retract the live conflicts ``conflict_ids``. Return how many."""
    now = timezone.now()
    count = 0
    for chunk in chunks(sorted(set(conflict_ids)), 1000):
        retracted = []
        for conflict in Conflict.objects.filter(id__in=chunk).exclude(
            status=ConflictStatus.RETRACTED
        ):
            conflict.status = ConflictStatus.RETRACTED
            conflict.retracted_at = now
            conflict.updated_at = now
            retracted.append(conflict)
        if retracted:
            update_with_history(
                retracted, Conflict, ["status", "retracted_at", "updated_at"], date=now
            )
            webhook_events_emit(
                event=WebhookEvent.CONFLICT_RETRACTED,
                kind="conflicts",
                items=map(_retracted_item, retracted),
            )
        count += len(retracted)
    return count
