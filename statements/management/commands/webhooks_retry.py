"""Attempt the webhook deliveries whose next attempt is due (run it from cron without Celery)."""

from django.core.management.base import BaseCommand

from statements.webhooks.events import webhook_deliveries_retry_due


class Command(BaseCommand):
    help = "Attempt every webhook delivery whose backoff has passed (the embedded default)."

    def handle(self, *args, **options):
        count = webhook_deliveries_retry_due()
        self.stdout.write(f"{count} deliver{'y' if count == 1 else 'ies'} attempted.")
