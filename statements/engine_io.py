"""Rows to facts: what the engine sees of the record, read with as few queries as possible.

The rules see positions (``FACT_FIELDS`` of the position table); pair classes and scores see
supporters (``SUPPORTER_FIELDS`` of the assertion table). Rows come from ``.values_list`` of
only the columns needed, never as model instances; ``DbWorld`` answers the engine's questions
about entities from batched look-ups, loading what it is asked about in a few queries and
remembering it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import BooleanField, DateTimeField, FloatField, Func
from django.db.models.expressions import RawSQL

from contradict.engine.facts import (
    EVIDENCE,
    STATEMENT,
    AssertionFact,
    Condition,
    ExclusionFact,
    PredicateFact,
    Supporter,
)
from contradict.engine.intervals import PRECISION_SECONDS, widen
from statements.models import Entity, EntityKind, ExclusionRule, Predicate, ValueType

# The columns of a position a fact is built from, in ``fact_from_row``'s (and ``ScanRow``'s)
# order; ``fact_columns()`` reads the times among them as epoch seconds.
FACT_FIELDS = (
    "id",
    "subject_id",
    "predicate_id",
    "object_id",
    "choice",
    "number",
    "boolean",
    "comparator",
    "number_high",
    "polarity",
    "valid_from",
    "valid_until",
    "time_precision",
)
_TIME_FIELDS = ("valid_from", "valid_until", "statement__said_at", "evidence__captured_at")

# The columns of an assertion that make it a ``Supporter`` of its position.
SUPPORTER_FIELDS = (
    "position_id",
    "statement_id",
    "evidence_id",
    "statement__speaker_id",
    "statement__said_at",
    "evidence__reliability",
    "evidence__credibility",
    "evidence__captured_at",
    "certainty",
)


class Epoch(Func):
    """A timestamp as seconds since the epoch, computed by PostgreSQL.

    Turning text into ``datetime`` objects costs more than the rest of a row; a float costs
    next to nothing. Other databases return the ``datetime``, which ``fact_from_row`` takes too.
    """

    # date_part returns float8 as it is; EXTRACT computes a numeric first (twice the server's
    # time for a million rows), and both round the same exact value to the same float.
    template = "date_part('epoch', %(expressions)s)"

    def __init__(self, expression, **extra):
        postgres = connection.vendor == "postgresql"
        super().__init__(expression, output_field=FloatField() if postgres else DateTimeField())

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor != "postgresql":
            return compiler.compile(self.source_expressions[0])
        return super().as_sql(compiler, connection, **extra)


def _columns(fields: tuple[str, ...]) -> tuple:
    return tuple(Epoch(name) if name in _TIME_FIELDS else name for name in fields)


def fact_columns() -> tuple:
    """Return ``FACT_FIELDS`` for ``values_list``, with the times read as ``Epoch``."""
    return _columns(FACT_FIELDS)


def supporter_columns() -> tuple:
    """Return ``SUPPORTER_FIELDS`` for ``values_list``, with the times read as ``Epoch``."""
    return _columns(SUPPORTER_FIELDS)


_UNIX_EPOCH = datetime(1970, 1, 1)
PREDICATE_FIELDS = (
    "id",
    "slug",
    "value_type",
    "single_valued",
    "tolerance",
    "about_tolerance",
    "name",
)


def id_chunk() -> int:
    """Return how many values one ``id_in`` filter should take (SQLite limits parameters)."""
    return 20000 if connection.vendor == "postgresql" else 1000


def id_in(queryset, values: Iterable[Any], column: str = "id"):
    """Return ``queryset`` limited to rows whose ``column`` is one of ``values``.

    On PostgreSQL this is ``column = ANY(%s)`` with one array parameter: an ``IN`` list of
    thousands of placeholders costs a parameter each to send, and its (correct) row estimate
    makes the planner hash whole joined tables instead of looking rows up by key.
    """
    # A list is kept as it is: ``rows_by_id`` finds its parameter by identity.
    values = values if isinstance(values, list) else list(values)
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        condition = RawSQL(
            f"{table}.{connection.ops.quote_name(column)} = ANY(%s)",
            (values,),
            output_field=BooleanField(),
        )
        return queryset.filter(condition)
    return queryset.filter(**{f"{column}__in": values})


def _fetch(sql: str, params: Sequence) -> list[tuple]:
    """Run ``sql`` on PostgreSQL and return its rows, columns without Django's converters.

    The timestamps are parsed by psycopg's own (C) loader: Django registers a Python subclass
    of it on every connection, ten times slower, which was a fifth of reading the positions a
    full rebuild of the disputes puts in them. Both give aware datetimes in UTC, the
    connection's time zone.
    """
    import psycopg
    from psycopg.pq import Format

    oid = psycopg.postgres.types["timestamptz"].oid
    with connection.cursor() as cursor:
        loader = psycopg.adapters.get_loader(oid, Format.TEXT)
        cursor.cursor.adapters.register_loader(oid, loader)
        cursor.execute(sql, params)
        return cursor.fetchall()


# The SQL of ``rows_by_id`` queries by (database alias, name): compiled once per process.
_COMPILED: dict[tuple[str, str], tuple[str, tuple, tuple[int, ...]]] = {}


def rows_by_id(name: str, build: Callable[..., Any], *values: Iterable[Any]) -> list[tuple]:
    """Return the rows of ``build(*values)``, a ``values_list`` query picking rows by ``id_in``.

    A checked write runs a few such queries on a handful of ids, and building and compiling
    each in Django took longer than the database did. On PostgreSQL the SQL is compiled once
    per process under ``name`` and then run with each new list (an array parameter), its
    columns as ``_fetch`` gives them; so ``build`` must give the same query for any lists,
    each passed to ``id_in`` once. Other databases run ``build(*values)`` as it is.
    """
    values = tuple(list(items) for items in values)
    if connection.vendor != "postgresql":
        return list(build(*values))
    key = (connection.alias, name)
    if key not in _COMPILED:
        markers = [[] for _ in values]
        sql, params = build(*markers).query.sql_with_params()
        found = [[i for i, param in enumerate(params) if param is marker] for marker in markers]
        if any(len(indexes) != 1 for indexes in found):
            raise ValueError(f"{name}: the query must take each list once, through id_in")
        slots = tuple(indexes[0] for indexes in found)
        _COMPILED[key] = (sql, tuple(params), slots)
    sql, params, slots = _COMPILED[key]
    params = list(params)
    for slot, items in zip(slots, values, strict=True):
        params[slot] = items
    return _fetch(sql, params)


def upsert_by_id(model, column: str, values: Mapping[int, int]) -> None:
    """Store each ``(primary key, value)`` of ``values`` as a ``model`` row, new or not.

    One statement per ``id_chunk()`` rows, whatever the number of distinct values: a full
    re-check moves thousands of positions to as many new disputes, and one statement per
    dispute was a sixth of its time. PostgreSQL reads two arrays (``unnest``); SQLite a
    ``VALUES`` list. Both take ``ON CONFLICT`` on the primary key. For tables whose only
    required columns are the key and ``column`` (``DisputeMember``).
    """
    if not values:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    key = quote(model._meta.pk.column)
    target = quote(model._meta.get_field(column).column)
    postgresql = connection.vendor == "postgresql"
    size = id_chunk() if postgresql else id_chunk() // 2
    pairs = sorted(values.items())
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), size):
            chunk = pairs[start : start + size]
            if postgresql:
                source = "SELECT * FROM unnest(%s::bigint[], %s::bigint[])"
                params: list = [[pk for pk, _ in chunk], [value for _, value in chunk]]
            else:
                source = "VALUES " + ", ".join(["(%s, %s)"] * len(chunk))
                params = [item for pair in chunk for item in pair]
            cursor.execute(
                f"INSERT INTO {table} ({key}, {target}) {source} "
                f"ON CONFLICT ({key}) DO UPDATE SET {target} = excluded.{target}",
                params,
            )


def _epoch(moment: datetime | float | None) -> float | None:
    """Return ``moment`` as epoch seconds (a naive ``datetime`` is UTC, a float is already)."""
    if moment is None or isinstance(moment, float):
        return moment
    if moment.tzinfo is None:
        return (moment - _UNIX_EPOCH).total_seconds()
    return moment.timestamp()


def _widen(
    start: datetime | float | None, end: datetime | float | None, precision: str
) -> tuple[float | None, float | None]:
    """Return ``intervals.widen(start, end, precision)`` for datetimes or epoch seconds."""
    unit = PRECISION_SECONDS.get(precision, 1)
    low, high = _epoch(start), _epoch(end)
    return (
        None if low is None else float(math.floor(low / unit) * unit),
        None if high is None else float((math.floor(high / unit) + 1) * unit),
    )


def predicate_facts(ids: Iterable[int] | None = None) -> dict[int, PredicateFact]:
    """Return the predicates (all of them, or those with ``ids``) as facts, in one query."""
    queryset = Predicate.objects.all()
    if ids is not None:
        queryset = queryset.filter(id__in=list(ids))
    return {row[0]: PredicateFact(*row) for row in queryset.values_list(*PREDICATE_FIELDS)}


def fact_from_row(row: Sequence[Any], predicates: Mapping[int, PredicateFact]) -> AssertionFact:
    """Return the fact of one position row read with ``FACT_FIELDS`` (or ``fact_columns()``)."""
    (
        pk,
        subject,
        predicate,
        obj,
        choice,
        number,
        boolean,
        comparator,
        number_high,
        polarity,
        valid_from,
        valid_until,
        precision,
    ) = row
    start, end = _widen(valid_from, valid_until, precision)
    return AssertionFact(
        id=pk,
        predicate=predicates[predicate],
        subject=subject,
        object=obj,
        choice=choice or None,
        number=number,
        boolean=boolean,
        comparator=comparator,
        number_high=number_high,
        affirmed=polarity == "affirmed",
        start=start,
        end=end,
    )


def supporter_from_row(row: Sequence[Any]) -> Supporter:
    """Return the supporter of one assertion row read with ``supporter_columns()``."""
    (
        position,
        statement,
        evidence,
        speaker,
        said_at,
        reliability,
        credibility,
        captured_at,
        certainty,
    ) = row
    if statement is not None:
        return Supporter(
            position,
            STATEMENT,
            statement,
            speaker=speaker,
            time=_epoch(said_at),
            certainty=certainty,
        )
    return Supporter(
        position,
        EVIDENCE,
        evidence,
        time=_epoch(captured_at),
        grade=f"{reliability}{credibility}",
        certainty=certainty,
    )


def draft_fact(
    *, id: int, data: Mapping[str, Any], predicates: Mapping[int, PredicateFact]
) -> AssertionFact:
    """Return the fact of an unsaved assertion (fields as ``assertion_clean`` returns them).

    ``id`` should be negative so it never meets a stored position's id.
    """
    start, end = widen(data.get("valid_from"), data.get("valid_until"), data["time_precision"])
    obj = data.get("object")
    return AssertionFact(
        id=id,
        predicate=predicates[data["predicate"].pk],
        subject=data["subject"].pk,
        object=obj.pk if obj is not None else None,
        choice=data.get("choice") or None,
        number=data.get("number"),
        boolean=data.get("boolean"),
        comparator=data["comparator"],
        number_high=data.get("number_high"),
        affirmed=data["polarity"] == "affirmed",
        start=start,
        end=end,
    )


def _reach_rows(ids: Sequence[int]) -> list[tuple[int, str, str, str, str, int | None]]:
    """Return ``(id, lineage, kind, slug, name, category)`` of ``ids`` and all they reach.

    One recursive query walks up memberships and ``part_of`` links (a category's lineage is
    its ``part_of`` chain) to the top; an entity in no category comes back once, with
    ``None``. Walking level by level instead cost a query per level, three for some claims.
    """
    entity = connection.ops.quote_name(Entity._meta.db_table)
    through = connection.ops.quote_name(Entity.categories.through._meta.db_table)
    if connection.vendor == "postgresql":
        # PostgreSQL allows one recursive reference, so both links go in one LATERAL step;
        # OFFSET 0 keeps the final look-up a loop over the primary key (the planner guesses
        # thousands of reached rows and would hash the whole entity table).
        sql = f"""
            WITH RECURSIVE reach(id) AS (
                SELECT id FROM {entity} WHERE id = ANY(%s)
                UNION
                SELECT step.target FROM reach CROSS JOIN LATERAL (
                    SELECT to_entity_id FROM {through} WHERE from_entity_id = reach.id
                    UNION ALL
                    SELECT part_of_id FROM {entity}
                    WHERE id = reach.id AND part_of_id IS NOT NULL
                ) AS step(target)
            )
            SELECT e.id, e.lineage, e.kind, e.slug, e.name, m.to_entity_id
            FROM reach CROSS JOIN LATERAL (
                SELECT id, lineage, kind, slug, name FROM {entity} WHERE id = reach.id OFFSET 0
            ) AS e
            LEFT JOIN {through} AS m ON m.from_entity_id = e.id
        """
        params: list = [list(ids)]
    else:
        # SQLite has no LATERAL but takes one recursive step per link (since 3.34).
        sql = f"""
            WITH RECURSIVE reach(id) AS (
                SELECT id FROM {entity} WHERE id IN ({", ".join(["%s"] * len(ids))})
                UNION
                SELECT to_entity_id FROM {through} JOIN reach ON from_entity_id = reach.id
                UNION
                SELECT part_of_id FROM {entity} JOIN reach ON {entity}.id = reach.id
                WHERE part_of_id IS NOT NULL
            )
            SELECT e.id, e.lineage, e.kind, e.slug, e.name, m.to_entity_id
            FROM reach JOIN {entity} AS e ON e.id = reach.id
            LEFT JOIN {through} AS m ON m.from_entity_id = e.id
        """
        params = list(ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class DbWorld:
    """Entity look-ups for the engine, loaded in batches and remembered.

    Call ``load(ids)`` with every entity a batch of facts mentions (subjects, objects,
    speakers) before running rules: it reads them and the categories they reach in a few
    queries, however many ids there are. A question about an entity not loaded costs a query.
    """

    def __init__(self) -> None:
        self._lineage: dict[int, tuple[int, ...]] = {}
        self._kind: dict[int, str] = {}
        self._memberships: dict[int, tuple[int, ...]] = {}
        self._names: dict[int, tuple[str, str]] = {}  # id -> (slug, name), for explanations
        self._categories: dict[int, frozenset[int]] = {}
        self._subcategories: dict[int, frozenset[int]] = {}
        self._children: dict[int, frozenset[int]] | None = None
        self._members: dict[int, frozenset[int]] = {}
        self._exclusions: tuple[ExclusionFact, ...] | None = None
        self._by_predicate: dict[int, tuple[ExclusionFact, ...]] = {}

    # -- loading --------------------------------------------------------------------------

    def load(self, ids: Iterable[int | None]) -> None:
        """Read the entities ``ids`` and every category they reach, in one query a chunk."""
        missing = sorted({pk for pk in ids if pk is not None and pk not in self._kind})
        for start in range(0, len(missing), id_chunk()):
            chunk = missing[start : start + id_chunk()]
            memberships: dict[int, list[int]] = {pk: [] for pk in chunk}
            for pk in chunk:
                self._kind.setdefault(pk, "")
                self._lineage.setdefault(pk, (pk,))
            for pk, lineage, kind, slug, name, category in _reach_rows(chunk):
                memberships.setdefault(pk, [])
                if category is not None:
                    memberships[pk].append(category)
                chain = tuple(int(part) for part in lineage.strip("/").split("/") if part)
                self._lineage[pk] = chain or (pk,)
                self._kind[pk] = kind
                self._names[pk] = (slug, name)
            for pk, categories in memberships.items():
                self._memberships[pk] = tuple(categories)

    def forget(self) -> None:
        """Drop the entities read so far (a long re-check calls this between batches)."""
        self._lineage.clear()
        self._kind.clear()
        self._memberships.clear()
        self._names.clear()
        self._categories.clear()

    def names(self) -> Mapping[int, tuple[str, str]]:
        """Return ``(slug, name)`` of each entity loaded so far, by id."""
        return self._names

    def load_exclusions(self) -> tuple[ExclusionFact, ...]:
        """Return the active exclusion rules as facts (read once, entity slugs made ids)."""
        if self._exclusions is None:
            rows = list(
                ExclusionRule.objects.filter(active=True)
                .order_by("id")
                .values_list(
                    "id",
                    "slug",
                    "left_predicate_id",
                    "left_predicate__value_type",
                    "left_operator",
                    "left_value",
                    "right_predicate_id",
                    "right_predicate__value_type",
                    "right_operator",
                    "right_value",
                )
            )
            slugs = {
                value
                for row in rows
                for value_type, value in ((row[3], row[5]), (row[7], row[9]))
                if value_type == ValueType.ENTITY and isinstance(value, str)
            }
            entities = (
                {
                    slug: (pk, name)
                    for slug, pk, name in Entity.objects.filter(slug__in=slugs).values_list(
                        "slug", "id", "name"
                    )
                }
                if slugs
                else {}
            )

            def condition(predicate: int, value_type: str, operator: str, value: Any) -> Condition:
                if value_type == ValueType.ENTITY and isinstance(value, str):
                    pk, name = entities.get(value, (-1, value))
                    return Condition(predicate, operator, pk, slug=value, name=name)
                return Condition(predicate, operator, value)

            self._exclusions = tuple(
                ExclusionFact(
                    id=row[0],
                    slug=row[1],
                    left=condition(row[2], row[3], row[4], row[5]),
                    right=condition(row[6], row[7], row[8], row[9]),
                )
                for row in rows
            )
            by_predicate: dict[int, list[ExclusionFact]] = {}
            for exclusion in self._exclusions:
                for predicate in {exclusion.left.predicate, exclusion.right.predicate}:
                    by_predicate.setdefault(predicate, []).append(exclusion)
            self._by_predicate = {key: tuple(value) for key, value in by_predicate.items()}
        return self._exclusions

    def _category_tree(self) -> dict[int, frozenset[int]]:
        """Return every category's direct sub-categories (by ``part_of`` or membership).

        Read once, in two queries: categories are few, and walking them in Python saves a
        ``lineage LIKE '%/id/%'`` scan of the entity table per level.
        """
        if self._children is None:
            lineages = dict(
                Entity.objects.filter(kind=EntityKind.CATEGORY).values_list("id", "lineage")
            )
            children: dict[int, set[int]] = {}
            for pk, lineage in lineages.items():
                for part in lineage.strip("/").split("/"):
                    if part:
                        children.setdefault(int(part), set()).add(pk)
            through = Entity.categories.through.objects.filter(
                from_entity__kind=EntityKind.CATEGORY
            )
            for member, category in through.values_list("from_entity_id", "to_entity_id"):
                children.setdefault(category, set()).add(member)
            self._children = {pk: frozenset(found) for pk, found in children.items()}
        return self._children

    def subcategories(self, category: int) -> set[int]:
        """Return ``category`` and every category below it (by ``part_of`` or membership).

        Remembered for the life of this world, ``forget`` included: categories are few, and a
        re-check asks about the same ones for every batch of generic claims.
        """
        cached = self._subcategories.get(category)
        if cached is not None:
            return set(cached)
        tree = self._category_tree()
        found = {category}
        frontier = {category}
        while frontier:
            below = set().union(*(tree.get(pk, ()) for pk in frontier))
            frontier = below - found
            found |= below
        self._subcategories[category] = frozenset(found)
        return found

    def members(self, categories: Iterable[int]) -> dict[int, frozenset[int]]:
        """Return the direct members (any kind) of each of ``categories``, in one query.

        Remembered like ``subcategories``.
        """
        wanted = set(categories)
        missing = wanted - self._members.keys()
        if missing:
            found: dict[int, set[int]] = {pk: set() for pk in missing}
            through = id_in(Entity.categories.through.objects.all(), missing, "to_entity_id")
            for category, member in through.values_list("to_entity_id", "from_entity_id"):
                found[category].add(member)
            self._members.update((pk, frozenset(ids)) for pk, ids in found.items())
        return {pk: self._members[pk] for pk in wanted}

    # -- the World protocol ---------------------------------------------------------------

    def lineage(self, entity: int) -> tuple[int, ...]:
        if entity not in self._lineage:
            self.load([entity])
        return self._lineage[entity]

    def categories(self, entity: int) -> frozenset[int]:
        cached = self._categories.get(entity)
        if cached is not None:
            return cached
        if entity not in self._kind:
            self.load([entity])
        found: set[int] = set()
        todo = list(self._memberships.get(entity, ()))
        if self._kind.get(entity) == EntityKind.CATEGORY:
            todo.extend(self._lineage[entity][:-1])
        while todo:
            category = todo.pop()
            if category in found:
                continue
            if category not in self._kind:
                self.load([category])
            if self._kind.get(category) != EntityKind.CATEGORY:
                continue
            found.add(category)
            todo.extend(self._memberships.get(category, ()))
            todo.extend(self._lineage[category][:-1])
        result = frozenset(found)
        self._categories[entity] = result
        return result

    def exclusions(self, predicate: int) -> tuple[ExclusionFact, ...]:
        self.load_exclusions()
        return self._by_predicate.get(predicate, ())

    def is_category(self, entity: int) -> bool:
        if entity not in self._kind:
            self.load([entity])
        return self._kind.get(entity) == EntityKind.CATEGORY
