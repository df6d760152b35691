"""Celery: deliver one webhook, retried with exponential backoff while it fails."""

from celery import shared_task

from statements.webhooks.delivery import webhook_attempt


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_deliver(self, delivery_id: int) -> str | None:
    """Attempt the delivery; on a failure that may pass, try again after its backoff."""
    attempt = webhook_attempt(delivery_id=delivery_id)
    if attempt is None:
        return None
    if attempt.retry_in is not None:
        # The delivery row counts attempts and decides when to give up, not Celery.
        raise self.retry(countdown=attempt.retry_in.total_seconds())
    return attempt.delivery.status
