"""How much a conflict weighs, and what kinds of supporter pairs it joins.

Score
-----
A conflict is between two positions, each held by supporters (statements and evidence items).
Its score is that of its strongest supporter pair: ``max weight(A) * max weight(B)``, where for
each supporter

``weight = certainty weight * support weight``

- certainty weight: asserted 1.0, likely 0.8, possible 0.5 (a hedged claim contradicts less);
- support weight: a statement is on record verbatim, so what its speaker said is certain:
  1.0. An evidence item weighs what its Admiralty grade says about how far what it shows can be
  trusted: ``reliability weight * credibility weight`` with reliability A 1.0, B 0.9, C 0.75,
  D 0.5, E 0.3, F 0.5 (cannot be judged) and credibility 1 1.0, 2 0.9, 3 0.75, 4 0.5, 5 0.3,
  6 0.5 (cannot be judged).

The score is therefore in ``[0, 1]``: 1.0 for two flat, verbatim claims; 0.81 for a flat claim
against B2 footage; 0.648 when that footage is only "likely" to show what it is said to show.
Computing it reads each side once: it grows with the supporters, never with their product.

Pair classes
------------
Each pair of supporters, one from each side, is one of:

- ``against_evidence``: one side is evidence; ``evidence_vs_evidence``: both are;
- ``same_speaker``: one speaker over time (a flip-flop);
- ``same_side``: two speakers whose ``part_of`` chains share a root (a spokesman and his
  president's state);
- ``cross_speaker``: anyone else.

``supporter_pairs`` reports them grouped (per shared speaker, per shared side), so a conflict
between two positions of a thousand supporters each is described in a few lines, built in
time linear in the supporters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from contradict.engine.facts import EVIDENCE, Supporter, World

CERTAINTY_WEIGHTS = {"asserted": 1.0, "likely": 0.8, "possible": 0.5}
RELIABILITY_WEIGHTS = {"A": 1.0, "B": 0.9, "C": 0.75, "D": 0.5, "E": 0.3, "F": 0.5}
CREDIBILITY_WEIGHTS = {"1": 1.0, "2": 0.9, "3": 0.75, "4": 0.5, "5": 0.3, "6": 0.5}

SAME_SPEAKER = "same_speaker"
SAME_SIDE = "same_side"
CROSS_SPEAKER = "cross_speaker"
AGAINST_EVIDENCE = "against_evidence"
EVIDENCE_VS_EVIDENCE = "evidence_vs_evidence"
PAIR_CLASSES = (SAME_SPEAKER, SAME_SIDE, CROSS_SPEAKER, AGAINST_EVIDENCE, EVIDENCE_VS_EVIDENCE)


def grade_weight(grade: str | None) -> float:
    """Return the weight of an Admiralty grade such as ``"B2"`` (unknown parts count 0.5)."""
    if not grade:
        return 0.5 * 0.5
    reliability = RELIABILITY_WEIGHTS.get(grade[:1].upper(), 0.5)
    credibility = CREDIBILITY_WEIGHTS.get(grade[1:2], 0.5)
    return reliability * credibility


def weight(supporter: Supporter) -> float:
    """Return one supporter's weight: its certainty times the support of where it comes from."""
    support = grade_weight(supporter.grade) if supporter.kind == EVIDENCE else 1.0
    return CERTAINTY_WEIGHTS.get(supporter.certainty, 0.5) * support


def score(side_a: Iterable[Supporter], side_b: Iterable[Supporter]) -> float:
    """Return the score of a conflict between two positions' supporters, in ``[0, 1]``."""
    best_a = max((weight(s) for s in side_a), default=0.0)
    best_b = max((weight(s) for s in side_b), default=0.0)
    return round(min(1.0, max(0.0, best_a * best_b)), 4)


def _earliest(supporters: Iterable[Supporter]) -> Supporter:
    return min(supporters, key=lambda s: (s.time is None, s.time or 0.0, s.kind, s.record))


def supporter_pairs(
    side_a: Sequence[Supporter], side_b: Sequence[Supporter], world: World
) -> list[dict]:
    """Return the kinds of supporter pair between two positions, grouped, in a stable order.

    Each item has a ``class``; ``same_speaker`` items name the ``speaker`` and which side they
    held ``first`` (its earliest supporter came first) and ``then``; ``same_side`` items name the
    ``side`` (the root entity) and the speakers on each side; ``against_evidence`` items count
    the evidence items and statements facing each other. Entity values are ids.
    """
    pairs: list[dict] = []
    statements = {"a": [s for s in side_a if s.kind != EVIDENCE]}
    statements["b"] = [s for s in side_b if s.kind != EVIDENCE]
    evidence = {"a": [s for s in side_a if s.kind == EVIDENCE]}
    evidence["b"] = [s for s in side_b if s.kind == EVIDENCE]
    for shown, said in (("a", "b"), ("b", "a")):
        if evidence[shown] and statements[said]:
            pairs.append(
                {
                    "class": AGAINST_EVIDENCE,
                    "evidence_side": shown,
                    "evidence": sorted({s.record for s in evidence[shown]}),
                    "statements": len({s.record for s in statements[said]}),
                }
            )
    if evidence["a"] and evidence["b"]:
        pairs.append({"class": EVIDENCE_VS_EVIDENCE})
    speakers: dict[str, dict[int, list[Supporter]]] = {"a": defaultdict(list)}
    speakers["b"] = defaultdict(list)
    for side in ("a", "b"):
        for supporter in statements[side]:
            if supporter.speaker is not None:
                speakers[side][supporter.speaker].append(supporter)
    for speaker in sorted(speakers["a"].keys() & speakers["b"].keys()):
        first_a = _earliest(speakers["a"][speaker])
        first_b = _earliest(speakers["b"][speaker])
        earlier = _earliest([first_a, first_b])
        first, then = ("a", "b") if earlier is first_a else ("b", "a")
        pairs.append(
            {
                "class": SAME_SPEAKER,
                "speaker": speaker,
                "first": first,
                "then": then,
                "first_record": (first_a if first == "a" else first_b).record,
                "then_record": (first_b if first == "a" else first_a).record,
            }
        )
    roots: dict[str, dict[int, set[int]]] = {"a": defaultdict(set), "b": defaultdict(set)}
    for side in ("a", "b"):
        for speaker in speakers[side]:
            roots[side][world.lineage(speaker)[0]].add(speaker)
    for root in sorted(roots["a"].keys() & roots["b"].keys()):
        here, there = roots["a"][root], roots["b"][root]
        if len(here | there) > 1:  # some pair of two different speakers of one side
            pairs.append(
                {
                    "class": SAME_SIDE,
                    "side": root,
                    "speakers_a": sorted(here),
                    "speakers_b": sorted(there),
                }
            )
    roots_a, roots_b = set(roots["a"]), set(roots["b"])
    if roots_a and roots_b and not (roots_a == roots_b and len(roots_a) == 1):
        pairs.append({"class": CROSS_SPEAKER})
    return pairs


def pair_classes(pairs: Iterable[dict]) -> list[str]:
    """Return the distinct classes of ``supporter_pairs`` output, in ``PAIR_CLASSES`` order."""
    found = {pair["class"] for pair in pairs}
    return [name for name in PAIR_CLASSES if name in found]
