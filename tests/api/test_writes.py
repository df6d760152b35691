"""Curators write records with their assertions in one request, through the services."""

from statements.models import (
    Assertion,
    Conflict,
    ConflictStatus,
    Dispute,
    DisputeStatus,
    Entity,
    Position,
    Statement,
)
from tests.api.utils import STRIKE, error_attrs, if_match, statement_payload


def test_create_a_statement_with_its_assertions_and_get_its_conflicts(seeded, curator_api_client):
    response = curator_api_client.post("/api/statements/", statement_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["ETag"]
    assert body["created_by"] == "curator"
    assert body["speaker"]["slug"] == "russian-mod"
    [assertion] = body["assertions"]
    assert assertion["predicate"] == "facility_status"
    assert assertion["value"] == "non_functioning"
    # The claim repeats a position on record: the statement joins it, and its dispute.
    assert Position.objects.get(pk=assertion["position"]).supporters.count() == 6
    disputes = curator_api_client.get(f"/api/disputes/?statement={body['id']}").json()
    (dispute,) = disputes["results"]
    assert dispute["title"].startswith("Amstor shopping mall · facility status")


def test_entity_values_are_written_by_slug(seeded, curator_api_client):
    payload = statement_payload(
        assertions=[
            {"predicate": "hit_target", "subject": "second-missile", "value": "kremenchuk"},
            {"predicate": "killed_count", "subject": "kremenchuk-strike", "value": 20,
             "comparator": "at_least"},
        ]
    )  # fmt: skip
    response = curator_api_client.post("/api/statements/", payload, format="json")
    assert response.status_code == 201, response.json()
    hit, killed = response.json()["assertions"]
    assert hit["value"] == "kremenchuk"
    assert hit["object"]["slug"] == "kremenchuk"
    assert killed["value"] == 20
    assert killed["value_display"] == "at least 20"


def test_a_range_is_written_as_two_numbers_and_read_back_as_one_claim(seeded, curator_api_client):
    payload = statement_payload(
        assertions=[
            {"predicate": "killed_count", "subject": "kremenchuk-strike", "value": [20, 40],
             "comparator": "between"},
        ]
    )  # fmt: skip
    response = curator_api_client.post("/api/statements/", payload, format="json")
    assert response.status_code == 201, response.json()
    (killed,) = response.json()["assertions"]
    assert (killed["value"], killed["value_display"]) == ([20, 40], "between 20 and 40")
    backwards = statement_payload(
        assertions=[
            {"predicate": "killed_count", "subject": "kremenchuk-strike", "value": [40, 20],
             "comparator": "between"},
        ]
    )  # fmt: skip
    response = curator_api_client.post("/api/statements/", backwards, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"assertions.0.value": "invalid"}


def test_a_rejected_request_leaves_nothing_behind(seeded, curator_api_client):
    before = (Statement.objects.count(), Assertion.objects.count(), Conflict.objects.count())
    payload = statement_payload()
    payload["assertions"].append({"predicate": "people_present", "subject": "amstor-mall",
                                  "value": True})  # fmt: skip
    response = curator_api_client.post("/api/statements/", payload, format="json")
    assert response.status_code == 400
    after = (Statement.objects.count(), Assertion.objects.count(), Conflict.objects.count())
    assert after == before


def test_put_replaces_assertions_updating_by_id_in_place(seeded, curator_api_client):
    created = curator_api_client.post("/api/statements/", statement_payload(), format="json")
    body = created.json()
    kept_id = body["assertions"][0]["id"]
    payload = statement_payload(quote="It was closed.")
    payload["assertions"] = [
        {**payload["assertions"][0], "id": kept_id, "value": "closed"},
        {"predicate": "people_present", "subject": "amstor-mall", "value": 0,
         "valid_from": STRIKE, "valid_until": STRIKE, "time_precision": "hour"},
    ]  # fmt: skip
    response = curator_api_client.put(
        f"/api/statements/{body['id']}/",
        payload,
        format="json",
        **if_match(curator_api_client, f"/api/statements/{body['id']}/"),
    )
    assert response.status_code == 200, response.json()
    assertions = response.json()["assertions"]
    assert assertions[0]["id"] == kept_id
    assert assertions[0]["value"] == "closed"
    assert len(assertions) == 2
    assert Statement.objects.get(pk=body["id"]).quote == "It was closed."


def test_an_assertion_id_of_another_record_is_refused(seeded, curator_api_client):
    created = curator_api_client.post("/api/statements/", statement_payload(), format="json")
    foreign = Assertion.objects.filter(evidence__isnull=False).first()
    payload = statement_payload()
    payload["assertions"][0]["id"] = foreign.pk
    response = curator_api_client.put(
        f"/api/statements/{created.json()['id']}/",
        payload,
        format="json",
        **if_match(curator_api_client, f"/api/statements/{created.json()['id']}/"),
    )
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"assertions.0.id"}


def test_patch_without_assertions_keeps_them(seeded, curator_api_client):
    statement = Statement.objects.get(ref="konashenkov-non-functioning")
    ids = sorted(statement.assertions.values_list("pk", flat=True))
    response = curator_api_client.patch(
        f"/api/statements/{statement.pk}/",
        {"context": "Edited."},
        format="json",
        **if_match(curator_api_client, f"/api/statements/{statement.pk}/"),
    )
    assert response.status_code == 200, response.json()
    statement.refresh_from_db()
    assert statement.context == "Edited."
    assert sorted(statement.assertions.values_list("pk", flat=True)) == ids


def test_patch_of_read_only_fields_is_refused_naming_them(seeded, curator_api_client, curator):
    created = curator_api_client.post("/api/statements/", statement_payload(), format="json")
    statement_id = created.json()["id"]
    response = curator_api_client.patch(
        f"/api/statements/{statement_id}/",
        {"created_by": None, "created_at": "2000-01-01T00:00:00Z", "id": 1},
        format="json",
        **if_match(curator_api_client, f"/api/statements/{statement_id}/"),
    )
    assert response.status_code == 400
    assert error_attrs(response) == {
        "created_by": "read_only",
        "created_at": "read_only",
        "id": "read_only",
    }
    statement = Statement.objects.get(pk=statement_id)
    assert statement.created_by == curator
    assert statement.created_at.year > 2000


def test_conflicts_and_disputes_cannot_be_written_a_verdict_goes_through_review(
    seeded, curator_api_client
):
    conflict = Conflict.objects.filter(status=ConflictStatus.OPEN).first()
    dispute = Dispute.objects.filter(status=DisputeStatus.OPEN).first()
    for url in (f"/api/conflicts/{conflict.pk}/", f"/api/disputes/{dispute.pk}/"):
        for method in ("patch", "put", "delete"):
            response = getattr(curator_api_client, method)(
                url, {"status": "dismissed"}, format="json"
            )
            assert response.status_code == 405
    dispute.refresh_from_db()
    assert (dispute.status, dispute.verdict) == (DisputeStatus.OPEN, "")


def test_a_verdict_keeps_who_and_when(seeded, curator_api_client):
    dispute = Dispute.objects.get(title__contains="facility status")
    operational = dispute.positions.get(choice="operational")
    response = curator_api_client.post(
        f"/api/disputes/{dispute.pk}/review/",
        {"verdict": "supported", "position": operational.pk, "note": "Footage is unambiguous."},
        format="json",
        **if_match(curator_api_client, f"/api/disputes/{dispute.pk}/review/"),
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "reviewed"
    assert body["review"]["verdict"] == "supported"
    assert body["review"]["position"] == operational.pk
    assert body["review"]["note"] == "Footage is unambiguous."
    assert body["review"]["reviewed_by"] == "curator"
    assert body["review"]["reviewed_at"]
    assert response["ETag"]
    listed = curator_api_client.get("/api/disputes/?status=reviewed").json()
    assert [d["id"] for d in listed["results"]] == [dispute.pk]


def test_a_bad_verdict_is_named(seeded, curator_api_client):
    dispute = Dispute.objects.get(title__contains="facility status")
    response = curator_api_client.post(
        f"/api/disputes/{dispute.pk}/review/",
        {"verdict": "retracted"},
        format="json",
        **if_match(curator_api_client, f"/api/disputes/{dispute.pk}/review/"),
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"verdict": "invalid_choice"}
    response = curator_api_client.post(
        f"/api/disputes/{dispute.pk}/review/",
        {"verdict": "supported"},
        format="json",
        **if_match(curator_api_client, f"/api/disputes/{dispute.pk}/review/"),
    )
    assert response.status_code == 400
    assert "position" in error_attrs(response)
    other = Position.objects.exclude(disputes=dispute).first()
    response = curator_api_client.post(
        f"/api/disputes/{dispute.pk}/review/",
        {"verdict": "supported", "position": other.pk},
        format="json",
        **if_match(curator_api_client, f"/api/disputes/{dispute.pk}/review/"),
    )
    assert response.status_code == 400
    assert "position" in error_attrs(response)


def test_delete_a_statement_takes_the_claims_only_it_made(seeded, curator_api_client):
    statement = Statement.objects.get(ref="daily-mail-1000-inside")
    assert curator_api_client.get(f"/api/statements/{statement.pk}/conflicts/").json()["count"]
    response = curator_api_client.delete(
        f"/api/statements/{statement.pk}/",
        **if_match(curator_api_client, f"/api/statements/{statement.pk}/"),
    )
    assert response.status_code == 204
    assert not Statement.objects.filter(pk=statement.pk).exists()
    assert not Position.objects.filter(predicate__slug="people_present", number=1000).exists()


def test_create_and_update_an_entity_keeps_its_lineage(seeded, curator_api_client):
    response = curator_api_client.post(
        "/api/entities/",
        {"slug": "mod-press-office", "name": "MoD press office", "kind": "organisation",
         "part_of": "russian-mod"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    office = Entity.objects.get(slug="mod-press-office")
    assert office.lineage.startswith(Entity.objects.get(slug="russian-mod").lineage)
    response = curator_api_client.patch(
        "/api/entities/mod-press-office/",
        {"part_of": "russian-federation", "categories": ["civilian-infrastructure"]},
        format="json",
        **if_match(curator_api_client, "/api/entities/mod-press-office/"),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["categories"] == ["civilian-infrastructure"]
    office.refresh_from_db()
    assert office.lineage == Entity.objects.get(slug="russian-federation").lineage + f"{office.pk}/"


def test_a_slug_cannot_be_renamed(seeded, curator_api_client):
    response = curator_api_client.patch(
        "/api/entities/amstor-mall/",
        {"slug": "another-mall"},
        format="json",
        **if_match(curator_api_client, "/api/entities/amstor-mall/"),
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"slug": "immutable"}


def test_catalogue_writes(seeded, curator_api_client):
    source = curator_api_client.post(
        "/api/sources/", {"slug": "bbc-2022-06-28", "title": "BBC report"}, format="json"
    )
    assert source.status_code == 201, source.json()
    predicate = curator_api_client.post(
        "/api/predicates/",
        {"slug": "roof_colour", "name": "Roof colour", "value_type": "choice",
         "choices": ["red", "grey"], "single_valued": True, "subject_kinds": ["facility"]},
        format="json",
    )  # fmt: skip
    assert predicate.status_code == 201, predicate.json()
    rule = curator_api_client.post(
        "/api/exclusion-rules/",
        {"slug": "grey-roof-excludes-fire", "left_predicate": "roof_colour",
         "left_operator": "eq", "left_value": "grey", "right_predicate": "fire_cause",
         "right_operator": "any"},
        format="json",
    )  # fmt: skip
    assert rule.status_code == 201, rule.json()
    patched = curator_api_client.patch(
        "/api/predicates/roof_colour/",
        {"choices": ["red", "grey", "green"]},
        format="json",
        **if_match(curator_api_client, "/api/predicates/roof_colour/"),
    )
    assert patched.status_code == 200
    assert patched.json()["choices"] == ["red", "grey", "green"]
    duplicate = curator_api_client.post(
        "/api/sources/", {"slug": "bbc-2022-06-28", "title": "Again"}, format="json"
    )
    assert duplicate.status_code == 400
    assert set(error_attrs(duplicate)) == {"slug"}


def test_create_evidence_with_its_grade(seeded, curator_api_client):
    response = curator_api_client.post(
        "/api/evidence/",
        {
            "kind": "photo",
            "title": "Satellite photo of the car park",
            "source": "sbu-cctv-release",
            "reliability": "C",
            "credibility": 3,
            "captured_at": STRIKE,
            "assertions": [
                {"predicate": "facility_status", "subject": "amstor-mall",
                 "value": "operational", "valid_from": STRIKE, "valid_until": STRIKE,
                 "time_precision": "hour"}
            ],
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["grade"] == "C3"
    assert response.json()["created_by"] == "curator"
    bad = curator_api_client.post(
        "/api/evidence/",
        {"kind": "photo", "title": "x", "source": "sbu-cctv-release", "reliability": "Z",
         "credibility": 9},
        format="json",
    )  # fmt: skip
    assert bad.status_code == 400
    assert set(error_attrs(bad)) == {"reliability", "credibility"}
