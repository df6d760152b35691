"""The catalogue services check exclusion rules and predicate changes for every caller: a seed
file with a rule the engine cannot evaluate names the record and field, and stores nothing."""

import pytest
import yaml
from django.core.exceptions import ValidationError

from statements.models import Entity, ExclusionRule, Predicate
from statements.seeding import SeedError, seed_load
from statements.services import exclusion_rule_upsert, predicate_upsert
from tests.conftest import SEED_PATH
from tests.statements.test_seed import write_seed


def test_a_seed_rule_with_a_non_numeric_bound_names_record_and_field(db, tmp_path):
    data = yaml.safe_load(SEED_PATH.read_text())
    data["exclusion_rules"][0]["right"]["value"] = "abc"

    with pytest.raises(SeedError) as caught:
        seed_load(write_seed(tmp_path, data))

    assert caught.value.where == (
        "exclusion_rules[0] (slug mall-non-functioning-excludes-people).right_value"
    )
    assert "number" in caught.value.message
    assert Entity.objects.count() == 0, "a failed load leaves nothing behind"


def test_a_seed_rule_with_an_unknown_choice_names_record_and_field(db, tmp_path):
    data = yaml.safe_load(SEED_PATH.read_text())
    data["exclusion_rules"][0]["left"]["value"] = "shut"

    with pytest.raises(SeedError) as caught:
        seed_load(write_seed(tmp_path, data))

    assert caught.value.where.endswith(".left_value")
    assert "non_functioning" in caught.value.message


def _predicates():
    number, _ = predicate_upsert(slug="crowd", name="Crowd", value_type="number")
    choice, _ = predicate_upsert(
        slug="state", name="State", value_type="choice", choices=["open", "shut"]
    )
    return number, choice


@pytest.mark.parametrize(
    ("left", "field"),
    [
        ({"left_operator": "ge", "left_value": float("nan")}, "left_value"),
        ({"left_operator": "le", "left_value": float("inf")}, "left_value"),
        ({"left_operator": "lt", "left_value": False}, "left_value"),
        ({"left_operator": "eq", "left_value": "5"}, "left_value"),
        ({"left_operator": "any", "left_value": 5}, "left_value"),
    ],
)
def test_the_service_refuses_conditions_the_engine_cannot_evaluate(db, left, field):
    number, choice = _predicates()
    with pytest.raises(ValidationError) as caught:
        exclusion_rule_upsert(
            slug="bad",
            left_predicate=number,
            right_predicate=choice,
            right_operator="eq",
            right_value="shut",
            **left,
        )
    assert set(caught.value.error_dict) == {field}
    assert not ExclusionRule.objects.exists()


def test_the_service_stores_a_sound_rule_and_keeps_its_values_fitting(db):
    number, choice = _predicates()
    _, outcome = exclusion_rule_upsert(
        slug="shut-means-empty",
        left_predicate=choice,
        left_operator="eq",
        left_value="shut",
        right_predicate=number,
        right_operator="gt",
        right_value=0,
    )
    assert outcome == "created"
    with pytest.raises(ValidationError) as caught:
        predicate_upsert(slug="state", value_type="boolean", choices=[])
    assert set(caught.value.error_dict) == {"value_type"}
    assert Predicate.objects.get(slug="state").value_type == "choice"
