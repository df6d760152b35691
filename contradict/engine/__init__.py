"""The rule engine in plain Python: positions in, findings out.

Nothing below this package imports Django; the app turns rows into facts, and findings into
conflicts and disputes (``statements.services``). The front door:

- ``check(facts, candidates, rules, world)``: the findings between new or changed positions and
  the stored positions that may clash with them (and among the new ones);
- ``check_block(facts, rules, world)``: the findings among one subject's positions, as a full
  re-check streams them;
- ``components(edges)``: disputes, the connected groups of positions that findings link.
"""

from __future__ import annotations

from collections.abc import Sequence

from contradict.engine.blocking import (
    Screen,
    compare_all,
    compare_block,
    exclusion_partners,
    is_generic_claim,
    unique,
)
from contradict.engine.disputes import components
from contradict.engine.facts import AssertionFact, Finding, World
from contradict.engine.rules import Rule

__all__ = [
    "Screen",
    "check",
    "check_block",
    "components",
    "is_generic_claim",
]


def _partners(world: World, facts: Sequence[AssertionFact]) -> dict[int, frozenset[int]]:
    exclusions = {rule for fact in facts for rule in world.exclusions(fact.predicate.id)}
    return exclusion_partners(sorted(exclusions, key=lambda rule: rule.id))


def check(
    facts: Sequence[AssertionFact],
    candidates: Sequence[AssertionFact],
    rules: Sequence[Rule],
    world: World,
) -> list[Finding]:
    """Return the findings between ``facts`` and ``candidates`` and among ``facts``, unique."""
    partners = _partners(world, [*facts, *candidates])
    return unique(compare_all(facts, candidates, rules, world, partners))


def check_block(
    facts: Sequence[AssertionFact], rules: Sequence[Rule], world: World
) -> list[Finding]:
    """Return the findings among one subject's ``facts`` (same-predicate and exclusion rules)."""
    return unique(compare_block(facts, rules, world, _partners(world, facts)))
