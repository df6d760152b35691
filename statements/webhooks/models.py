"""Webhook subscribers (managed by curators) and the deliveries made to them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


class WebhookEvent(models.TextChoices):
    DISPUTE_OPENED = "dispute.opened", "A dispute opened"
    DISPUTE_CHANGED = "dispute.changed", "A dispute changed (positions, status, retraction)"
    DISPUTE_REVIEWED = "dispute.reviewed", "A dispute was given a verdict"
    CONFLICT_RETRACTED = "conflict.retracted", "A conflict was retracted"


def new_secret() -> str:
    """Return a fresh signing secret."""
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookSubscriber(models.Model):
    """A URL told about the events it chose, each body signed with its secret."""

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=1000)
    secret = models.CharField(
        max_length=200, default=new_secret, help_text="Signs every body; never shown in full."
    )
    events = models.JSONField(default=list, help_text="The event names it is sent.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def secret_hint(self) -> str:
        """Return enough of the secret to tell it apart: its last four characters."""
        return f"…{self.secret[-4:]}" if self.secret else ""


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Failed, will retry"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed for good"
    REFUSED = "refused", "Refused (address not allowed)"


class WebhookDelivery(models.Model):
    """One signed POST of one event to one subscriber, with every attempt's outcome.

    Written in the transaction that made the event, so a rolled-back change notifies no one;
    sent once it commits.
    """

    subscriber = models.ForeignKey(
        WebhookSubscriber, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscriber} ({self.status})"
