"""A synthetic corpus for benchmarks and scale tests, deterministic from a seed number.

Its shape follows a newsroom archive: many predicates used with a skewed (Zipf-like)
distribution, a large number of subjects, speakers in ``part_of`` chains (person → organisation
→ state), categories with members, curated exclusion rules, generic claims, evidence, and a known
share of real clashes: each (predicate, subject) has a "true" value that most assertions repeat,
and a fraction state another value, deny it, or sit on an excluded partner value.

Rows go in with bulk writes that bypass the services on purpose (a million ``statement_create``
calls would take hours and check each one); run ``conflicts_recheck`` afterwards.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from statements.models import (
    Assertion,
    Entity,
    EntityKind,
    Evidence,
    ExclusionRule,
    Position,
    Predicate,
    Source,
    Statement,
    ValueType,
)
from statements.services.positions import position_key

PREFIX = "syn"
BATCH = 20_000
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class CorpusShape:
    """How big each part of the corpus is, derived from the number of assertions."""

    assertions: int
    seed: int = 1
    clash_share: float = 0.02
    evidence_share: float = 0.05
    generic_share: float = 0.001
    predicates: int = 40
    states: int = 20
    organisations: int = 200
    speakers: int = 2_000
    categories: int = 50
    targets: int = 5_000
    subjects: int = field(init=False)

    def __post_init__(self) -> None:
        # Five assertions per subject on average; hundreds of thousands at a million.
        self.subjects = max(10, self.assertions // 5)


@dataclass
class CorpusReport:
    entities: int = 0
    statements: int = 0
    evidence: int = 0
    assertions: int = 0
    predicates: int = 0
    exclusion_rules: int = 0


class _Ids:
    """Hand out explicit primary keys above what a table already holds."""

    def __init__(self, model) -> None:
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.next = (last or 0) + 1

    def take(self, count: int) -> range:
        ids = range(self.next, self.next + count)
        self.next += count
        return ids


def _insert(model, columns: Sequence[str], rows: Iterable[tuple], on_batch=None) -> int:
    """Insert ``rows`` into ``model``'s table: COPY on PostgreSQL, executemany elsewhere."""
    table = model._meta.db_table
    total = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(rows, BATCH)):
            if connection.vendor == "postgresql":
                sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", batch
                )
            total += len(batch)
            if on_batch:
                on_batch(len(batch))
    return total


def _reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _analyze(models) -> None:
    """Refresh PostgreSQL's statistics of freshly loaded tables.

    Until autovacuum gets round to it, the planner believes the tables are as empty as before
    the load and picks plans (hash joins, sequential scans) that fit that belief.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _zipf_weights(count: int) -> list[float]:
    return [1 / (rank + 1) for rank in range(count)]


@dataclass(frozen=True)
class _PredicateSpec:
    id: int
    index: int
    value_type: str
    single_valued: bool
    choices: tuple[str, ...] = ()


class CorpusGenerator:
    """Write one synthetic corpus; ``run()`` returns the counts it wrote."""

    def __init__(self, shape: CorpusShape, progress: Callable[[int], None] | None = None):
        self.shape = shape
        self.random = random.Random(shape.seed)
        self.progress = progress
        self.report = CorpusReport()
        # Each distinct claim and the id of its position, filled while assertions stream.
        self.positions: dict[tuple, int] = {}

    # --- catalogue -----------------------------------------------------------------------
    def _entities(self) -> None:
        shape, rnd = self.shape, self.random
        ids = _Ids(Entity)
        self.states = list(ids.take(shape.states))
        self.organisations = list(ids.take(shape.organisations))
        self.speakers = list(ids.take(shape.speakers))
        self.categories = list(ids.take(shape.categories))
        self.targets = list(ids.take(shape.targets))
        self.subjects = list(ids.take(shape.subjects))
        parent: dict[int, int | None] = {}
        rows = []
        lineage: dict[int, str] = {}

        def add(entity_id: int, kind: str, parent_id: int | None) -> None:
            parent[entity_id] = parent_id
            lineage[entity_id] = (lineage[parent_id] if parent_id else "/") + f"{entity_id}/"
            slug = f"{PREFIX}-{kind}-{entity_id}"
            rows.append(
                (
                    entity_id,
                    slug,
                    slug.replace("-", " "),
                    "[]",
                    kind,
                    "",
                    parent_id,
                    lineage[entity_id],
                )
            )

        for state in self.states:
            add(state, EntityKind.STATE, None)
        for org in self.organisations:
            add(org, EntityKind.ORGANISATION, rnd.choice(self.states))
        for person in self.speakers:
            add(person, EntityKind.PERSON, rnd.choice(self.organisations))
        for index, category in enumerate(self.categories):
            # Every fifth category is a sub-category of an earlier one.
            parent_id = self.categories[index - 1] if index % 5 and index else None
            add(category, EntityKind.CATEGORY, parent_id)
        for target in self.targets:
            add(target, EntityKind.FACILITY, None)
        for subject in self.subjects:
            add(subject, EntityKind.FACILITY, None)
        columns = ["id", "slug", "name", "aliases", "kind", "description", "part_of_id", "lineage"]
        self.report.entities = _insert(Entity, columns, rows)
        self.target_category = {t: rnd.choice(self.categories) for t in self.targets}
        through = Entity.categories.through
        _insert(
            through,
            ["from_entity_id", "to_entity_id"],
            ((target, category) for target, category in self.target_category.items()),
        )

    def _predicates(self) -> None:
        rnd = self.random
        specs = []
        kinds = [
            (ValueType.CHOICE, True),
            (ValueType.ENTITY, False),
            (ValueType.NUMBER, True),
            (ValueType.BOOLEAN, True),
            (ValueType.ENTITY, True),
        ]
        predicates = []
        for index in range(self.shape.predicates):
            value_type, single = kinds[index % len(kinds)]
            choices = (
                tuple(f"v{n}" for n in range(rnd.randint(3, 6))) if value_type == "choice" else ()
            )
            predicates.append(
                Predicate(
                    slug=f"{PREFIX}-p{index}",
                    name=f"synthetic predicate {index}",
                    value_type=value_type,
                    choices=list(choices),
                    single_valued=single,
                    tolerance=1.0 if value_type == ValueType.NUMBER else 0,
                )
            )
        for index, predicate in enumerate(Predicate.objects.bulk_create(predicates)):
            specs.append(
                _PredicateSpec(
                    predicate.pk,
                    index,
                    predicate.value_type,
                    predicate.single_valued,
                    tuple(predicate.choices),
                )
            )
        self.predicates = specs
        self.predicate_weights = _zipf_weights(len(specs))
        self.report.predicates = len(specs)
        # Exclusion rules between a choice predicate's value and a number predicate's > 0.
        choice_specs = [s for s in specs if s.value_type == ValueType.CHOICE]
        number_specs = [s for s in specs if s.value_type == ValueType.NUMBER]
        rules = [
            ExclusionRule(
                slug=f"{PREFIX}-x{index}",
                description="synthetic exclusion",
                left_predicate_id=left.id,
                left_operator="eq",
                left_value=left.choices[0],
                right_predicate_id=right.id,
                right_operator="gt",
                right_value=0,
            )
            for index, (left, right) in enumerate(zip(choice_specs, number_specs, strict=False))
        ]
        ExclusionRule.objects.bulk_create(rules)
        self.report.exclusion_rules = len(rules)

    # --- values --------------------------------------------------------------------------
    def _value(self, spec: _PredicateSpec, subject_index: int, other: bool) -> tuple:
        """Return (object_id, choice, number, boolean): the subject's true value or another."""
        # Seeded by positions, not database ids, so the same seed gives the same corpus.
        truth = random.Random(spec.index * 1_000_003 + subject_index)
        if spec.value_type == ValueType.CHOICE:
            values = spec.choices
            value = truth.choice(values)
            if other:
                value = values[(values.index(value) + 1) % len(values)]
            return (None, value, None, None)
        if spec.value_type == ValueType.NUMBER:
            value = float(truth.randint(0, 500))
            if other:
                value += 50
            return (None, "", value, None)
        if spec.value_type == ValueType.BOOLEAN:
            value = truth.random() < 0.5
            return (None, "", None, value != other)
        targets = self.targets
        value = targets[truth.randrange(len(targets))]
        if other:
            value = targets[(targets.index(value) + 1) % len(targets)]
        return (value, "", None, None)

    def _assertion_rows(self, owners: Iterator[tuple[str, int]]) -> Iterator[tuple]:
        shape, rnd = self.shape, self.random
        ids = _Ids(Assertion)
        position_ids = _Ids(Position)
        subjects, predicates, weights = self.subjects, self.predicates, self.predicate_weights
        favoured = random.Random(shape.seed).choices(predicates, weights, k=997)
        # Each subject is talked about on a few days; assertions on the same day can clash.
        for assertion_id in ids.take(shape.assertions):
            owner_kind, owner_id = next(owners)
            subject_index = rnd.randrange(len(subjects))
            subject = subjects[subject_index]
            # Most of what is said about a subject uses its one main predicate, so a
            # (predicate, subject) block holds a few assertions, as in a real archive.
            if rnd.random() < 0.8:
                spec = favoured[subject_index % len(favoured)]
            else:
                spec = rnd.choices(predicates, weights)[0]
            roll = rnd.random()
            polarity, comparator = "affirmed", "exactly"
            if roll < shape.generic_share and spec.value_type == ValueType.ENTITY:
                category = self.target_category[self.targets[subject_index % len(self.targets)]]
                value = (category, "", None, None)
                polarity = "denied"
            else:
                clash = roll < shape.clash_share
                value = self._value(spec, subject_index, other=clash and rnd.random() < 0.7)
                if clash and value[0] is None and rnd.random() < 0.3:
                    polarity = "denied"
                if spec.value_type == ValueType.NUMBER and rnd.random() < 0.3:
                    comparator = rnd.choice(("at_least", "at_most", "about"))
            day = EPOCH + timedelta(days=(subject_index * 7 + rnd.randrange(3)) % 1500)
            obj, choice, number, boolean = value
            claim = (spec.id, subject, obj, choice, number, None, boolean, comparator, polarity)
            claim = (*claim, day, day, "day")
            position = self.positions.get(claim)
            if position is None:
                position = self.positions[claim] = position_ids.take(1)[0]
            yield (
                assertion_id,
                owner_id if owner_kind == "statement" else None,
                owner_id if owner_kind == "evidence" else None,
                *claim[:12],
                position,
                rnd.choice(("asserted", "asserted", "likely", "possible")),
                "",
            )

    def _position_rows(self) -> Iterator[tuple]:
        """Yield the positions the assertions named, keyed as ``positions_assign`` keys them."""
        now = timezone.now()
        columns = ("predicate_id", "subject_id", "object_id", "choice", "number")
        columns += ("number_high", "boolean", "comparator", "polarity", "valid_from")
        columns += ("valid_until", "time_precision")
        for claim, position_id in self.positions.items():
            key = position_key(dict(zip(columns, claim, strict=True)))
            yield (position_id, key, *claim, now)
        self.positions.clear()

    # --- records -------------------------------------------------------------------------
    def _owners(self) -> Iterator[tuple[str, int]]:
        """Write statements and evidence; yield an owner for each assertion to come."""
        shape, rnd = self.shape, self.random
        source = Source.objects.create(
            slug=f"{PREFIX}-source-{shape.seed}-{Source.objects.count()}",
            title="Synthetic corpus",
            publisher="contradict",
        )
        per_owner = 3
        owners = shape.assertions // per_owner + 1
        evidence_count = max(1, int(owners * shape.evidence_share))
        statement_count = owners - evidence_count
        statement_ids = _Ids(Statement).take(statement_count)
        evidence_ids = _Ids(Evidence).take(evidence_count)
        now = timezone.now()
        self.report.statements = _insert(
            Statement,
            [
                "id",
                "speaker_id",
                "source_id",
                "said_at",
                "said_at_precision",
                "quote",
                "context",
                "created_at",
                "updated_at",
            ],
            (
                (
                    sid,
                    rnd.choice(self.speakers),
                    source.pk,
                    EPOCH + timedelta(days=rnd.randrange(1500)),
                    "day",
                    f"synthetic quote {sid}",
                    "",
                    now,
                    now,
                )
                for sid in statement_ids
            ),
        )
        self.report.evidence = _insert(
            Evidence,
            [
                "id",
                "kind",
                "title",
                "source_id",
                "captured_at",
                "captured_at_precision",
                "reliability",
                "credibility",
                "description",
                "media_url",
                "media_sha256",
                "created_at",
                "updated_at",
            ],
            (
                (
                    eid,
                    "video",
                    f"synthetic evidence {eid}",
                    source.pk,
                    EPOCH + timedelta(days=rnd.randrange(1500)),
                    "day",
                    rnd.choice("ABCDEF"),
                    rnd.randint(1, 6),
                    "",
                    "",
                    "",
                    now,
                    now,
                )
                for eid in evidence_ids
            ),
        )
        while True:
            for sid in statement_ids:
                for _ in range(per_owner):
                    yield ("statement", sid)
            for eid in evidence_ids:
                for _ in range(per_owner):
                    yield ("evidence", eid)

    @transaction.atomic
    def run(self) -> CorpusReport:
        self._entities()
        self._predicates()
        columns = [f.column for f in Assertion._meta.concrete_fields]
        self.report.assertions = _insert(
            Assertion, columns, self._assertion_rows(self._owners()), on_batch=self.progress
        )
        # The assertions name their positions already; foreign keys are checked at commit.
        _insert(
            Position,
            [f.column for f in Position._meta.concrete_fields],
            self._position_rows(),
        )
        _reset_sequences([Entity, Statement, Evidence, Position, Assertion])
        _analyze([Entity, Entity.categories.through, Statement, Evidence, Position, Assertion])
        return self.report
