"""A write naming a field it cannot set is a 400 naming that field, not silently ignored:
``read_only`` for what the server sets (``id``, ``created_by``, a conflict's ``status``...),
``unknown_field`` for anything else (a typo would otherwise look like a success)."""

import pytest

from statements.models import Dispute, DisputeStatus, Entity, Statement
from tests.api.utils import STRIKE, error_attrs, if_match, statement_payload

EVIDENCE = {"kind": "photo", "title": "x", "source": "sbu-cctv-release", "reliability": "C",
            "credibility": 3, "captured_at": STRIKE}  # fmt: skip
ENTITY = {"slug": "press-office", "name": "Press office", "kind": "organisation"}
SOURCE = {"slug": "bbc-2022-06-28", "title": "BBC report"}
PREDICATE = {"slug": "roof_colour", "name": "Roof colour", "value_type": "choice",
             "choices": ["red"]}  # fmt: skip
RULE = {"slug": "hit-excludes-count", "left_predicate": "hit_target", "left_operator": "any",
        "right_predicate": "people_present", "right_operator": "any"}  # fmt: skip
DRAFT = {k: v for k, v in statement_payload().items() if k != "source"}

CASES = [
    ("/api/statements/", statement_payload(), "id", 7, "read_only"),
    ("/api/statements/", statement_payload(), "created_by", "curator", "read_only"),
    ("/api/statements/", statement_payload(), "created_at", STRIKE, "read_only"),
    ("/api/statements/", statement_payload(), "updated_at", STRIKE, "read_only"),
    ("/api/statements/", statement_payload(), "status", "confirmed", "unknown_field"),
    ("/api/statements/", statement_payload(), "speeker", "russian-mod", "unknown_field"),
    ("/api/evidence/", EVIDENCE, "grade", "A1", "read_only"),
    ("/api/evidence/", EVIDENCE, "created_by", None, "read_only"),
    ("/api/entities/", ENTITY, "id", 1, "read_only"),
    ("/api/entities/", ENTITY, "lineage", "/1/", "read_only"),
    ("/api/entities/", ENTITY, "colour", "red", "unknown_field"),
    ("/api/sources/", SOURCE, "id", 1, "read_only"),
    ("/api/predicates/", PREDICATE, "id", 1, "read_only"),
    ("/api/exclusion-rules/", RULE, "id", 1, "read_only"),
    ("/api/check/", DRAFT, "status", "open", "unknown_field"),
    ("/api/rechecks/", {"reason": "test"}, "status", "done", "unknown_field"),
]


@pytest.mark.parametrize(
    ("path", "payload", "field", "value", "code"),
    CASES,
    ids=[f"{path.split('/')[2]}-{field}" for path, _, field, _, _ in CASES],
)
def test_a_field_the_write_cannot_set_is_named(
    seeded, api_client, curator_api_client, path, payload, field, value, code
):
    client = api_client if path == "/api/check/" else curator_api_client
    response = client.post(path, {**payload, field: value}, format="json")
    assert response.status_code == 400, response.json()
    assert error_attrs(response) == {field: code}
    # Without it, the same body is accepted: the field alone was at fault.
    response = client.post(path, payload, format="json")
    assert response.status_code in (200, 201, 202), response.json()


def test_an_unknown_field_in_an_assertion_is_named_by_its_position(seeded, curator_api_client):
    payload = statement_payload()
    payload["assertions"][0]["value_display"] = "non-functioning"
    response = curator_api_client.post("/api/statements/", payload, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"assertions.0.value_display": "unknown_field"}


def test_unknown_fields_are_reported_with_the_other_errors(seeded, curator_api_client):
    before = Statement.objects.count()
    payload = statement_payload(said_at="last tuesday", status="open")
    response = curator_api_client.post("/api/statements/", payload, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"said_at": "invalid", "status": "unknown_field"}
    [unknown] = [e for e in response.json()["errors"] if e["attr"] == "status"]
    assert "This takes: assertions, context, language, quote, ref, said_at, " in unknown["detail"]
    assert Statement.objects.count() == before


def test_patch_with_a_read_only_field_changes_nothing(seeded, curator_api_client):
    response = curator_api_client.patch(
        "/api/entities/amstor-mall/",
        {"name": "Renamed", "id": 1},
        format="json",
        **if_match(curator_api_client, "/api/entities/amstor-mall/"),
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"id": "read_only"}
    assert Entity.objects.get(slug="amstor-mall").name != "Renamed"


def test_a_verdict_cannot_set_the_status_directly(seeded, curator_api_client):
    dispute = Dispute.objects.filter(status=DisputeStatus.OPEN).first()
    response = curator_api_client.post(
        f"/api/disputes/{dispute.pk}/review/",
        {"verdict": "unresolved", "status": "dismissed"},
        format="json",
        **if_match(curator_api_client, f"/api/disputes/{dispute.pk}/review/"),
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"status": "unknown_field"}
    dispute.refresh_from_db()
    assert (dispute.status, dispute.verdict) == (DisputeStatus.OPEN, "")
