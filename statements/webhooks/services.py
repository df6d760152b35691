"""Curators' writes to webhook subscribers: one transaction each, checked like the models."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from statements.webhooks.models import WebhookEvent, WebhookSubscriber, new_secret

SUBSCRIBER_FIELDS = ("name", "url", "events", "active", "secret")


def _events_clean(events: Any) -> list[str]:
    if not isinstance(events, list) or not events:
        raise ValidationError({"events": "Choose at least one event."})
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if unknown:
        raise ValidationError(
            {
                "events": f"Unknown event(s) {', '.join(unknown)}; choose from "
                f"{', '.join(WebhookEvent.values)}."
            }
        )
    return [event for event in WebhookEvent.values if event in events]


def _save(subscriber: WebhookSubscriber, fields: dict[str, Any]) -> WebhookSubscriber:
    unknown = set(fields) - set(SUBSCRIBER_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields for a subscriber: {', '.join(sorted(unknown))}")
    if "events" in fields:
        fields["events"] = _events_clean(fields["events"])
    for name, value in fields.items():
        setattr(subscriber, name, value)
    subscriber.full_clean(exclude=["created_by"])
    subscriber.save()
    return subscriber


@transaction.atomic
def webhook_subscriber_create(*, created_by=None, secret: str | None = None, **fields: Any):
    """Create a subscriber (``name``, ``url``, ``events``, ``active``); return it.

    Without a ``secret`` one is generated: the caller shows it once, it is never shown again.
    """
    subscriber = WebhookSubscriber(created_by=created_by, secret=secret or new_secret())
    fields.setdefault("events", [])
    return _save(subscriber, fields)


@transaction.atomic
def webhook_subscriber_update(*, subscriber: WebhookSubscriber, **fields: Any):
    """Change a subscriber's fields (a new ``secret`` replaces the old one)."""
    return _save(subscriber, fields)


@transaction.atomic
def webhook_subscriber_delete(*, subscriber: WebhookSubscriber) -> None:
    """Delete a subscriber with its delivery records."""
    subscriber.delete()
