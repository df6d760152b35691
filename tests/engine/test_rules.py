"""Each rule on hand-built facts from a made-up town: what clashes, what does not, and why."""

from contradict.engine.blocking import Screen, compare_block, exclusion_partners
from contradict.engine.facts import Attribution
from contradict.engine.rules import (
    DEFAULT_RULES,
    ExclusionRule,
    ExclusiveValueRule,
    GenericInstanceRule,
    NumericRule,
    PolarityRule,
)
from tests.engine.factories import (
    CAFE,
    CLOSED_EXCLUDES_VISITORS,
    COUNCIL,
    DAY,
    DEMOLISHED,
    FOUNTAIN,
    HEATED,
    HERITAGE,
    LIBRARY,
    NOISE,
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


def test_affirmed_and_denied_same_claim_is_a_polarity_conflict():
    finding = PolarityRule().check(
        fact(1, DEMOLISHED, COUNCIL, object=FOUNTAIN),
        fact(2, DEMOLISHED, COUNCIL, object=FOUNTAIN, affirmed=False, origin=said(REPORTER)),
        WORLD,
    )
    assert finding is not None
    assert (finding.kind, finding.pair_class, finding.a, finding.b) == (
        "polarity",
        "cross_speaker",
        1,
        2,
    )


def test_denying_one_thing_and_affirming_another_is_no_polarity_conflict():
    assert (
        PolarityRule().check(
            fact(1, DEMOLISHED, COUNCIL, object=FOUNTAIN),
            fact(2, DEMOLISHED, COUNCIL, object=CAFE, affirmed=False),
            WORLD,
        )
        is None
    )


def test_two_choices_of_a_single_valued_predicate_clash():
    finding = ExclusiveValueRule().check(
        fact(1, OPENING, choice="open"), fact(2, OPENING, choice="closed", origin=shown()), WORLD
    )
    assert finding is not None
    assert finding.pair_class == "against_evidence"
    assert finding.score == 0.81


def test_values_related_by_part_of_do_not_clash():
    rule = ExclusiveValueRule()
    assert (
        rule.check(
            fact(1, RUN_BY, LIBRARY, object=COUNCIL), fact(2, RUN_BY, LIBRARY, object=PARKS), WORLD
        )
        is None
    )
    assert rule.check(
        fact(1, RUN_BY, LIBRARY, object=REPORTER), fact(2, RUN_BY, LIBRARY, object=PARKS), WORLD
    )


def test_a_denied_value_does_not_clash_with_a_different_affirmed_value():
    assert (
        ExclusiveValueRule().check(
            fact(1, OPENING, choice="open", affirmed=False),
            fact(2, OPENING, choice="closed"),
            WORLD,
        )
        is None
    )


def test_a_denied_boolean_is_read_as_its_opposite():
    rule = ExclusiveValueRule()
    not_heated = fact(1, HEATED, POOL, boolean=True, affirmed=False)
    assert rule.check(not_heated, fact(2, HEATED, POOL, boolean=False), WORLD) is None
    assert (
        rule.check(not_heated, fact(2, HEATED, POOL, boolean=True, affirmed=False), WORLD) is None
    )
    assert rule.check(not_heated, fact(3, HEATED, POOL, boolean=False, affirmed=False), WORLD)


def test_same_speaker_over_time_says_which_came_first():
    finding = ExclusiveValueRule().check(
        fact(7, OPENING, choice="closed", origin=said(SPOKESPERSON, day=3)),
        fact(8, OPENING, choice="open", origin=said(SPOKESPERSON, day=1)),
        WORLD,
    )
    assert finding.pair_class == "same_speaker"
    assert finding.reason["first"] == 8


def test_speakers_of_one_side_are_same_side():
    finding = ExclusiveValueRule().check(
        fact(1, OPENING, choice="closed", origin=said(SPOKESPERSON)),
        fact(2, OPENING, choice="open", origin=said(PARKS)),
        WORLD,
    )
    assert finding.pair_class == "same_side"


def test_at_least_18_agrees_with_18():
    rule = NumericRule()
    assert (
        rule.check(
            fact(1, VISITORS, number=18, comparator="at_least"), fact(2, VISITORS, number=18), WORLD
        )
        is None
    )
    assert (
        rule.check(
            fact(1, VISITORS, number=18, comparator="at_least"), fact(2, VISITORS, number=21), WORLD
        )
        is None
    )


def test_empty_clashes_with_about_a_thousand():
    finding = NumericRule().check(
        fact(1, VISITORS, number=0), fact(2, VISITORS, number=1000, comparator="about"), WORLD
    )
    assert finding is not None
    assert finding.reason["ranges"] == [[0.0, 0.0], [500.0, 1500.0]]


def test_about_allows_its_tolerance():
    rule = NumericRule()
    assert (
        rule.check(
            fact(1, VISITORS, number=700), fact(2, VISITORS, number=1000, comparator="about"), WORLD
        )
        is None
    )
    assert rule.check(
        fact(1, VISITORS, number=5, comparator="at_most"),
        fact(2, VISITORS, number=6, comparator="at_least"),
        WORLD,
    )


def test_denying_a_range_clashes_with_a_number_inside_it():
    rule = NumericRule()
    denied = fact(1, VISITORS, number=100, comparator="at_least", affirmed=False)
    assert rule.check(denied, fact(2, VISITORS, number=150), WORLD)
    assert rule.check(denied, fact(2, VISITORS, number=50), WORLD) is None


def test_numbers_of_a_multi_valued_predicate_do_not_clash():
    assert NumericRule().check(fact(1, NOISE, number=3), fact(2, NOISE, number=9), WORLD) is None


def test_generic_denial_clashes_with_a_member_of_a_sub_category_by_a_part():
    generic = fact(1, DEMOLISHED, COUNCIL, object=PUBLIC_BUILDINGS, affirmed=False)
    instance = fact(2, DEMOLISHED, PARKS, object=LIBRARY, origin=said(REPORTER))
    finding = GenericInstanceRule().check(instance, generic, WORLD)
    assert finding is not None
    assert finding.reason["generic"] == 1 and finding.reason["category"] == PUBLIC_BUILDINGS


def test_generic_denial_ignores_non_members_and_other_subjects():
    rule = GenericInstanceRule()
    generic = fact(1, DEMOLISHED, PARKS, object=HERITAGE, affirmed=False)
    assert rule.check(generic, fact(2, DEMOLISHED, PARKS, object=POOL), WORLD) is None
    assert rule.check(generic, fact(2, DEMOLISHED, COUNCIL, object=LIBRARY), WORLD) is None
    assert rule.check(generic, fact(2, DEMOLISHED, PARKS, object=LIBRARY), WORLD)


def test_closed_excludes_visitors_only_when_the_whole_range_is_positive():
    rule = ExclusionRule()
    closed = fact(1, OPENING, choice="closed")
    assert rule.check(closed, fact(2, VISITORS, number=1, comparator="at_least"), WORLD)
    assert rule.check(closed, fact(2, VISITORS, number=10, comparator="at_most"), WORLD) is None
    assert rule.check(fact(1, OPENING, choice="open"), fact(2, VISITORS, number=5), WORLD) is None
    finding = rule.check(fact(2, VISITORS, number=40), closed, WORLD)
    assert finding.reason["exclusion"] == CLOSED_EXCLUDES_VISITORS.slug
    assert finding.reason["left"] == 1


def test_claims_about_different_times_never_clash():
    night = fact(1, OPENING, choice="closed", start=0.0, end=3600.0)
    afternoon = fact(2, OPENING, choice="open", start=15 * 3600.0, end=16 * 3600.0)
    assert ExclusiveValueRule().check(night, afternoon, WORLD) is None
    assert ExclusiveValueRule().check(
        night, fact(3, OPENING, choice="open", start=None, end=None), WORLD
    )


def test_explanation_names_both_sides_quotes_sources_and_dates():
    rule = ExclusiveValueRule()
    finding = rule.check(
        fact(1, OPENING, choice="closed"),
        fact(2, OPENING, choice="open", origin=shown("A1")),
        WORLD,
    )
    text = rule.explain(
        finding,
        Attribution(
            "The spokesperson",
            "It was shut.",
            "Town Gazette",
            "2024-05-01",
            value="opening_state(library) = closed",
        ),
        Attribution(
            "Door camera",
            "People walk in.",
            "Council archive",
            "2024-04-30",
            grade="A1",
            value="opening_state(library) = open",
        ),
    )
    for expected in (
        "The spokesperson",
        '"It was shut."',
        "Town Gazette",
        "2024-05-01",
        "Door camera",
        "graded A1",
        "Council archive",
        "opening_state(library) = open",
    ):
        assert expected in text


def test_screening_keeps_only_rows_that_may_clash():
    rules = [rule() for rule in DEFAULT_RULES]
    predicates = {p.id: p for p in (OPENING, VISITORS, NOISE)}
    screen = Screen(rules, predicates, [CLOSED_EXCLUDES_VISITORS])

    def row(id, predicate, choice="", number=None, comparator="exactly", polarity="affirmed"):
        return (id, LIBRARY, predicate.id, None, choice, number, None, comparator, polarity)

    same = [row(1, OPENING, "open")] * 3
    assert screen.candidates(same) is None
    assert len(screen.candidates([*same, row(4, OPENING, "closed")])) == 2
    # Numbers that agree (at least 18, 18, about 20) are dropped; 0 against 18 is kept.
    agreeing = [
        row(1, VISITORS, number=18, comparator="at_least"),
        row(2, VISITORS, number=18),
        row(3, VISITORS, number=20, comparator="about"),
    ]
    assert screen.candidates(agreeing) is None
    assert screen.candidates([*agreeing, row(4, VISITORS, number=0)])
    # Numbers of a multi-valued predicate never clash unless one is denied.
    assert screen.candidates([row(1, NOISE, number=1), row(2, NOISE, number=9)]) is None
    # Exclusion partners: only rows satisfying the rule's conditions are kept.
    pair = [row(1, OPENING, "closed"), row(2, VISITORS, number=3)]
    assert sorted(r[0] for r in screen.candidates(pair)) == [1, 2]
    assert (
        screen.candidates(
            [row(1, OPENING, "closed"), row(2, VISITORS, number=5, comparator="at_most")]
        )
        is None
    )
    assert screen.candidates([row(1, OPENING, "open"), row(2, VISITORS, number=3)]) is None


def test_a_block_finds_every_kind_once():
    facts = [
        fact(1, OPENING, choice="closed"),
        fact(2, OPENING, choice="closed", origin=said(REPORTER)),
        fact(3, OPENING, choice="open", origin=shown()),
        fact(4, VISITORS, number=12, origin=shown()),
    ]
    rules = [
        PolarityRule(),
        ExclusiveValueRule(),
        NumericRule(),
        GenericInstanceRule(),
        ExclusionRule(),
    ]
    findings = compare_block(facts, rules, WORLD, exclusion_partners([CLOSED_EXCLUDES_VISITORS]))
    pairs = sorted((f.rule, f.a, f.b) for f in findings)
    assert pairs == [
        ("exclusion", 1, 4),
        ("exclusion", 2, 4),
        ("exclusive_value", 1, 3),
        ("exclusive_value", 2, 3),
    ]
    assert all(0 <= f.score <= 1 for f in findings)
    assert DAY > 0
