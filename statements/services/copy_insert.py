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
from django.db.models import Model
from simple_history.utils import bulk_create_with_history

HISTORY_COLUMNS = {"history_id"}  # filled by the history table's own sequence


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
    fields = model._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
        _copy(cursor, table, fields, ([_value(obj, field) for field in fields] for obj in objs))
        history = model.history.model
        columns = [f for f in history._meta.concrete_fields if f.attname not in HISTORY_COLUMNS]
        _copy(
            cursor,
            history._meta.db_table,
            columns,
            ([_history_value(obj, model, field, date) for field in columns] for obj in objs),
        )
    return objs


def _copy(cursor, table: str, fields, rows) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _value(obj: Model, field):
    # As ``bulk_create`` does: ``auto_now`` and ``auto_now_add`` fields take their time here.
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def _history_value(obj: Model, model: type[Model], field, date: datetime):
    name = field.attname
    if name == "history_date":
        return date
    if name == "history_type":
        return "+"
    if name == "history_change_reason":
        return None
    if name == "history_user_id":
        user = model.history.model.get_default_history_user(obj)
        return getattr(user, "pk", None)
    return field.get_db_prep_save(getattr(obj, name), connection)
