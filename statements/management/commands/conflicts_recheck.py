"""Re-check the whole record for conflicts, in shards, and print what changed."""

import time

from django.core.management.base import BaseCommand, CommandError

from statements.management.progress import progress
from statements.models import Recheck, RecheckStatus
from statements.services.recheck_scan import conflicts_recheck_total
from statements.services.rechecks import celery_enabled, recheck_start


class Command(BaseCommand):
    help = (
        "Re-check the whole record for conflicts (after a predicate or exclusion rule changed). "
        "Shards run on Celery workers when CELERY_BROKER_URL is set, in-process otherwise. "
        "Shows a progress bar and prints found, new, retracted and unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shards", type=int, help="Subject-range shards (default setting).")
        parser.add_argument("--reason", default="manage.py conflicts_recheck")
        parser.add_argument(
            "--timeout", type=float, default=3600, help="Seconds to wait for Celery workers."
        )

    def handle(self, *args, shards=None, reason="", timeout=3600, **options):
        if shards is not None and shards < 1:
            raise CommandError("--shards must be at least 1.")
        quiet = options["verbosity"] < 1
        if celery_enabled():
            recheck = self._on_workers(shards, reason, timeout, quiet)
        else:
            total = conflicts_recheck_total()
            with progress(total=total, unit="assertion", desc="re-check", enabled=not quiet) as bar:
                recheck = recheck_start(shards=shards, reason=reason, progress=bar.update)
        if recheck.status != RecheckStatus.DONE:
            raise CommandError(f"Re-check {recheck.pk} ended {recheck.status}: {recheck.error}")
        self.stdout.write(
            f"re-check {recheck.pk} ({recheck.backend}, {recheck.shards_total} shards): "
            f"found {recheck.found}, new {recheck.new}, retracted {recheck.retracted}, "
            f"unchanged {recheck.unchanged}, restored {recheck.restored}"
        )

    def _on_workers(self, shards, reason, timeout, quiet) -> Recheck:
        recheck = recheck_start(shards=shards, reason=reason)
        deadline = time.monotonic() + timeout
        with progress(
            total=recheck.shards_total, unit="shard", desc="re-check", enabled=not quiet
        ) as bar:
            while recheck.status in (RecheckStatus.PENDING, RecheckStatus.RUNNING):
                if time.monotonic() > deadline:
                    raise CommandError(f"Re-check {recheck.pk} still running after {timeout} s.")
                time.sleep(0.2)
                recheck.refresh_from_db()
                bar.update(recheck.shards_done - bar.n)
        return recheck
