"""Bulk import of statements and evidence with their assertions, through the API's own checks
and the record services.

Each record is read by the API's input serializer (slugs looked up, values checked, unknown
fields refused) and written by ``statement_create`` / ``statement_update`` (or the evidence
ones), inside one transaction with the conflict checks deferred to the end: conflicts and
disputes come out exactly as if the records had been sent one by one. A record with a ``ref``
already on record is updated, so importing a file again changes nothing. If any row is wrong,
or on a dry run, everything is rolled back: the report lists every error by row and column.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from statements.api.serializers import EvidenceInputSerializer, StatementInputSerializer
from statements.interchange.tables import EVIDENCE, STATEMENTS, Table
from statements.models import Comparator, Evidence, Predicate, Statement, ValueType
from statements.services import (
    assertion_clean,
    conflict_checks_deferred,
    evidence_create,
    evidence_update,
    statement_create,
    statement_update,
)

ASSERTION_COLUMNS = (
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
)
# Cells that may be blank on purpose: a blank is kept, not read as "not given".
BLANK_ALLOWED = {"context", "description", "media_url", "media_sha256", "note"}
# Cells whose blank means none (a record without a ref, an item without a place).
BLANK_IS_NONE = {"ref", "place", "captured_at"}
TRUE, FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


@dataclass
class RowError:
    table: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.table}, row {self.row}, {self.field}: {self.message}"


@dataclass
class ImportReport:
    """What an import wrote (or on a dry run, would write), or why it wrote nothing."""

    created: dict[str, int] = field(default_factory=lambda: {STATEMENTS: 0, EVIDENCE: 0})
    updated: dict[str, int] = field(default_factory=lambda: {STATEMENTS: 0, EVIDENCE: 0})
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def written(self) -> bool:
        return not self.errors and not self.dry_run

    def __str__(self) -> str:
        counts = ", ".join(
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated"
            for kind in (STATEMENTS, EVIDENCE)
        )
        if self.errors:
            return f"{len(self.errors)} error(s), nothing written ({counts} otherwise)"
        return f"dry run, nothing written: {counts}" if self.dry_run else counts


@dataclass
class _Record:
    """One statement or evidence item read from a table: its rows and the payload they make."""

    table: Table
    rows: list[int]
    payload: dict[str, Any]
    assertion_rows: list[int] = field(default_factory=list)

    def locate(self, path: str) -> tuple[int, str]:
        """Return the row and column (or NDJSON field) where ``path`` of the payload was read."""
        parts = path.split(".")
        nested = self.table.flat and parts[0] == "assertions" and len(parts) >= 2
        if nested and parts[1].isdigit() and int(parts[1]) < len(self.assertion_rows):
            column = parts[2] if len(parts) > 2 else "predicate"
            return self.assertion_rows[int(parts[1])], f"assertion_{column}"
        return self.rows[0], path


class _Values:
    """Read a spreadsheet's value cell as its predicate's type says."""

    def __init__(self):
        self.types: dict[str, str | None] = {}

    def __call__(self, predicate: str, comparator: str, text: str) -> Any:
        if predicate not in self.types:
            found = Predicate.objects.filter(slug=predicate).values_list("value_type", flat=True)
            self.types[predicate] = next(iter(found), None)
        value_type = self.types[predicate]
        if value_type == ValueType.NUMBER:
            try:
                if comparator == Comparator.BETWEEN or text.startswith("["):
                    return json.loads(text)
                number = float(text)
                return int(number) if number.is_integer() else number
            except ValueError:
                return text  # refused, naming the cell, by the predicate's check
        if value_type == ValueType.BOOLEAN:
            lowered = text.lower()
            return True if lowered in TRUE else False if lowered in FALSE else text
        return text


def _cells(cells: Mapping[str, str], names: Iterable[str], prefix: str = "") -> dict[str, Any]:
    payload: dict[str, Any] = {}
    for name in names:
        column = f"{prefix}{name}"
        if column not in cells:
            continue
        text = cells[column].strip() if name not in BLANK_ALLOWED else cells[column]
        if text == "":
            if name in BLANK_IS_NONE:
                payload[name] = None
            elif name in BLANK_ALLOWED:
                payload[name] = ""
            continue
        payload[name] = text
    return payload


def _group_flat(table: Table, fields: tuple[str, ...], values: _Values) -> list[_Record]:
    """Gather a spreadsheet's rows into records: rows with the same ref (or id) are one."""
    records: dict[tuple, _Record] = {}
    conflicts: list[RowError] = []
    for number, cells in table.rows:
        ref, row_id = cells.get("ref", "").strip(), cells.get("id", "").strip()
        key = ("ref", ref) if ref else ("id", row_id) if row_id else ("row", number)
        payload = _cells(cells, fields)
        record = records.get(key)
        if record is None:
            record = records[key] = _Record(table, [number], {**payload, "assertions": []})
        else:
            record.rows.append(number)
            for name in fields:
                if payload.get(name) != record.payload.get(name):
                    conflicts.append(
                        RowError(
                            table.name,
                            number,
                            name,
                            f"Differs from row {record.rows[0]} of the same record.",
                        )
                    )
        assertion = _cells(cells, ASSERTION_COLUMNS, prefix="assertion_")
        if assertion.get("predicate"):
            if "value" in assertion:
                assertion["value"] = values(
                    assertion["predicate"], assertion.get("comparator", ""), assertion["value"]
                )
            record.payload["assertions"].append(assertion)
            record.assertion_rows.append(number)
    if conflicts:
        raise _RowErrors(conflicts)
    return list(records.values())


def _nested(table: Table, fields: tuple[str, ...]) -> list[_Record]:
    records = []
    for number, item in table.rows:
        payload = {name: item[name] for name in fields if name in item}
        assertions = item.get("assertions", [])
        if isinstance(assertions, list):
            # The export's read-only keys (id, position, value_display) are not written back.
            assertions = [
                {k: v for k, v in a.items() if k in ASSERTION_COLUMNS} if isinstance(a, dict) else a
                for a in assertions
            ]
        payload["assertions"] = assertions
        records.append(_Record(table, [number], payload))
    return records


class _RowErrors(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors


class _Rollback(Exception):
    pass


def _flatten(detail: Any, prefix: str = "") -> Iterable[tuple[str, str]]:
    """Yield ``(path, message)`` from a serializer's nested errors."""
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = prefix if key in ("non_field_errors", "__all__") else f"{prefix}{key}"
            yield from _flatten(value, f"{name}." if name else "")
    elif isinstance(detail, list) and detail and not isinstance(detail[0], str):
        for index, value in enumerate(detail):
            yield from _flatten(value, f"{prefix}{index}.")
    else:
        messages = detail if isinstance(detail, list) else [detail]
        for message in messages:
            yield prefix.rstrip("."), str(message)


# The API's input serializers: an import is checked exactly as a POST would be.
INPUT_SERIALIZERS = {STATEMENTS: StatementInputSerializer, EVIDENCE: EvidenceInputSerializer}
RECORD_FIELDS = {
    kind: tuple(name for name in serializer.Meta.fields if name != "assertions")
    for kind, serializer in INPUT_SERIALIZERS.items()
}


WRITERS = {
    STATEMENTS: (Statement, statement_create, statement_update, "statement"),
    EVIDENCE: (Evidence, evidence_create, evidence_update, "evidence"),
}


def _write(record: _Record, *, created_by, report: ImportReport) -> None:
    kind = record.table.kind
    serializer = INPUT_SERIALIZERS[kind](data=record.payload)
    if not serializer.is_valid():
        for path, message in _flatten(serializer.errors):
            row, column = record.locate(path)
            report.errors.append(RowError(record.table.name, row, column, message))
        return
    data = dict(serializer.validated_data)
    assertions = [dict(item) for item in data.pop("assertions", [])]
    # The service stops at a record's first bad assertion; a report names all of them.
    invalid = False
    for index, assertion in enumerate(assertions):
        try:
            assertion_clean(data=assertion)
        except ValidationError as error:
            invalid = True
            _report(record, error, report, prefix=f"assertions.{index}.")
    if invalid:
        return
    model, create, update, argument = WRITERS[kind]
    existing = model.objects.filter(ref=data["ref"]).first() if data.get("ref") else None
    try:
        if existing is None:
            create(created_by=created_by, assertions=assertions, **data)
            report.created[kind] += 1
        else:
            update(**{argument: existing}, assertions=assertions, **data)
            report.updated[kind] += 1
    except ValidationError as error:
        _report(record, error, report)


def _report(record: _Record, error: ValidationError, report: ImportReport, prefix="") -> None:
    details = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for path, messages in details.items():
        where = f"{prefix}{path}" if path not in ("", "__all__") else prefix.rstrip(".")
        row, column = record.locate(where)
        for message in messages:
            report.errors.append(RowError(record.table.name, row, column or "record", message))


def records_import(*, tables: list[Table], created_by=None, dry_run: bool = False) -> ImportReport:
    """Write the statements and evidence of ``tables``; on any error or a dry run, nothing.

    Return the report: how many records were (or would be) created and updated, and every
    error with its table, row and column.
    """
    fields = RECORD_FIELDS
    report = ImportReport(dry_run=dry_run)
    values = _Values()
    try:
        records = [
            record
            for table in tables
            for record in (
                _group_flat(table, fields[table.kind], values)
                if table.flat
                else _nested(table, fields[table.kind])
            )
        ]
    except _RowErrors as error:
        report.errors = error.errors
        return report
    try:
        with transaction.atomic(), conflict_checks_deferred():
            for record in records:
                _write(record, created_by=created_by, report=report)
            if report.errors or dry_run:
                # Leaving by an exception skips the deferred checks and rolls everything back.
                raise _Rollback
    except _Rollback:
        pass
    return report
