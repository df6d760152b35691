"""A made-up case (a harbour ferry incident, nothing from the seed) through the services.

Every rule fires on it; conflicts keep their reviews through retraction and return; re-checks
are idempotent; drafts write nothing; checking a statement costs the same queries whatever the
size of the record.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Assertion, Conflict, ConflictStatus, Entity, Statement
from statements.services import (
    conflict_review,
    entity_save,
    evidence_create,
    exclusion_rule_upsert,
    predicate_upsert,
    source_upsert,
    statement_create,
    statement_update,
)
from statements.services.conflicts import (
    RecheckCounts,
    conflicts_check_draft,
    conflicts_recheck,
    conflicts_recheck_shards,
)

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2031, 3, 4, 12, 15, tzinfo=dt.UTC)


@pytest.fixture
def harbour(db):
    def entity(slug, kind, **fields):
        categories = fields.pop("categories", [])
        saved = entity_save(
            entity=Entity(slug=slug, name=slug.replace("-", " ").title(), kind=kind, **fields)
        )
        saved.categories.set(categories)
        return saved

    authority = entity("harbour-authority", "organisation")
    wildlife = entity("protected-wildlife-area", "category")
    sanctuary = entity("bird-sanctuary", "category", part_of=wildlife)
    ferry_line = entity("ferry-line", "organisation")
    h = {
        "authority": authority,
        "harbourmaster": entity("harbourmaster", "person", part_of=authority),
        "pilots": entity("harbour-pilots", "organisation", part_of=authority),
        "ferry_line": ferry_line,
        "captain": entity("ferry-captain", "person", part_of=ferry_line),
        "gazette": entity("coastal-gazette", "organisation"),
        "skylark": entity("mv-skylark", "facility"),
        "incident": entity("skylark-incident", "event"),
        "gull_island": entity("gull-island", "place", categories=[sanctuary]),
        "quay": entity("east-quay", "place"),
        "wildlife": wildlife,
    }
    h["state"], _ = predicate_upsert(
        slug="vessel_state",
        name="Vessel state",
        value_type="choice",
        choices=["moored", "under_way", "aground"],
        single_valued=True,
    )
    h["speed"], _ = predicate_upsert(
        slug="speed_knots",
        name="Speed",
        value_type="number",
        single_valued=True,
        tolerance=0.5,
        about_tolerance=0.3,
    )
    h["dumped"], _ = predicate_upsert(
        slug="dumped_fuel_at", name="Dumped fuel at", value_type="entity"
    )
    h["caused_by"], _ = predicate_upsert(
        slug="caused_by", name="Caused by", value_type="entity", single_valued=True
    )
    exclusion_rule_upsert(
        slug="moored-excludes-speed",
        left_predicate=h["state"],
        left_operator="eq",
        left_value="moored",
        right_predicate=h["speed"],
        right_operator="gt",
        right_value=0,
    )
    h["source"], _ = source_upsert(slug="gazette-report", title="Coastal Gazette report")
    return h


def say(h, speaker, *assertions, day=0, ref=None):
    return statement_create(
        speaker=h[speaker],
        source=h["source"],
        said_at=NOON + dt.timedelta(days=day),
        quote=f"{speaker} speaks.",
        ref=ref,
        assertions=[_assertion(h, a) for a in assertions],
    )


def show(h, *assertions, grade=("B", 2)):
    return evidence_create(
        kind="video",
        title="Quay camera",
        source=h["source"],
        reliability=grade[0],
        credibility=grade[1],
        captured_at=NOON,
        description="The ferry leaves the quay.",
        assertions=[_assertion(h, a) for a in assertions],
    )


def _assertion(h, spec):
    predicate, subject, value, *rest = spec
    data = {
        "predicate": h[predicate],
        "subject": h[subject],
        "value": h[value] if isinstance(value, str) and value in h else value,
        "valid_from": NOON,
        "valid_until": NOON,
        "time_precision": "hour",
    }
    data.update(rest[0] if rest else {})
    return data


def live(**filters):
    return list(Conflict.objects.exclude(status=ConflictStatus.RETRACTED).filter(**filters))


def test_every_rule_fires_on_a_made_up_case(harbour):
    h = harbour
    say(h, "harbourmaster", ("state", "skylark", "moored"), ("caused_by", "incident", "captain"))
    say(h, "gazette", ("speed", "skylark", 12, {"comparator": "about"}))
    say(
        h,
        "captain",
        ("caused_by", "incident", "captain", {"polarity": "denied"}),
        ("speed", "skylark", 0),
    )
    say(
        h,
        "authority",
        (
            "dumped",
            "authority",
            "wildlife",
            {"polarity": "denied", "valid_from": None, "valid_until": None},
        ),
    )
    show(h, ("state", "skylark", "under_way"), ("dumped", "pilots", "gull_island"))
    rules = {c.rule: c for c in live()}
    assert set(rules) == {"polarity", "exclusive_value", "numeric", "generic_instance", "exclusion"}
    assert rules["generic_instance"].pair_class == "against_evidence"
    assert rules["polarity"].pair_class == "cross_speaker"
    assert "moored-excludes-speed" in rules["exclusion"].explanation
    assert all(0 < c.score <= 1 for c in live())


def test_a_flip_flop_is_the_same_speaker_and_says_which_came_first(harbour):
    first = say(harbour, "captain", ("state", "skylark", "moored"), day=1)
    later = say(harbour, "captain", ("state", "skylark", "aground"), day=2)
    (conflict,) = live()
    assert conflict.pair_class == "same_speaker"
    assert conflict.reason["first"] == first.assertions.get().pk
    assert later.assertions.get().pk in (conflict.assertion_a_id, conflict.assertion_b_id)


def test_entity_values_related_by_part_of_do_not_clash(harbour):
    say(harbour, "gazette", ("caused_by", "incident", "authority"))
    say(harbour, "captain", ("caused_by", "incident", "pilots"))
    assert live() == []
    say(harbour, "harbourmaster", ("caused_by", "incident", "captain"))
    assert len(live()) == 2


def test_retracted_conflict_keeps_its_review_and_returns_dismissed(harbour, django_user_model):
    h = harbour
    statement = say(h, "harbourmaster", ("state", "skylark", "moored"))
    show(h, ("state", "skylark", "under_way"))
    (conflict,) = live()
    reviewer = django_user_model.objects.create(username="editor")
    conflict_review(
        conflict=conflict, decision="dismissed", note="Different berth.", reviewer=reviewer
    )

    mine = statement.assertions.get()
    statement_update(
        statement=statement,
        assertions=[_assertion(h, ("state", "skylark", "under_way")) | {"id": mine.pk}],
    )
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.RETRACTED and conflict.retracted_at is not None
    assert (conflict.review_decision, conflict.review_note) == ("dismissed", "Different berth.")

    statement_update(
        statement=statement,
        assertions=[_assertion(h, ("state", "skylark", "moored")) | {"id": mine.pk}],
    )
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.DISMISSED and conflict.retracted_at is None
    assert Conflict.objects.count() == 1
    assert conflict.history.count() >= 4  # created, reviewed, retracted, restored


def test_an_unreviewed_conflict_comes_back_open(harbour):
    h = harbour
    statement = say(h, "harbourmaster", ("speed", "skylark", 0))
    say(h, "gazette", ("speed", "skylark", 10, {"comparator": "at_least"}))
    mine = statement.assertions.get()
    statement_update(
        statement=statement, assertions=[_assertion(h, ("speed", "skylark", 11)) | {"id": mine.pk}]
    )
    assert live() == [] and Conflict.objects.get().status == ConflictStatus.RETRACTED
    statement_update(
        statement=statement, assertions=[_assertion(h, ("speed", "skylark", 3)) | {"id": mine.pk}]
    )
    assert [c.status for c in live()] == [ConflictStatus.OPEN]


def test_deleting_an_assertion_forgets_its_conflicts(harbour):
    statement = say(harbour, "harbourmaster", ("state", "skylark", "moored"))
    say(harbour, "gazette", ("state", "skylark", "aground"))
    assert Conflict.objects.count() == 1
    statement_update(statement=statement, assertions=[])
    assert Conflict.objects.count() == 0


def test_recheck_is_idempotent_and_catches_rows_written_behind_its_back(harbour):
    h = harbour
    say(h, "harbourmaster", ("state", "skylark", "moored"))
    say(h, "authority", ("dumped", "authority", "wildlife", {"polarity": "denied"}))
    show(h, ("state", "skylark", "under_way"), ("dumped", "pilots", "gull_island"))
    before = sorted(Conflict.objects.values_list("fingerprint", "status"))
    counts = conflicts_recheck()
    assert (counts.found, counts.new, counts.retracted, counts.unchanged) == (2, 0, 0, 2)
    assert sorted(Conflict.objects.values_list("fingerprint", "status")) == before

    # A bulk import bypasses the services; the re-check finds what it adds and drops what it ends.
    statement = Statement.objects.create(
        speaker=h["gazette"], source=h["source"], said_at=NOON, quote="Aground!"
    )
    Assertion.objects.create(
        statement=statement,
        predicate=h["state"],
        subject=h["skylark"],
        choice="aground",
        valid_from=NOON,
        valid_until=NOON,
        time_precision="hour",
    )
    Assertion.objects.filter(predicate=h["dumped"], polarity="affirmed").update(object=h["quay"])
    counts = conflicts_recheck()
    assert (counts.new, counts.retracted) == (2, 1)
    again = conflicts_recheck()
    assert (again.new, again.retracted, again.restored, again.unchanged) == (0, 0, 0, again.found)
    assert Conflict.objects.count() == 4


def test_shards_together_give_the_same_conflicts_as_one_recheck(harbour):
    h = harbour
    say(h, "harbourmaster", ("state", "skylark", "moored"), ("caused_by", "incident", "captain"))
    say(
        h,
        "captain",
        ("caused_by", "incident", "captain", {"polarity": "denied"}),
        ("speed", "skylark", 4),
    )
    say(h, "authority", ("dumped", "authority", "wildlife", {"polarity": "denied"}))
    show(h, ("dumped", "pilots", "gull_island"))
    expected = set(Conflict.objects.values_list("fingerprint", flat=True))
    Conflict.objects.all().delete()
    shards = conflicts_recheck_shards(count=3)
    assert shards[-1].generic and len(shards) >= 3
    total = sum((conflicts_recheck(shard=shard) for shard in shards), start=RecheckCounts())
    assert set(Conflict.objects.values_list("fingerprint", flat=True)) == expected
    assert total.found == len(expected)


def test_checking_a_draft_writes_nothing(harbour):
    h = harbour
    show(h, ("state", "skylark", "under_way"))
    before = (Statement.objects.count(), Assertion.objects.count(), Conflict.objects.count())
    findings = conflicts_check_draft(
        assertions=[
            _assertion(h, ("state", "skylark", "moored")),
            _assertion(h, ("speed", "skylark", 9)),
        ],
        speaker=h["harbourmaster"],
        said_at=NOON,
        quote="She never left the quay.",
        source=h["source"],
    )
    assert before == (
        Statement.objects.count(),
        Assertion.objects.count(),
        Conflict.objects.count(),
    )
    assert sorted((f.rule, f.draft, f.other_draft) for f in findings) == [
        ("exclusion", 0, 1),
        ("exclusive_value", 0, None),
    ]
    clash = next(f for f in findings if f.rule == "exclusive_value")
    assert clash.assertion == Assertion.objects.get().pk
    assert "She never left the quay." in clash.explanation and "Quay camera" in clash.explanation


def _filler(h, count):
    """Add ``count`` assertions about other vessels, in bulk, with the same predicates."""
    start = Entity.objects.count()
    vessels = Entity.objects.bulk_create(
        Entity(slug=f"vessel-{start + i}", name=f"Vessel {start + i}", kind="facility")
        for i in range(count // 2)
    )
    statement = Statement.objects.create(
        speaker=h["gazette"], source=h["source"], said_at=NOON, quote="Filler."
    )
    Assertion.objects.bulk_create(
        Assertion(
            statement=statement,
            predicate=h["state"] if i % 2 else h["speed"],
            subject=vessel,
            choice="moored" if i % 2 else "",
            number=None if i % 2 else 3.0,
            valid_from=NOON,
            valid_until=NOON,
            time_precision="hour",
        )
        for vessel in vessels
        for i in range(2)
    )


def _checked_statement_queries(h, name):
    """Create a statement of five assertions (two of them clashing); return its query count."""
    h = h | {"v": entity_save(entity=Entity(slug=name, name=name, kind="facility"))}
    show(h, ("state", "v", "under_way"))
    with CaptureQueriesContext(connection) as queries:
        statement = say(
            h,
            "harbourmaster",
            ("state", "v", "moored"),
            ("speed", "v", 0),
            ("caused_by", "incident", "captain"),
            ("dumped", "pilots", "gull_island"),
            ("speed", "skylark", 2, {"comparator": "at_most"}),
        )
    mine = statement.assertions.values_list("pk", flat=True)
    found = Conflict.objects.filter(assertion_b__in=mine).values_list("rule", flat=True)
    assert sorted(found) == ["exclusive_value", "generic_instance"]
    return len(queries)


def test_checking_a_statement_costs_the_same_queries_at_two_corpus_sizes(harbour):
    h = harbour
    say(h, "authority", ("dumped", "authority", "wildlife", {"polarity": "denied"}))
    _filler(h, 200)
    small = _checked_statement_queries(h, "first-vessel")
    _filler(h, 3000)
    large = _checked_statement_queries(h, "second-vessel")
    assert Assertion.objects.count() > 3200
    assert small == large
