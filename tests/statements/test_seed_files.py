"""Loading seed files into an empty database: one batch of checks, and a bad file names its
record and field and leaves nothing behind."""

import pytest
import yaml
from django.core.management import CommandError, call_command

from statements.models import Assertion, Conflict, ConflictStatus, Entity, Position
from statements.seeding import SeedError, seed_load
from tests.conftest import SEED_CONFLICTS, SEED_PATH
from tests.statements.test_seed import index_of, write_seed


def test_loading_into_an_empty_database_finds_the_conflicts_in_one_batch(db, monkeypatch):
    from statements.services import records

    calls = []
    check = records.conflicts_check_positions
    monkeypatch.setattr(
        records,
        "conflicts_check_positions",
        lambda *, position_ids: calls.append(len(position_ids)) or check(position_ids=position_ids),
    )

    seed_load(SEED_PATH)

    assert calls == [Position.objects.count()]
    assert Position.objects.count() < Assertion.objects.count()  # repeated claims share one
    assert Conflict.objects.exclude(status=ConflictStatus.RETRACTED).count() == SEED_CONFLICTS


def test_unknown_predicate_names_record_and_field(db, tmp_path):
    data = yaml.safe_load(SEED_PATH.read_text())
    index = index_of("statements", "mod-weapons-depot")
    data["statements"][index]["assertions"][0]["predicate"] = "foo"

    with pytest.raises(SeedError) as caught:
        seed_load(write_seed(tmp_path, data))

    assert str(caught.value) == (
        f"statements[{index}] (ref mod-weapons-depot).assertions[0].predicate: "
        "unknown predicate 'foo'"
    )
    assert Entity.objects.count() == 0, "a failed load leaves nothing behind"


def test_value_of_wrong_type_names_the_value(db, tmp_path):
    data = yaml.safe_load(SEED_PATH.read_text())
    index = index_of("evidence", "casualty-record")
    data["evidence"][index]["assertions"][0]["value"] = "eighteen"

    with pytest.raises(SeedError) as caught:
        seed_load(write_seed(tmp_path, data))

    assert caught.value.where == f"evidence[{index}] (ref casualty-record).assertions[0].value"
    assert "number" in caught.value.message


@pytest.mark.parametrize(
    ("section", "change", "where", "message"),
    [
        ("statements", {"speaker": "nobody"}, "speaker", "unknown entity 'nobody'"),
        ("statements", {"quote": ""}, "quote", "is required"),
        ("statements", {"said_by": "x"}, "said_by", "unknown field 'said_by'"),
        ("statements", {"said_at": "last Tuesday"}, "said_at", "not an ISO 8601"),
        ("evidence", {"reliability": "Z"}, "reliability", "not a valid choice"),
        ("evidence", {"credibility": "high"}, "credibility", "not a credibility"),
    ],
)
def test_bad_record_field_is_named(db, tmp_path, section, change, where, message):
    data = yaml.safe_load(SEED_PATH.read_text())
    data[section][0].update(change)
    ref = data[section][0]["ref"]

    with pytest.raises(SeedError) as caught:
        seed_load(write_seed(tmp_path, data))

    assert caught.value.where == f"{section}[0] (ref {ref}).{where}"
    assert message in caught.value.message


def test_wrong_subject_kind_is_named(db, tmp_path):
    data = yaml.safe_load(SEED_PATH.read_text())
    index = index_of("statements", "konashenkov-non-functioning")
    data["statements"][index]["assertions"][0]["subject"] = "kremenchuk-strike"

    with pytest.raises(SeedError) as caught:
        seed_load(write_seed(tmp_path, data))

    assert caught.value.where.endswith("(ref konashenkov-non-functioning).assertions[0].subject")


def test_load_seed_command_prints_counts(db, capsys):
    call_command("load_seed", str(SEED_PATH))
    out = capsys.readouterr().out
    assert "statements: 30 (30 created, 0 updated, 0 unchanged)" in out
    assert "evidence: 8 (8 created" in out


def test_load_seed_command_reports_a_bad_file(db, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "statements:\n  - ref: x\n    speaker: nobody\n    said_at: 2022-06-28\n    quote: Hi\n"
    )
    with pytest.raises(CommandError, match=r"statements\[0\] \(ref x\)\.source: is required"):
        call_command("load_seed", str(path))
