"""The OpenAPI schema describes every endpoint, parameter and error, and validates."""

import json

import pytest
import yaml
from drf_spectacular.drainage import GENERATOR_STATS
from openapi_spec_validator import validate
from rest_framework.test import APIClient


@pytest.fixture(scope="module")
def generation(django_db_setup, django_db_blocker):
    """Generate the schema once for the module, as an anonymous client reads it.

    Generating it takes about a second, so the tests share this one: the response and the
    warnings and errors drf-spectacular reported while generating it (as ``manage.py
    spectacular --fail-on-warn`` would).
    """
    GENERATOR_STATS.reset()
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    reported = {**GENERATOR_STATS._warn_cache, **GENERATOR_STATS._error_cache}
    GENERATOR_STATS.reset()
    return response, reported


@pytest.fixture(scope="module")
def schema(generation):
    response, _ = generation
    return response.json()


def test_anyone_reads_the_schema(generation):
    response, _ = generation
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")


def test_schema_validates(schema):
    validate(schema)


def test_schema_generates_without_warnings(generation):
    _, reported = generation
    assert not reported, "\n".join(reported)


def test_every_resource_and_action_is_described(schema):
    paths = schema["paths"]
    for path in (
        "/api/entities/",
        "/api/entities/{slug}/",
        "/api/entities/{slug}/conflicts/",
        "/api/sources/{slug}/",
        "/api/predicates/{slug}/",
        "/api/exclusion-rules/{slug}/",
        "/api/statements/{id}/",
        "/api/statements/{id}/conflicts/",
        "/api/evidence/{id}/conflicts/",
        "/api/assertions/{id}/",
        "/api/conflicts/{id}/review/",
        "/api/check/",
    ):
        assert path in paths, path
    conflict_params = {p["name"] for p in paths["/api/conflicts/"]["get"]["parameters"]}
    assert {
        "status", "rule", "kind", "pair_class", "speaker", "speaker_side", "entity", "predicate",
        "statement", "evidence", "said_after", "said_before", "min_score", "search", "ordering",
        "page", "page_size",
    } <= conflict_params  # fmt: skip


def test_errors_are_documented_in_one_shape(schema):
    paths = schema["paths"]
    create = paths["/api/statements/"]["post"]["responses"]
    assert {"400", "401", "403", "413", "415", "429"} <= set(create)
    update = paths["/api/statements/{id}/"]["put"]["responses"]
    assert {"400", "404", "412"} <= set(update)
    review = paths["/api/conflicts/{id}/review/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "412"} <= set(review)
    assert "412" not in paths["/api/statements/"]["post"]["responses"]
    listing = paths["/api/conflicts/"]["get"]["responses"]
    assert "400" in listing  # bad filter values
    assert "delete" in paths["/api/entities/{slug}/"]
    assert "409" in paths["/api/entities/{slug}/"]["delete"]["responses"]


def test_request_and_response_components_are_split_so_required_is_true(schema):
    components = schema["components"]["schemas"]
    assert "StatementInputRequest" in components
    required = set(components["StatementInputRequest"]["required"])
    assert {"speaker", "source", "said_at", "quote"} <= required
    assert "id" not in components["StatementInputRequest"]["properties"]
    assert "created_by" not in components["StatementInputRequest"]["properties"]
    assert "assertions" in components["Statement"]["properties"]


@pytest.mark.parametrize(
    ("query", "accept", "content_type"),
    [
        ("format=json", "*/*", "application/vnd.oai.openapi+json"),
        ("format=json", "application/yaml", "application/vnd.oai.openapi+json"),
        ("", "application/json", "application/json"),
    ],
)
def test_the_schema_is_json_when_asked_for(db, query, accept, content_type):
    response = APIClient().get(f"/api/schema/?{query}", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_the_schema_is_yaml_by_default_and_for_format_yaml(db):
    for query, accept in (("", "*/*"), ("format=yaml", "application/json")):
        response = APIClient().get(f"/api/schema/?{query}", HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.oai.openapi")
        assert yaml.safe_load(response.content)["openapi"].startswith("3.")
