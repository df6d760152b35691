"""Records out as NDJSON or CSV, streamed in constant memory.

Rows are read with ``QuerySet.iterator(chunk_size=CHUNK)`` (prefetches run per chunk), turned
into plain dicts one at a time and written out in small blocks, so an export of a million
assertions holds one chunk, never the corpus. The NDJSON shape of statements and evidence is
what ``records_import`` reads back (slugs for every reference); the CSV has one row per
assertion, the record's columns repeated, and one row with empty assertion columns for a
record without assertions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Prefetch, QuerySet

from statements.interchange.claimreview import kind_slug
from statements.models import (
    Assertion,
    Conflict,
    Dispute,
    Evidence,
    Position,
    Statement,
    claim_value,
    tag_list,
)
from statements.text import position_text

# Rows read per query (and per prefetch); a CSV or NDJSON block is written every BLOCK rows.
CHUNK = 1000
BLOCK = 200

ASSERTION_FIELDS = (
    "id",
    "predicate",
    "subject",
    "value",
    "comparator",
    "polarity",
    "valid_from",
    "valid_until",
    "time_precision",
    "certainty",
    "note",
    "position",
)
STATEMENT_FIELDS = (
    "id",
    "ref",
    "speaker",
    "source",
    "said_at",
    "said_at_precision",
    "quote",
    "context",
    "language",
    "created_at",
    "updated_at",
)
EVIDENCE_FIELDS = (
    "id",
    "ref",
    "kind",
    "title",
    "source",
    "captured_at",
    "captured_at_precision",
    "place",
    "reliability",
    "credibility",
    "description",
    "media_url",
    "media_sha256",
    "created_at",
    "updated_at",
)
CONFLICT_FIELDS = (
    "id",
    "status",
    "score",
    "rules",
    "pair_classes",
    "explanation",
    "position_a",
    "position_a_text",
    "position_b",
    "position_b_text",
    "dispute",
    "detected_at",
    "updated_at",
    "retracted_at",
)
DISPUTE_FIELDS = (
    "id",
    "title",
    "status",
    "score",
    "rules",
    "pair_classes",
    "time_start",
    "time_end",
    "positions",
    "verdict",
    "verdict_position",
    "verdict_note",
    "reviewed_by",
    "reviewed_at",
    "reopened_because",
    "created_at",
    "last_activity_at",
)
# In CSV, a list (rules, a dispute's positions) is one cell of items joined by this.
LIST_SEPARATOR = ";"


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def assertion_row(assertion: Assertion) -> dict[str, Any]:
    """Return an assertion as clients write it: slugs, and the value as the predicate reads it."""
    value = claim_value(assertion)
    if assertion.object_id is not None:
        value = assertion.object.slug
    return {
        "id": assertion.pk,
        "predicate": assertion.predicate.slug,
        "subject": assertion.subject.slug,
        "value": value,
        "comparator": assertion.comparator,
        "polarity": assertion.polarity,
        "valid_from": _iso(assertion.valid_from),
        "valid_until": _iso(assertion.valid_until),
        "time_precision": assertion.time_precision,
        "certainty": assertion.certainty,
        "note": assertion.note,
        "position": assertion.position_id,
    }


def statement_row(statement: Statement) -> dict[str, Any]:
    return {
        "id": statement.pk,
        "ref": statement.ref,
        "speaker": statement.speaker.slug,
        "source": statement.source.slug,
        "said_at": _iso(statement.said_at),
        "said_at_precision": statement.said_at_precision,
        "quote": statement.quote,
        "context": statement.context,
        "language": statement.language,
        "created_at": _iso(statement.created_at),
        "updated_at": _iso(statement.updated_at),
        "assertions": [assertion_row(a) for a in statement.assertions.all()],
    }


def evidence_row(evidence: Evidence) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "ref": evidence.ref,
        "kind": kind_slug(evidence),
        "title": evidence.title,
        "source": evidence.source.slug,
        "captured_at": _iso(evidence.captured_at),
        "captured_at_precision": evidence.captured_at_precision,
        "place": evidence.place.slug if evidence.place_id else None,
        "reliability": evidence.reliability,
        "credibility": evidence.credibility,
        "description": evidence.description,
        "media_url": evidence.media_url or None,  # null, as the API shows no URL
        "media_sha256": evidence.media_sha256,
        "created_at": _iso(evidence.created_at),
        "updated_at": _iso(evidence.updated_at),
        "assertions": [assertion_row(a) for a in evidence.assertions.all()],
    }


def conflict_row(conflict: Conflict) -> dict[str, Any]:
    return {
        "id": conflict.pk,
        "status": conflict.status,
        "score": conflict.score,
        "rules": conflict.rule_list,
        "pair_classes": conflict.pair_class_list,
        "explanation": conflict.explanation,
        "position_a": conflict.position_a_id,
        "position_a_text": position_text(conflict.position_a),
        "position_b": conflict.position_b_id,
        "position_b_text": position_text(conflict.position_b),
        "dispute": conflict.position_a.dispute_id,
        "detected_at": _iso(conflict.detected_at),
        "updated_at": _iso(conflict.updated_at),
        "retracted_at": _iso(conflict.retracted_at),
    }


def dispute_row(dispute: Dispute) -> dict[str, Any]:
    return {
        "id": dispute.pk,
        "title": dispute.title,
        "status": dispute.status,
        "score": dispute.score,
        "rules": tag_list(dispute.rules),
        "pair_classes": tag_list(dispute.pair_classes),
        "time_start": _iso(dispute.time_start),
        "time_end": _iso(dispute.time_end),
        "positions": [
            {"id": p.pk, "text": position_text(p), "supporters": p.supporter_total}
            for p in dispute.positions.all()
        ],
        "verdict": dispute.verdict,
        "verdict_position": dispute.verdict_position_id,
        "verdict_note": dispute.verdict_note,
        "reviewed_by": dispute.reviewed_by.username if dispute.reviewed_by_id else None,
        "reviewed_at": _iso(dispute.reviewed_at),
        "reopened_because": dispute.reopened_because,
        "created_at": _iso(dispute.created_at),
        "last_activity_at": _iso(dispute.last_activity_at),
    }


def _assertions() -> Prefetch:
    return Prefetch(
        "assertions",
        queryset=Assertion.objects.select_related("predicate", "subject", "object").order_by("id"),
    )


def statements_for_export() -> QuerySet[Statement]:
    """Return statements with what an export row needs, in id order."""
    return (
        Statement.objects.select_related("speaker", "source")
        .prefetch_related(_assertions())
        .order_by("id")
    )


def evidence_for_export() -> QuerySet[Evidence]:
    """Return evidence items with what an export row needs, in id order."""
    return (
        Evidence.objects.select_related("source", "place")
        .prefetch_related(_assertions())
        .order_by("id")
    )


def conflicts_for_export() -> QuerySet[Conflict]:
    """Return conflicts with both positions' names, in id order."""
    joins = [
        f"position_{side}__{name}" for side in "ab" for name in ("predicate", "subject", "object")
    ]
    return Conflict.objects.select_related(*joins, "position_a__dispute_member").order_by("id")


def disputes_for_export() -> QuerySet[Dispute]:
    """Return disputes with their positions and reviewer, in id order."""
    positions = (
        Position.objects.select_related("predicate", "subject", "object")
        .annotate(supporter_total=Count("supporters"))
        .order_by("id")
    )
    return (
        Dispute.objects.select_related("reviewed_by")
        .prefetch_related(Prefetch("positions", queryset=positions))
        .order_by("id")
    )


@dataclass(frozen=True)
class ExportKind:
    """One kind of record that exports: how to read it, one row of it, its CSV columns."""

    name: str
    queryset: Callable[[], QuerySet]
    row: Callable[[Any], dict[str, Any]]
    fields: tuple[str, ...]
    nested: bool  # one CSV row per assertion


KINDS = {
    "statements": ExportKind(
        "statements", statements_for_export, statement_row, STATEMENT_FIELDS, True
    ),
    "evidence": ExportKind("evidence", evidence_for_export, evidence_row, EVIDENCE_FIELDS, True),
    "conflicts": ExportKind(
        "conflicts", conflicts_for_export, conflict_row, CONFLICT_FIELDS, False
    ),
    "disputes": ExportKind("disputes", disputes_for_export, dispute_row, DISPUTE_FIELDS, False),
}


def records(kind: ExportKind, queryset: QuerySet) -> Iterator[dict[str, Any]]:
    """Yield the rows of ``queryset`` one at a time, reading ``CHUNK`` records per query."""
    for record in queryset.iterator(chunk_size=CHUNK):
        yield kind.row(record)


def ndjson_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Yield NDJSON in blocks of ``BLOCK`` lines."""
    block: list[str] = []
    for row in rows:
        block.append(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False))
        if len(block) >= BLOCK:
            yield "\n".join(block) + "\n"
            block = []
    if block:
        yield "\n".join(block) + "\n"


def csv_header(kind: ExportKind) -> list[str]:
    """Return the CSV columns of ``kind``: the record's, then ``assertion_*`` for nested kinds."""
    if not kind.nested:
        return list(kind.fields)
    return [*kind.fields, *(f"assertion_{name}" for name in ASSERTION_FIELDS)]


def csv_cell(value: Any) -> Any:
    """Return ``value`` as a CSV cell: lists joined, a range as JSON, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):  # a dispute's positions: their ids
            return LIST_SEPARATOR.join(str(item["id"]) for item in value)
        return LIST_SEPARATOR.join(map(str, value))
    return value


def _assertion_cell(name: str, value: Any) -> Any:
    if name == "value" and isinstance(value, list):
        return json.dumps(value)  # a range: [low, high]
    return csv_cell(value)


def csv_rows(kind: ExportKind, rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """Yield CSV rows: one per assertion for statements and evidence."""
    for row in rows:
        record = [csv_cell(row[name]) for name in kind.fields]
        if not kind.nested:
            yield record
            continue
        assertions = row["assertions"] or [None]
        for assertion in assertions:
            if assertion is None:
                yield [*record, *([""] * len(ASSERTION_FIELDS))]
            else:
                yield [*record, *(_assertion_cell(n, assertion[n]) for n in ASSERTION_FIELDS)]


def csv_text(kind: ExportKind, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Yield CSV text (header first) in blocks of ``BLOCK`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_header(kind))
    for count, line in enumerate(csv_rows(kind, rows), start=1):
        writer.writerow(line)
        if count % BLOCK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


FORMATS = ("ndjson", "csv")


def export_text(kind_name: str, fmt: str, queryset: QuerySet | None = None) -> Iterator[str]:
    """Yield the export of ``kind_name`` records (``queryset``, or all) as ``fmt`` text."""
    kind = KINDS[kind_name]
    rows = records(kind, kind.queryset() if queryset is None else queryset)
    return ndjson_lines(rows) if fmt == "ndjson" else csv_text(kind, rows)


__all__ = ["FORMATS", "KINDS", "export_text"]
