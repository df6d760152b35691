"""Clashing claims written at the same moment, each by its own connection, still meet.

Real threads with their own PostgreSQL connections, released together by a barrier: without the
block locks of ``statements.services.block_locks`` some pairs read their candidates before the
other side committed, and their conflict was missing until a full re-check.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from statements.models import (
    Assertion,
    Conflict,
    ConflictStatus,
    Dispute,
    Entity,
    Position,
    Statement,
)
from statements.services import (
    entity_save,
    predicate_upsert,
    records,
    source_upsert,
    statement_create,
    statement_delete,
)
from tests.statements.lock_waits import a_query_waits

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has one writer at a time, so writes cannot race; this needs PostgreSQL",
    ),
]

PAIRS = 10
SAID = dt.datetime(2022, 6, 27, 12, 50, tzinfo=dt.UTC)


def entity(slug, kind, **fields):
    return entity_save(entity=Entity(slug=slug, name=slug, kind=kind, **fields))


def race(writes):
    """Run every ``write`` in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(writes))
    errors = []

    def run(write):
        try:
            barrier.wait(timeout=30)
            write()
        except Exception as error:  # reported below, with the others
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_ten_concurrent_contradicting_pairs_make_ten_conflicts():
    predicate, _ = predicate_upsert(
        slug="people_present", name="People present", value_type="number", single_valued=True
    )
    source, _ = source_upsert(slug="paper", title="Paper")
    speakers = [entity("ministry", "organisation"), entity("witness", "person")]
    places = [entity(f"mall-{n}", "facility") for n in range(PAIRS)]

    def writer(speaker, place, value):
        return lambda: statement_create(
            speaker=speaker,
            source=source,
            said_at=SAID,
            quote=f"{value} people were there.",
            assertions=[{"predicate": predicate, "subject": place, "value": value}],
        )

    race(
        [writer(speakers[0], place, 0) for place in places]
        + [writer(speakers[1], place, 300) for place in places]
    )

    live = Conflict.objects.filter(status=ConflictStatus.OPEN)
    assert live.count() == PAIRS
    assert {c.position_a.subject.slug for c in live.select_related("position_a__subject")} == {
        place.slug for place in places
    }


def test_a_generic_claim_and_its_instance_written_together_clash():
    struck, _ = predicate_upsert(
        slug="struck", name="Struck", value_type="entity", object_kinds=["facility", "category"]
    )
    source, _ = source_upsert(slug="paper", title="Paper")
    military = entity("military-target", "category")
    army = entity("army", "organisation")
    units = [entity(f"unit-{n}", "organisation", part_of=army) for n in range(PAIRS)]
    depots = []
    for n in range(PAIRS):
        depot = entity(f"depot-{n}", "facility")
        depot.categories.add(military)
        depots.append(depot)
    speaker = entity("witness", "person")

    def claim(subject, obj, polarity):
        return lambda: statement_create(
            speaker=speaker,
            source=source,
            said_at=SAID,
            quote="Struck or not.",
            assertions=[
                {"predicate": struck, "subject": subject, "value": obj, "polarity": polarity}
            ],
        )

    race(
        [claim(unit, depot, "affirmed") for unit, depot in zip(units, depots, strict=True)]
        + [claim(army, military, "denied")]
    )

    assert Conflict.objects.filter(status=ConflictStatus.OPEN).count() == PAIRS


def test_a_clashing_write_while_the_claim_it_clashes_with_is_deleted_waits_and_succeeds(
    monkeypatch,
):
    headcount, _ = predicate_upsert(
        slug="headcount", name="Headcount", value_type="number", single_valued=True
    )
    source, _ = source_upsert(slug="paper", title="Paper")
    mall = entity("mall", "facility")
    nobody = statement_create(
        speaker=entity("ministry", "organisation"),
        source=source,
        said_at=SAID,
        quote="Nobody was inside.",
        assertions=[{"predicate": headcount, "subject": mall, "value": 0}],
    )
    witness = entity("witness", "person")
    deleted, release = threading.Event(), threading.Event()
    real_delete = records.positions_delete

    def delete_then_hold(**kwargs):
        real_delete(**kwargs)
        if threading.current_thread().name == "deleter":
            deleted.set()  # the position is gone in this transaction, not yet committed
            release.wait(10)

    monkeypatch.setattr(records, "positions_delete", delete_then_hold)
    errors = []

    def in_thread(write, name=None):
        def run():
            try:
                write()
            except Exception as error:
                errors.append(error)
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()
        return thread

    deleter = in_thread(lambda: statement_delete(statement=nobody), name="deleter")
    assert deleted.wait(10)
    writer = in_thread(
        lambda: statement_create(
            speaker=witness,
            source=source,
            said_at=SAID,
            quote="Fifty people were inside.",
            assertions=[{"predicate": headcount, "subject": mall, "value": 50}],
        )
    )
    try:
        assert a_query_waits(advisory_only=True), "the writer waits on the deletion's lock"
    finally:
        release.set()
        deleter.join(10)
        writer.join(10)

    assert not errors, errors
    assert Statement.objects.filter(quote="Fifty people were inside.").exists()
    assert not Conflict.objects.exists()  # what it clashed with was gone when it read
    assert not Dispute.objects.exists()


def test_writers_making_the_same_new_claim_at_once_share_one_position():
    headcount, _ = predicate_upsert(
        slug="headcount", name="Headcount", value_type="number", single_valued=True
    )
    source, _ = source_upsert(slug="paper", title="Paper")
    mall = entity("mall", "facility")
    speakers = [entity(f"paper-{n}", "organisation") for n in range(PAIRS)]

    def writer(speaker):
        return lambda: statement_create(
            speaker=speaker,
            source=source,
            said_at=SAID,
            quote="Fifty people were inside; the roof fell.",
            assertions=[
                {"predicate": headcount, "subject": mall, "value": 50},
                {"predicate": headcount, "subject": mall, "value": 50, "polarity": "denied"},
            ],
        )

    race([writer(speaker) for speaker in speakers])

    assert Position.objects.count() == 2
    assert Assertion.objects.values("position").distinct().count() == 2
    assert Conflict.objects.filter(status=ConflictStatus.OPEN).count() == 1
