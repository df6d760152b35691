"""How much a finding weighs, and what kind of pair it joins.

Score
-----
``score = weight(a) * weight(b)`` where, for each side,

``weight = certainty weight * support weight``

- certainty weight: asserted 1.0, likely 0.8, possible 0.5 (a hedged claim contradicts less);
- support weight: a statement is on record verbatim, so what its speaker said is certain:
  1.0. An evidence item weighs what its Admiralty grade says about how far what it shows can be
  trusted: ``reliability weight * credibility weight`` with reliability A 1.0, B 0.9, C 0.75,
  D 0.5, E 0.3, F 0.5 (cannot be judged) and credibility 1 1.0, 2 0.9, 3 0.75, 4 0.5, 5 0.3,
  6 0.5 (cannot be judged).

The score is therefore in ``[0, 1]``: 1.0 for two flat, verbatim claims; 0.81 for a flat claim
against B2 footage; 0.648 when that footage is only "likely" to show what it is said to show.

Pair classes
------------
- ``against_evidence``: one side is evidence; ``evidence_vs_evidence``: both are;
- ``same_speaker``: one speaker over time (a flip-flop); the reason says which came first;
- ``same_side``: two speakers whose ``part_of`` chains share a root (a spokesman and his
  president's state);
- ``cross_speaker``: anyone else.
"""

from __future__ import annotations

from contradict.engine.facts import EVIDENCE, AssertionFact, Origin, World

CERTAINTY_WEIGHTS = {"asserted": 1.0, "likely": 0.8, "possible": 0.5}
RELIABILITY_WEIGHTS = {"A": 1.0, "B": 0.9, "C": 0.75, "D": 0.5, "E": 0.3, "F": 0.5}
CREDIBILITY_WEIGHTS = {"1": 1.0, "2": 0.9, "3": 0.75, "4": 0.5, "5": 0.3, "6": 0.5}

SAME_SPEAKER = "same_speaker"
SAME_SIDE = "same_side"
CROSS_SPEAKER = "cross_speaker"
AGAINST_EVIDENCE = "against_evidence"
EVIDENCE_VS_EVIDENCE = "evidence_vs_evidence"


def grade_weight(grade: str | None) -> float:
    """Return the weight of an Admiralty grade such as ``"B2"`` (unknown parts count 0.5)."""
    if not grade:
        return 0.5 * 0.5
    reliability = RELIABILITY_WEIGHTS.get(grade[:1].upper(), 0.5)
    credibility = CREDIBILITY_WEIGHTS.get(grade[1:2], 0.5)
    return reliability * credibility


def weight(fact: AssertionFact) -> float:
    """Return one side's weight: its certainty times the support of where it comes from."""
    support = grade_weight(fact.origin.grade) if fact.origin.kind == EVIDENCE else 1.0
    return CERTAINTY_WEIGHTS.get(fact.certainty, 0.5) * support


def score(a: AssertionFact, b: AssertionFact) -> float:
    """Return the score of a finding between ``a`` and ``b``, in ``[0, 1]``."""
    return round(min(1.0, max(0.0, weight(a) * weight(b))), 4)


def classify(a: AssertionFact, b: AssertionFact, world: World) -> tuple[str, dict]:
    """Return the pair class of ``a`` and ``b`` and what the reason should record about it."""
    first, second = a.origin, b.origin
    evidence = (first.kind == EVIDENCE) + (second.kind == EVIDENCE)
    if evidence == 2:
        return EVIDENCE_VS_EVIDENCE, {}
    if evidence == 1:
        return AGAINST_EVIDENCE, {}
    if first.speaker is not None and first.speaker == second.speaker:
        earlier = a if _said_before(first, a.id, second, b.id) else b
        return SAME_SPEAKER, {"first": earlier.id}
    if first.speaker is not None and second.speaker is not None:
        root_a = world.lineage(first.speaker)[:1]
        root_b = world.lineage(second.speaker)[:1]
        if root_a and root_a == root_b:
            return SAME_SIDE, {"side": root_a[0]}
    return CROSS_SPEAKER, {}


def _said_before(first: Origin, first_id: int, second: Origin, second_id: int) -> bool:
    if first.time is not None and second.time is not None and first.time != second.time:
        return first.time < second.time
    return first_id < second_id
