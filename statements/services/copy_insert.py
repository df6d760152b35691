"""Insert many new rows and their history rows; through ``COPY`` on PostgreSQL.

A full re-check from empty writes thousands of conflicts and disputes, each with a history row.
``bulk_create`` sends them as ``INSERT`` statements of 500 rows and a placeholder per value,
which psycopg's client-side cursor splits with a regular expression and quotes value by value:
that was a third of the writing re-check. ``COPY`` streams the rows instead, and the ids come
from the table's own sequence first, so the history rows can name them.

Other databases take ``bulk_create_with_history``, which does the same in more statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection
from django.db.models import JSONField, Model
from simple_history.utils import bulk_create_with_history

HISTORY_COLUMNS = {"history_id"}  # filled by the history table's own sequence
_PLAIN = (str, int, float, bool)


def create_with_history(objs: Sequence[Model], model: type[Model], *, date: datetime) -> list:
    """Insert the unsaved ``objs`` and a "created" history row for each; return them with ids.

    The history rows carry ``date`` and the user ``simple_history`` knows for the request
    (none for a re-check), as ``bulk_create_with_history`` would give them.
    """
    objs = list(objs)
    if not objs:
        return []
    if connection.vendor != "postgresql":
        return bulk_create_with_history(objs, model, batch_size=500, default_date=date)
    table = model._meta.db_table
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
    # ``model.history`` builds a manager class on every access: take what it gives once.
    history = model.history.model
    columns = [f for f in history._meta.concrete_fields if f.attname not in HISTORY_COLUMNS]
    with connection.cursor() as cursor:
        db = cursor.db  # the connection itself: ``connection`` is a proxy, a lookup per value
        rows = [[_value(obj, f, db) for f in fields] for obj in objs]
        if len(objs) < COPY_FROM:
            ids = _insert_returning_ids(cursor, table, fields, rows)
        else:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(objs)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
            _copy(
                cursor,
                table,
                [model._meta.pk, *fields],
                ([pk, *row] for pk, row in zip(ids, rows, strict=True)),
            )
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
        history_rows = (
            [_history_value(obj, history, f, date, db) for f in columns] for obj in objs
        )
        if len(objs) < COPY_FROM:
            _insert(cursor, history._meta.db_table, columns, list(history_rows))
        else:
            _copy(cursor, history._meta.db_table, columns, history_rows)
    return objs


# From how many rows ``COPY`` beats an ``INSERT``: it takes a round trip more to start, and
# the ids a round trip of their own, which an ``INSERT ... RETURNING`` gives with the rows.
COPY_FROM = 50


def _copy(cursor, table: str, fields, rows) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_sql(table: str, fields, count: int) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(_placeholder(field) for field in fields) + ")"
    return f"INSERT INTO {quote(table)} ({names}) VALUES " + ", ".join([row] * count)


def _placeholder(field) -> str:
    # A JSON value goes as text; the column's type makes it jsonb, as Django's own insert does.
    return "%s::jsonb" if isinstance(field, JSONField) else "%s"


def _insert(cursor, table: str, fields, rows) -> None:
    cursor.execute(_insert_sql(table, fields, len(rows)), [v for row in rows for v in row])


def _insert_returning_ids(cursor, table: str, fields, rows) -> list[int]:
    # PostgreSQL returns the rows of a multi-row VALUES insert in the order given.
    sql = _insert_sql(table, fields, len(rows)) + " RETURNING id"
    cursor.execute(sql, [v for row in rows for v in row])
    return [pk for (pk,) in cursor.fetchall()]


def _value(obj: Model, field, db):
    # As ``bulk_create`` does: ``auto_now`` and ``auto_now_add`` fields take their time here.
    return _prepared(field, field.pre_save(obj, True), db)


def _prepared(field, value, db):
    """Return ``value`` as the database takes it; plain values and aware times pass as they are.

    ``get_db_prep_save`` was most of the copying's time, for values it hands back unchanged
    (PostgreSQL takes aware datetimes as they are); JSON and the rest still go through it.
    """
    if isinstance(field, JSONField):
        return field.get_db_prep_save(value, db)  # even a plain value must become JSON
    if value is None or type(value) in _PLAIN:
        return value
    if type(value) is datetime and value.tzinfo is not None:
        return value
    return field.get_db_prep_save(value, db)


def _history_value(obj: Model, history: type[Model], field, date: datetime, db):
    name = field.attname
    if name == "history_date":
        return date
    if name == "history_type":
        return "+"
    if name == "history_change_reason":
        return None
    if name == "history_user_id":
        user = history.get_default_history_user(obj)
        return getattr(user, "pk", None)
    return _prepared(field, getattr(obj, name), db)
