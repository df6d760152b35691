"""What changed, as webhook deliveries: written with the change, sent once it commits.

The services that change disputes and conflicts call ``webhook_events_emit`` with what they
changed, once per batch (a re-check's batch of positions, one review). With no subscriber
for the event that costs one indexed query; otherwise one insert of a delivery per
subscriber per ``ITEMS_PER_DELIVERY`` items, and one callback on commit that sends them: on
Celery when a broker is configured (retried with backoff there), else in-process.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from statements.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscriber

logger = logging.getLogger(__name__)

# How many disputes or conflicts one delivery carries: a re-check touching thousands sends
# bodies of bounded size.
ITEMS_PER_DELIVERY = 100


def webhook_events_emit(*, event: str, kind: str, items: Iterable[Mapping[str, Any]]) -> int:
    """Record ``event`` about ``items`` (``kind`` "disputes" or "conflicts") for delivery.

    Return how many deliveries were recorded. They are sent when the transaction commits,
    and never if it rolls back.
    """
    return webhook_events_emit_each(kind=kind, items_by_event={event: list(items)})


def webhook_events_emit_each(
    *,
    kind: str,
    items_by_event: Mapping[str, Sequence[Any]],
    render: Callable[[Any], Mapping[str, Any]] = dict,
) -> int:
    """Record several events about ``kind`` at once, reading the subscribers once.

    Each item is ``render``-ed into its payload form only if someone subscribes to its event.
    """
    batches = {event: items for event, items in items_by_event.items() if items}
    if not batches:
        return 0
    # A handful of rows: the events list is read in Python (SQLite has no JSON containment).
    active = list(WebhookSubscriber.objects.filter(active=True))
    now = timezone.now().isoformat()
    deliveries = []
    for event, items in batches.items():
        subscribers = [subscriber for subscriber in active if event in subscriber.events]
        rendered = [render(item) for item in items] if subscribers else []
        for start in range(0, len(rendered), ITEMS_PER_DELIVERY):
            chunk = rendered[start : start + ITEMS_PER_DELIVERY]
            for subscriber in subscribers:
                payload = {
                    "id": str(uuid.uuid4()),
                    "event": event,
                    "created_at": now,
                    "data": {kind: chunk},
                }
                deliveries.append(
                    WebhookDelivery(subscriber=subscriber, event=event, payload=payload)
                )
    if not deliveries:
        return 0
    created = WebhookDelivery.objects.bulk_create(deliveries)
    ids = [delivery.pk for delivery in created]
    transaction.on_commit(lambda: webhook_dispatch(delivery_ids=ids), robust=True)
    return len(ids)


def webhook_dispatch(*, delivery_ids: Iterable[int]) -> None:
    """Send ``delivery_ids`` now: hand them to Celery with a broker, else deliver here."""
    from statements.services.rechecks import celery_enabled

    if celery_enabled():
        from statements.webhooks.tasks import webhook_deliver

        for delivery_id in delivery_ids:
            webhook_deliver.delay(delivery_id)
        return
    from statements.webhooks.delivery import webhook_attempt

    for delivery_id in delivery_ids:
        # A failure waits for its next attempt (``manage.py webhooks_retry``); the change that
        # caused it has committed and must not turn into an error.
        try:
            webhook_attempt(delivery_id=delivery_id)
        except Exception:
            logger.exception("webhook delivery %s failed to run", delivery_id)


def webhook_deliveries_retry_due(*, now=None) -> int:
    """Attempt every delivery whose next attempt is due (the embedded default's retries)."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.RETRYING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    webhook_dispatch(delivery_ids=due)
    return len(due)


def dispute_item(dispute) -> dict[str, Any]:
    """Return what a webhook tells about a dispute."""
    return {
        "id": dispute.pk,
        "title": dispute.title,
        "status": dispute.status,
        "score": dispute.score,
        "verdict": dispute.verdict,
        "reopened_because": dispute.reopened_because,
        "last_activity_at": dispute.last_activity_at.isoformat()
        if dispute.last_activity_at
        else None,
    }
