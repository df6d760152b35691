"""Celery tasks: thin wrappers over the re-check services.

Shards are acknowledged late and rejected when their worker is lost, so a worker killed in the
middle of a shard has that shard delivered again; ``recheck_shard_run`` is idempotent.
"""

from celery import shared_task

from statements.services.rechecks import recheck_mark_failed, recheck_shard_run, rechecks_sweep


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def recheck_shard(self, shard_id: int) -> dict:
    """Run one shard of a full re-check."""
    try:
        shard = recheck_shard_run(shard_id=shard_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            recheck_mark_failed(shard_id=shard_id, error=repr(error))
        raise
    return {"shard": shard_id, "done": bool(shard and shard.finished_at)}


@shared_task(name="statements.tasks.rechecks_sweep", ignore_result=True)
def rechecks_sweep_task() -> int:
    """Send the re-check shards that never reached the broker (Celery beat runs this)."""
    return rechecks_sweep()


# Webhook deliveries (found by autodiscovery through this module).
from statements.webhooks.tasks import webhook_deliver  # noqa: E402, F401
