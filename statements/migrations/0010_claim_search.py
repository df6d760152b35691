"""Full-text claim search: FTS5 tables kept by triggers on SQLite, GIN indexes on PostgreSQL.

Nothing here is in the models' state: the index and tables serve ``statements.search`` only.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

# Table, FTS5 table, the searched columns (as in statements.search.SEARCHED).
SEARCHED = [
    ("statements_statement", ("quote", "context")),
    ("statements_evidence", ("title", "description")),
]
GIN_NAMES = {"Statement": "statement_search_gin", "Evidence": "evidence_search_gin"}


def _sqlite_forward(schema_editor):
    for table, columns in SEARCHED:
        fts = f"{table}_fts"
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        for sql in (
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
            f"content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        ):
            schema_editor.execute(sql)


def _sqlite_backward(schema_editor):
    for table, _ in SEARCHED:
        fts = f"{table}_fts"
        for kind in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{kind}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")


def _gin_indexes(apps):
    from statements.search import search_vector

    from statements import models as live_models

    for name, index_name in GIN_NAMES.items():
        # The expression must be the one queries use: build it as statements.search does.
        vector = search_vector(getattr(live_models, name))
        yield apps.get_model("statements", name), GinIndex(vector, name=index_name)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _sqlite_forward(schema_editor)
    elif vendor == "postgresql":
        for model, index in _gin_indexes(apps):
            schema_editor.add_index(model, index)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _sqlite_backward(schema_editor)
    elif vendor == "postgresql":
        for model, index in _gin_indexes(apps):
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0009_vocabularies"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
