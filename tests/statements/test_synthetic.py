"""The synthetic corpus generator: deterministic, bulk, and shaped like an archive."""

import pytest
from django.db.models import Count

from statements.models import (
    Assertion,
    Entity,
    Evidence,
    ExclusionRule,
    Position,
    Predicate,
    Source,
    Statement,
)
from statements.synthetic import CorpusGenerator, CorpusShape

pytestmark = pytest.mark.django_db


def _snapshot():
    return list(
        Assertion.objects.order_by("id").values_list(
            "predicate__slug",
            "subject__slug",
            "object__slug",
            "choice",
            "number",
            "boolean",
            "comparator",
            "polarity",
            "valid_from",
        )
    )


def test_generator_writes_the_requested_number_of_assertions():
    report = CorpusGenerator(CorpusShape(assertions=2_000, seed=7)).run()

    assert report.assertions == Assertion.objects.count() == 2_000
    assert Predicate.objects.count() == 40
    assert ExclusionRule.objects.count() == report.exclusion_rules > 0
    assert Assertion.objects.filter(evidence__isnull=False).exists()
    # Speakers sit in part_of chains: person -> organisation -> state.
    person = Entity.objects.filter(kind="person").first()
    assert len(person.lineage_ids) == 3


def test_same_seed_gives_the_same_corpus():
    CorpusGenerator(CorpusShape(assertions=1_000, seed=3)).run()
    first = _snapshot()
    # Wipe everything so ids and slugs start over the same way.
    for model in (Assertion, Position, Statement, Evidence, Source, ExclusionRule):
        model.objects.all().delete()
    Entity.objects.update(part_of=None)
    Predicate.objects.all().delete()
    Entity.categories.through.objects.all().delete()
    Entity.objects.all().delete()
    CorpusGenerator(CorpusShape(assertions=1_000, seed=3)).run()

    again = _snapshot()
    assert len(again) == len(first) == 1_000
    # Ids (and the slugs made from them) move on; predicates and values repeat exactly.
    assert [(row[0], *row[3:]) for row in again] == [(row[0], *row[3:]) for row in first]


def test_blocks_hold_several_assertions_and_predicates_are_skewed():
    CorpusGenerator(CorpusShape(assertions=3_000, seed=1)).run()

    blocks = Assertion.objects.values("predicate", "subject").annotate(n=Count("id"))
    assert max(block["n"] for block in blocks) >= 3
    usage = sorted(
        Assertion.objects.values("predicate").annotate(n=Count("id")).values_list("n", flat=True),
        reverse=True,
    )
    assert usage[0] > 5 * usage[len(usage) // 2]
