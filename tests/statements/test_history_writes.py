"""New conflicts and disputes written in bulk (COPY on PostgreSQL) keep their history rows."""

from datetime import UTC, datetime

import pytest

from statements.models import Dispute
from statements.services.history_writes import COPY_FROM, create_with_history, update_with_history

pytestmark = pytest.mark.django_db


# A few rows go as one INSERT, many through COPY (on PostgreSQL): both give the same.
@pytest.mark.parametrize("count", [3, COPY_FROM + 2])
def test_bulk_created_disputes_have_ids_and_a_created_history_row_each(count):
    when = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    disputes = [
        Dispute(
            title=f"question {n}",
            score=0.5,
            last_activity_at=when,
            rules="numeric,polarity",
            reviewed_positions=[f"key {n}"],  # JSON: prepared, unlike the plain columns
        )
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
    assert [d.reviewed_positions for d in stored] == [[f"key {n}"] for n in range(count)]
    history = Dispute.history.filter(id__in=ids)
    assert sorted(h.title for h in history) == sorted(titles)
    assert {(h.history_type, h.history_date, h.history_user_id) for h in history} == {
        ("+", when, None)
    }
    # The ids came from the table's own sequence: the next plain create does not collide.
    assert Dispute.objects.create(title="next", score=0, last_activity_at=when).pk > max(ids)


def test_bulk_updated_disputes_keep_every_field_and_log_a_changed_row_each():
    when = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    later = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    disputes = create_with_history(
        [Dispute(title=f"question {n}", score=0.5, last_activity_at=when) for n in range(3)],
        Dispute,
        date=when,
    )
    disputes[0].title, disputes[0].time_start = "renamed", later
    disputes[1].score, disputes[1].time_start = 0.9, None

    update_with_history(disputes[:2], Dispute, ["title", "score", "time_start"], date=later)

    stored = {d.pk: d for d in Dispute.objects.filter(pk__in=[d.pk for d in disputes])}
    assert (stored[disputes[0].pk].title, stored[disputes[0].pk].time_start) == ("renamed", later)
    assert (stored[disputes[1].pk].score, stored[disputes[1].pk].time_start) == (0.9, None)
    assert stored[disputes[2].pk].title == "question 2"  # not in the batch: untouched
    changed = Dispute.history.filter(history_type="~").order_by("id")
    assert [(h.id, h.title, h.score, h.history_date) for h in changed] == [
        (disputes[0].pk, "renamed", 0.5, later),
        (disputes[1].pk, "question 1", 0.9, later),
    ]
