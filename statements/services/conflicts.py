"""Turn assertions into facts, run the engine, and upsert its findings as Conflict rows.

Three ways in:

- ``conflicts_check_assertions``: after every write, the written assertions against their
  candidates, found through indexes in two queries whatever the corpus holds;
- ``conflicts_recheck``: everything again, streamed in (subject, predicate) order, one shard at
  a time (a subject-id range, or the generic claims), so workers can share the work;
- ``conflicts_check_draft``: what an unsaved statement would clash with, writing nothing.

A conflict's fingerprint is the SHA-256 of its rule code and its two assertion ids, so a
re-check is an upsert. A live conflict whose pair no longer clashes is retracted (its review
is kept); when the pair clashes again it returns to its review decision, or to open.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import groupby, islice, pairwise
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from contradict.engine.blocking import (
    Screen,
    compare,
    compare_block,
    compare_generic,
    exclusion_partners,
    is_generic_claim,
    unique,
)
from contradict.engine.facts import AssertionFact, Attribution, Finding
from contradict.engine.rules import GENERIC, Rule
from statements.facts import (
    SCAN_FIELDS,
    DbWorld,
    Epoch,
    draft_fact,
    fact_columns,
    fact_from_row,
    id_chunk,
    id_in,
    predicate_facts,
)
from statements.models import (
    Assertion,
    Conflict,
    ConflictStatus,
    Entity,
    EntityKind,
    Evidence,
    Polarity,
    Statement,
)
from statements.services.limits import DraftLimits

# How many ids go in one ``IN (...)`` list (well under SQLite's variable limit).
ID_CHUNK = 1000
# How many candidate rows a re-check gathers before it builds facts and writes conflicts.
RECHECK_BATCH = 5000
# How many rows the server-side cursor of a re-check fetches at a time.
SCAN_CHUNK = 10000
# How many generic claims a re-check takes per instance query.
GENERIC_BATCH = 50

CONFLICT_FIELDS = (
    "kind",
    "pair_class",
    "explanation",
    "reason",
    "score",
    "status",
    "retracted_at",
    "updated_at",
)


# -- rules ----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _rules_from(paths: tuple[str, ...]) -> tuple[Rule, ...]:
    return tuple(import_string(path)() for path in paths)


def active_rules() -> tuple[Rule, ...]:
    """Return the rules listed in ``settings.CONTRADICT_RULES``, instantiated, in order."""
    return _rules_from(tuple(settings.CONTRADICT_RULES))


def conflict_fingerprint(rule: str, a: int, b: int) -> str:
    """Return the stable key of a conflict: SHA-256 of the rule code and the ordered ids."""
    low, high = (a, b) if a < b else (b, a)
    return hashlib.sha256(f"{rule}:{low}:{high}".encode()).hexdigest()


# -- counts and shards ----------------------------------------------------------------------


@dataclass
class RecheckCounts:
    """What a check did: pairs found, conflicts new, brought back, retracted, left as they were.

    ``found = new + restored + unchanged``.
    """

    found: int = 0
    new: int = 0
    retracted: int = 0
    unchanged: int = 0
    restored: int = 0

    def __add__(self, other: RecheckCounts) -> RecheckCounts:
        return RecheckCounts(
            **{key: value + getattr(other, key) for key, value in asdict(self).items()}
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Shard:
    """One independent part of a full re-check.

    Either a half-open range of subject ids ``[subject_from, subject_to)`` (``None`` is open),
    which re-checks same-subject rules (polarity, values, numbers, exclusions) for those
    subjects, or ``generic=True``, which re-checks generic claims against their instances.
    Shards never share a conflict, so they can run in any order, in parallel, or again.
    """

    subject_from: int | None = None
    subject_to: int | None = None
    generic: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def label(self) -> str:
        if self.generic:
            return "generic"
        return f"subjects {self.subject_from or ''}..{self.subject_to or ''}"


def conflicts_recheck_shards(*, count: int) -> list[Shard]:
    """Return about ``count`` subject-range shards covering every subject, plus the generic one."""
    bounds = Assertion.objects.aggregate(low=Min("subject_id"), high=Max("subject_id"))
    shards: list[Shard] = []
    if bounds["low"] is not None:
        low, high = bounds["low"], bounds["high"] + 1
        count = max(1, min(count, high - low))
        step = -(-(high - low) // count)
        edges = [*list(range(low, high, step)), high]
        for index, (start, stop) in enumerate(pairwise(edges)):
            shards.append(
                Shard(
                    subject_from=None if index == 0 else start,
                    subject_to=None if stop == high else stop,
                )
            )
    shards.append(Shard(generic=True))
    return shards


# -- explanations ---------------------------------------------------------------------------

ATTRIBUTION_FIELDS = (
    "id",
    "predicate__slug",
    "subject__name",
    "object__name",
    "choice",
    "number",
    "boolean",
    "comparator",
    "polarity",
    "valid_from",
    "valid_until",
    "time_precision",
    "statement__speaker__name",
    "statement__quote",
    "statement__source__title",
    "statement__said_at",
    "statement__said_at_precision",
    "evidence__title",
    "evidence__description",
    "evidence__source__title",
    "evidence__captured_at",
    "evidence__captured_at_precision",
    "evidence__reliability",
    "evidence__credibility",
)
_TIME_FORMATS = {
    "day": "%Y-%m-%d",
    "hour": "%Y-%m-%d %H:00 UTC",
    "minute": "%Y-%m-%d %H:%M UTC",
    "second": "%Y-%m-%d %H:%M:%S UTC",
}


def _format_time(moment: datetime | None, precision: str) -> str:
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime(_TIME_FORMATS.get(precision, "%Y-%m-%d"))


def _format_number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def render_assertion(
    *,
    predicate: str,
    subject: str,
    value: str,
    polarity: str,
    valid_from: datetime | None,
    valid_until: datetime | None,
    precision: str,
) -> str:
    """Return an assertion as a reader sees it: ``facility_status(Amstor) = operational ...``."""
    relation = "≠" if polarity == Polarity.DENIED else "="
    text = f"{predicate}({subject}) {relation} {value}"
    start = _format_time(valid_from, precision)
    end = _format_time(valid_until, precision)
    if start and start == end:
        text += f" at {start}"
    elif start and end:
        text += f" from {start} to {end}"
    elif start:
        text += f" from {start}"
    elif end:
        text += f" until {end}"
    return text


def _value_text(obj: str | None, choice: str, number, boolean, comparator: str) -> str:
    if obj is not None:
        return obj
    if choice:
        return choice
    if number is not None:
        words = {"at_least": "at least ", "at_most": "at most ", "about": "about "}
        return f"{words.get(comparator, '')}{_format_number(number)}"
    return "true" if boolean else "false"


_ATTRIBUTION_TIMES = {"valid_from", "valid_until", "statement__said_at", "evidence__captured_at"}


def _attribution_columns() -> tuple:
    """Return ``ATTRIBUTION_FIELDS`` for ``values_list``, times read as epoch seconds."""
    return tuple(Epoch(name) if name in _ATTRIBUTION_TIMES else name for name in ATTRIBUTION_FIELDS)


def _moment(value: datetime | float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, float) else value


def _attribution_from_row(row: Sequence[Any]) -> Attribution:
    (
        _pk,
        predicate,
        subject,
        obj,
        choice,
        number,
        boolean,
        comparator,
        polarity,
        valid_from,
        valid_until,
        precision,
        speaker,
        quote,
        statement_source,
        said_at,
        said_precision,
        evidence_title,
        description,
        evidence_source,
        captured_at,
        captured_precision,
        reliability,
        credibility,
    ) = row
    valid_from, valid_until = _moment(valid_from), _moment(valid_until)
    said_at, captured_at = _moment(said_at), _moment(captured_at)
    value = render_assertion(
        predicate=predicate,
        subject=subject,
        value=_value_text(obj, choice, number, boolean, comparator),
        polarity=polarity,
        valid_from=valid_from,
        valid_until=valid_until,
        precision=precision,
    )
    if speaker is not None:
        return Attribution(
            who=speaker,
            quote=quote,
            source=statement_source or "",
            date=_format_time(said_at, said_precision),
            value=value,
        )
    return Attribution(
        who=evidence_title or "",
        quote=description or "",
        source=evidence_source or "",
        date=_format_time(captured_at, captured_precision),
        grade=f"{reliability}{credibility}",
        value=value,
    )


def _attributions(ids: Iterable[int]) -> dict[int, Attribution]:
    """Return what explanations name about each stored assertion in ``ids``."""
    found: dict[int, Attribution] = {}
    for chunk in _chunks(sorted({pk for pk in ids if pk > 0}), id_chunk()):
        rows = id_in(Assertion.objects.all(), chunk).values_list(*_attribution_columns())
        found.update((row[0], _attribution_from_row(row)) for row in rows)
    return found


def _explain(finding: Finding, rules: Mapping[str, Rule], attributions: Mapping[int, Attribution]):
    rule = rules[finding.rule]
    missing = Attribution(who="?", quote="", source="", date="")
    return rule.explain(
        finding, attributions.get(finding.a, missing), attributions.get(finding.b, missing)
    )


def _chunks(items: Sequence | Iterable, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# -- writing findings -------------------------------------------------------------------------


@dataclass
class _Upsert:
    """The outcome of writing one batch of findings."""

    counts: RecheckCounts = field(default_factory=RecheckCounts)
    ids: set[int] = field(default_factory=set)


_COMPARED_FIELDS = ("fingerprint", "id", "status", "kind", "pair_class", "score", "reason")


def _live_status(conflict: Conflict) -> str:
    return conflict.review_decision or ConflictStatus.OPEN


def _upsert(findings: Sequence[Finding], *, refresh: bool) -> _Upsert:
    """Write ``findings`` as conflicts: create new ones, bring back retracted ones.

    With ``refresh`` every found conflict gets its explanation rebuilt (a record's words or
    speaker may have changed); otherwise only new, restored, or re-scored ones do.
    """
    result = _Upsert()
    if not findings:
        return result
    rules = {rule.code: rule for rule in active_rules()}
    by_fingerprint = {conflict_fingerprint(f.rule, f.a, f.b): f for f in findings}
    # A narrow look first: most conflicts a re-check finds are on record just as they are, and
    # loading their whole rows (explanations and all) would cost more than finding them.
    same: dict[str, int] = {}
    touched: list[str] = []
    for chunk in _chunks(list(by_fingerprint), id_chunk()):
        for fingerprint, pk, status, kind, pair_class, score, reason in id_in(
            Conflict.objects.all(), chunk, "fingerprint"
        ).values_list(*_COMPARED_FIELDS):
            finding = by_fingerprint[fingerprint]
            if (
                not refresh
                and status != ConflictStatus.RETRACTED
                and (kind, pair_class, score) == (finding.kind, finding.pair_class, finding.score)
                and reason == finding.reason
            ):
                same[fingerprint] = pk
            else:
                touched.append(fingerprint)
    existing: dict[str, Conflict] = {}
    for chunk in _chunks(touched, ID_CHUNK):
        existing.update((c.fingerprint, c) for c in Conflict.objects.filter(fingerprint__in=chunk))

    def needs_text(fingerprint: str, finding: Finding) -> bool:
        if fingerprint in same:
            return False
        conflict = existing.get(fingerprint)
        return (
            refresh
            or conflict is None
            or conflict.status == ConflictStatus.RETRACTED
            or conflict.kind != finding.kind
            or conflict.pair_class != finding.pair_class
            or conflict.score != finding.score
            or conflict.reason != finding.reason
        )

    explain = {fp: f for fp, f in by_fingerprint.items() if needs_text(fp, f)}
    attributions = _attributions(pk for f in explain.values() for pk in (f.a, f.b))
    now = timezone.now()
    created: list[Conflict] = []
    changed: list[Conflict] = []
    counts = result.counts
    for fingerprint, finding in by_fingerprint.items():
        counts.found += 1
        if fingerprint in same:
            counts.unchanged += 1
            result.ids.add(same[fingerprint])
            continue
        conflict = existing.get(fingerprint)
        if conflict is None:
            counts.new += 1
            created.append(
                Conflict(
                    fingerprint=fingerprint,
                    assertion_a_id=finding.a,
                    assertion_b_id=finding.b,
                    rule=finding.rule,
                    kind=finding.kind,
                    pair_class=finding.pair_class,
                    explanation=_explain(finding, rules, attributions),
                    reason=finding.reason,
                    score=finding.score,
                    status=ConflictStatus.OPEN,
                    detected_at=now,
                    updated_at=now,
                )
            )
            continue
        result.ids.add(conflict.pk)
        dirty = False
        if conflict.status == ConflictStatus.RETRACTED:
            counts.restored += 1
            conflict.status = _live_status(conflict)
            conflict.retracted_at = None
            dirty = True
        else:
            counts.unchanged += 1
        if fingerprint in explain:
            explanation = _explain(finding, rules, attributions)
            new_values = {
                "kind": finding.kind,
                "pair_class": finding.pair_class,
                "explanation": explanation,
                "reason": finding.reason,
                "score": finding.score,
            }
            for name, value in new_values.items():
                if getattr(conflict, name) != value:
                    setattr(conflict, name, value)
                    dirty = True
        if dirty:
            conflict.updated_at = now
            changed.append(conflict)
    if created:
        result.ids.update(_insert_conflicts(created, now))
    if changed:
        bulk_update_with_history(
            changed, Conflict, CONFLICT_FIELDS, batch_size=500, default_date=now
        )
    return result


# New conflicts and their "created" history rows in one statement per batch: the rows travel as
# one JSON document, which PostgreSQL unpacks itself (far cheaper than adapting a parameter or
# an array element per value). Same rows as ``bulk_create_with_history`` writes.
_INSERT_SQL = """
WITH input AS (
    SELECT * FROM jsonb_to_recordset(%s::jsonb) AS r(
        fingerprint text, assertion_a_id bigint, assertion_b_id bigint, rule text, kind text,
        pair_class text, explanation text, reason jsonb, score float8
    )
), inserted AS (
    INSERT INTO {conflict} (
        fingerprint, assertion_a_id, assertion_b_id, rule, kind, pair_class, explanation,
        reason, score, status, review_decision, review_note, detected_at, updated_at
    )
    SELECT fingerprint, assertion_a_id, assertion_b_id, rule, kind, pair_class, explanation,
        reason, score, %s, '', '', %s, %s
    FROM input
    RETURNING *
), history AS (
    INSERT INTO {history} (
        id, fingerprint, rule, kind, pair_class, explanation, reason, score, status,
        review_decision, reviewed_at, review_note, detected_at, updated_at, retracted_at,
        assertion_a_id, assertion_b_id, reviewed_by_id,
        history_date, history_change_reason, history_type, history_user_id
    )
    SELECT id, fingerprint, rule, kind, pair_class, explanation, reason, score, status,
        review_decision, reviewed_at, review_note, detected_at, updated_at, retracted_at,
        assertion_a_id, assertion_b_id, reviewed_by_id, %s, '', '+', %s
    FROM inserted
    WHERE %s
)
SELECT id FROM inserted
"""
INSERT_BATCH = 5000


def _insert_conflicts(created: Sequence[Conflict], now: datetime) -> list[int]:
    """Insert new conflicts with their history rows; return their ids.

    On PostgreSQL one statement per batch writes both tables; elsewhere
    ``bulk_create_with_history`` does.
    """
    if connection.vendor != "postgresql":
        saved = bulk_create_with_history(created, Conflict, batch_size=500, default_date=now)
        return [conflict.pk for conflict in saved]
    history_model = Conflict.history.model
    user = history_model.get_default_history_user(created[0])
    sql = _INSERT_SQL.format(
        conflict=connection.ops.quote_name(Conflict._meta.db_table),
        history=connection.ops.quote_name(history_model._meta.db_table),
    )
    keep_history = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    ids: list[int] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(created, INSERT_BATCH):
            rows = [
                {
                    "fingerprint": c.fingerprint,
                    "assertion_a_id": c.assertion_a_id,
                    "assertion_b_id": c.assertion_b_id,
                    "rule": c.rule,
                    "kind": c.kind,
                    "pair_class": c.pair_class,
                    "explanation": c.explanation,
                    "reason": c.reason,
                    "score": c.score,
                }
                for c in chunk
            ]
            cursor.execute(
                sql,
                [
                    json.dumps(rows),
                    ConflictStatus.OPEN,
                    now,
                    now,
                    now,
                    getattr(user, "pk", None),
                    keep_history,
                ],
            )
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _retract(conflict_ids: Iterable[int]) -> int:
    """Retract the live conflicts ``conflict_ids``; keep their reviews. Return how many."""
    now = timezone.now()
    count = 0
    for chunk in _chunks(list(conflict_ids), ID_CHUNK):
        retracted = []
        for conflict in Conflict.objects.filter(id__in=chunk).exclude(
            status=ConflictStatus.RETRACTED
        ):
            conflict.status = ConflictStatus.RETRACTED
            conflict.retracted_at = now
            conflict.updated_at = now
            retracted.append(conflict)
        if retracted:
            bulk_update_with_history(
                retracted,
                Conflict,
                ["status", "retracted_at", "updated_at"],
                batch_size=500,
                default_date=now,
            )
        count += len(retracted)
    return count


# -- candidates ------------------------------------------------------------------------------


def _lineage_text(chain: Sequence[int]) -> str:
    return "/" + "/".join(map(str, chain)) + "/"


def _generic_condition(facts: Sequence[AssertionFact], world: DbWorld) -> Q | None:
    """Return the condition that finds the generic partners of ``facts``, or ``None``.

    An affirmed entity claim meets the denied claims about its object's categories whose
    subject is its subject or above it; a generic claim meets the affirmed claims about the
    members of its category (or its sub-categories) whose subject is at or below its own.
    """
    condition = Q()
    any_part = False
    for fact in facts:
        if fact.predicate.value_type != "entity" or fact.object is None:
            continue
        if fact.affirmed:
            categories = world.categories(fact.object)
            if categories:
                condition |= Q(
                    predicate_id=fact.predicate.id,
                    polarity=Polarity.DENIED,
                    object_id__in=sorted(categories),
                    subject_id__in=list(world.lineage(fact.subject)),
                )
                any_part = True
        elif is_generic_claim(fact, world):
            below = world.subcategories(fact.object)
            members = Q(object__categories__in=sorted(below))
            if len(below) > 1:
                members |= Q(object_id__in=sorted(below - {fact.object}))
            condition |= (
                Q(
                    predicate_id=fact.predicate.id,
                    polarity=Polarity.AFFIRMED,
                    subject__lineage__startswith=_lineage_text(world.lineage(fact.subject)),
                )
                & members
            )
            any_part = True
    return condition if any_part else None


def _fact_rows(queryset) -> list[tuple]:
    return list(queryset.values_list(*fact_columns()))


def _fact_rows_by_id(ids: Sequence[int]) -> list[tuple]:
    """Return the ``FACT_FIELDS`` rows of ``ids`` in three queries per ``id_chunk()`` ids.

    The assertions' own columns first, then the few columns of their statements and evidence
    by key: joined in one query, PostgreSQL hashes the whole statement table (a sequential
    scan of every statement) for a few thousand rows. ``id_in`` keeps each on key look-ups.
    """
    rows: list[tuple] = []
    own_columns = fact_columns()[:15]  # up to evidence_id; the rest come from the owners
    for chunk in _chunks(ids, id_chunk()):
        own = list(id_in(Assertion.objects.all(), chunk).values_list(*own_columns))
        statements = _owners(Statement, {row[13] for row in own}, ("speaker_id", Epoch("said_at")))
        evidence = _owners(
            Evidence,
            {row[14] for row in own},
            ("reliability", "credibility", Epoch("captured_at")),
        )
        for row in own:
            said = statements.get(row[13], _NO_STATEMENT)
            shown = evidence.get(row[14], _NO_EVIDENCE)
            rows.append((*row, *said, *shown))
    return rows


_NO_STATEMENT = (None, None)
_NO_EVIDENCE = (None, None, None)


def _owners(model, ids: set, columns: tuple) -> dict[int, tuple]:
    wanted = sorted(pk for pk in ids if pk is not None)
    if not wanted:
        return {}
    found = id_in(model.objects.order_by(), wanted).values_list("id", *columns)
    return {row[0]: row[1:] for row in found}


def _load_facts(rows: Iterable[Sequence[Any]], predicates: dict) -> list[AssertionFact]:
    rows = list(rows)
    missing = {row[2] for row in rows} - predicates.keys()
    if missing:
        predicates.update(predicate_facts(missing))
    return [fact_from_row(row, predicates) for row in rows]


def _mentioned(facts: Iterable[AssertionFact]) -> set[int]:
    ids: set[int] = set()
    for fact in facts:
        ids.add(fact.subject)
        if fact.object is not None:
            ids.add(fact.object)
        if fact.origin.speaker is not None:
            ids.add(fact.origin.speaker)
    return ids


def _candidates(
    facts: Sequence[AssertionFact], world: DbWorld, predicates: dict
) -> list[AssertionFact]:
    """Return the stored assertions that may clash with ``facts``, in at most two queries."""
    if not facts:
        return []
    partners = exclusion_partners(world.load_exclusions())
    subjects = {fact.subject for fact in facts}
    wanted = set()
    for fact in facts:
        wanted.add(fact.predicate.id)
        wanted.update(partners.get(fact.predicate.id, ()))
    rows = _fact_rows(
        Assertion.objects.filter(subject_id__in=sorted(subjects), predicate_id__in=sorted(wanted))
    )
    generic = _generic_condition(facts, world)
    if generic is not None:
        seen = {row[0] for row in rows}
        for row in _fact_rows(Assertion.objects.filter(generic)):
            if row[0] not in seen:
                seen.add(row[0])
                rows.append(row)
    candidates = _load_facts(rows, predicates)
    world.load(_mentioned(candidates))
    return candidates


def _findings_for(
    facts: Sequence[AssertionFact], candidates: Sequence[AssertionFact], world: DbWorld
) -> list[Finding]:
    rules = active_rules()
    partners = exclusion_partners(world.load_exclusions())
    findings: list[Finding] = []
    done: set[tuple[int, int]] = set()
    pool = {fact.id: fact for fact in candidates}
    pool.update((fact.id, fact) for fact in facts)
    for fact in facts:
        for other in pool.values():
            if other.id == fact.id:
                continue
            key = (min(fact.id, other.id), max(fact.id, other.id))
            if key in done:
                continue
            done.add(key)
            findings.extend(compare(fact, other, rules, world, partners))
    return unique(findings)


# -- checking written assertions ----------------------------------------------------------------


def conflicts_check_assertions(*, assertion_ids: Iterable[int]) -> RecheckCounts:
    """Check the given assertions against their candidates and upsert/retract conflicts.

    The candidates of all the assertions come from two indexed queries (same subject with the
    same or a partner predicate; generic claims and instances), so the cost depends on what
    the assertions touch, not on the size of the record. Live conflicts of these assertions
    that no longer clash are retracted.
    """
    ids = sorted(set(assertion_ids))
    if not ids:
        return RecheckCounts()
    with transaction.atomic():
        predicates: dict = {}
        facts = _load_facts(_fact_rows(Assertion.objects.filter(id__in=ids)), predicates)
        world = DbWorld()
        world.load(_mentioned(facts))
        candidates = _candidates(facts, world, predicates)
        findings = _findings_for(facts, candidates, world)
        upsert = _upsert(findings, refresh=True)
        stale = Conflict.objects.filter(Q(assertion_a_id__in=ids) | Q(assertion_b_id__in=ids))
        stale = stale.exclude(status=ConflictStatus.RETRACTED).exclude(id__in=upsert.ids)
        upsert.counts.retracted = _retract(list(stale.values_list("id", flat=True)))
        return upsert.counts


def conflicts_forget_assertions(*, assertion_ids: Iterable[int]) -> int:
    """Prepare for the deletion of assertions: their conflicts go with them (history keeps them).

    Return how many conflicts were deleted.
    """
    ids = sorted(set(assertion_ids))
    if not ids:
        return 0
    conflicts = Conflict.objects.filter(Q(assertion_a_id__in=ids) | Q(assertion_b_id__in=ids))
    deleted, _ = conflicts.delete()
    return deleted


# -- drafts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftFinding:
    """A conflict an unsaved record would create: ``draft`` indexes its assertions list."""

    rule: str
    kind: str
    pair_class: str
    score: float
    explanation: str
    reason: dict
    draft: int
    assertion: int | None  # the stored assertion it clashes with
    other_draft: int | None  # or another assertion of the same draft


def conflicts_check_draft(
    *,
    assertions: Sequence[Mapping[str, Any]],
    speaker=None,
    said_at: datetime | None = None,
    quote: str = "",
    source=None,
    grade: str | None = None,
    limits: DraftLimits | None = None,
) -> list[DraftFinding]:
    """Return the conflicts a not-yet-saved statement (or evidence item) would create.

    ``assertions`` are dicts as ``statement_create`` takes them. Nothing is written: the
    draft's facts get negative ids and meet their candidates read from the database. Pass
    ``grade`` (such as ``"B2"``) to check a draft evidence item instead of a statement.
    ``limits`` bound the candidates examined and the conflicts reported (ValidationError).
    """
    from statements.services.records import _clean_all

    cleaned = [fields for _, fields in _clean_all(assertions)]
    predicates = predicate_facts({fields["predicate"].pk for fields in cleaned})
    facts = [
        draft_fact(
            id=-(index + 1),
            data=fields,
            predicates=predicates,
            speaker=speaker.pk if speaker is not None else None,
            said_at=said_at,
            grade=grade,
        )
        for index, fields in enumerate(cleaned)
    ]
    world = DbWorld()
    world.load(_mentioned(facts))
    candidates = _candidates(facts, world, predicates)
    limits = limits or DraftLimits()
    limits.check_candidates(len(candidates))
    findings = _findings_for(facts, candidates, world)
    limits.check_conflicts(len(findings))
    rules = {rule.code: rule for rule in active_rules()}
    attributions = _attributions(pk for f in findings for pk in (f.a, f.b))
    precision = "minute" if grade else "day"
    for index, fields in enumerate(cleaned):
        obj = fields.get("object")
        value = _value_text(
            obj.name if obj is not None else None,
            fields.get("choice") or "",
            fields.get("number"),
            fields.get("boolean"),
            fields["comparator"],
        )
        attributions[-(index + 1)] = Attribution(
            who=(speaker.name if speaker is not None else "This draft"),
            quote=quote,
            source=getattr(source, "title", "") or "",
            date=_format_time(said_at, precision),
            grade=grade,
            value=render_assertion(
                predicate=fields["predicate"].slug,
                subject=fields["subject"].name,
                value=value,
                polarity=fields["polarity"],
                valid_from=fields.get("valid_from"),
                valid_until=fields.get("valid_until"),
                precision=fields["time_precision"],
            ),
        )
    results = []
    for finding in findings:
        # Draft ids are negative, so a draft assertion is always ``a``; between two draft
        # assertions, name the earlier one (the larger negative id) first.
        draft_id, other = finding.a, finding.b
        if other < 0:
            draft_id, other = other, draft_id
        results.append(
            DraftFinding(
                rule=finding.rule,
                kind=finding.kind,
                pair_class=finding.pair_class,
                score=finding.score,
                explanation=_explain(finding, rules, attributions),
                reason=finding.reason,
                draft=-draft_id - 1,
                assertion=other if other > 0 else None,
                other_draft=-other - 1 if other < 0 else None,
            )
        )
    return results


# -- the full re-check -------------------------------------------------------------------------


def conflicts_recheck(
    *, shard: Shard | None = None, progress: Callable[[int], None] | None = None
) -> RecheckCounts:
    """Re-check the whole record (or one ``shard`` of it); return what changed.

    Assertions stream from a server-side cursor in (subject, predicate) order, narrow rows
    only; a subject's rows are compared only when two of them make different claims (or sit on
    exclusion partners), and only those rows become facts. Generic claims are a shard of their
    own. ``progress`` is called with the number of assertions read since its last call.
    """
    # One transaction per shard: a shard killed half-way leaves nothing behind and can simply
    # run again, and PostgreSQL streams the scan instead of materialising a WITH HOLD cursor.
    if shard is None:
        with transaction.atomic():
            counts = _recheck_subjects(Shard(), progress)
        with transaction.atomic():
            return counts + _recheck_generic(progress)
    with transaction.atomic():
        if shard.generic:
            return _recheck_generic(progress)
        return _recheck_subjects(shard, progress)


def conflicts_recheck_total(*, shard: Shard | None = None) -> int:
    """Return how many assertions a re-check of ``shard`` reads (for a progress bar)."""
    queryset = Assertion.objects.all()
    if shard is not None and shard.generic:
        return _generic_claims().count()
    if shard is not None:
        queryset = _subject_range(queryset, shard, "subject_id")
    total = queryset.count()
    if shard is None:
        total += _generic_claims().count()
    return total


def _subject_range(queryset, shard: Shard, field_name: str):
    if shard.subject_from is not None:
        queryset = queryset.filter(**{f"{field_name}__gte": shard.subject_from})
    if shard.subject_to is not None:
        queryset = queryset.filter(**{f"{field_name}__lt": shard.subject_to})
    return queryset


def _generic_codes() -> list[str]:
    return [rule.code for rule in active_rules() if rule.scope == GENERIC]


def recheck_scan(shard: Shard | None = None):
    """Return the scan a re-check streams: narrow rows in (subject, predicate) order.

    Benchmarks read the very same query as their baseline.
    """
    scan = _subject_range(Assertion.objects.all(), shard or Shard(), "subject_id")
    return scan.order_by("subject_id", "predicate_id", "id").values_list(*SCAN_FIELDS)


def _recheck_subjects(shard: Shard, progress: Callable[[int], None] | None) -> RecheckCounts:
    rules = active_rules()
    world = DbWorld()
    exclusions = world.load_exclusions()
    partners = exclusion_partners(exclusions)
    predicates = predicate_facts()
    screen = Screen(rules, predicates, exclusions)
    counts = RecheckCounts()
    found_ids: set[int] = set()
    pending: list[list[int]] = []
    pending_rows = 0
    read = 0

    def flush() -> None:
        nonlocal pending, pending_rows, counts
        if not pending:
            return
        world.forget()
        groups, pending, pending_rows = pending, [], 0
        ids = [pk for group in groups for pk in group]
        facts = {fact.id: fact for fact in _load_facts(_fact_rows_by_id(ids), predicates)}
        world.load(_mentioned(facts.values()))
        findings: list[Finding] = []
        for group in groups:
            block = [facts[pk] for pk in group if pk in facts]
            findings.extend(compare_block(block, rules, world, partners))
        with transaction.atomic():
            upsert = _upsert(unique(findings), refresh=False)
        counts += upsert.counts
        found_ids.update(upsert.ids)

    rows_iter = recheck_scan(shard).iterator(chunk_size=SCAN_CHUNK)
    for _subject, group in groupby(rows_iter, itemgetter(1)):
        rows = list(group)
        read += len(rows)
        kept = screen.candidates(rows)
        if kept:
            pending.append([row[0] for row in kept])
            pending_rows += len(kept)
            if pending_rows >= RECHECK_BATCH:
                flush()
        if progress is not None and read >= SCAN_CHUNK:
            progress(read)
            read = 0
    flush()
    if progress is not None and read:
        progress(read)

    live = _subject_range(
        Conflict.objects.exclude(status=ConflictStatus.RETRACTED).exclude(
            rule__in=_generic_codes()
        ),
        shard,
        "assertion_a__subject_id",
    )
    stale = [pk for pk in live.values_list("id", flat=True).iterator() if pk not in found_ids]
    counts.retracted += _retract(stale)
    return counts


def _generic_claims():
    return Assertion.objects.filter(polarity=Polarity.DENIED, object__kind=EntityKind.CATEGORY)


def _generic_instances(
    generics: Sequence[AssertionFact], world: DbWorld, predicates: dict
) -> dict[int, list[AssertionFact]]:
    """Return the instances each generic claim (by id) may clash with.

    The same candidates as ``_generic_condition`` (affirmed, same predicate, the subject at or
    below the claim's, the object a member of the category or of a category below it, or one
    of those categories), read in two indexed queries instead of one OR of joins: the claims'
    subjects and what lies below them (by lineage prefix), then those subjects' assertions on
    the claims' predicates through the ``(subject, predicate)`` index. Which claim each row
    belongs to is sorted out in Python. (Generic claims sit on narrow subjects and broad
    categories, so the subjects, not the category members, are what keeps this small.)
    """
    if not generics:
        return {}
    prefixes = {fact.subject: _lineage_text(world.lineage(fact.subject)) for fact in generics}
    condition = Q()
    for prefix in sorted(set(prefixes.values())):
        condition |= Q(lineage__startswith=prefix)
    below_subject: dict[int, set[int]] = {subject: set() for subject in prefixes}
    for pk, lineage in Entity.objects.filter(condition).values_list("id", "lineage"):
        for subject, prefix in prefixes.items():
            if lineage.startswith(prefix):
                below_subject[subject].add(pk)
    objects: dict[int, frozenset[int]] = {}
    for fact in generics:
        if fact.object not in objects:
            below = world.subcategories(fact.object)
            members = world.members(below)
            found = set(below - {fact.object})
            found.update(*members.values())
            objects[fact.object] = frozenset(found)
    subjects = sorted(set().union(*below_subject.values()))
    wanted = sorted({fact.predicate.id for fact in generics})
    rows = []
    for chunk in _chunks(subjects, id_chunk()):
        affirmed = Assertion.objects.filter(predicate_id__in=wanted, polarity=Polarity.AFFIRMED)
        rows.extend(_fact_rows(id_in(affirmed, chunk, "subject_id")))
    instances = _load_facts(rows, predicates)
    world.load(_mentioned(instances))
    return {
        fact.id: [
            instance
            for instance in instances
            if instance.predicate.id == fact.predicate.id
            and instance.object in objects[fact.object]
            and instance.subject in below_subject[fact.subject]
        ]
        for fact in generics
    }


def _recheck_generic(progress: Callable[[int], None] | None) -> RecheckCounts:
    rules = active_rules()
    generic_codes = _generic_codes()
    counts = RecheckCounts()
    found_ids: set[int] = set()
    predicates = predicate_facts()
    world = DbWorld()
    if generic_codes:
        # In predicate order, so a batch's claims share few predicates (one query each).
        claims = _generic_claims().order_by("predicate_id", "id").values_list(*fact_columns())
        for chunk in _chunks(claims.iterator(chunk_size=GENERIC_BATCH * 20), GENERIC_BATCH):
            world.forget()
            generics = _load_facts(chunk, predicates)
            world.load(_mentioned(generics))
            generics = [fact for fact in generics if is_generic_claim(fact, world)]
            instances = _generic_instances(generics, world, predicates)
            findings: list[Finding] = []
            for generic in generics:
                findings.extend(compare_generic([generic], instances[generic.id], rules, world))
            with transaction.atomic():
                upsert = _upsert(unique(findings), refresh=False)
            counts += upsert.counts
            found_ids.update(upsert.ids)
            if progress is not None:
                progress(len(chunk))
    live = Conflict.objects.exclude(status=ConflictStatus.RETRACTED).filter(rule__in=generic_codes)
    stale = [pk for pk in live.values_list("id", flat=True).iterator() if pk not in found_ids]
    counts.retracted += _retract(stale)
    return counts
