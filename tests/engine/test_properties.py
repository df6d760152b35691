"""Properties that hold for every rule, on generated facts."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from contradict.engine.blocking import Screen, compare_block, exclusion_partners, unique
from contradict.engine.facts import ScanRow
from contradict.engine.rules import DEFAULT_RULES
from tests.engine.factories import (
    CLOSED_EXCLUDES_VISITORS,
    COUNCIL,
    DEMOLISHED,
    HEATED,
    LIBRARY,
    OPENING,
    PARKS,
    POOL,
    PUBLIC_BUILDINGS,
    REPORTER,
    RUN_BY,
    VISITORS,
    fact,
    world,
)

WORLD = world()
RULES = [rule() for rule in DEFAULT_RULES]
PARTNERS = exclusion_partners([CLOSED_EXCLUDES_VISITORS])
SUBJECTS = [LIBRARY, POOL, COUNCIL, PARKS]
ENTITIES = [COUNCIL, PARKS, LIBRARY, POOL, PUBLIC_BUILDINGS, REPORTER]

bounds = st.one_of(st.none(), st.integers(0, 10).map(float))


@st.composite
def facts(draw, id=None):
    predicate = draw(st.sampled_from([OPENING, VISITORS, DEMOLISHED, RUN_BY, HEATED]))
    values = {
        "choice": {"choice": draw(st.sampled_from(["open", "closed", "shut"]))},
        "number": {
            "number": float(draw(st.integers(0, 30))),
            "comparator": draw(st.sampled_from(["exactly", "at_least", "at_most", "about"])),
        },
        "entity": {"object": draw(st.sampled_from(ENTITIES))},
        "boolean": {"boolean": draw(st.booleans())},
    }[predicate.value_type]
    start = draw(bounds)
    end = draw(bounds)
    if start is not None and end is not None and end <= start:
        start, end = end, start + 1
    return fact(
        id if id is not None else draw(st.integers(1, 10_000)),
        predicate,
        draw(st.sampled_from(SUBJECTS)),
        affirmed=draw(st.booleans()),
        start=start,
        end=end,
        **values,
    )


_SIDE_KEYS = ("generic", "left")  # reason keys that name a side, "a" or "b"


def _swapped_ids(finding, mapping):
    """Return what ``finding`` says, its sides read through ``mapping``, order-free."""
    if finding is None:
        return None
    side_ids = {"a": finding.a, "b": finding.b}
    reason = dict(finding.reason)
    for key in _SIDE_KEYS:
        if key in reason:
            reason[key] = mapping[side_ids[reason[key]]]
    ranges = reason.pop("ranges", None)
    if ranges is not None:
        reason["ranges"] = {mapping[finding.a]: ranges[0], mapping[finding.b]: ranges[1]}
    conditions = reason.pop("conditions", None)
    if conditions is not None:
        reason["conditions"] = sorted(map(tuple, conditions), key=str)
    return finding.rule, finding.kind, sorted(mapping[pk] for pk in side_ids.values()), reason


@settings(max_examples=400, deadline=None)
@given(facts(id=1), facts(id=2))
def test_every_rule_is_symmetric(a, b):
    # ``check`` orders its arguments by id, so swapping the arguments proves nothing: swap the
    # contents instead, so the claim that was the smaller id is now the larger one.
    swapped_a, swapped_b = replace(a, id=b.id), replace(b, id=a.id)
    same = {a.id: a.id, b.id: b.id}
    back = {a.id: b.id, b.id: a.id}
    for rule in RULES:
        found = rule.check(a, b, WORLD)
        found_swapped = rule.check(swapped_a, swapped_b, WORLD)
        assert _swapped_ids(found, same) == _swapped_ids(found_swapped, back), rule.code


@settings(max_examples=300, deadline=None)
@given(facts(id=1), facts(id=2), st.integers(0, 5))
def test_non_overlapping_intervals_never_clash(a, b, gap):
    a = a.__class__(**{**_fields(a), "start": 0.0, "end": 10.0})
    b = b.__class__(**{**_fields(b), "start": 10.0 + gap, "end": 20.0 + gap})
    for rule in RULES:
        assert rule.check(a, b, WORLD) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(facts(), min_size=2, max_size=8, unique_by=lambda f: f.id))
def test_rerunning_a_check_changes_nothing(block):
    by_subject = [f for f in block if f.subject == block[0].subject]
    first = unique(compare_block(by_subject, RULES, WORLD, PARTNERS))
    again = unique(compare_block(list(reversed(by_subject)), RULES, WORLD, PARTNERS))
    assert first == again
    assert all(f.a < f.b for f in first)


def _fields(fact):
    return {name: getattr(fact, name) for name in fact.__slots__}


@settings(max_examples=300, deadline=None)
@given(st.lists(facts(), min_size=2, max_size=8, unique_by=lambda f: f.id))
def test_screening_never_drops_a_finding(block):
    subject = [f for f in block if f.subject == block[0].subject]
    predicates = {f.predicate.id: f.predicate for f in subject}
    screen = Screen(RULES, predicates, [CLOSED_EXCLUDES_VISITORS])
    rows = sorted(
        (
            ScanRow(f.id, f.subject, f.predicate.id, f.object, f.choice or "", f.number,
                    f.boolean, f.comparator, f.number_high, "affirmed" if f.affirmed else "denied")
            for f in subject
        ),
        key=lambda row: (row[2], row[0]),
    )  # fmt: skip
    kept = {row[0] for row in screen.candidates(rows) or ()}
    # Generic findings are the generic pass's to find (a re-check checks every generic claim
    # against its instances); the screen answers for the block rules.
    generic = {rule.code for rule in RULES if rule.scope == "generic"}

    def block_findings(facts):
        found = unique(compare_block(facts, RULES, WORLD, PARTNERS))
        return [f for f in found if f.rule not in generic]

    assert block_findings([f for f in subject if f.id in kept]) == block_findings(subject)
