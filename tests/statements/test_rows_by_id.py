"""A query compiled once (``rows_by_id``) gives the rows Django's queryset gives, for any ids."""

import pytest
from django.db import connection

from statements.engine_io import id_in, rows_by_id
from statements.models import Position

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "key", "subject__name", "predicate__slug", "valid_from", "valid_until", "number")


def _positions(ids):
    return id_in(Position.objects.order_by("id"), ids).values_list(*COLUMNS)


def test_each_list_of_ids_gets_its_own_rows_from_the_one_compiled_query(seeded):
    ids = list(Position.objects.order_by("id").values_list("id", flat=True))
    timed = list(
        Position.objects.filter(valid_from__isnull=False)
        .order_by("id")
        .values_list("id", flat=True)
    )
    assert len(ids) > 10 and len(timed) > 5  # times come back as the queryset gives them too
    first, second = ids[:3], timed[-5:]

    assert rows_by_id("test positions", _positions, first) == list(_positions(first))
    # The second call runs the SQL compiled by the first with the new ids, not the old ones.
    rows = rows_by_id("test positions", _positions, second)
    assert rows == list(_positions(second))
    assert [row[0] for row in rows] == second
    assert rows_by_id("test positions", _positions, []) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="other databases run the queryset")
def test_a_query_that_does_not_take_its_ids_through_id_in_is_refused(seeded):
    with pytest.raises(ValueError, match="through id_in"):
        rows_by_id("no ids", lambda ids: Position.objects.values_list("id"), [1])
