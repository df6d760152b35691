"""Scores from certainty and Admiralty grades; supporter pairs, grouped, in linear time."""

from contradict.engine.scoring import grade_weight, pair_classes, score, supporter_pairs
from tests.engine.factories import PAPER, PARKS, REPORTER, SPOKESPERSON, said, shown, world

WORLD = world()


def test_two_flat_statements_score_one():
    assert score([said(SPOKESPERSON)], [said(REPORTER)]) == 1.0


def test_evidence_weighs_its_grade_and_hedges_weigh_less():
    assert score([said(SPOKESPERSON)], [shown("B2")]) == 0.81
    assert score([said(SPOKESPERSON)], [shown("B2", certainty="likely")]) == 0.648
    assert score([said(SPOKESPERSON, certainty="possible")], [shown("E5")]) == 0.045
    assert grade_weight("A1") > grade_weight("C3") > grade_weight("E5")


def test_the_strongest_supporter_of_each_side_sets_the_score():
    weak = [said(SPOKESPERSON, certainty="possible"), shown("E5")]
    assert score([*weak, shown("A1")], [said(REPORTER)]) == 1.0


def test_pair_classes_of_single_supporters():
    def classes(a, b):
        return pair_classes(supporter_pairs([a], [b], WORLD))

    assert classes(shown(), shown()) == ["evidence_vs_evidence"]
    assert classes(said(PAPER), said(REPORTER)) == ["same_side"]
    assert classes(said(SPOKESPERSON), said(REPORTER)) == ["cross_speaker"]
    assert classes(said(SPOKESPERSON), shown()) == ["against_evidence"]
    assert classes(said(SPOKESPERSON, 1), said(SPOKESPERSON, 3)) == ["same_speaker"]


def test_a_flip_flop_says_which_side_came_first():
    pairs = supporter_pairs([said(SPOKESPERSON, day=3)], [said(SPOKESPERSON, day=1)], WORLD)
    (flip,) = [pair for pair in pairs if pair["class"] == "same_speaker"]
    assert (flip["speaker"], flip["first"], flip["then"]) == (SPOKESPERSON, "b", "a")


def test_same_side_names_the_side_and_its_speakers():
    pairs = supporter_pairs([said(SPOKESPERSON)], [said(PARKS), said(REPORTER)], WORLD)
    (side,) = [pair for pair in pairs if pair["class"] == "same_side"]
    assert side["speakers_a"] == [SPOKESPERSON] and side["speakers_b"] == [PARKS]
    assert pair_classes(pairs) == ["same_side", "cross_speaker"]


def test_many_supporters_give_a_few_grouped_pairs():
    echo_a = [said(SPOKESPERSON, day=day % 4) for day in range(1000)]
    echo_b = [said(REPORTER, day=day % 4) for day in range(1000)] + [shown("B2")]
    pairs = supporter_pairs(echo_a, echo_b, WORLD)
    assert len(pairs) == 2  # evidence against the statements, and cross-speaker
    assert pair_classes(pairs) == ["cross_speaker", "against_evidence"]
