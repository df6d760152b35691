"""Each rule on hand-built facts from a made-up town: what clashes, what does not, and why."""

from contradict.engine.blocking import Screen, compare_block, exclusion_partners
from contradict.engine.facts import ScanRow
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
    VISITORS,
    fact,
    world,
)

WORLD = world()


def test_affirmed_and_denied_same_claim_is_a_polarity_conflict():
    finding = PolarityRule().check(
        fact(1, DEMOLISHED, COUNCIL, object=FOUNTAIN),
        fact(2, DEMOLISHED, COUNCIL, object=FOUNTAIN, affirmed=False),
        WORLD,
    )
    assert finding is not None
    assert (finding.kind, finding.a, finding.b) == ("polarity", 1, 2)


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
        fact(1, OPENING, choice="open"), fact(2, OPENING, choice="closed"), WORLD
    )
    assert finding is not None
    assert finding.reason == {"compared": ["value"], "predicate": "opening_state"}


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
    instance = fact(2, DEMOLISHED, PARKS, object=LIBRARY)
    finding = GenericInstanceRule().check(instance, generic, WORLD)
    assert finding is not None
    assert finding.reason["generic"] == "a" and finding.reason["category"] == PUBLIC_BUILDINGS
    assert finding.reason["member"] == LIBRARY


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
    assert finding.reason["left"] == "a"  # the closed claim, the smaller id


def test_claims_about_different_times_never_clash():
    night = fact(1, OPENING, choice="closed", start=0.0, end=3600.0)
    afternoon = fact(2, OPENING, choice="open", start=15 * 3600.0, end=16 * 3600.0)
    assert ExclusiveValueRule().check(night, afternoon, WORLD) is None
    assert ExclusiveValueRule().check(
        night, fact(3, OPENING, choice="open", start=None, end=None), WORLD
    )


def test_reasons_explain_in_words_with_entity_names():
    names = {LIBRARY: "Central library", HERITAGE: "heritage buildings"}.get
    generic = fact(1, DEMOLISHED, PARKS, object=HERITAGE, affirmed=False)
    found = GenericInstanceRule().check(generic, fact(2, DEMOLISHED, PARKS, object=LIBRARY), WORLD)
    text = GenericInstanceRule().why(found.reason, names)
    assert "Central library belongs to heritage buildings" in text
    numeric = NumericRule().check(
        fact(1, VISITORS, number=0), fact(2, VISITORS, number=1000, comparator="about"), WORLD
    )
    assert "one allows 0 and the other 500 to 1,500" in NumericRule().why(numeric.reason, names)
    closed = ExclusionRule().check(
        fact(1, OPENING, choice="closed"), fact(2, VISITORS, number=3), WORLD
    )
    assert "opening state = closed excludes visitors > 0" in ExclusionRule().why(
        closed.reason, names
    )


def test_a_range_is_one_claim_read_with_both_bounds():
    rule = NumericRule()
    twenty_to_forty = fact(1, VISITORS, number=20, number_high=40, comparator="between")
    assert rule.check(twenty_to_forty, fact(2, VISITORS, number=30), WORLD) is None
    assert rule.check(twenty_to_forty, fact(2, VISITORS, number=50), WORLD)
    assert rule.check(twenty_to_forty, fact(2, VISITORS, number=45, comparator="at_least"), WORLD)
    finding = rule.check(twenty_to_forty, fact(2, VISITORS, number=0), WORLD)
    assert finding.reason["ranges"] == [[20.0, 40.0], [0.0, 0.0]]
    # Exclusion conditions read the whole range: 20 to 40 is > 0.
    closed = fact(3, OPENING, choice="closed")
    assert ExclusionRule().check(closed, twenty_to_forty, WORLD)


def test_screening_keeps_only_rows_that_may_clash():
    rules = [rule() for rule in DEFAULT_RULES]
    predicates = {p.id: p for p in (OPENING, VISITORS, NOISE)}
    screen = Screen(rules, predicates, [CLOSED_EXCLUDES_VISITORS])

    def row(id, predicate, choice="", number=None, comparator="exactly", polarity="affirmed"):
        return ScanRow(
            id, LIBRARY, predicate.id, None, choice, number, None, comparator, None, polarity
        )

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
        fact(2, OPENING, choice="closed", start=0.0, end=2 * DAY),
        fact(3, OPENING, choice="open"),
        fact(4, VISITORS, number=12),
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
