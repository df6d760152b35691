"""Curators' verdicts on conflicts: confirm or dismiss, with a note, remembered by who and when."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from statements.models import Conflict, ConflictStatus, ReviewDecision


@transaction.atomic
def conflict_review(*, conflict: Conflict, decision: str, note: str = "", reviewer) -> Conflict:
    """Record ``reviewer``'s ``decision`` (confirmed or dismissed) and note on ``conflict``.

    A retracted conflict keeps the decision for when its assertions clash again, but stays
    retracted until then.
    """
    if decision not in (ReviewDecision.CONFIRMED, ReviewDecision.DISMISSED):
        raise ValidationError({"decision": "Choose confirmed or dismissed."})
    conflict.review_decision = decision
    conflict.review_note = note
    conflict.reviewed_by = reviewer
    conflict.reviewed_at = timezone.now()
    if conflict.status != ConflictStatus.RETRACTED:
        conflict.status = decision
    conflict.save()
    return conflict
