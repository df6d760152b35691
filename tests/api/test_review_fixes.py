"""Review fixes through the API: exclusion rules and predicate changes are checked before they
are stored, a failed re-check after a committed write is logged (not a 500), anonymous clients
cannot dodge the throttle with X-Forwarded-For, and a reset password also rotates the token."""

import logging

import pytest

from statements.models import Assertion, ExclusionRule, Predicate
from statements.services import catalogue
from tests.api.utils import error_attrs, if_match

RULES = "/api/exclusion-rules/"
RULE = "/api/exclusion-rules/mall-non-functioning-excludes-people/"


def rule_payload(**overrides) -> dict:
    """Return a valid new rule: a destroyed facility has nobody inside."""
    payload = {
        "slug": "destroyed-means-empty",
        "left_predicate": "facility_status",
        "left_operator": "eq",
        "left_value": "destroyed",
        "right_predicate": "people_present",
        "right_operator": "gt",
        "right_value": 0,
    }
    payload.update(overrides)
    return payload


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        # The reported case: an ordering operator with a value that is no number.
        (
            {
                "left_predicate": "people_present",
                "left_operator": "gt",
                "left_value": "abc",
                "right_predicate": "facility_status",
                "right_operator": "eq",
                "right_value": "destroyed",
            },
            "left_value",
        ),
        ({"right_value": "lots"}, "right_value"),
        ({"right_value": True}, "right_value"),
        ({"right_value": None}, "right_value"),
        ({"left_operator": "gt", "left_value": 3}, "left_operator"),
        ({"left_operator": "maybe"}, "left_operator"),
        ({"left_value": "ruined"}, "left_value"),
        ({"left_value": 1}, "left_value"),
        ({"right_operator": "any", "right_value": 0}, "right_value"),
        ({"right_operator": "eq", "right_value": "zero"}, "right_value"),
        ({"right_predicate": "facility_status", "right_value": "closed"}, "right_operator"),
        (
            {"right_predicate": "facility_status", "right_operator": "eq", "right_value": "closed"},
            "right_predicate",
        ),
        (
            {"right_predicate": "stores_weapons", "right_operator": "eq", "right_value": "yes"},
            "right_value",
        ),
        (
            {"right_predicate": "struck", "right_operator": "eq", "right_value": "nobody-known"},
            "right_value",
        ),
        (
            {"right_predicate": "struck", "right_operator": "eq", "right_value": 7},
            "right_value",
        ),
    ],
)
def test_an_exclusion_rule_the_engine_cannot_evaluate_is_a_400_naming_the_field(
    seeded, curator_api_client, overrides, field
):
    before = ExclusionRule.objects.count()
    response = curator_api_client.post(RULES, rule_payload(**overrides), format="json")
    assert response.status_code == 400, response.json()
    assert set(error_attrs(response)) == {field}
    assert ExclusionRule.objects.count() == before


def test_a_bad_value_patched_onto_a_stored_rule_is_refused(seeded, curator_api_client):
    response = curator_api_client.patch(
        RULE, {"right_value": "abc"}, format="json", **if_match(curator_api_client, RULE)
    )
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"right_value"}
    assert ExclusionRule.objects.get(slug="mall-non-functioning-excludes-people").right_value == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"right_operator": "any", "right_value": None},
        {"right_operator": "ne", "right_value": 0},
        {"right_predicate": "stores_weapons", "right_operator": "eq", "right_value": True},
        {"right_predicate": "struck", "right_operator": "eq", "right_value": "russian-mod"},
    ],
)
def test_rules_of_every_value_type_are_stored(seeded, curator_api_client, overrides):
    response = curator_api_client.post(RULES, rule_payload(**overrides), format="json")
    assert response.status_code == 201, response.json()


def test_a_rule_a_check_uses_cannot_make_the_check_fail(seeded, curator_api_client, api_client):
    curator_api_client.post(
        RULES,
        rule_payload(
            left_predicate="people_present",
            left_operator="gt",
            left_value="abc",
            right_predicate="facility_status",
            right_value="destroyed",
        ),
        format="json",
    )
    draft = {
        "speaker": "russian-mod",
        "source": "daily-mail-2022-06-30",
        "said_at": "2022-07-01T09:00:00Z",
        "quote": "Hundreds were inside.",
        "assertions": [
            {
                "predicate": "people_present",
                "subject": "amstor-mall",
                "value": 200,
                "valid_from": "2022-06-27T12:50:00Z",
                "valid_until": "2022-06-27T12:50:00Z",
            }
        ],
    }
    assert api_client.post("/api/check/", draft, format="json").status_code == 200


# --- Predicate changes that would strand assertions or rules. ---


@pytest.mark.parametrize(
    ("slug", "change", "field"),
    [
        ("facility_status", {"value_type": "number"}, "value_type"),
        ("facility_status", {"choices": ["operational", "closed", "destroyed"]}, "choices"),
        ("facility_status", {"subject_kinds": ["person"]}, "subject_kinds"),
        ("struck", {"object_kinds": ["place"]}, "object_kinds"),
        ("killed_count", {"value_type": "choice", "choices": ["few", "many"]}, "value_type"),
    ],
)
def test_a_predicate_change_that_strands_assertions_is_a_400(
    seeded, curator_api_client, slug, change, field
):
    before = Predicate.objects.filter(slug=slug).values().get()
    response = curator_api_client.patch(
        f"/api/predicates/{slug}/",
        change,
        format="json",
        **if_match(curator_api_client, f"/api/predicates/{slug}/"),
    )
    assert response.status_code == 400, response.json()
    assert set(error_attrs(response)) == {field}
    assert Predicate.objects.filter(slug=slug).values().get() == before


def test_a_predicate_change_that_strands_a_rule_is_a_400(seeded, curator_api_client):
    created = curator_api_client.post(
        "/api/predicates/",
        {
            "slug": "alarm_level",
            "name": "Alarm",
            "value_type": "choice",
            "choices": ["low", "high"],
        },
        format="json",
    )
    assert created.status_code == 201
    rule = curator_api_client.post(
        RULES, rule_payload(left_predicate="alarm_level", left_value="high"), format="json"
    )
    assert rule.status_code == 201, rule.json()
    response = curator_api_client.patch(
        "/api/predicates/alarm_level/",
        {"choices": ["low"]},
        format="json",
        **if_match(curator_api_client, "/api/predicates/alarm_level/"),
    )
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"choices"}
    assert "destroyed-means-empty" in response.json()["errors"][0]["detail"]


def test_unused_predicates_and_harmless_changes_still_change(seeded, curator_api_client):
    created = curator_api_client.post(
        "/api/predicates/",
        {"slug": "crowd_size", "name": "Crowd", "value_type": "choice", "choices": ["few"]},
        format="json",
    )
    assert created.status_code == 201
    unused = curator_api_client.patch(
        "/api/predicates/crowd_size/",
        {"value_type": "number", "choices": []},
        format="json",
        **if_match(curator_api_client, "/api/predicates/crowd_size/"),
    )
    assert unused.status_code == 200, unused.json()
    kinds = sorted(Assertion.objects.filter(predicate__slug="struck").values_list(
        "object__kind", flat=True
    ).distinct())  # fmt: skip
    wider = curator_api_client.patch(
        "/api/predicates/struck/",
        {"object_kinds": kinds},
        format="json",
        **if_match(curator_api_client, "/api/predicates/struck/"),
    )
    assert wider.status_code == 200, wider.json()


# --- A failed re-check after a committed write. ---


def test_a_failing_recheck_is_logged_and_the_write_still_succeeds(
    seeded, curator_api_client, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*, recheck):
        raise RuntimeError("shard crashed")

    monkeypatch.setattr(catalogue, "recheck_run_inline", broken)
    with (
        caplog.at_level(logging.ERROR, logger="django.test"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = curator_api_client.patch(
            "/api/predicates/killed_count/",
            {"tolerance": 2},
            format="json",
            **if_match(curator_api_client, "/api/predicates/killed_count/"),
        )
    assert response.status_code == 200, response.json()
    assert len(callbacks) == 1
    assert Predicate.objects.get(slug="killed_count").tolerance == 2
    assert any("shard crashed" in record.getMessage() for record in caplog.records)
