"""Curators' verdicts on disputes, remembered by who and when, kept while the positions stay."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from statements.models import Dispute, DisputeStatus, Position, Verdict
from statements.webhooks.events import dispute_item, webhook_events_emit
from statements.webhooks.models import WebhookEvent


@transaction.atomic
def dispute_review(
    *,
    dispute: Dispute,
    verdict: str,
    reviewer,
    position: Position | None = None,
    note: str = "",
) -> Dispute:
    """Record ``reviewer``'s ``verdict`` and note on ``dispute``.

    ``supported`` names the ``position`` the record supports, one of the dispute's own;
    ``unresolved`` says the contradiction is real and undecided; ``not_a_contradiction``
    dismisses it. The verdict holds while the dispute keeps these positions: a new one
    re-opens it (``statements.services.disputes``). A retracted dispute keeps the verdict.
    """
    if verdict not in (Verdict.SUPPORTED, Verdict.UNRESOLVED, Verdict.NOT_A_CONTRADICTION):
        raise ValidationError({"verdict": "Choose supported, unresolved or not_a_contradiction."})
    members = dict(dispute.positions.values_list("id", "key"))
    keys = sorted(members.values())
    if verdict == Verdict.SUPPORTED:
        if position is None:
            raise ValidationError({"position": "Name the position the record supports."})
        if position.pk not in members:
            raise ValidationError(
                {"position": f"Position {position.pk} is not one of this dispute's positions."}
            )
    elif position is not None:
        raise ValidationError({"position": f"A verdict of {verdict} names no position."})
    dispute.verdict = verdict
    dispute.verdict_position = position
    dispute.verdict_note = note
    dispute.reviewed_by = reviewer
    dispute.reviewed_at = timezone.now()
    dispute.reviewed_positions = keys
    dispute.reopened_because = ""
    if dispute.status != DisputeStatus.RETRACTED:
        dispute.status = (
            DisputeStatus.DISMISSED
            if verdict == Verdict.NOT_A_CONTRADICTION
            else DisputeStatus.REVIEWED
        )
    dispute.last_activity_at = dispute.reviewed_at
    dispute.save()
    item = {
        **dispute_item(dispute),
        "verdict_position": dispute.verdict_position_id,
        "verdict_note": dispute.verdict_note,
        "reviewed_by": getattr(reviewer, "username", None),
        "reviewed_at": dispute.reviewed_at.isoformat(),
    }
    webhook_events_emit(event=WebhookEvent.DISPUTE_REVIEWED, kind="disputes", items=[item])
    return dispute
