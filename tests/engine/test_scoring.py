"""Scores from certainty and Admiralty grades; pair classes."""

from contradict.engine.scoring import classify, grade_weight, score
from tests.engine.factories import OPENING, PAPER, REPORTER, SPOKESPERSON, fact, said, shown, world


def test_two_flat_statements_score_one():
    assert score(fact(1, OPENING), fact(2, OPENING)) == 1.0


def test_evidence_weighs_its_grade_and_hedges_weigh_less():
    assert score(fact(1, OPENING), fact(2, OPENING, origin=shown("B2"))) == 0.81
    assert (
        score(fact(1, OPENING), fact(2, OPENING, origin=shown("B2"), certainty="likely")) == 0.648
    )
    assert (
        score(fact(1, OPENING, certainty="possible"), fact(2, OPENING, origin=shown("E5"))) == 0.045
    )
    assert grade_weight("A1") > grade_weight("C3") > grade_weight("E5")


def test_pair_classes():
    w = world()
    assert classify(fact(1, OPENING, origin=shown()), fact(2, OPENING, origin=shown()), w)[0] == (
        "evidence_vs_evidence"
    )
    assert classify(
        fact(1, OPENING, origin=said(PAPER)), fact(2, OPENING, origin=said(REPORTER)), w
    )[0] == ("same_side")
    assert classify(
        fact(1, OPENING, origin=said(SPOKESPERSON)), fact(2, OPENING, origin=said(REPORTER)), w
    )[0] == ("cross_speaker")
