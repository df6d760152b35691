"""Writes that change what the record means keep its conflicts true: deletes, entities' sides
and categories, predicates and exclusion rules (a full re-check once the change commits)."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from statements.models import (
    Conflict,
    Dispute,
    Entity,
    Evidence,
    ExclusionRule,
    Predicate,
    Recheck,
    RecheckStatus,
    Statement,
)
from statements.services import entities as entity_services
from statements.services import (
    entity_save,
    evidence_delete,
    exclusion_rule_delete,
    exclusion_rule_upsert,
    predicate_delete,
    predicate_upsert,
    statement_delete,
)
from tests.conftest import SEED_CONFLICTS, live_conflicts, seed_once, with_tags

# Every test starts from the seed (or ignores it): load it once for the module.
seeded = seed_once()


def test_deleting_a_statement_takes_the_positions_only_it_held(seeded):
    statement = Statement.objects.get(ref="mod-accidental-fire")
    assert live_conflicts(ref="mod-accidental-fire").count() == 3
    before = live_conflicts().count()

    statement_delete(statement=statement)

    assert not Statement.objects.filter(ref="mod-accidental-fire").exists()
    # "Not deliberate" was its claim alone: that position and its conflict go. The fire
    # spreading and the weapons depot are held by others too and stay in dispute.
    assert live_conflicts().count() == before - 1
    assert not Dispute.objects.filter(title__contains="deliberately targeted").exists()
    assert live_conflicts(ref="mod-fire-spread", rule="exclusive_value").exists()


def test_deleting_evidence_takes_its_conflicts_with_it(seeded):
    evidence_delete(evidence=Evidence.objects.get(ref="cctv-interior-shop"))

    assert list(live_conflicts(pair_class="against_evidence")) == list(
        live_conflicts(ref="cctv-park")
    )  # only the park camera's is left


def test_moving_a_speaker_off_its_side_reclassifies_its_conflicts(seeded):
    politician = Entity.objects.get(slug="russian-politician")
    assert live_conflicts(pair_class="same_side").count() == 2

    politician.part_of = None
    entity_save(entity=politician)

    (mine,) = live_conflicts(ref="politician-blamed-ukraine")
    assert mine.pair_class_list == ["cross_speaker"]
    assert live_conflicts(pair_class="same_side").count() == 1


def test_taking_the_mall_out_of_civilian_infrastructure_retracts_the_generic_conflicts(seeded):
    mall = Entity.objects.get(slug="amstor-mall")
    # A shopping centre is part of civilian infrastructure: the mall stays in it through that.
    shopping = Entity.objects.get(slug="shopping-centre")
    generic = live_conflicts(rule="generic_instance")
    assert generic.count() == 1

    entity_save(entity=mall, categories=[shopping])
    assert generic.count() == 1
    entity_save(entity=mall, categories=[])
    assert not generic.exists()
    assert with_tags(Conflict.objects.filter(status="retracted"), rule="generic_instance").count()

    # Back in the category: the same conflict returns (its row).
    entity_save(entity=mall, categories=[shopping])
    assert generic.count() == 1
    assert not Conflict.objects.filter(status="retracted").exists()


def test_an_entity_mentioned_too_often_starts_a_full_recheck_instead(
    seeded, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(entity_services, "MENTIONS_CHECK_LIMIT", 0)
    politician = Entity.objects.get(slug="russian-politician")
    politician.part_of = None

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entity_save(entity=politician)

    assert len(callbacks) == 1
    recheck = Recheck.objects.get()
    assert recheck.status == RecheckStatus.DONE and "russian-politician" in recheck.reason
    assert live_conflicts(pair_class="same_side").count() == 1


def test_changed_predicates_start_one_full_recheck_when_they_commit(
    seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        predicate_upsert(slug="killed_count", value_type="number", tolerance=2)
        predicate_upsert(slug="missing_count", value_type="number", tolerance=2)
        # The outbox: its row is written with the change, and runs only once that commits.
        assert Recheck.objects.get().status == RecheckStatus.PENDING

    assert len(callbacks) == 1
    recheck = Recheck.objects.get()
    assert recheck.status == RecheckStatus.DONE
    assert "killed_count" in recheck.reason and "missing_count" in recheck.reason
    assert live_conflicts().count() == SEED_CONFLICTS


def test_relabelling_or_adding_a_predicate_starts_no_recheck(
    seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        predicate_upsert(slug="killed_count", name="Killed", description="How many died.")
        predicate_upsert(slug="injured_count", name="Injured", value_type="number")
    assert callbacks == []


def test_a_refused_change_leaves_no_recheck_behind(seeded, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        predicate_upsert(slug="killed_count", value_type="number", tolerance=2)
        raise RuntimeError("refused")
    assert callbacks == []


def test_deleting_and_re_adding_the_exclusion_rule_follows_after_commit(
    seeded, django_capture_on_commit_callbacks
):
    assert live_conflicts(rule="exclusion").count() == 2
    before = live_conflicts().count()
    rule = ExclusionRule.objects.get(slug="mall-non-functioning-excludes-people")
    fields = {
        name: getattr(rule, name)
        for name in (
            "left_predicate",
            "left_operator",
            "left_value",
            "right_predicate",
            "right_operator",
            "right_value",
        )
    }

    with django_capture_on_commit_callbacks(execute=True):
        exclusion_rule_delete(rule=rule)
    assert not live_conflicts(rule="exclusion").exists()
    assert live_conflicts().count() == before - 2

    with django_capture_on_commit_callbacks(execute=True):
        exclusion_rule_upsert(slug="non-functioning-means-empty", **fields)
    assert live_conflicts(rule="exclusion").count() == 2
    assert Recheck.objects.count() == 2


def test_a_predicate_in_use_cannot_be_deleted(seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ProtectedError):
        predicate_delete(predicate=Predicate.objects.get(slug="people_present"))
    assert callbacks == []
    assert ExclusionRule.objects.exists()


def test_deleting_an_unused_predicate_takes_its_rules_and_rechecks(
    seeded, django_capture_on_commit_callbacks
):
    unused, _ = predicate_upsert(slug="shops_open", name="Shops open", value_type="boolean")
    with django_capture_on_commit_callbacks(execute=True):
        exclusion_rule_upsert(
            slug="closed-means-empty",
            left_predicate=unused,
            left_operator="eq",
            left_value=False,
            right_predicate=Predicate.objects.get(slug="people_present"),
            right_operator="gt",
            right_value=0,
        )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        predicate_delete(predicate=unused)

    assert not ExclusionRule.objects.filter(slug="closed-means-empty").exists()
    assert len(callbacks) == 1
    assert Recheck.objects.filter(reason__contains="shops_open", status=RecheckStatus.DONE)
