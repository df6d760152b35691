"""Properties that hold for every rule, on generated facts."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from contradict.engine.blocking import Screen, compare_block, exclusion_partners, unique
from contradict.engine.rules import DEFAULT_RULES
from contradict.engine.scoring import CERTAINTY_WEIGHTS
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
    SPOKESPERSON,
    VISITORS,
    fact,
    said,
    shown,
    world,
)

WORLD = world()
RULES = [rule() for rule in DEFAULT_RULES]
PARTNERS = exclusion_partners([CLOSED_EXCLUDES_VISITORS])
SUBJECTS = [LIBRARY, POOL, COUNCIL, PARKS]
ENTITIES = [COUNCIL, PARKS, LIBRARY, POOL, PUBLIC_BUILDINGS, REPORTER]

origins = st.one_of(
    st.sampled_from([SPOKESPERSON, PARKS, REPORTER]).flatmap(
        lambda speaker: st.integers(0, 3).map(lambda day: said(speaker, day))
    ),
    st.sampled_from(["A1", "B2", "C3", "F6"]).map(shown),
)
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
        certainty=draw(st.sampled_from(sorted(CERTAINTY_WEIGHTS))),
        origin=draw(origins),
        **values,
    )


def _swapped_ids(finding, mapping):
    """Return what ``finding`` says, its sides' ids read through ``mapping``, order-free."""
    if finding is None:
        return None
    sides = {}
    for side in ("a", "b"):
        described = {**finding.reason[side], "id": mapping[finding.reason[side]["id"]]}
        sides[mapping[getattr(finding, side)]] = described
    return finding.rule, finding.kind, finding.pair_class, finding.score, sides


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
    assert all(f.a < f.b and 0 <= f.score <= 1 for f in first)


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
            (f.id, f.subject, f.predicate.id, f.object, f.choice or "", f.number, f.boolean,
             f.comparator, "affirmed" if f.affirmed else "denied")
            for f in subject
        ),
        key=lambda row: (row[2], row[0]),
    )  # fmt: skip
    kept = {row[0] for row in screen.candidates(rows) or ()}
    everything = unique(compare_block(subject, RULES, WORLD, PARTNERS))
    screened = unique(compare_block([f for f in subject if f.id in kept], RULES, WORLD, PARTNERS))
    assert screened == everything
