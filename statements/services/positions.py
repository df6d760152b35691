"""Positions: the assertions that make the same claim, held together under one key.

Every assertion the record services save gets its position here (``positions_assign``), found
or created by key; a position left without supporters goes (``positions_unheld``,
``positions_delete``), and its conflicts with it. The key is the SHA-256 of the claim, so it
does not depend on which supporter came first or on the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from statements.engine_io import id_in, rows_by_id
from statements.models import Assertion, Position

# The position's own columns, by attribute name (related rows by id).
_COLUMNS = tuple(
    f"{name}_id" if name in ("predicate", "subject", "object") else name
    for name in Assertion.POSITION_FIELDS
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return getattr(value, "pk", value)


def position_columns(claim: Mapping[str, Any]) -> dict[str, Any]:
    """Return a position's column values from cleaned assertion fields (related rows by id)."""
    return {
        column: getattr(claim[name], "pk", claim[name])
        for name, column in zip(Assertion.POSITION_FIELDS, _COLUMNS, strict=True)
    }


def position_key(columns: Mapping[str, Any]) -> str:
    """Return the key of the claim ``columns`` describe (``position_columns`` output)."""
    text = json.dumps([_canonical(columns[column]) for column in _COLUMNS], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# How many positions one insert statement takes (14 parameters each; PostgreSQL allows 65,535).
INSERT_CHUNK = 1000


def positions_assign(*, assertions: Iterable[Assertion]) -> None:
    """Give each of ``assertions`` (unsaved or changed) the position of its claim.

    Positions are found by key and created when missing: in one statement per
    ``INSERT_CHUNK`` claims on PostgreSQL, two for the lot elsewhere; a concurrent writer
    creating the same position is absorbed by the key's unique constraint.
    """
    assertions = list(assertions)
    if not assertions:
        return
    wanted: dict[str, dict[str, Any]] = {}
    keys = []
    for assertion in assertions:
        columns = {column: getattr(assertion, column) for column in _COLUMNS}
        key = position_key(columns)
        keys.append(key)
        wanted.setdefault(key, columns)
    found: dict[str, int] = {}
    if connection.vendor == "postgresql":
        claims = list(wanted)
        for start in range(0, len(claims), INSERT_CHUNK):
            chunk = claims[start : start + INSERT_CHUNK]
            found.update(_insert_or_find({key: wanted[key] for key in chunk}))
    unknown = [key for key in wanted if key not in found]
    if unknown:
        found.update(rows_by_id("position keys", _key_query, unknown))
    missing = [Position(key=key, **wanted[key]) for key in unknown if key not in found]
    if missing:
        # A position a concurrent writer created meanwhile is "updated" to itself, so the
        # insert returns every id, new or not, and no second read is needed.
        Position.objects.bulk_create(
            missing, update_conflicts=True, unique_fields=["key"], update_fields=["key"]
        )
        found.update((position.key, position.pk) for position in missing)
    for assertion, key in zip(assertions, keys, strict=True):
        assertion.position_id = found[key]


def _insert_or_find(wanted: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Create the positions of ``wanted`` not yet stored and return every id, in one statement.

    PostgreSQL only. The insert skips the keys already stored and the select finds those: both
    see the record as the statement began, so a key a concurrent writer committed meanwhile
    is in neither, and the caller reads it again. New positions take ids in the order their
    claims came, as the record services' other rows do.
    """
    quote = connection.ops.quote_name
    fields = [Position._meta.get_field(name) for name in ("key", *_COLUMNS, "created_at")]
    now = timezone.now()
    rows, params = [], []
    for key in wanted:
        values = {"key": key, **wanted[key], "created_at": now}
        rows.append("(" + ", ".join(["%s"] * len(fields)) + ")")
        params.extend(field.get_db_prep_save(values[field.attname], connection) for field in fields)
    table = quote(Position._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"WITH created AS (INSERT INTO {table} ({columns}) VALUES {', '.join(rows)} "
        f"ON CONFLICT ({quote('key')}) DO NOTHING RETURNING {quote('key')}, {quote('id')}) "
        f"SELECT {quote('key')}, {quote('id')} FROM created UNION ALL "
        f"SELECT {quote('key')}, {quote('id')} FROM {table} WHERE {quote('key')} = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, list(wanted)])
        return dict(cursor.fetchall())


def _key_query(keys: list[str]):
    return id_in(Position.objects.order_by(), keys, "key").values_list("key", "id")


def positions_unheld(*, position_ids: Iterable[int]) -> list[int]:
    """Return those of ``position_ids`` no assertion supports any more."""
    ids = sorted(set(position_ids))
    if not ids:
        return []
    return list(
        Position.objects.filter(id__in=ids)
        .exclude(Exists(Assertion.objects.filter(position_id=OuterRef("pk"))))
        .values_list("id", flat=True)
    )


def positions_delete(*, position_ids: Iterable[int]) -> None:
    """Delete positions no one holds; their conflicts go with them (history keeps those)."""
    ids = list(position_ids)
    if ids:  # even an empty delete walks every relation of the model in Python
        Position.objects.filter(id__in=ids).delete()
