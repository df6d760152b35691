"""Full re-checks in shards, in-process: progress rows, idempotent shards, same conflicts
and disputes."""

import pytest

from statements.models import (
    Conflict,
    ConflictStatus,
    Dispute,
    DisputeStatus,
    Recheck,
    RecheckStatus,
)
from statements.services.rechecks import recheck_create, recheck_shard_run, recheck_start
from statements.synthetic import CorpusGenerator, CorpusShape

pytestmark = pytest.mark.django_db


def conflict_set():
    """Return the live conflicts and disputes by content (positions by key)."""
    conflicts = set(
        Conflict.objects.exclude(status=ConflictStatus.RETRACTED).values_list(
            "position_a__key", "position_b__key", "rules", "pair_classes", "score"
        )
    )
    disputes = {
        (dispute.title, tuple(sorted(p.key for p in dispute.positions.all())))
        for dispute in Dispute.objects.exclude(status=DisputeStatus.RETRACTED)
    }
    assert disputes, "the corpus should make disputes"
    return conflicts, disputes


@pytest.fixture
def corpus():
    CorpusGenerator(CorpusShape(assertions=1_500, seed=11, clash_share=0.1)).run()


def test_inline_recheck_finds_the_clashes_and_reports_progress(corpus):
    recheck = recheck_start(shards=4, reason="test")

    assert recheck.backend == Recheck.Backend.INLINE
    assert recheck.status == RecheckStatus.DONE
    assert recheck.shards_done == recheck.shards_total == 4  # four subject ranges
    assert recheck.found == recheck.new == Conflict.objects.count() > 0
    assert recheck.started_at <= recheck.finished_at


def test_shard_count_does_not_change_the_conflicts(corpus):
    recheck_start(shards=1)
    one_shard = conflict_set()
    Conflict.objects.all().delete()
    Dispute.objects.all().delete()

    recheck_start(shards=7)

    assert conflict_set() == one_shard


def test_recheck_again_changes_nothing(corpus):
    recheck_start(shards=3)
    before = conflict_set()

    again = recheck_start(shards=5)

    assert again.new == again.retracted == 0
    assert again.unchanged == again.found == len(before[0])
    assert conflict_set() == before


def test_a_shard_delivered_twice_runs_once(corpus):
    recheck = recheck_create(shards=2)
    shard_ids = list(recheck.shards.values_list("id", flat=True))
    for shard_id in shard_ids:
        recheck_shard_run(shard_id=shard_id)
    totals = Recheck.objects.get(pk=recheck.pk)

    for shard_id in shard_ids:  # a redelivery after the work was committed
        recheck_shard_run(shard_id=shard_id)

    again = Recheck.objects.get(pk=recheck.pk)
    assert again.status == RecheckStatus.DONE
    assert (again.found, again.new, again.shards_done) == (
        totals.found,
        totals.new,
        totals.shards_total,
    )
    assert Conflict.objects.count() == totals.found


def test_command_prints_the_counts(corpus, capsys):
    from django.core.management import call_command

    call_command("conflicts_recheck", "--shards", "2", verbosity=0)

    out = capsys.readouterr().out
    assert "inline, 2 shards" in out
    assert f"found {Conflict.objects.count()}, new {Conflict.objects.count()}" in out


def test_a_failing_shard_marks_the_recheck_failed(corpus, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("statements.services.rechecks.conflicts_recheck", broken)

    with pytest.raises(RuntimeError):
        recheck_start(shards=2)

    recheck = Recheck.objects.get()
    assert recheck.status == RecheckStatus.FAILED
    assert "database went away" in recheck.error
    assert recheck.failures == 1
