"""Migration 0015: a position's dispute moves from its row to a DisputeMember row."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("statements", "0014_indexes_as_read")]
AFTER = [("statements", "0015_dispute_members")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0014():
    """Start at the migration before, and leave the database at the latest one after."""
    yield _migrate(BEFORE)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_positions_keep_their_disputes_through_the_migration(at_0014):
    old = at_0014
    Entity = old.get_model("statements", "Entity")
    Predicate = old.get_model("statements", "Predicate")
    Position = old.get_model("statements", "Position")
    Dispute = old.get_model("statements", "Dispute")
    mall = Entity.objects.create(slug="mall", name="Mall")
    status = Predicate.objects.create(slug="status", name="status", value_type="choice")
    dispute = Dispute.objects.create(title="Mall · status", last_activity_at=timezone.now())
    held = [
        Position.objects.create(
            key=f"{n:064d}", predicate=status, subject=mall, choice=f"c{n}", dispute=dispute
        )
        for n in range(2)
    ]
    loose = Position.objects.create(key="f" * 64, predicate=status, subject=mall, choice="x")

    new = _migrate(AFTER)
    members = new.get_model("statements", "DisputeMember").objects
    assert sorted(members.values_list("position_id", "dispute_id")) == [
        (held[0].pk, dispute.pk),
        (held[1].pk, dispute.pk),
    ]
    assert not members.filter(position_id=loose.pk).exists()

    back = _migrate(BEFORE)
    restored = back.get_model("statements", "Position").objects
    assert sorted(restored.filter(dispute__isnull=False).values_list("id", flat=True)) == [
        held[0].pk,
        held[1].pk,
    ]
