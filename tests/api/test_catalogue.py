"""Catalogue and entity writes through the API keep the conflicts true: a changed predicate or
rule starts a full re-check once the request commits; an entity's categories follow at once."""

from statements.models import (
    Conflict,
    Dispute,
    Evidence,
    ExclusionRule,
    Predicate,
    Recheck,
    RecheckStatus,
)
from tests.api.utils import error_attrs, if_match
from tests.conftest import SEED_CONFLICTS, held_by, live_conflicts

RULE = "/api/exclusion-rules/mall-non-functioning-excludes-people/"


def test_deleting_a_predicate_in_use_is_a_409(seeded, curator_api_client):
    response = curator_api_client.delete(
        "/api/predicates/people_present/",
        **if_match(curator_api_client, "/api/predicates/people_present/"),
    )
    assert response.status_code == 409
    assert error_attrs(response) == {None: "in_use"}
    assert Predicate.objects.filter(slug="people_present").exists()
    assert ExclusionRule.objects.exists()


def test_changing_a_predicate_starts_a_full_recheck_after_the_request(
    seeded, curator_api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = curator_api_client.patch(
            "/api/predicates/killed_count/",
            {"tolerance": 2},
            format="json",
            **if_match(curator_api_client, "/api/predicates/killed_count/"),
        )
    assert response.status_code == 200, response.json()
    assert len(callbacks) == 1
    recheck = Recheck.objects.get()
    assert recheck.status == RecheckStatus.DONE and "killed_count" in recheck.reason
    assert live_conflicts().count() == SEED_CONFLICTS


def test_deleting_the_exclusion_rule_retracts_its_conflicts(
    seeded, curator_api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_api_client.delete(RULE, **if_match(curator_api_client, RULE))
    assert response.status_code == 204
    assert not live_conflicts(rule="exclusion").exists()
    assert live_conflicts().count() == SEED_CONFLICTS - 2


def test_taking_an_entity_out_of_its_categories_retracts_the_generic_conflicts(
    seeded, curator_api_client
):
    assert live_conflicts(rule="generic_instance").count() == 1
    response = curator_api_client.patch(
        "/api/entities/amstor-mall/",
        {"categories": []},
        format="json",
        **if_match(curator_api_client, "/api/entities/amstor-mall/"),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["categories"] == []
    assert not live_conflicts(rule="generic_instance").exists()


def test_a_category_that_is_not_one_is_named(seeded, curator_api_client):
    response = curator_api_client.patch(
        "/api/entities/amstor-mall/",
        {"categories": ["kremenchuk"]},
        format="json",
        **if_match(curator_api_client, "/api/entities/amstor-mall/"),
    )
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"categories"}


def test_deleting_evidence_takes_its_conflicts_with_it(seeded, curator_api_client):
    evidence = Evidence.objects.get(ref="cctv-park")
    assert live_conflicts(ref="cctv-park").exists()
    response = curator_api_client.delete(
        f"/api/evidence/{evidence.pk}/",
        **if_match(curator_api_client, f"/api/evidence/{evidence.pk}/"),
    )
    assert response.status_code == 204
    assert not Conflict.objects.filter(held_by("cctv-park")).exists()
    assert not Dispute.objects.filter(title__contains="hit target").exists()
