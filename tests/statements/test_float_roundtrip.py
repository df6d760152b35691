"""A stored number at the edge of float range changes nothing when the record is re-checked.

On PostgreSQL 1e308 once came back from jsonb as the integer 10**308, so every re-check "changed"
its conflicts and wrote a history row for each.
"""

import datetime as dt

import pytest

from statements.models import Conflict, Dispute, Entity
from statements.services import entity_save, predicate_upsert, source_upsert, statement_create
from statements.services.recheck_scan import conflicts_recheck

SAID = dt.datetime(2022, 6, 27, 12, 50, tzinfo=dt.UTC)


def entity(slug, kind):
    return entity_save(entity=Entity(slug=slug, name=slug, kind=kind))


@pytest.mark.parametrize("huge", [1e308, 1.7976931348623157e308, 0.1 + 0.2, 1e-320])
@pytest.mark.django_db
def test_a_recheck_of_an_unchanged_record_writes_no_history(huge):
    predicate, _ = predicate_upsert(
        slug="people_present", name="People", value_type="number", single_valued=True,
        tolerance=0.5, about_tolerance=0.1,
    )  # fmt: skip
    source, _ = source_upsert(slug="paper", title="Paper")
    mall = entity("mall", "facility")
    for speaker, value, comparator in [("a", huge, "about"), ("b", -5, "exactly"),
                                       ("c", huge, "at_least"), ("d", 7, "exactly")]:  # fmt: skip
        statement_create(
            speaker=entity(speaker, "person"), source=source, said_at=SAID, quote=f"{value}",
            assertions=[{"predicate": predicate, "subject": mall, "value": value,
                         "comparator": comparator}],
        )  # fmt: skip
    assert Conflict.objects.exists()
    conflicts_recheck()
    history = (Conflict.history.count(), Dispute.history.count())

    counts = conflicts_recheck()

    assert (Conflict.history.count(), Dispute.history.count()) == history
    assert counts.unchanged == Conflict.objects.count()
