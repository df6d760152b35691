"""Deletes, entity categories and catalogue changes in the admin go through the services, so
conflicts follow exactly as they do through the API and the seed loader."""

import json

from statements.models import (
    Assertion,
    Entity,
    Evidence,
    ExclusionRule,
    Position,
    Predicate,
    Recheck,
    RecheckStatus,
    Statement,
)
from tests.conftest import SEED_CONFLICTS, live_conflicts, seed_once
from tests.statements.test_admin import url

# Every test starts from the seed (or ignores it): load it once for the module.
seeded = seed_once()


def predicate_form(predicate: Predicate, **changes) -> dict:
    data = {
        "name": predicate.name,
        "description": predicate.description,
        "value_type": predicate.value_type,
        "choices": json.dumps(predicate.choices),
        "tolerance": predicate.tolerance,
        "about_tolerance": predicate.about_tolerance,
        "subject_kinds": json.dumps(predicate.subject_kinds),
        "object_kinds": json.dumps(predicate.object_kinds),
    }
    if predicate.single_valued:
        data["single_valued"] = "on"
    return data | changes


def test_deleting_a_statement_in_the_admin_takes_its_conflicts(curator_client, seeded):
    statement = Statement.objects.get(ref="daily-mail-1000-inside")
    assert live_conflicts(ref="daily-mail-1000-inside").count() == 1

    response = curator_client.post(url(Statement, "delete", statement.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Statement.objects.filter(pk=statement.pk).exists()
    assert not Position.objects.filter(predicate__slug="people_present", number=1000).exists()
    assert live_conflicts().count() == SEED_CONFLICTS - 1


def test_bulk_deleting_evidence_in_the_admin_takes_their_conflicts(curator_client, seeded):
    cameras = list(Evidence.objects.filter(ref__startswith="cctv-").values_list("pk", flat=True))
    response = curator_client.post(
        url(Evidence, "changelist"),
        {"action": "delete_selected", "_selected_action": cameras, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk__in=cameras).exists()
    assert not live_conflicts(pair_class="against_evidence").exists()


def test_changing_a_predicate_in_the_admin_rechecks_after_commit(
    curator_client, seeded, django_capture_on_commit_callbacks
):
    predicate = Predicate.objects.get(slug="killed_count")
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            url(Predicate, "change", predicate.pk), predicate_form(predicate, tolerance=2)
        )
    assert response.status_code == 302
    predicate.refresh_from_db()
    assert (predicate.slug, predicate.tolerance) == ("killed_count", 2)
    recheck = Recheck.objects.get()
    assert recheck.status == RecheckStatus.DONE and "killed_count" in recheck.reason


def test_a_predicate_slug_cannot_be_renamed_in_the_admin(curator_client, seeded):
    predicate = Predicate.objects.get(slug="killed_count")
    data = predicate_form(predicate, slug="deaths")
    assert curator_client.post(url(Predicate, "change", predicate.pk), data).status_code == 302
    assert Predicate.objects.filter(slug="killed_count").exists()
    assert not Predicate.objects.filter(slug="deaths").exists()


def test_adding_a_predicate_in_the_admin(curator_client, seeded):
    data = predicate_form(Predicate(name="Injured", value_type="number"), slug="injured_count")
    response = curator_client.post(url(Predicate, "add"), data)
    assert response.status_code == 302
    added = Predicate.objects.get(slug="injured_count")
    assert response["Location"] == url(Predicate, "changelist")
    assert added.history.count() == 1


def test_a_predicate_in_use_is_not_deleted_in_the_admin(curator_client, seeded):
    predicate = Predicate.objects.get(slug="people_present")
    response = curator_client.post(url(Predicate, "delete", predicate.pk), {"post": "yes"})
    assert response.status_code == 200  # the page listing what still uses it
    assert Predicate.objects.filter(pk=predicate.pk).exists()


def test_deleting_the_exclusion_rule_in_the_admin_retracts_its_conflicts(
    curator_client, seeded, django_capture_on_commit_callbacks
):
    rule = ExclusionRule.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(url(ExclusionRule, "delete", rule.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not live_conflicts(rule="exclusion").exists()


def test_entity_categories_in_the_admin_go_through_the_service(curator_client, seeded):
    mall = Entity.objects.get(slug="amstor-mall")
    response = curator_client.post(
        url(Entity, "change", mall.pk),
        {
            "name": mall.name,
            "slug": mall.slug,
            "kind": mall.kind,
            "aliases": json.dumps(mall.aliases),
            "description": mall.description,
            "categories": [],
        },
    )
    assert response.status_code == 302
    assert not mall.categories.exists()
    assert not live_conflicts(rule="generic_instance").exists()


def test_deleting_an_assertion_in_the_admin_takes_its_conflicts(curator_client, seeded):
    assertion = Assertion.objects.get(statement__ref="daily-mail-1000-inside")
    response = curator_client.post(url(Assertion, "delete", assertion.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Assertion.objects.filter(pk=assertion.pk).exists()
    assert live_conflicts().count() == SEED_CONFLICTS - 1
