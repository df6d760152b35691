"""The live conflicts of the groups some positions are in, read in one recursive query.

A group is what live conflicts link, however far: a new claim clashing with one position of a
dispute of fifty joins all fifty. Walking out a step at a time cost a query per step (two or
three on most writes); the database walks instead, through the indexes on both ends.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection

from statements.models import Conflict, ConflictStatus

# The columns a dispute's row needs of each conflict, in ``CONFLICT_COLUMNS`` order.
_COLUMNS = ("position_a_id", "position_b_id", "score", "rules", "pair_classes")


def live_conflicts_reached(position_ids: Iterable[int]) -> list[tuple]:
    """Return ``(position_a, position_b, score, rules, pair_classes)`` of every live conflict
    in the groups ``position_ids`` are in, each once."""
    ids = sorted(set(position_ids))
    if not ids:
        return []
    quote = connection.ops.quote_name
    conflict = quote(Conflict._meta.db_table)
    columns = ", ".join(f"c.{quote(column)}" for column in _COLUMNS)
    # Both ends of a reached conflict are reached, so looking up ``position_a`` alone (the
    # last join) gives each conflict once.
    if connection.vendor == "postgresql":
        # One recursive reference is allowed, so both ends go in one LATERAL step; OFFSET 0
        # keeps the last look-up a loop over the index (the planner guesses a thousand
        # reached rows and would hash the whole conflict table: 5 ms at a million assertions).
        start, params = "SELECT unnest(%s::bigint[])", [ids]
        step = f"""
            SELECT step.other FROM reach CROSS JOIN LATERAL (
                SELECT position_b_id FROM {conflict}
                WHERE position_a_id = reach.id AND status = %s
                UNION ALL
                SELECT position_a_id FROM {conflict}
                WHERE position_b_id = reach.id AND status = %s
            ) AS step(other)
        """
        found = f"""CROSS JOIN LATERAL (
            SELECT * FROM {conflict} WHERE position_a_id = reach.id AND status = %s OFFSET 0
        ) AS c"""
    else:
        # SQLite takes one recursive step per end; the ids come as one JSON parameter (it
        # limits how many parameters a statement has).
        start, params = "SELECT value FROM json_each(%s)", [json.dumps(ids)]
        step = f"""
            SELECT position_b_id FROM {conflict} JOIN reach ON position_a_id = reach.id
            WHERE status = %s
            UNION
            SELECT position_a_id FROM {conflict} JOIN reach ON position_b_id = reach.id
            WHERE status = %s
        """
        found = f"JOIN {conflict} AS c ON c.position_a_id = reach.id AND c.status = %s"
    sql = f"WITH RECURSIVE reach(id) AS ({start} UNION {step}) SELECT {columns} FROM reach {found}"
    open_ = ConflictStatus.OPEN.value
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, open_, open_, open_])
        return cursor.fetchall()
