"""Bulk import: exported records come back the same, with the same disputes; a dry run
reports every error by row and column and writes nothing."""

import csv
import datetime as dt
import io
from io import StringIO

import pytest
import yaml
from django.core.cache import cache
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from rest_framework.test import APIClient

from statements.interchange.records import records_import
from statements.interchange.tables import read_tables
from statements.models import Conflict, ConflictStatus, Dispute, DisputeStatus, Evidence, Statement
from statements.seeding import seed_load
from statements.text import position_text
from tests.conftest import SEED_DISPUTES, SEED_PATH, record_empty

pytestmark = pytest.mark.django_db


def _export(path: str) -> bytes:
    cache.clear()  # the export throttle counts per client
    response = APIClient().get(path)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _claims(assertions) -> list[tuple]:
    return sorted(
        (
            a.predicate.slug,
            a.subject.slug,
            str(a.value.slug if hasattr(a.value, "slug") else a.value),
            a.comparator,
            a.polarity,
            a.valid_from,
            a.valid_until,
            a.time_precision,
            a.certainty,
            a.note,
        )
        for a in assertions
    )


def snapshot() -> dict:
    """Return the record as a user sees it: records by ref, disputes and conflicts in words."""
    statements = {
        s.ref: (s.speaker.slug, s.source.slug, s.said_at, s.said_at_precision, s.quote, s.context,
                s.language, _claims(s.assertions.all()))
        for s in Statement.objects.all()
    }  # fmt: skip
    evidence = {
        e.ref: (e.kind, e.title, e.source.slug, e.captured_at, e.place and e.place.slug,
                e.grade, e.description, e.media_url, _claims(e.assertions.all()))
        for e in Evidence.objects.all()
    }  # fmt: skip
    disputes = {
        (d.title, d.status, frozenset(position_text(p) for p in d.positions.all()))
        for d in Dispute.objects.exclude(status=DisputeStatus.RETRACTED)
    }
    conflicts = {
        (frozenset({position_text(c.position_a), position_text(c.position_b)}), c.rules,
         c.pair_classes, c.score)
        for c in Conflict.objects.exclude(status=ConflictStatus.RETRACTED)
    }  # fmt: skip
    return {"statements": statements, "evidence": evidence, "disputes": disputes,
            "conflicts": conflicts}  # fmt: skip


def load_catalogue_only(tmp_path) -> None:
    """Load the seed's entities, sources, predicates and rules into the emptied record."""
    data = yaml.safe_load(SEED_PATH.read_text())
    data.pop("statements"), data.pop("evidence")
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    seed_load(path)
    assert not Statement.objects.exists() and not Dispute.objects.exists()


def _import(name: str, content: bytes, **options):
    return records_import(tables=read_tables(io.BytesIO(content), name), **options)


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_export_then_import_into_an_empty_record_gives_the_same_records_and_disputes(
    seeded, tmp_path, fmt
):
    Statement.objects.filter(pk=Statement.objects.order_by("id")[0].pk).update(language="uk")
    before = snapshot()
    assert len(before["disputes"]) == SEED_DISPUTES
    statements = _export(f"/api/exports/statements/?format={fmt}")
    evidence = _export(f"/api/exports/evidence/?format={fmt}")
    record_empty()
    load_catalogue_only(tmp_path)

    report = _import(f"statements.{fmt}", statements)
    assert report.errors == []
    report = _import(f"evidence.{fmt}", evidence)
    assert report.errors == []
    assert report.created["evidence"] == len(before["evidence"])

    after = snapshot()
    assert after["statements"] == before["statements"]
    assert after["evidence"] == before["evidence"]
    assert after["conflicts"] == before["conflicts"]
    assert after["disputes"] == before["disputes"]


def test_importing_an_export_again_changes_nothing(seeded):
    before = snapshot()
    report = _import("statements.csv", _export("/api/exports/statements/?format=csv"))
    assert report.errors == []
    assert report.updated["statements"] == len(before["statements"])
    assert report.created["statements"] == 0
    assert snapshot() == before


def test_xlsx_workbook_with_a_sheet_per_kind_imports(seeded, tmp_path):
    before = snapshot()
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind in ("statements", "evidence"):
        sheet = workbook.create_sheet(kind)
        text = _export(f"/api/exports/{kind}/?format=csv").decode()
        for row in csv.reader(io.StringIO(text)):
            sheet.append(row)
    workbook.create_sheet("notes").append(["Sent by the desk on Monday"])
    path = tmp_path / "record.xlsx"
    workbook.save(path)
    record_empty()
    load_catalogue_only(tmp_path)

    with open(path, "rb") as handle:
        report = records_import(tables=read_tables(handle, "record.xlsx"))
    assert report.errors == []
    assert (report.created["statements"], report.created["evidence"]) == (
        len(before["statements"]),
        len(before["evidence"]),
    )
    assert snapshot()["disputes"] == before["disputes"]


DM, STRIKE, SAID = "daily-mail-2022-06-30", "2022-06-27T12:50:00Z", "2022-07-01T09:00:00Z"
BAD_ROWS = [
    ("ref", "speaker", "source", "said_at", "quote",
     "assertion_predicate", "assertion_subject", "assertion_value", "assertion_valid_from"),
    ("desk-1", "russian-mod", DM, SAID, "The mall was closed.",
     "facility_status", "amstor-mall", "non_functioning", STRIKE),
    ("desk-2", "nobody-at-all", DM, SAID, "Nobody said this.", "", "", "", ""),
    ("desk-3", "ukraine", DM, SAID, "Hundreds were inside.",
     "people_present", "amstor-mall", "hundreds", ""),
    ("desk-3", "ukraine", DM, SAID, "Hundreds were inside.",
     "facility_status", "amstor-mall", "closed_for_lunch", ""),
    ("desk-4", "ukraine", DM, "yesterday", "", "", "", "", ""),
    ("desk-5", "ukraine", DM, SAID, "Different words.", "", "", "", ""),
    ("desk-5", "ukraine", DM, SAID, "Other words.", "", "", "", ""),
]  # fmt: skip


def _csv_text(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


BAD_CSV = _csv_text(BAD_ROWS)


def test_dry_run_reports_errors_by_row_and_column_and_writes_nothing(seeded):
    before = Statement.objects.count()
    report = _import("desk.csv", BAD_CSV.encode(), dry_run=True)
    assert {(e.row, e.field) for e in report.errors} == {(8, "quote")}
    # Rows that disagree about their record are found first; fixed, the rest are checked.
    fixed = BAD_CSV.replace("Other words.", "Different words.")
    report = _import("desk.csv", fixed.encode(), dry_run=True)
    found = {(e.table, e.row, e.field) for e in report.errors}
    assert found == {
        ("desk.csv", 3, "speaker"),
        ("desk.csv", 4, "assertion_value"),
        ("desk.csv", 5, "assertion_value"),
        ("desk.csv", 6, "said_at"),
        ("desk.csv", 6, "quote"),
    }
    messages = {(e.row, e.field): e.message for e in report.errors}
    assert "people_present takes a finite number" in messages[(4, "assertion_value")]
    assert "closed_for_lunch" in messages[(5, "assertion_value")]
    assert Statement.objects.count() == before
    assert not Statement.objects.filter(ref="desk-1").exists()


def test_one_bad_row_writes_nothing_even_without_dry_run(seeded):
    report = _import("desk.csv", BAD_CSV.replace("Other words.", "Different words.").encode())
    assert report.errors
    assert not Statement.objects.filter(ref__startswith="desk-").exists()


def test_a_clean_file_writes_and_checks_its_conflicts(seeded):
    first_two = "".join(BAD_CSV.splitlines(keepends=True)[:2])
    report = _import("desk.csv", first_two.encode())
    assert (report.errors, report.created["statements"]) == ([], 1)
    desk = Statement.objects.get(ref="desk-1")
    # It repeats the ministry's "non-functioning" at the strike: it joins that position's dispute.
    (assertion,) = desk.assertions.all()
    assert assertion.position.dispute is not None


def test_command_dry_run_lists_errors_and_fails(seeded, tmp_path):
    path = tmp_path / "desk.csv"
    path.write_text(BAD_CSV.replace("Other words.", "Different words."))
    err = StringIO()
    with pytest.raises(CommandError, match="5 error"):
        call_command("records_import", str(path), "--dry-run", stdout=StringIO(), stderr=err)
    assert f"{path}, row 3, speaker:" in err.getvalue()


def test_command_imports_a_file(seeded, tmp_path):
    path = tmp_path / "desk.csv"
    path.write_text("".join(BAD_CSV.splitlines(keepends=True)[:2]))
    out = StringIO()
    call_command("records_import", str(path), stdout=out)
    assert "statements: 1 created, 0 updated" in out.getvalue()


def test_spreadsheet_cells_typed_as_dates_and_numbers_are_read(seeded, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "evidence"
    sheet.append(["ref", "kind", "title", "source", "captured_at", "reliability", "credibility",
                  "assertion_predicate", "assertion_subject", "assertion_value",
                  "assertion_comparator", "assertion_valid_from", "assertion_valid_until",
                  "assertion_time_precision"])  # fmt: skip
    # A spreadsheet stores a time without offset (read as UTC) and numbers as floats.
    strike = dt.datetime(2022, 6, 27, 12, 50)
    sheet.append(["desk-count", "casualty_record", "Hospital list", DM, strike, "B", 2.0,
                  "killed_count", "kremenchuk-strike", 21.0, "exactly", strike, strike,
                  "hour"])  # fmt: skip
    path = tmp_path / "desk.xlsx"
    workbook.save(path)
    with open(path, "rb") as handle:
        report = records_import(tables=read_tables(handle, "desk.xlsx"))
    assert report.errors == []
    item = Evidence.objects.get(ref="desk-count")
    assert (item.captured_at.isoformat(), item.grade) == ("2022-06-27T12:50:00+00:00", "B2")
    (assertion,) = item.assertions.all()
    assert (assertion.number, assertion.time_precision) == (21.0, "hour")
