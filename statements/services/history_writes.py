"""Many rows and their history rows, written in as few statements as PostgreSQL allows.

``bulk_create_with_history`` and ``bulk_update_with_history`` (django-simple-history) write
the rows, then their history rows, each through Django's ORM: an ``UPDATE`` is a ``CASE`` per
field and row, and building and quoting it was most of checking a new statement. Here:

- a few rows and their history rows go in **one statement**: the history rows are copied, in
  the database, from what the ``INSERT`` or ``UPDATE`` stored (``RETURNING``), as a history
  row copies its object;
- many new rows (a full re-check writes thousands) are streamed through ``COPY``, with ids
  taken from the table's own sequence first, and their history rows then copied from them in
  the database by those ids.

Other databases, and batches whose objects name different history users, take
django-simple-history's own functions, which give the same rows in more statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from operator import attrgetter

from django.db import connection
from django.db.models import JSONField, Model
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

HISTORY_COLUMNS = {"history_id"}  # filled by the history table's own sequence
_PLAIN = (str, int, float, bool)

# From how many new rows ``COPY`` beats an ``INSERT``: it takes a round trip more to start,
# and the ids a round trip of their own.
COPY_FROM = 50
# How many rows one ``UPDATE`` statement changes at most.
UPDATE_BATCH = 500


@cache
def history_model(model: type[Model]) -> type[Model]:
    """Return the history model of ``model``, read once.

    ``model.history`` builds a manager class at every access (``inspect`` over its queryset's
    methods): about a third of a millisecond, paid three times in every checked write.
    """
    return model.history.model


def create_with_history(objs: Sequence[Model], model: type[Model], *, date: datetime) -> list:
    """Insert the unsaved ``objs`` and a "created" history row for each; return them with ids.

    The history rows carry ``date`` and the user ``simple_history`` knows for the request
    (none for a re-check), as ``bulk_create_with_history`` would give them.
    """
    objs = list(objs)
    if not objs:
        return []
    history = history_model(model)
    user = _one_user(objs, history)
    if connection.vendor != "postgresql" or user is _MIXED:
        return bulk_create_with_history(objs, model, batch_size=500, default_date=date)
    with connection.cursor() as cursor:
        if len(objs) < COPY_FROM:
            ids = _insert_logged(cursor, objs, model, history, date, user)
        else:
            ids = _copy_both(cursor, objs, model, history, date, user)
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def update_with_history(
    objs: Sequence[Model], model: type[Model], fields: Sequence[str], *, date: datetime
) -> None:
    """Save ``fields`` of the stored ``objs`` and a "changed" history row for each."""
    objs = list(objs)
    if not objs:
        return
    history = history_model(model)
    user = _one_user(objs, history)
    if connection.vendor != "postgresql" or user is _MIXED:
        bulk_update_with_history(objs, model, fields, batch_size=500, default_date=date)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(objs), UPDATE_BATCH):
            _update_logged(
                cursor, objs[start : start + UPDATE_BATCH], model, fields, history, date, user
            )


# -- one statement: the rows, and history rows copied from what was stored -------------------

_MIXED = object()  # objects naming different history users


def _one_user(objs: Sequence[Model], history: type[Model]):
    """Return the history user's id all ``objs`` share (or None), else ``_MIXED``."""
    users = {getattr(history.get_default_history_user(obj), "pk", None) for obj in objs}
    return users.pop() if len(users) == 1 else _MIXED


def _logged(model, history, history_type: str, changed: str, date, user) -> tuple[str, list]:
    """Return the ``INSERT`` of history rows copied from the CTE ``changed``, and its params."""
    quote = connection.ops.quote_name
    stored = {field.attname: quote(field.column) for field in model._meta.concrete_fields}
    extra = {
        "history_date": ("%s", [date]),
        "history_type": (f"'{history_type}'", []),
        "history_change_reason": ("NULL", []),
        "history_user_id": ("%s", [user]),
    }
    columns = [f for f in history._meta.concrete_fields if f.attname not in HISTORY_COLUMNS]
    values, params = [], []
    for field in columns:
        if field.attname in stored:
            values.append(stored[field.attname])
        else:
            value, value_params = extra[field.attname]
            values.append(value)
            params.extend(value_params)
    names = ", ".join(quote(field.column) for field in columns)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({names}) "
        f"SELECT {', '.join(values)} FROM {changed}"
    )
    return sql, params


def _returning(model) -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)


def _insert_logged(cursor, objs, model, history, date, user) -> list[int]:
    """Insert ``objs`` and their history rows in one statement; return the new ids in order.

    PostgreSQL returns a multi-row ``VALUES`` insert's rows in the order given (Django's own
    ``bulk_create`` relies on it too).
    """
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
    db = cursor.db  # the connection itself: ``connection`` is a proxy, a lookup per value
    row = "(" + ", ".join(_placeholder(field) for field in fields) + ")"
    names = ", ".join(quote(field.column) for field in fields)
    log, log_params = _logged(model, history, "+", "new", date, user)
    sql = (
        f"WITH new AS (INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES "
        + ", ".join([row] * len(objs))
        + f" RETURNING {_returning(model)}), logged AS ({log}) "
        f"SELECT {quote(model._meta.pk.column)} FROM new"
    )
    row_of = _row_maker(fields, db)
    params = [value for obj in objs for value in row_of(obj)]
    cursor.execute(sql, [*params, *log_params])
    return [pk for (pk,) in cursor.fetchall()]


def _update_logged(cursor, objs, model, names: Sequence[str], history, date, user) -> None:
    """Save ``names`` of ``objs`` and write their history rows, in one statement."""
    quote = connection.ops.quote_name
    pk = model._meta.pk
    fields = [model._meta.get_field(name) for name in names]
    db = cursor.db
    # Each value is cast to its column's type: in a VALUES list a NULL or a string has none.
    row = "(" + ", ".join(f"%s::{f.cast_db_type(connection)}" for f in (pk, *fields)) + ")"
    aliases = ["v_pk", *(f"v{index}" for index in range(len(fields)))]
    table = quote(model._meta.db_table)
    sets = ", ".join(
        f"{quote(field.column)} = changes.{alias}"
        for field, alias in zip(fields, aliases[1:], strict=True)
    )
    log, log_params = _logged(model, history, "~", "changed", date, user)
    sql = (
        f"WITH changed AS (UPDATE {table} SET {sets} FROM (VALUES "
        + ", ".join([row] * len(objs))
        + f") AS changes({', '.join(aliases)}) WHERE {table}.{quote(pk.column)} = changes.v_pk "
        f"RETURNING {', '.join(f'{table}.{quote(f.column)}' for f in model._meta.concrete_fields)}"
        f"), logged AS ({log}) SELECT count(*) FROM changed"
    )
    params = []
    for obj in objs:
        params.append(obj.pk)
        params.extend(_prepared(field, getattr(obj, field.attname), db) for field in fields)
    cursor.execute(sql, [*params, *log_params])


def _placeholder(field) -> str:
    # A JSON value goes as text; the column's type makes it jsonb, as Django's own insert does.
    return "%s::jsonb" if isinstance(field, JSONField) else "%s"


# -- COPY: many new rows ---------------------------------------------------------------------


def _copy_both(cursor, objs, model, history, date: datetime, user) -> list[int]:
    """Stream ``objs`` through ``COPY`` (ids from the sequence first), then copy their history
    rows from what was stored, in the database, as the one-statement insert does."""
    db = cursor.db
    table = model._meta.db_table
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, len(objs)],
    )
    ids = [pk for (pk,) in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
    _copy(cursor, table, model._meta.concrete_fields, objs, db)
    quote = connection.ops.quote_name
    log, log_params = _logged(model, history, "+", "new", date, user)
    cursor.execute(
        f"WITH new AS (SELECT * FROM {quote(table)} WHERE {quote(model._meta.pk.column)} "
        f"= ANY(%s)) {log}",
        [ids, *log_params],
    )
    return ids


def _copy(cursor, table: str, fields, objs, db) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    row = _row_maker(fields, db)
    with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row(row(obj))


def _row_maker(fields, db):
    """Return a function giving a new object's values for ``fields``, as the database takes
    them (``_prepared``).

    One ``attrgetter`` reads the whole row and only the values that need it are prepared: a
    call chain per value was most of copying 6,378 new disputes (17 columns each). Of the
    fields' own ``pre_save``, only ``auto_now`` and ``auto_now_add`` stamping is run.
    """
    read = attrgetter(*(field.attname for field in fields))
    stamped = [  # as ``bulk_create`` does, these take their time here
        (index, field)
        for index, field in enumerate(fields)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    json = {index for index, field in enumerate(fields) if isinstance(field, JSONField)}

    def row(obj) -> list:
        values = list(read(obj)) if len(fields) > 1 else [read(obj)]
        for index, field in stamped:
            values[index] = field.pre_save(obj, True)
        for index, value in enumerate(values):
            if index in json or not _as_is(value):
                values[index] = fields[index].get_db_prep_save(value, db)
        return values

    return row


def _prepared(field, value, db):
    """Return ``value`` as the database takes it; plain values and aware times pass as they are.

    ``get_db_prep_save`` was most of the copying's time, for values it hands back unchanged
    (PostgreSQL takes aware datetimes as they are); JSON and the rest still go through it.
    """
    if isinstance(field, JSONField):
        return field.get_db_prep_save(value, db)  # even a plain value must become JSON
    return value if _as_is(value) else field.get_db_prep_save(value, db)


def _as_is(value) -> bool:
    """Return whether a (non-JSON) column takes ``value`` unchanged."""
    return (
        value is None
        or type(value) in _PLAIN
        or (type(value) is datetime and value.tzinfo is not None)
    )
