"""The services: one validation for every caller, errors naming the field, nothing half-written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from statements.models import (
    Assertion,
    Conflict,
    Dispute,
    Entity,
    Predicate,
    Source,
    Statement,
)
from statements.services import (
    conflict_checks_deferred,
    dispute_review,
    entity_save,
    predicate_upsert,
    source_upsert,
    statement_create,
    statement_delete,
    statement_update,
)
from statements.services.accounts import curator_create

STRIKE = dt.datetime(2022, 6, 27, 12, 50, tzinfo=dt.UTC)
# Queries of a checked write of one assertion, as measured: SQLite writes history rows through
# django-simple-history's own functions, in more statements than PostgreSQL's copies.
QUERIES_TO_OPEN_A_DISPUTE = {"postgresql": 20, "sqlite": 24}
QUERIES_TO_JOIN_A_DISPUTE = {"postgresql": 21, "sqlite": 25}


@pytest.fixture
def world(db):
    def entity(slug, kind, **fields):
        return entity_save(entity=Entity(slug=slug, name=slug, kind=kind, **fields))

    state = entity("russia", "state")
    ministry = entity("mod", "organisation", part_of=state)
    predicate, _ = predicate_upsert(
        slug="people_present",
        name="People present",
        value_type="number",
        subject_kinds=["facility"],
    )
    struck, _ = predicate_upsert(
        slug="struck",
        name="Struck",
        value_type="entity",
        subject_kinds=["organisation"],
        object_kinds=["facility", "category"],
    )
    source, _ = source_upsert(slug="paper", title="Paper")
    return {
        "state": state,
        "ministry": ministry,
        "spokesman": entity("spokesman", "person", part_of=ministry),
        "mall": entity("mall", "facility"),
        "strike": entity("strike", "event"),
        "people_present": predicate,
        "struck": struck,
        "source": source,
    }


def create(world, **assertion):
    return statement_create(
        speaker=world["spokesman"],
        source=world["source"],
        said_at=STRIKE,
        quote="The mall was empty.",
        assertions=[
            {"predicate": world["people_present"], "subject": world["mall"], "value": 0} | assertion
        ],
    )


def error_keys(caught) -> set[str]:
    return set(caught.value.message_dict)


def test_value_of_the_wrong_type_is_refused_naming_the_value(world):
    with pytest.raises(ValidationError) as caught:
        create(world, value="nobody")
    assert error_keys(caught) == {"assertions.0.value"}
    assert not Statement.objects.exists(), "nothing half-written"


def test_boolean_is_not_a_number(world):
    with pytest.raises(ValidationError) as caught:
        create(world, value=True)
    assert error_keys(caught) == {"assertions.0.value"}


def test_subject_of_the_wrong_kind_is_refused_naming_the_subject(world):
    with pytest.raises(ValidationError) as caught:
        create(world, subject=world["strike"])
    assert error_keys(caught) == {"assertions.0.subject"}
    assert "facility" in caught.value.message_dict["assertions.0.subject"][0]


def test_object_of_the_wrong_kind_is_refused_naming_the_object(world):
    with pytest.raises(ValidationError) as caught:
        create(
            world, predicate=world["struck"], subject=world["ministry"], value=world["spokesman"]
        )
    assert error_keys(caught) == {"assertions.0.object"}


def test_comparator_applies_to_numbers_only(world):
    with pytest.raises(ValidationError) as caught:
        create(
            world,
            predicate=world["struck"],
            subject=world["ministry"],
            value=world["mall"],
            comparator="at_least",
        )
    assert error_keys(caught) == {"assertions.0.comparator"}


def test_interval_ending_before_it_starts_names_valid_until(world):
    with pytest.raises(ValidationError) as caught:
        create(world, valid_from=STRIKE, valid_until=STRIKE - dt.timedelta(hours=1))
    assert error_keys(caught) == {"assertions.0.valid_until"}


def test_update_in_place_keeps_assertion_ids(world):
    statement = create(world, comparator="about", value=1000)
    assertion = statement.assertions.get()
    statement_update(
        statement=statement,
        assertions=[
            {
                "id": assertion.pk,
                "predicate": world["people_present"],
                "subject": world["mall"],
                "value": 900,
                "comparator": "about",
            }
        ],
    )
    assert list(statement.assertions.values_list("pk", "number")) == [(assertion.pk, 900.0)]
    assert Assertion.history.filter(id=assertion.pk).count() == 2


def test_entity_save_keeps_lineage_and_refuses_cycles(world):
    spokesman = world["spokesman"]
    assert spokesman.lineage_ids == [world["state"].pk, world["ministry"].pk, spokesman.pk]
    state = world["state"]
    state.part_of = spokesman
    with pytest.raises(ValidationError) as caught:
        entity_save(entity=state)
    assert "part_of" in caught.value.message_dict


def test_entity_move_rewrites_descendants(world):
    ukraine = entity_save(entity=Entity(slug="ukraine", name="Ukraine", kind="state"))
    ministry = world["ministry"]
    ministry.part_of = ukraine
    entity_save(entity=ministry)
    world["spokesman"].refresh_from_db()
    assert world["spokesman"].lineage_ids == [ukraine.pk, ministry.pk, world["spokesman"].pk]


def test_catalogue_upsert_writes_only_what_differs(world):
    history = Predicate.history.count()
    _, outcome = predicate_upsert(
        slug="people_present",
        name="People present",
        value_type="number",
        subject_kinds=["facility"],
    )
    assert outcome == "unchanged"
    assert Predicate.history.count() == history
    predicate, outcome = predicate_upsert(
        slug="people_present", name="People inside", value_type="number", subject_kinds=["facility"]
    )
    assert (outcome, predicate.name) == ("updated", "People inside")
    assert Predicate.history.count() == history + 1


def test_catalogue_upsert_validates_fields(world):
    with pytest.raises(ValidationError) as caught:
        source_upsert(slug="bad", title="Bad", url="not a url")
    assert "url" in caught.value.message_dict
    assert not Source.objects.filter(slug="bad").exists()


@pytest.fixture
def headcount(world):
    """A single-valued number: two different headcounts of the same place clash."""
    predicate, _ = predicate_upsert(
        slug="headcount", name="Headcount", value_type="number", single_valued=True
    )
    return lambda value: create(world, predicate=predicate, value=value)


def test_deferred_checks_find_the_same_conflicts_once_at_the_end(headcount):
    with conflict_checks_deferred():
        headcount(0)
        headcount(900)
        assert not Conflict.objects.exists()  # nothing checked yet
    assert Conflict.objects.count() == 1
    headcount(1000)  # outside the block: checked at once, against both
    assert Conflict.objects.count() == 3


def test_deferred_checks_are_dropped_when_the_block_fails(headcount):
    with pytest.raises(RuntimeError), transaction.atomic(), conflict_checks_deferred():
        headcount(0)
        headcount(900)
        raise RuntimeError("the loader stopped")
    assert not Statement.objects.exists() and not Conflict.objects.exists()


def test_categories_are_set_through_entity_save_and_must_be_categories(world):
    shops = entity_save(entity=Entity(slug="shops", name="Shops", kind="category"))
    mall = entity_save(entity=world["mall"], categories=[shops])
    assert list(mall.categories.all()) == [shops]
    with pytest.raises(ValidationError) as caught:
        entity_save(entity=world["mall"], categories=[shops, world["state"]])
    assert error_keys(caught) == {"categories"}
    assert list(world["mall"].categories.all()) == [shops]


def test_a_checked_write_that_opens_then_joins_a_dispute_takes_a_bounded_number_of_queries(
    world, django_assert_max_num_queries
):
    # A write is checked against the record in the same transaction: its statement,
    # positions and assertions, the rules in force, candidates, conflicts and the disputes
    # they make, each read or written once (compiled once per process on PostgreSQL).
    headcount, _ = predicate_upsert(
        slug="headcount", name="Headcount", value_type="number", single_valued=True
    )
    create(world, predicate=headcount, value=0)
    mayor = entity_save(entity=Entity(slug="mayor", name="Mayor", kind="person"))

    def count(people):
        return statement_create(
            speaker=mayor,
            source=world["source"],
            said_at=STRIKE,
            quote=f"{people} people were inside.",
            assertions=[{"predicate": headcount, "subject": world["mall"], "value": people}],
        )

    with django_assert_max_num_queries(QUERIES_TO_OPEN_A_DISPUTE[connection.vendor]):
        count(50)
    assert (Conflict.objects.count(), Dispute.objects.count()) == (1, 1)
    with django_assert_max_num_queries(QUERIES_TO_JOIN_A_DISPUTE[connection.vendor]):
        count(70)
    assert (Conflict.objects.count(), Dispute.objects.count()) == (3, 1)


def _both_sides(world) -> Statement:
    """Create one statement that holds both sides of a question: nobody and fifty inside."""
    headcount, _ = predicate_upsert(
        slug="headcount", name="Headcount", value_type="number", single_valued=True
    )
    return statement_create(
        speaker=world["spokesman"],
        source=world["source"],
        said_at=STRIKE,
        quote="Nobody was inside; fifty people were inside.",
        assertions=[
            {"predicate": headcount, "subject": world["mall"], "value": 0},
            {"predicate": headcount, "subject": world["mall"], "value": 50},
        ],
    )


def test_deleting_the_one_record_that_held_every_position_of_a_dispute_closes_it(world):
    both = _both_sides(world)
    assert (Conflict.objects.count(), Dispute.objects.count()) == (1, 1)

    statement_delete(statement=both)

    # Its positions went with it, and so did the question they made: no dispute is left
    # open with no position in it.
    assert (Conflict.objects.count(), Dispute.objects.count()) == (0, 0)


def test_a_reviewed_dispute_whose_positions_all_went_is_retracted_with_its_verdict(world):
    both = _both_sides(world)
    reviewer, _ = curator_create(username="reviewer", password="reviewer-password")
    dispute_review(
        dispute=Dispute.objects.get(), verdict="unresolved", note="Both said.", reviewer=reviewer
    )

    statement_delete(statement=both)

    dispute = Dispute.objects.get()
    assert (dispute.status, dispute.verdict, dispute.verdict_note) == (
        "retracted",
        "unresolved",
        "Both said.",
    )
    assert not dispute.positions.exists()
