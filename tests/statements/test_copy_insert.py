"""New conflicts and disputes written in bulk (COPY on PostgreSQL) keep their history rows."""

from datetime import UTC, datetime

import pytest

from statements.models import Dispute
from statements.services.copy_insert import COPY_FROM, create_with_history

pytestmark = pytest.mark.django_db


# A few rows go as one INSERT, many through COPY (on PostgreSQL): both give the same.
@pytest.mark.parametrize("count", [3, COPY_FROM + 2])
def test_bulk_created_disputes_have_ids_and_a_created_history_row_each(count):
    when = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    disputes = [
        Dispute(title=f"question {n}", score=0.5, last_activity_at=when, rules="numeric,polarity")
        for n in range(count)
    ]

    saved = create_with_history(disputes, Dispute, date=when)

    ids = [dispute.pk for dispute in saved]
    assert len(set(ids)) == count and None not in ids
    stored = Dispute.objects.filter(pk__in=ids).order_by("pk")
    titles = [f"question {n}" for n in range(count)]
    assert [d.title for d in stored] == titles
    assert [d.pk for d in stored] == ids  # each object got its own row's id
    assert all(d.created_at is not None and d.rules == "numeric,polarity" for d in stored)
    history = Dispute.history.filter(id__in=ids)
    assert sorted(h.title for h in history) == sorted(titles)
    assert {(h.history_type, h.history_date, h.history_user_id) for h in history} == {
        ("+", when, None)
    }
    # The ids came from the table's own sequence: the next plain create does not collide.
    assert Dispute.objects.create(title="next", score=0, last_activity_at=when).pk > max(ids)
