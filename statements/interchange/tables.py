"""Read import files: CSV, XLSX and NDJSON, as numbered rows of a known kind of record.

CSV and XLSX carry one row per assertion (the export's layout): cells are text, as a person
types them in a spreadsheet. NDJSON carries one record a line, assertions nested. Which kind
of record a table holds is read from its columns (``speaker``: statements; ``reliability``:
evidence), or from an XLSX sheet's name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError

STATEMENTS, EVIDENCE = "statements", "evidence"
FORMATS = ("csv", "xlsx", "ndjson")
# A spreadsheet larger than this is refused before its rows are read.
MAX_ROWS = 100_000


@dataclass
class Table:
    """Rows of one kind: ``(row number, cells)``; CSV/XLSX cells are strings, NDJSON nested."""

    kind: str
    name: str  # where the rows come from, for error reports: a file or a sheet
    flat: bool  # one row per assertion (CSV, XLSX) rather than one record (NDJSON)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def kind_of(columns) -> str | None:
    """Return the kind of record whose columns these are, or None."""
    columns = set(columns)
    if "speaker" in columns:
        return STATEMENTS
    if "reliability" in columns:
        return EVIDENCE
    return None


def format_of(filename: str) -> str:
    """Return the import format named by ``filename``'s extension, or raise naming the file."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix in ("jsonl", "json"):
        suffix = "ndjson"
    if suffix not in FORMATS:
        raise ValidationError({"file": f"{filename}: expected a .csv, .xlsx or .ndjson file."})
    return suffix


def _check_size(count: int, name: str) -> None:
    if count > MAX_ROWS:
        raise ValidationError({"file": f"{name}: more than {MAX_ROWS} rows; split the file."})


def read_csv(handle: IO[bytes], name: str) -> list[Table]:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        reader = csv.DictReader(text)
        kind = kind_of(reader.fieldnames or [])
        if kind is None:
            raise ValidationError(
                {"file": f"{name}: no speaker or reliability column; is it statements or evidence?"}
            )
        table = Table(kind=kind, name=name, flat=True)
        for number, row in enumerate(reader, start=2):
            _check_size(number, name)
            table.rows.append((number, {key: (value or "") for key, value in row.items() if key}))
    except UnicodeDecodeError as error:
        raise ValidationError({"file": f"{name}: not UTF-8 text."}) from error
    finally:
        text.detach()
    return [table]


def _cell_text(value: Any) -> str:
    """Return a spreadsheet cell as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        # Spreadsheets store no offset: a time is read as UTC, as everywhere in the record.
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(handle: IO[bytes], name: str) -> list[Table]:
    from openpyxl import load_workbook  # only imports need it

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError({"file": f"{name}: not an XLSX workbook ({error})."}) from error
    tables = []
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [_cell_text(cell) for cell in next(rows, ())]
            kind = sheet.title.lower() if sheet.title.lower() in (STATEMENTS, EVIDENCE) else None
            kind = kind or kind_of(header)
            if kind is None:
                continue  # a sheet of notes, say
            table = Table(kind=kind, name=f"{name}:{sheet.title}", flat=True)
            for number, values in enumerate(rows, start=2):
                _check_size(number, name)
                cells = {
                    column: _cell_text(value)
                    for column, value in zip(header, values, strict=False)
                    if column
                }
                if any(cells.values()):
                    table.rows.append((number, cells))
            tables.append(table)
    finally:
        workbook.close()
    if not tables:
        raise ValidationError({"file": f"{name}: no sheet of statements or evidence."})
    return tables


def read_ndjson(handle: IO[bytes], name: str) -> list[Table]:
    tables = {STATEMENTS: Table(STATEMENTS, name, False), EVIDENCE: Table(EVIDENCE, name, False)}
    for number, raw in enumerate(handle, start=1):
        _check_size(number, name)
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except (UnicodeDecodeError, ValueError) as error:
            raise ValidationError(
                {"file": f"{name}, line {number}: not JSON ({error})."}
            ) from error
        kind = kind_of(item) if isinstance(item, dict) else None
        if kind is None:
            raise ValidationError(
                {"file": f"{name}, line {number}: not a statement or evidence object."}
            )
        tables[kind].rows.append((number, item))
    return [table for table in tables.values() if table.rows]


READERS = {"csv": read_csv, "xlsx": read_xlsx, "ndjson": read_ndjson}


def read_tables(handle: IO[bytes], filename: str) -> list[Table]:
    """Return the tables of the file ``filename`` open as ``handle`` (binary)."""
    return READERS[format_of(filename)](handle, filename)


def iter_rows(tables: list[Table]) -> Iterator[tuple[Table, int, dict[str, Any]]]:
    for table in tables:
        for number, row in table.rows:
            yield table, number, row
