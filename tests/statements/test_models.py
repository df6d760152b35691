"""The database refuses what the model forbids, whoever writes (admin action, import, SQL)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from statements.models import (
    Assertion,
    Conflict,
    Dispute,
    Entity,
    Evidence,
    Position,
    Predicate,
    Source,
    Statement,
)
from statements.services.positions import positions_assign

STRIKE = dt.datetime(2022, 6, 27, 12, 50, tzinfo=dt.UTC)


@pytest.fixture
def record(db):
    """Return a statement, an evidence item and a predicate to hang assertions on."""
    mall = Entity.objects.create(slug="mall", name="Mall", kind="facility")
    speaker = Entity.objects.create(slug="spokesman", name="Spokesman", kind="person")
    source = Source.objects.create(slug="paper", title="Paper")
    predicate = Predicate.objects.create(
        slug="facility_status",
        name="Facility status",
        value_type="choice",
        choices=["operational", "non_functioning"],
        single_valued=True,
    )
    statement = Statement.objects.create(
        speaker=speaker, source=source, said_at=STRIKE, quote="It was closed."
    )
    evidence = Evidence.objects.create(
        kind="video", title="CCTV", source=source, reliability="B", credibility=2
    )
    return {"mall": mall, "predicate": predicate, "statement": statement, "evidence": evidence}


def make_assertion(record, **fields) -> Assertion:
    values = {
        "statement": record["statement"],
        "predicate": record["predicate"],
        "subject": record["mall"],
        "choice": "non_functioning",
        **fields,
    }
    assertion = Assertion(**values)
    positions_assign(assertions=[assertion])
    assertion.save()
    return assertion


def refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_assertion_with_two_owners_is_refused(record):
    refused(lambda: make_assertion(record, evidence=record["evidence"]))


def test_assertion_without_owner_is_refused(record):
    refused(lambda: make_assertion(record, statement=None))


def test_interval_ending_before_it_starts_is_refused(record):
    refused(lambda: make_assertion(record, valid_from=STRIKE, valid_until=STRIKE - dt.timedelta(1)))


def test_open_and_instant_intervals_are_accepted(record):
    make_assertion(record, valid_from=STRIKE, valid_until=STRIKE)
    make_assertion(record, valid_from=STRIKE)
    make_assertion(record, valid_until=STRIKE)


def test_assertion_with_two_values_is_refused(record):
    refused(lambda: make_assertion(record, number=3))


def test_evidence_grade_outside_admiralty_code_is_refused(record):
    refused(
        lambda: Evidence.objects.create(
            kind="video",
            title="x",
            source=record["statement"].source,
            reliability="B",
            credibility=7,
        )
    )


def make_conflict(a: Assertion, b: Assertion, **fields):
    values = {
        "position_a_id": a.position_id,
        "position_b_id": b.position_id,
        "block_subject": a.subject,
        "rules": ",exclusive_value,",
        "pair_classes": ",against_evidence,",
        "explanation": "They cannot both be true.",
        "score": 0.8,
        **fields,
    }
    return Conflict.objects.create(**values)


def test_one_conflict_per_pair_of_positions(record):
    a = make_assertion(record)
    b = make_assertion(record, statement=None, evidence=record["evidence"], choice="operational")
    make_conflict(a, b)
    refused(lambda: make_conflict(a, b, rules=",exclusion,"))


def test_the_same_claim_twice_is_one_position(record):
    a = make_assertion(record, valid_from=STRIKE, valid_until=STRIKE)
    b = make_assertion(
        record, statement=None, evidence=record["evidence"], valid_from=STRIKE, valid_until=STRIKE
    )
    assert a.position_id == b.position_id
    assert make_assertion(record).position_id != a.position_id  # another time, another claim


def test_conflict_pair_must_be_ordered(record):
    a = make_assertion(record)
    b = make_assertion(record, statement=None, evidence=record["evidence"], choice="operational")
    refused(lambda: make_conflict(b, a))


def test_a_range_needs_both_bounds_low_first(record):
    people, _ = Predicate.objects.get_or_create(
        slug="people", defaults={"name": "People", "value_type": "number"}
    )
    number = {"predicate": people, "choice": "", "comparator": "between"}
    refused(lambda: make_assertion(record, **number, number=40, number_high=20))
    refused(lambda: make_assertion(record, **number, number=20))
    refused(lambda: make_assertion(record, **(number | {"comparator": "exactly"}), number=20,
                                   number_high=40))  # fmt: skip
    make_assertion(record, **number, number=20, number_high=40)


def test_a_verdict_names_a_position_only_when_it_supports_one(record):
    a = make_assertion(record)
    now = dt.datetime.now(dt.UTC)
    refused(
        lambda: Dispute.objects.create(
            title="x", verdict="unresolved", verdict_position=a.position, last_activity_at=now
        )
    )


def test_entity_cannot_be_part_of_itself(record):
    mall = record["mall"]
    refused(lambda: Entity.objects.filter(pk=mall.pk).update(part_of=mall))


def test_positions_assigned_in_several_insert_chunks_match_each_claim(record, monkeypatch):
    from statements.services import positions

    stored = make_assertion(record, choice="operational")
    monkeypatch.setattr(positions, "INSERT_CHUNK", 2)
    days = [STRIKE + dt.timedelta(days=n) for n in range(3)]
    assertions = [
        Assertion(
            statement=record["statement"],
            predicate=record["predicate"],
            subject=record["mall"],
            choice="operational",
            valid_from=day,
        )
        for day in [*days, days[0]]
    ]
    repeat = Assertion(
        evidence=record["evidence"],
        predicate=record["predicate"],
        subject=record["mall"],
        choice="operational",
    )
    positions_assign(assertions=[*assertions, repeat])

    assert repeat.position_id == stored.position_id
    assert assertions[0].position_id == assertions[3].position_id
    assert len({a.position_id for a in assertions}) == 3
    for assertion in assertions:
        position = Position.objects.get(pk=assertion.position_id)
        assert (position.valid_from, position.choice) == (assertion.valid_from, "operational")
