"""New conflicts and disputes written in bulk (COPY on PostgreSQL) keep their history rows."""

from datetime import UTC, datetime

import pytest

from statements.models import Dispute
from statements.services.copy_insert import create_with_history

pytestmark = pytest.mark.django_db


def test_bulk_created_disputes_have_ids_and_a_created_history_row_each():
    when = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    disputes = [Dispute(title=f"question {n}", score=0.5, last_activity_at=when) for n in range(3)]

    saved = create_with_history(disputes, Dispute, date=when)

    ids = [dispute.pk for dispute in saved]
    assert len(set(ids)) == 3 and None not in ids
    stored = Dispute.objects.filter(pk__in=ids).order_by("pk")
    assert [d.title for d in stored] == ["question 0", "question 1", "question 2"]
    assert all(d.created_at is not None for d in stored)
    history = Dispute.history.filter(id__in=ids)
    assert sorted(h.title for h in history) == ["question 0", "question 1", "question 2"]
    assert {(h.history_type, h.history_date, h.history_user_id) for h in history} == {
        ("+", when, None)
    }
    # The ids came from the table's own sequence: the next plain create does not collide.
    assert Dispute.objects.create(title="next", score=0, last_activity_at=when).pk > max(ids)
