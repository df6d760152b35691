"""Send the re-check shards that never reached the broker (run it on a timer, or use beat)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from statements.services.rechecks import celery_enabled, rechecks_sweep


class Command(BaseCommand):
    help = (
        "Send the shards of pending Celery re-checks that did not reach the broker (it was down "
        "when they were asked for) or were lost by it. Celery beat runs the same every minute; "
        "without beat, run this from cron or a systemd timer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            help="Seconds a shard may wait unsent (default CONTRADICT_RECHECK_SWEEP_AFTER).",
        )

    def handle(self, *args, older_than=None, **options):
        if not celery_enabled():
            self.stdout.write("no broker configured (CELERY_BROKER_URL): nothing to send")
            return
        unsent_after = timedelta(seconds=older_than) if older_than is not None else None
        sent = rechecks_sweep(unsent_after=unsent_after)
        self.stdout.write(f"sent {sent} shard(s)")
