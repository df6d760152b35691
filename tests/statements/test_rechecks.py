"""Full re-checks in shards, in-process: progress rows, idempotent shards, same conflicts
and disputes.

The row-lock tests at the end need PostgreSQL: each shard runs in its own transaction on its own
connection, as on Celery workers.
"""

import threading
from types import SimpleNamespace

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements.models import (
    Conflict,
    ConflictStatus,
    Dispute,
    DisputeMember,
    DisputeStatus,
    Recheck,
    RecheckShard,
    RecheckStatus,
)
from statements.services import rechecks
from statements.services.rechecks import (
    COUNT_FIELDS,
    recheck_create,
    recheck_shard_run,
    recheck_start,
    shard_for_update,
)
from statements.synthetic import CorpusGenerator, CorpusShape
from tests.statements.lock_waits import a_query_waits

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite has none)"
)


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


def test_recheck_of_an_unchanged_record_writes_no_dispute(corpus):
    recheck_start(shards=2)
    history = Dispute.history.count()
    activity = dict(Dispute.objects.values_list("id", "last_activity_at"))

    recheck_start(shards=3)

    assert Dispute.history.count() == history
    assert dict(Dispute.objects.values_list("id", "last_activity_at")) == activity


def test_recheck_puts_back_positions_that_left_their_dispute(corpus):
    """A full re-check repairs disputes that drifted from the conflicts, changed or not."""
    recheck_start(shards=2)
    before = conflict_set()
    dispute = Dispute.objects.exclude(status=DisputeStatus.RETRACTED).first()
    dispute.members.all().delete()
    Dispute.objects.filter(pk=dispute.pk).delete()

    again = recheck_start(shards=2)

    assert again.new == again.retracted == 0
    assert conflict_set() == before


def test_recheck_deletes_a_dispute_no_conflict_holds(corpus):
    recheck_start(shards=2)
    before = conflict_set()
    stray = Dispute.objects.create(title="left behind", score=0, last_activity_at=timezone.now())

    recheck_start(shards=2)

    assert not Dispute.objects.filter(pk=stray.pk).exists()
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


def _planned(shards: int) -> tuple[Recheck, list[int]]:
    """Plan a re-check of ``shards`` shards by hand; return it and its shards' ids in order."""
    recheck = Recheck.objects.create(backend=Recheck.Backend.INLINE, shards_total=shards)
    RecheckShard.objects.bulk_create(
        RecheckShard(recheck=recheck, index=index, spec={}) for index in range(shards)
    )
    return recheck, list(recheck.shards.order_by("index").values_list("pk", flat=True))


def test_the_shard_lock_reads_the_shard_table_only():
    _, [shard_id, _] = _planned(2)
    shard = RecheckShard.objects.get(pk=shard_id)

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        assert shard_for_update(shard.pk).first() == shard

    [query] = captured.captured_queries
    quote = connection.ops.quote_name
    assert quote(Recheck._meta.db_table) not in query["sql"]  # no join, so no lock on the re-check
    if connection.features.has_select_for_update:
        assert query["sql"].endswith(f"FOR UPDATE OF {quote(RecheckShard._meta.db_table)}")


def _fake_counts(**counts):
    return SimpleNamespace(**{name: counts.get(name, 0) for name in COUNT_FIELDS})


def _lock_timeout(seconds: float) -> None:
    """Make this transaction give up on a row lock after ``seconds`` instead of waiting."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{int(seconds * 1000)}ms'")


def _in_thread(target, name: str = "") -> threading.Thread:
    """Start ``target`` in a thread of its own, on a database connection of its own."""

    def run():
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name or None, daemon=True)
    thread.start()
    return thread


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_shards_of_one_recheck_hold_their_locks_at_once():
    _, [first, second] = _planned(2)
    locked, release = threading.Event(), threading.Event()

    def hold_first():
        with transaction.atomic():
            shard_for_update(first).get()
            locked.set()
            release.wait(10)

    holder = _in_thread(hold_first)
    try:
        assert locked.wait(10)
        with pytest.raises(OperationalError), transaction.atomic():
            _lock_timeout(0.5)
            shard_for_update(first).get()  # held by the other connection: the test sees locks
        with transaction.atomic():
            _lock_timeout(0.5)
            assert shard_for_update(second).get().pk == second  # no wait for the first shard
    finally:
        release.set()
        holder.join(10)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_shard_runs_to_the_end_while_another_shard_computes(monkeypatch):
    recheck, [first, second, third] = _planned(3)
    computing, release = threading.Event(), threading.Event()

    def conflicts_recheck(*, shard, progress=None):
        if threading.current_thread().name == "slow shard":
            computing.set()
            release.wait(10)
        return _fake_counts(found=1, new=1)

    monkeypatch.setattr(rechecks, "conflicts_recheck", conflicts_recheck)
    slow = _in_thread(lambda: recheck_shard_run(shard_id=first), name="slow shard")
    try:
        assert computing.wait(10)
        with transaction.atomic():
            _lock_timeout(2)  # a lock on the Recheck row would make this fail, not wait
            assert recheck_shard_run(shard_id=second).finished_at is not None
    finally:
        release.set()
        slow.join(10)
    recheck_shard_run(shard_id=third)

    recheck.refresh_from_db()
    assert (recheck.status, recheck.shards_done, recheck.found) == (RecheckStatus.DONE, 3, 3)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_shards_finishing_together_both_count_in_the_totals(monkeypatch):
    recheck, [first, second] = _planned(2)
    monkeypatch.setattr(rechecks, "conflicts_recheck", lambda **_: _fake_counts(found=1, new=1))
    totals_written, release = threading.Event(), threading.Event()
    real_totals = rechecks._recheck_totals

    def totals_then_hold(recheck_id):
        real_totals(recheck_id)
        if threading.current_thread().name == "first shard":
            totals_written.set()  # the Recheck row stays locked until this shard commits
            release.wait(10)

    monkeypatch.setattr(rechecks, "_recheck_totals", totals_then_hold)
    holder = _in_thread(lambda: recheck_shard_run(shard_id=first), name="first shard")
    other = None
    try:
        assert totals_written.wait(10)
        other = _in_thread(lambda: recheck_shard_run(shard_id=second))
        assert a_query_waits()  # the second shard waits for the first one's commit
    finally:
        release.set()
        holder.join(10)
        if other is not None:
            other.join(10)

    recheck.refresh_from_db()
    assert (recheck.status, recheck.shards_done, recheck.found) == (RecheckStatus.DONE, 2, 2)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_in_process_recheck_runs_two_shards_at_once_and_finds_the_same(corpus, monkeypatch):
    recheck_start(shards=1)  # one shard: nothing to run beside it
    serial = conflict_set()
    Conflict.objects.all().delete()
    Dispute.objects.all().delete()
    # The first two shards meet at the barrier: run one after the other, they would not.
    meeting = threading.Barrier(2, timeout=10)
    real = rechecks.conflicts_recheck
    calls = []

    def meet_then_recheck(*, shard, progress=None):
        calls.append(threading.current_thread().name)
        if len(calls) <= 2:
            meeting.wait()
        return real(shard=shard, progress=progress)

    monkeypatch.setattr(rechecks, "conflicts_recheck", meet_then_recheck)
    monkeypatch.setattr("django.conf.settings.CONTRADICT_RECHECK_THREADS", 2)

    recheck = recheck_start(shards=4)

    assert (recheck.status, recheck.shards_done) == (RecheckStatus.DONE, 4)
    assert len(calls) == 4 and len(set(calls[:2])) == 2  # two threads, each its own shard
    assert conflict_set() == serial


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_shard_failing_in_a_thread_fails_the_recheck(corpus, monkeypatch):
    def broken(*, shard, progress=None):
        if shard.subject_from is not None:
            raise RuntimeError("database went away")
        return _fake_counts()

    monkeypatch.setattr(rechecks, "conflicts_recheck", broken)
    monkeypatch.setattr("django.conf.settings.CONTRADICT_RECHECK_THREADS", 2)

    with pytest.raises(RuntimeError, match="database went away"):
        recheck_start(shards=3)

    recheck = Recheck.objects.get()
    assert recheck.status == RecheckStatus.FAILED
    assert "database went away" in recheck.error
    assert recheck.shards.filter(finished_at__isnull=False).count() <= 1


def test_a_recheck_keeps_the_first_failures_error_and_counts_the_others(corpus):
    from statements.services.rechecks import recheck_mark_failed

    recheck = recheck_create(shards=2)
    first, second = recheck.shards.order_by("index")
    recheck_mark_failed(shard_id=first.pk, error="RuntimeError('database went away')")
    recheck_mark_failed(shard_id=second.pk, error="InterfaceError('connection already closed')")

    recheck.refresh_from_db()
    assert recheck.status == RecheckStatus.FAILED
    assert recheck.error == "RuntimeError('database went away')"
    assert recheck.failures == 2


def _dispute_set():
    """Return every dispute by content: title, status, verdict, score and its positions' keys."""
    return {
        (
            dispute.title,
            dispute.status,
            dispute.verdict,
            dispute.score,
            tuple(sorted(p.key for p in dispute.positions.all())),
        )
        for dispute in Dispute.objects.all()
    }


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_recheck_rebuilds_the_disputes_in_two_parts_as_one_part_would(corpus, monkeypatch):
    from statements.services import disputes as disputes_module

    monkeypatch.setattr("django.conf.settings.CONTRADICT_RECHECK_THREADS", 1)
    recheck_start(shards=1)
    reviewed, other = Dispute.objects.order_by("id")[:2]
    reviewed.verdict, reviewed.status = "unresolved", DisputeStatus.REVIEWED
    reviewed.reviewed_positions = sorted(p.key for p in reviewed.positions.all())
    reviewed.save()
    expected = _dispute_set()

    def scramble():
        """Drop every dispute but two, and move a position of the second to a stale one.

        The second dispute holds the rest of its group (or is the older on a tie), so it keeps
        the group: the position moves back, and the stale dispute is deleted.
        """
        Dispute.objects.exclude(pk__in=[reviewed.pk, other.pk]).delete()
        stale = Dispute.objects.create(title="stale", last_activity_at=timezone.now())
        DisputeMember.objects.filter(position=other_position).delete()
        DisputeMember.objects.create(position=other_position, dispute=stale)
        return stale

    other_position = other.positions.order_by("id").first()
    stale = scramble()
    recheck_start(shards=2)
    assert _dispute_set() == expected, "one part"
    assert not Dispute.objects.filter(pk=stale.pk).exists()

    # Two groups a batch, so this small corpus makes many batches for the two parts.
    stale = scramble()
    monkeypatch.setattr(disputes_module, "RECONCILE_BATCH", 2)
    monkeypatch.setattr("django.conf.settings.CONTRADICT_RECHECK_THREADS", 2)
    real_write = disputes_module._write_groups
    writers = set()

    def noting_the_thread(*args, **kwargs):
        writers.add(threading.current_thread().name)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(disputes_module, "_write_groups", noting_the_thread)
    recheck = recheck_start(shards=2)

    assert recheck.status == RecheckStatus.DONE
    assert len(writers) == 2 and all(name.startswith("disputes") for name in writers)
    assert _dispute_set() == expected
    assert not Dispute.objects.filter(pk=stale.pk).exists()
    reviewed.refresh_from_db()
    assert (reviewed.verdict, reviewed.status) == ("unresolved", DisputeStatus.REVIEWED)


def test_a_recheck_whose_finishing_was_cut_short_is_finished_by_a_shard_delivered_again(
    corpus, monkeypatch
):
    recheck_start(shards=1)
    expected = conflict_set()
    Dispute.objects.all().delete()
    recheck = recheck_create(shards=2)
    first, second = recheck.shards.order_by("index")
    real_rebuild = rechecks.disputes_rebuild

    def killed(**kwargs):
        real_rebuild(**kwargs)  # every dispute written, then the worker is lost before commit
        raise OperationalError("worker lost")

    monkeypatch.setattr(rechecks, "disputes_rebuild", killed)
    recheck_shard_run(shard_id=first.pk)
    with pytest.raises(OperationalError):
        recheck_shard_run(shard_id=second.pk)

    recheck.refresh_from_db()
    assert (recheck.status, recheck.shards_done, recheck.finished_at) == (
        RecheckStatus.RUNNING,
        2,
        None,
    )
    assert not Dispute.objects.exists(), "the cut-short rebuild left nothing behind"

    monkeypatch.setattr(rechecks, "disputes_rebuild", real_rebuild)
    recheck_shard_run(shard_id=second.pk)  # the message delivered again

    recheck.refresh_from_db()
    assert recheck.status == RecheckStatus.DONE and recheck.finished_at is not None
    assert conflict_set() == expected
    assert recheck_shard_run(shard_id=first.pk).finished_at is not None  # and nothing more
    assert conflict_set() == expected
