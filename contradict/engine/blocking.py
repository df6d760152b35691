"""Which assertions can clash at all, so that nothing ever compares all pairs.

Blocks:

- same predicate and subject (polarity, incompatible values, numbers);
- exclusion partners on the same subject (two predicates named by one exclusion rule);
- a generic claim (denied, about a category) and the instances of its category whose subject
  is the claim's subject or part of it.

The facts are positions: a claim repeated by a thousand supporters is one fact here, so the
cost of a block grows with the distinct claims in it, never with who repeats them.

A full re-check streams narrow ``ScanRow``s ordered by (subject, predicate), so one subject's
rows arrive together; ``Screen`` keeps only the rows of a subject that could take part in a
finding, cheaply, before any fact is built.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations, groupby
from operator import attrgetter

from contradict.engine.facts import (
    ENTITY,
    AssertionFact,
    Condition,
    ExclusionFact,
    Finding,
    PredicateFact,
    ScanRow,
    World,
)
from contradict.engine.rules import (
    EXCLUSION,
    GENERIC,
    SAME_PREDICATE,
    Rule,
    condition_holds,
    effective,
)

_ROW_PREDICATE = attrgetter("predicate")
_NONE: frozenset[int] = frozenset()


def exclusion_partners(exclusions: Iterable[ExclusionFact]) -> dict[int, frozenset[int]]:
    """Return, for each predicate id, the predicates an exclusion rule pairs it with."""
    partners: dict[int, set[int]] = defaultdict(set)
    for exclusion in exclusions:
        partners[exclusion.left.predicate].add(exclusion.right.predicate)
        partners[exclusion.right.predicate].add(exclusion.left.predicate)
    return {predicate: frozenset(others) for predicate, others in partners.items()}


class Screen:
    """Decide on narrow scan rows which rows of one subject may take part in a finding.

    Built once per re-check from the active rules, the predicates and the exclusion rules.
    Same-predicate runs are kept when any active same-predicate rule's ``screen`` says they
    may clash; rows of two exclusion partners are kept when some row of one satisfies the
    rule's left condition and some row of the other its right one. Everything else is
    dropped before a fact is built.
    """

    def __init__(
        self,
        rules: Sequence[Rule],
        predicates: Mapping[int, PredicateFact],
        exclusions: Iterable[ExclusionFact],
    ) -> None:
        self.rules = [rule for rule in rules if rule.scope == SAME_PREDICATE]
        self.predicates = predicates
        self.exclusions = (
            tuple(exclusions) if any(rule.scope == EXCLUSION for rule in rules) else ()
        )
        self.partners = exclusion_partners(self.exclusions)
        self.partnered = frozenset(self.partners)

    def candidates(self, rows: Sequence[ScanRow]) -> list[ScanRow] | None:
        """Return the rows of one subject (ordered by predicate) that may clash, or ``None``."""
        if len(rows) < 2:
            return None
        # The common case, decided on sets: every predicate of the subject makes one claim
        # (at however many times) and no two of its predicates are exclusion partners.
        claims = {(row.predicate, *row.claim) for row in rows}
        present = {claim[0] for claim in claims}
        paired = False
        if not self.partnered.isdisjoint(present):
            partners = self.partners
            for predicate in present:
                if not partners.get(predicate, _NONE).isdisjoint(present):
                    paired = True
                    break
        if len(claims) == len(present) and not paired:
            return None
        runs = {predicate: list(run) for predicate, run in groupby(rows, _ROW_PREDICATE)}
        kept: dict[int, ScanRow] = {}
        for predicate_id, run in runs.items():
            if len(run) < 2 or len({row.claim for row in run}) < 2:
                continue
            predicate = self.predicates[predicate_id]
            if any(rule.screen(predicate, run) for rule in self.rules):
                kept.update((row.id, row) for row in run)
        if paired:
            for exclusion in self.exclusions:
                left = runs.get(exclusion.left.predicate)
                right = runs.get(exclusion.right.predicate)
                if not left or not right:
                    continue
                lefts = [row for row in left if self._holds(exclusion.left, row)]
                rights = [row for row in right if self._holds(exclusion.right, row)]
                if lefts and rights and (len({r.id for r in lefts + rights}) > 1):
                    kept.update((row.id, row) for row in lefts + rights)
        return list(kept.values()) if len(kept) > 1 else None

    def _holds(self, condition: Condition, row: ScanRow) -> bool:
        fact = AssertionFact(
            id=row.id,
            predicate=self.predicates[row.predicate],
            subject=row.subject,
            object=row.object,
            choice=row.choice or None,
            number=row.number,
            boolean=row.boolean,
            comparator=row.comparator,
            number_high=row.number_high,
            affirmed=row.polarity == "affirmed",
        )
        return effective(fact)[0] and condition_holds(condition, fact)


def signature(fact: AssertionFact) -> tuple:
    """Return what makes two claims of one predicate and subject the same claim."""
    return (
        fact.object,
        fact.choice,
        fact.number,
        fact.boolean,
        fact.comparator,
        fact.number_high,
        fact.affirmed,
    )


def pair_scope(a: AssertionFact, b: AssertionFact, partners: dict[int, frozenset[int]]) -> set:
    """Return the rule scopes under which ``a`` and ``b`` may clash."""
    scopes = set()
    if a.subject == b.subject:
        if a.predicate.id == b.predicate.id and signature(a) != signature(b):
            scopes.add(SAME_PREDICATE)
        if b.predicate.id in partners.get(a.predicate.id, ()):
            scopes.add(EXCLUSION)
    if (
        a.predicate.id == b.predicate.id
        and a.predicate.value_type == ENTITY
        and a.affirmed != b.affirmed
        and a.object != b.object
    ):
        scopes.add(GENERIC)
    return scopes


def compare(
    a: AssertionFact,
    b: AssertionFact,
    rules: Sequence[Rule],
    world: World,
    partners: dict[int, frozenset[int]],
) -> list[Finding]:
    """Return the findings of every rule whose scope admits the pair ``a``, ``b``."""
    scopes = pair_scope(a, b, partners)
    if not scopes:
        return []
    findings = []
    for rule in rules:
        if rule.scope in scopes:
            finding = rule.check(a, b, world)
            if finding is not None:
                findings.append(finding)
    return findings


def compare_block(
    facts: Sequence[AssertionFact],
    rules: Sequence[Rule],
    world: World,
    partners: dict[int, frozenset[int]],
) -> list[Finding]:
    """Return the findings among one subject's facts (same-predicate and exclusion rules).

    Facts that make the same claim at different times are compared as a group against the
    others, never among themselves (the same claim never clashes with itself).
    """
    findings: list[Finding] = []
    block_rules = [rule for rule in rules if rule.scope in (SAME_PREDICATE, EXCLUSION)]
    # Generic rules too: a generic claim and an instance on one subject meet here as well as in
    # the generic pass, and both must see every rule, or the two would write different rules.
    same_rules = [rule for rule in rules if rule.scope in (SAME_PREDICATE, GENERIC)]
    by_predicate: dict[int, list[AssertionFact]] = defaultdict(list)
    for fact in facts:
        by_predicate[fact.predicate.id].append(fact)
    if same_rules:
        for group in by_predicate.values():
            claims: dict[tuple, list[AssertionFact]] = defaultdict(list)
            for fact in group:
                claims[signature(fact)].append(fact)
            for first, second in combinations(claims.values(), 2):
                for a in first:
                    for b in second:
                        findings.extend(_run(same_rules, a, b, world))
    exclusion_rules = [rule for rule in block_rules if rule.scope == EXCLUSION]
    if exclusion_rules and partners:
        predicates = sorted(by_predicate)
        for index, left in enumerate(predicates):
            others = partners.get(left, ())
            for right in predicates[index:]:
                if right not in others:
                    continue
                if left == right:
                    pairs: Iterable = combinations(by_predicate[left], 2)
                else:
                    pairs = ((a, b) for a in by_predicate[left] for b in by_predicate[right])
                for a, b in pairs:
                    findings.extend(_run(exclusion_rules, a, b, world))
    return findings


def is_generic_claim(fact: AssertionFact, world: World) -> bool:
    """Return whether ``fact`` denies something of a whole category."""
    return (
        not fact.affirmed
        and fact.predicate.value_type == ENTITY
        and fact.object is not None
        and world.is_category(fact.object)
    )


def _run(rules: Sequence[Rule], a: AssertionFact, b: AssertionFact, world: World) -> list[Finding]:
    found = []
    for rule in rules:
        finding = rule.check(a, b, world)
        if finding is not None:
            found.append(finding)
    return found


def compare_all(
    facts: Sequence[AssertionFact],
    candidates: Sequence[AssertionFact],
    rules: Sequence[Rule],
    world: World,
    partners: dict[int, frozenset[int]],
) -> list[Finding]:
    """Return the findings between ``facts`` and ``candidates``, and among ``facts``.

    Each pair is compared once, whatever its order; a candidate that is also a fact counts once.
    """
    findings: list[Finding] = []
    done: set[tuple[int, int]] = set()
    pool = {fact.id: fact for fact in candidates}
    pool.update((fact.id, fact) for fact in facts)
    for fact in facts:
        for other in pool.values():
            if other.id == fact.id:
                continue
            key = (min(fact.id, other.id), max(fact.id, other.id))
            if key in done:
                continue
            done.add(key)
            findings.extend(compare(fact, other, rules, world, partners))
    return findings


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """Return ``findings`` without repeats of one (rule, a, b), in a stable order."""
    seen: dict[tuple[str, int, int], Finding] = {}
    for finding in findings:
        seen.setdefault((finding.rule, finding.a, finding.b), finding)
    return sorted(seen.values(), key=attrgetter("a", "b", "rule"))
