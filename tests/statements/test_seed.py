"""The Kremenchuk seed: complete, verbatim, idempotent, and a bad file names its fault."""

from pathlib import Path

import yaml
from django.db.models import Count

from statements.models import (
    Assertion,
    Conflict,
    ConflictStatus,
    Entity,
    Evidence,
    ExclusionRule,
    Predicate,
    Recheck,
    RecheckStatus,
    Source,
    Statement,
)
from statements.seeding import seed_load
from tests.conftest import ARTICLE_PATH, SEED_PATH, live_conflicts, seed_once

SEED = yaml.safe_load(SEED_PATH.read_text())
ARTICLE = ARTICLE_PATH.read_text()
MODELS = [
    Entity,
    Source,
    Predicate,
    ExclusionRule,
    Statement,
    Evidence,
    Assertion,
    Statement.history.model,
    Evidence.history.model,
    Assertion.history.model,
    Predicate.history.model,
]


# Every test here starts from the loaded seed: load it once for the module. Loads into an
# empty database (and bad files) are in test_seed_files.py.
seeded = seed_once()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def write_seed(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def index_of(section: str, ref: str) -> int:
    return next(i for i, item in enumerate(SEED[section]) if item["ref"] == ref)


def test_every_statement_and_evidence_item_is_loaded_with_its_assertions(seeded):
    for section, model in (("statements", Statement), ("evidence", Evidence)):
        loaded = dict(model.objects.annotate(n=Count("assertions")).values_list("ref", "n"))
        expected = {item["ref"]: len(item.get("assertions") or []) for item in SEED[section]}
        assert loaded == expected
    assert Assertion.objects.count() == seeded.assertions == 38
    assert seeded.count("statements") == 30
    assert seeded.count("evidence") == 8


def test_every_quote_is_the_articles_words(seeded):
    for statement in Statement.objects.all():
        assert statement.quote in ARTICLE, statement.ref


def test_key_quotes_are_verbatim(seeded):
    quotes = dict(Statement.objects.values_list("ref", "quote"))
    assert quotes["putin-no-civilian-targets"].startswith(
        "'Our army does not attack any civilian infrastructure site. We have every capability"
    )
    assert quotes["mod-denied-striking-mall"] == (
        "It denied striking the mall, and said the second missile actually hit a train station."
    )
    assert quotes["mod-fire-spread"] == (
        "'The explosions of ammunition for Western weapons sparked a fire in the nearby shopping "
        "mall, which was not operational at the time.'"
    )


def test_opinions_carry_no_assertions(seeded):
    opinions = Statement.objects.filter(speaker__slug__in=["pope-francis", "volodymyr-zelensky"])
    assert opinions.count() == 7
    assert not Assertion.objects.filter(statement__in=opinions).exists()


def test_sides_and_categories_are_linked(seeded):
    konashenkov = Entity.objects.get(slug="igor-konashenkov")
    chain = list(
        Entity.objects.filter(pk__in=konashenkov.lineage_ids).values_list("slug", flat=True)
    )
    assert set(chain) == {"russian-federation", "russian-mod", "igor-konashenkov"}
    mall = Entity.objects.get(slug="amstor-mall")
    assert set(mall.categories.values_list("slug", flat=True)) == {
        "civilian-infrastructure",
        "shopping-centre",
    }
    assert not Entity.objects.get(slug="kredmash-factory").categories.exists()


def test_strike_time_assertions_are_about_the_strike_hour(seeded):
    status = Assertion.objects.get(statement__ref="konashenkov-non-functioning")
    assert status.valid_from == status.valid_until
    assert status.valid_from.isoformat() == "2022-06-27T12:50:00+00:00"
    assert status.time_precision == "hour"
    assert status.choice == "non_functioning"


def test_loading_twice_changes_no_row_counts_and_adds_no_history(seeded):
    before = row_counts()
    report = seed_load(SEED_PATH)
    assert row_counts() == before
    for outcomes in report.sections.values():
        assert outcomes["created"] == outcomes["updated"] == 0
    assert not report.rechecked


def test_an_edited_file_updates_only_what_changed(seeded, tmp_path):
    data = yaml.safe_load(SEED_PATH.read_text())
    statement = data["statements"][index_of("statements", "mod-weapons-depot")]
    statement["context"] = "Said in a written statement."
    statement["assertions"][1]["time_precision"] = "day"
    ids_before = set(Assertion.objects.values_list("pk", flat=True))
    history_before = Statement.history.count()

    report = seed_load(write_seed(tmp_path, data))

    assert report.sections["statements"]["updated"] == 1
    assert report.sections["statements"]["unchanged"] == 29
    assert Statement.history.count() == history_before + 1
    # Assertions are updated in place, so their conflicts keep their reviews.
    assert set(Assertion.objects.values_list("pk", flat=True)) == ids_before
    struck = Assertion.objects.get(statement__ref="mod-weapons-depot", predicate__slug="struck")
    assert struck.time_precision == "day"


def test_changed_predicates_recheck_the_record_once_after_the_load(
    seeded, tmp_path, django_capture_on_commit_callbacks
):
    data = yaml.safe_load(SEED_PATH.read_text())
    for predicate in data["predicates"]:
        if predicate["slug"] == "people_present":
            predicate["about_tolerance"] = 0.1
        if predicate["slug"] == "killed_count":
            predicate["tolerance"] = 1
    live = Conflict.objects.exclude(status=ConflictStatus.RETRACTED).count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = seed_load(write_seed(tmp_path, data))

    assert report.sections["predicates"]["updated"] == 2
    assert report.rechecked and len(callbacks) == 1
    recheck = Recheck.objects.get()
    assert recheck.status == RecheckStatus.DONE
    assert "people_present" in recheck.reason and "killed_count" in recheck.reason
    assert Predicate.objects.get(slug="people_present").about_tolerance == 0.1
    assert Conflict.objects.exclude(status=ConflictStatus.RETRACTED).count() == live


def test_a_new_side_for_a_speaker_reclassifies_its_conflicts(seeded, tmp_path):
    data = yaml.safe_load(SEED_PATH.read_text())
    politician = SEED["entities"].index(
        next(e for e in SEED["entities"] if e["slug"] == "russian-politician")
    )
    del data["entities"][politician]["part_of"]
    (pair,) = live_conflicts(ref="politician-blamed-ukraine")
    assert "same_side" in pair.pair_class_list

    report = seed_load(write_seed(tmp_path, data))

    assert report.sections["entities"]["updated"] == 1
    assert not report.rechecked  # the politician's claims are checked, not the whole record
    pair.refresh_from_db()
    assert pair.pair_class_list == ["cross_speaker"]
