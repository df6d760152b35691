"""Claims in words: explanations name positions from the engine's facts, and read the same as
the admin, the API and the exports, which name them from the stored rows."""

from datetime import UTC, datetime

from statements.engine_io import predicate_facts
from statements.models import Conflict, ConflictStatus, Dispute, Entity, Position, Predicate
from statements.selectors.candidates import position_facts
from statements.services.recheck_scan import conflicts_recheck
from statements.text import fact_text, position_text
from tests.conftest import seed_once

seeded = seed_once()


def test_every_seed_position_reads_the_same_from_its_fact(seeded):
    positions = Position.objects.select_related("subject", "object", "predicate")
    facts = {fact.id: fact for fact in position_facts(positions.values_list("id", flat=True), {})}
    kinds = set()
    for position in positions:
        fact = facts[position.pk]
        object_name = position.object.name if position.object_id else None
        assert fact_text(fact, position.subject.name, object_name) == position_text(position)
        kinds.add((position.predicate.value_type, position.comparator, position.polarity))
    # The seed's claims cover every kind of value, ranges, "about" and denials.
    assert {kind for kind, _, _ in kinds} == {"entity", "choice", "number", "boolean"}
    assert {comparator for _, comparator, _ in kinds} >= {"exactly", "at_least", "about"}
    assert {polarity for _, _, polarity in kinds} == {"affirmed", "denied"}


def test_a_conflicts_explanation_quotes_both_positions_as_the_api_shows_them(seeded):
    _assert_explanations_quote_both_positions()


def test_explanations_a_full_recheck_writes_quote_both_positions_too(seeded):
    # From empty, so the re-check's scan (not the checked writes) builds every fact it words.
    Conflict.objects.all().delete()
    Dispute.objects.all().delete()
    counts = conflicts_recheck()
    assert counts.new >= 10
    _assert_explanations_quote_both_positions()


def _assert_explanations_quote_both_positions():
    live = Conflict.objects.filter(status=ConflictStatus.OPEN).select_related(
        "position_a__subject",
        "position_a__object",
        "position_a__predicate",
        "position_b__subject",
        "position_b__object",
        "position_b__predicate",
    )
    assert live.count() >= 10
    for conflict in live:
        a, b = position_text(conflict.position_a), position_text(conflict.position_b)
        assert conflict.explanation.startswith(f"“{a}” against “{b}”."), conflict.explanation


def test_a_range_an_hour_and_an_open_end_read_the_same_from_their_facts(seeded):
    mall = Entity.objects.get(slug="amstor-mall")
    killed = Predicate.objects.get(slug="killed_count")
    claims = [
        {"number": 20, "number_high": 40, "comparator": "between"},
        {
            "number": 1000,
            "comparator": "about",
            "valid_from": datetime(2022, 6, 27, 12, 50, tzinfo=UTC),
            "valid_until": datetime(2022, 6, 27, 13, 10, tzinfo=UTC),
            "time_precision": "hour",
        },
        {"number": 18, "comparator": "at_most", "valid_from": datetime(2022, 6, 28, tzinfo=UTC)},
    ]
    for index, claim in enumerate(claims):
        position = Position.objects.create(
            key=f"text-{index}", predicate=killed, subject=mall, polarity="denied", **claim
        )
        (fact,) = position_facts([position.pk], {})
        assert fact_text(fact, mall.name, None) == position_text(position)


def test_predicate_facts_carry_the_name_explanations_use(seeded):
    names = {fact.name for fact in predicate_facts().values()}
    assert "facility status" in {name.lower() for name in names}
