"""Full re-checks split into shards that run on Celery workers, or in-process without a broker.

A re-check is a ``Recheck`` row with one ``RecheckShard`` row per shard (subject-id ranges, see
``conflicts_recheck_shards``). Each shard runs ``conflicts_recheck(shard=...)`` in its own
transaction and then marks itself done, so a shard that runs twice (a killed worker's message
delivered again) changes nothing the second time, and the conflict set is the same whichever
way the shards ran. The shard that finishes last then rebuilds the disputes from the
conflicts, once it has committed (``recheck_finish``), so the rebuild too can run in parts on
connections of their own; the re-check is done when the disputes are.

On Celery the rows are an outbox: they commit with the request that asked for the re-check,
the shards' tasks are sent only after that commit (``recheck_dispatch``), and a shard that did
not reach the broker (it was down) keeps ``sent_at`` empty. ``rechecks_sweep`` (Celery beat,
or ``manage.py rechecks_sweep`` on a timer) sends every such shard older than a bound, and
again any shard sent long ago that never finished (a broker that lost its queue), so a re-check
asked for while the broker was down runs once it is back.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, Max, Q, QuerySet, Sum, TextField, Value, When
from django.utils import timezone

from statements.models import Recheck, RecheckShard, RecheckStatus
from statements.services.disputes import disputes_rebuild
from statements.services.recheck_scan import Shard, conflicts_recheck, conflicts_recheck_shards
from statements.services.threads import run_in_threads, threads_usable

COUNT_FIELDS = ("found", "new", "retracted", "unchanged", "restored")

logger = logging.getLogger(__name__)


def celery_enabled() -> bool:
    """Return whether long checks go to Celery workers (a broker is configured)."""
    return bool(settings.CELERY_BROKER_URL)


@transaction.atomic
def recheck_create(*, shards: int | None = None, reason: str = "", requested_by=None) -> Recheck:
    """Plan a full re-check: one row for it and one per shard, all pending."""
    backend = Recheck.Backend.CELERY if celery_enabled() else Recheck.Backend.INLINE
    if shards is None:
        shards = (
            settings.CONTRADICT_RECHECK_SHARDS
            if backend == Recheck.Backend.CELERY
            else settings.CONTRADICT_RECHECK_SHARDS_INLINE
        )
    plan = conflicts_recheck_shards(count=shards)
    recheck = Recheck.objects.create(
        reason=reason, requested_by=requested_by, backend=backend, shards_total=len(plan)
    )
    RecheckShard.objects.bulk_create(
        RecheckShard(recheck=recheck, index=index, spec=shard.as_dict())
        for index, shard in enumerate(plan)
    )
    return recheck


def recheck_start(
    *,
    shards: int | None = None,
    reason: str = "",
    requested_by=None,
    progress: Callable[[int], None] | None = None,
) -> Recheck:
    """Plan a full re-check and start it: on Celery when a broker is set, else right here.

    In-process, this returns when the re-check is done (``progress`` hears of every assertion
    read); on Celery it returns at once and the ``Recheck`` row reports progress.
    """
    recheck = recheck_create(shards=shards, reason=reason, requested_by=requested_by)
    if recheck.backend == Recheck.Backend.INLINE:
        recheck_run_inline(recheck=recheck, progress=progress)
    else:
        recheck_dispatch_on_commit(recheck=recheck)
    recheck.refresh_from_db()
    return recheck


def recheck_run_inline(
    *, recheck: Recheck, progress: Callable[[int], None] | None = None
) -> Recheck:
    """Run every shard of ``recheck`` here; a failing shard marks it failed and is raised.

    On PostgreSQL, outside a transaction, ``CONTRADICT_RECHECK_THREADS`` shards run at once,
    each on a connection of its own, as Celery workers would run them: while one waits on
    the database another computes. Elsewhere (SQLite, or inside a transaction whose rows the
    other connections could not see) they run one after the other, in order.
    """
    shard_ids = list(recheck.shards.order_by("index").values_list("id", flat=True))
    threads = threads_usable(min(settings.CONTRADICT_RECHECK_THREADS, len(shard_ids)))
    if threads > 1:
        lock = threading.Lock()

        def reported(count: int) -> None:
            with lock:  # a progress bar counts from one thread at a time
                progress(count)

        each = reported if progress is not None else None
        parts = [partial(_run_or_mark_failed, shard_id, each) for shard_id in shard_ids]
        run_in_threads(parts, threads=threads, name="recheck")
        return recheck
    for shard_id in shard_ids:
        _run_or_mark_failed(shard_id, progress)
    return recheck


def _run_or_mark_failed(shard_id: int, progress: Callable[[int], None] | None) -> None:
    try:
        recheck_shard_run(shard_id=shard_id, progress=progress)
    except Exception as error:
        recheck_mark_failed(shard_id=shard_id, error=repr(error))
        raise


def recheck_dispatch_on_commit(*, recheck: Recheck) -> None:
    """Send ``recheck``'s shards once the current transaction commits (now, outside one).

    Only once the rows are committed, or a fast worker would not find them; robust, because
    the request that asked for the re-check has committed by then and must not fail for it.
    """
    recheck_id = recheck.pk
    transaction.on_commit(lambda: recheck_dispatch(recheck_id=recheck_id), robust=True)


def recheck_dispatch(*, recheck_id: int, shard_ids: list[int] | None = None) -> int:
    """Send the unfinished shards of a re-check (or ``shard_ids``) to the broker; return how
    many reached it.

    A broker that is down is not an error here: the shards keep ``sent_at`` empty, the failure
    is logged, and ``rechecks_sweep`` sends them later.
    """
    from statements.tasks import recheck_shard

    shards = RecheckShard.objects.filter(recheck_id=recheck_id, finished_at__isnull=True)
    if shard_ids is not None:
        shards = shards.filter(pk__in=shard_ids)
    sent = 0
    for shard_id in shards.order_by("index").values_list("id", flat=True):
        try:
            recheck_shard.apply_async((shard_id,), retry_policy=PUBLISH_RETRY)
        except Exception:
            logger.warning(
                "re-check %s: shard %s not sent, the sweeper will send it",
                recheck_id,
                shard_id,
                exc_info=True,
            )
            break  # the broker is down: the next shard would wait the same retries for nothing
        RecheckShard.objects.filter(pk=shard_id).update(sent_at=timezone.now())
        sent += 1
    return sent


# Publishing retries briefly (a broker restarting for a second); a broker that stays down
# leaves the shard to the sweeper rather than holding the request that asked for it.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def rechecks_sweep(
    *, unsent_after: timedelta | None = None, resend_after: timedelta | None = None
) -> int:
    """Send the shards of unfinished Celery re-checks that never reached the broker; return
    how many were sent.

    A shard not sent within ``unsent_after`` of its re-check's creation (the broker was down
    when it was asked for), or sent more than ``resend_after`` ago and still unfinished (the
    broker lost it), is sent again. A shard delivered twice runs once (``recheck_shard_run``).
    So is one shard of a re-check all of whose shards finished more than ``resend_after`` ago
    but which is not done: its disputes' rebuild was cut short or failed.
    """
    now = timezone.now()
    if unsent_after is None:
        unsent_after = timedelta(seconds=settings.CONTRADICT_RECHECK_SWEEP_AFTER)
    if resend_after is None:
        resend_after = timedelta(seconds=settings.CONTRADICT_RECHECK_RESEND_AFTER)
    due = (
        RecheckShard.objects.filter(
            finished_at__isnull=True,
            recheck__backend=Recheck.Backend.CELERY,
            recheck__status__in=(RecheckStatus.PENDING, RecheckStatus.RUNNING),
        )
        .filter(
            Q(sent_at__isnull=True, recheck__created_at__lte=now - unsent_after)
            | Q(sent_at__lte=now - resend_after)
        )
        .order_by("recheck_id", "index")
    )
    by_recheck: dict[int, list[int]] = {}
    for recheck_id, shard_id in due.values_list("recheck_id", "id"):
        by_recheck.setdefault(recheck_id, []).append(shard_id)
    sent = 0
    for recheck_id, shard_ids in by_recheck.items():
        sent += recheck_dispatch(recheck_id=recheck_id, shard_ids=shard_ids)
    return sent + _resend_unfinished(now - resend_after)


def _resend_unfinished(before) -> int:
    """Send again one shard of each re-check whose shards all finished before ``before`` but
    which was never marked done (its finishing was cut short, or failed for good); return how
    many were sent.

    A finished shard delivered again only finishes its re-check (``recheck_shard_run``), and
    leaves at once while another delivery is finishing it.
    """
    from statements.tasks import recheck_shard

    stalled = (
        Recheck.objects.filter(
            backend=Recheck.Backend.CELERY,
            status__in=(RecheckStatus.RUNNING, RecheckStatus.FAILED),
            finished_at__isnull=True,
            shards_done=F("shards_total"),
        )
        .annotate(last_done=Max("shards__finished_at"), last_shard=Max("shards__id"))
        .filter(last_done__lte=before)
        .order_by("id")
    )
    sent = 0
    for recheck_id, shard_id in stalled.values_list("id", "last_shard"):
        try:
            recheck_shard.apply_async((shard_id,), retry_policy=PUBLISH_RETRY)
        except Exception:
            logger.warning("re-check %s: not finished, not sent", recheck_id, exc_info=True)
            break  # the broker is down: the next sweep tries again
        sent += 1
    return sent


def recheck_shard_run(
    *, shard_id: int, progress: Callable[[int], None] | None = None
) -> RecheckShard | None:
    """Run one shard unless it is already done; record its counts and the re-check's totals.

    The shard's conflicts and its "done" mark commit together, under a lock on the shard row:
    a worker killed half-way leaves nothing behind, a second delivery waits for the first and
    then finds the shard done, and the totals count each shard once. The shard that makes the
    count whole then finishes the re-check (``recheck_finish``), after its commit; so does a
    second delivery of any shard, which finishes a re-check whose finishing was cut short.
    """
    Recheck.objects.filter(shards__pk=shard_id, started_at__isnull=True).update(
        started_at=timezone.now(), status=RecheckStatus.RUNNING
    )
    with transaction.atomic():
        shard = shard_for_update(shard_id).first()
        if shard is None:
            return shard  # gone with its re-check: nothing to do
        delivered_again = shard.finished_at is not None
        if not delivered_again:
            counts = conflicts_recheck(shard=Shard(**shard.spec), progress=progress)
            _pause_for_fault_injection()
            for name in COUNT_FIELDS:
                setattr(shard, name, getattr(counts, name))
            shard.finished_at = timezone.now()
            shard.save(update_fields=[*COUNT_FIELDS, "finished_at"])
            _recheck_totals(shard.recheck_id)  # last: its lock on the Recheck row lasts to commit
    recheck_finish(recheck_id=shard.recheck_id, wait=not delivered_again)
    return shard


def shard_for_update(shard_id: int) -> QuerySet[RecheckShard]:
    """Return the query that locks one shard row, and nothing else, until the transaction ends.

    The model's ordering (``recheck, index``) would join the Recheck table, and a plain ``FOR
    UPDATE`` would then lock the re-check's row too, so the shards of one re-check would run one
    at a time. Unordered, and ``OF`` the shard table only, each shard locks its own row.
    """
    return RecheckShard.objects.select_for_update(of=("self",)).order_by().filter(pk=shard_id)


def _pause_for_fault_injection() -> None:
    """Hold a shard after its conflicts are written, before commit (tests kill workers here)."""
    pause = float(os.environ.get("CONTRADICT_SHARD_PAUSE", "0"))
    if pause:
        time.sleep(pause)


def _recheck_totals(recheck_id: int) -> None:
    """Recompute a re-check's totals from its finished shards (idempotent by construction).

    The lock on the Recheck row comes first: a shard finishing at the same moment waits here
    until this one commits, and its sums (read after the lock) then include this shard. Summed
    before the lock, each could miss the other and the later commit would lose a shard's counts.
    """
    recheck = Recheck.objects.select_for_update().get(pk=recheck_id)
    done = RecheckShard.objects.filter(recheck_id=recheck_id, finished_at__isnull=False)
    totals = done.aggregate(shards_done=Count("pk"), **{name: Sum(name) for name in COUNT_FIELDS})
    recheck.shards_done = totals["shards_done"]
    for name in COUNT_FIELDS:
        setattr(recheck, name, totals[name] or 0)
    recheck.save(update_fields=["shards_done", *COUNT_FIELDS])


def recheck_finish(*, recheck_id: int, wait: bool = True) -> bool:
    """Rebuild the disputes once every shard of a re-check is done, and mark it done; once.

    Called after the last shard's commit, so the rebuild's parts can run on connections of
    their own (at most ``CONTRADICT_RECHECK_THREADS`` at a time on PostgreSQL): they see
    every shard's conflicts. The Recheck row stays locked until the re-check is marked done,
    so a second finisher waits and then finds it finished; without ``wait`` (a shard delivered
    again) it leaves at once while another finisher is at work. A finishing cut short (a
    worker killed, or an error) leaves the re-check running or failed with its disputes as
    they were or partly rebuilt, and the next finisher (``rechecks_sweep`` sends one) rebuilds
    them whole. Return whether it finished now.
    """
    threads = threads_usable(settings.CONTRADICT_RECHECK_THREADS)
    with transaction.atomic():
        locked = Recheck.objects.select_for_update(skip_locked=not wait)
        recheck = locked.filter(pk=recheck_id).first()
        if recheck is None or recheck.finished_at is not None:
            return False
        if recheck.shards_done < recheck.shards_total:
            return False
        disputes_rebuild(unless_unchanged_since=recheck.created_at, threads=threads)
        recheck.status = RecheckStatus.DONE
        recheck.finished_at = timezone.now()
        recheck.save(update_fields=["status", "finished_at"])
    return True


def recheck_mark_failed(*, shard_id: int, error: str) -> None:
    """Record that a shard failed for good (its retries ran out).

    The first failure's error is the one kept: a later one is counted, but is most often the
    first one's consequence (a database that went away fails every shard still running).
    """
    first = Case(
        When(error="", then=Value(error[:2000])), default=F("error"), output_field=TextField()
    )
    Recheck.objects.filter(shards__pk=shard_id).update(
        status=RecheckStatus.FAILED, error=first, failures=F("failures") + 1
    )
