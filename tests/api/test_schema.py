"""The OpenAPI schema describes every endpoint, parameter and error, and validates."""

import json
import re

import pytest
import yaml
from drf_spectacular.drainage import GENERATOR_STATS
from knox.settings import knox_settings
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from tests.api.utils import error_attrs, statement_payload


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
        "/api/conflicts/{id}/",
        "/api/disputes/",
        "/api/disputes/{id}/",
        "/api/disputes/{id}/review/",
        "/api/positions/{id}/supporters/",
        "/api/check/",
    ):
        assert path in paths, path
    conflict_params = {p["name"] for p in paths["/api/conflicts/"]["get"]["parameters"]}
    assert {
        "status", "rule", "pair_class", "speaker", "speaker_side", "entity", "predicate",
        "statement", "evidence", "dispute", "min_score", "search", "ordering", "page", "page_size",
    } <= conflict_params  # fmt: skip
    dispute_params = {p["name"] for p in paths["/api/disputes/"]["get"]["parameters"]}
    assert {
        "status", "verdict", "rule", "pair_class", "speaker", "speaker_side", "entity",
        "predicate", "statement", "evidence", "about_after", "about_before", "ordering",
    } <= dispute_params  # fmt: skip


def test_errors_are_documented_in_one_shape(schema):
    paths = schema["paths"]
    create = paths["/api/statements/"]["post"]["responses"]
    assert {"400", "401", "403", "413", "415", "429"} <= set(create)
    update = paths["/api/statements/{id}/"]["put"]["responses"]
    assert {"400", "404", "412"} <= set(update)
    review = paths["/api/disputes/{id}/review/"]["post"]["responses"]
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


# --- What a generated client needs to be told truthfully. ---

SAFE = {"get", "head", "options"}


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "patch", "delete", "head", "options"}:
                yield path, method, operation


def test_the_token_scheme_tells_clients_to_send_the_token_keyword(schema, settings):
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0] == (
        "knox.auth.TokenAuthentication"
    )
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "apiKey"
    assert (scheme["in"], scheme["name"]) == ("header", "Authorization")
    assert f"`Authorization: {knox_settings.AUTH_HEADER_PREFIX} <key>`" in scheme["description"]
    assert {"tokenAuth": []} in schema["paths"]["/api/statements/"]["post"]["security"]


def test_reads_and_draft_checks_are_declared_open_to_anonymous_clients(schema):
    for path, method, operation in operations(schema):
        # Webhook subscribers (their URLs, their deliveries) are for curators' eyes only.
        if method in SAFE and not path.startswith("/api/webhooks/"):
            assert {} in operation["security"], (method, path)
    assert {} in schema["paths"]["/api/check/"]["post"]["security"]
    for path, method in [
        ("/api/statements/", "post"),
        ("/api/statements/{id}/", "put"),
        ("/api/statements/{id}/", "delete"),
        ("/api/entities/{slug}/", "patch"),
        ("/api/disputes/{id}/review/", "post"),
        ("/api/rechecks/", "post"),
        ("/api/webhooks/", "get"),
        ("/api/webhooks/{id}/deliveries/", "get"),
    ]:
        security = schema["paths"][path][method]["security"]
        assert {} not in security, (method, path)
        assert {"tokenAuth": []} in security


def test_integer_primary_keys_are_integer_path_parameters(schema):
    seen = set()
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] == "id":
                assert parameter["schema"]["type"] == "integer", (method, path)
                seen.add(path.split("/")[2])
    assert {
        "statements",
        "evidence",
        "assertions",
        "conflicts",
        "disputes",
        "positions",
        "rechecks",
    } <= seen


def walk(node):
    """Yield every dict in a JSON document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_error_attr_is_a_string_with_a_pattern_not_an_enum(schema):
    for node in walk(schema):
        attr = node.get("properties", {}).get("attr") if node.get("type") == "object" else None
        if attr is not None:
            assert "enum" not in attr and "$ref" not in attr, attr
            assert attr["type"] == "string"
        assert node.get("discriminator", {}).get("propertyName") != "attr"
    assert "INDEX" not in json.dumps(schema)
    item = schema["components"]["schemas"]["ValidationErrorItem"]
    pattern = re.compile(item["properties"]["attr"]["pattern"])
    for attr in ("assertions.0.value", "assertions.12.subject", "assertions", "status", "page"):
        assert pattern.fullmatch(attr), attr
    for attr in ("", "assertions..value", ".status", "assertions.0."):
        assert not pattern.fullmatch(attr), attr
    bad_request = schema["components"]["schemas"]["ErrorResponse400"]
    assert bad_request["properties"]["errors"]["items"]["$ref"].endswith("/ValidationErrorItem")
    create = schema["paths"]["/api/statements/"]["post"]["responses"]["400"]
    assert create["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse400")
    assert "`assertions.N.value`" in create["description"]


def response_validator(schema, path, method, status):
    content = schema["paths"][path][method]["responses"][status]["content"]
    body_schema = content["application/json"]["schema"]
    return OAS30Validator({**body_schema, "components": schema["components"]})


def test_a_real_400_matches_its_documented_schema(schema, seeded, curator_api_client):
    payload = statement_payload()
    payload["assertions"].append({**payload["assertions"][0], "value": "no-such-status"})
    response = curator_api_client.post("/api/statements/", payload, format="json")
    assert response.status_code == 400
    assert "assertions.1.value" in error_attrs(response)
    response_validator(schema, "/api/statements/", "post", "400").validate(response.json())


def test_a_real_400_on_a_list_filter_matches_its_documented_schema(schema, seeded, api_client):
    response = api_client.get("/api/conflicts/?min_score=high&status=maybe")
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"min_score", "status"}
    response_validator(schema, "/api/conflicts/", "get", "400").validate(response.json())


def test_writes_that_need_if_match_declare_it_required_and_their_428(schema):
    guarded = {
        (path, method)
        for path, method, _ in operations(schema)
        if method in ("put", "patch", "delete") or path.endswith("/review/")
    }
    assert ("/api/disputes/{id}/review/", "post") in guarded
    for path, method, operation in operations(schema):
        headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
        if (path, method) in guarded:
            assert headers["If-Match"]["required"] is True, (method, path)
            assert "428" in operation["responses"] and "412" in operation["responses"]
        else:
            assert "428" not in operation["responses"], (method, path)
    assert "503" in schema["paths"]["/api/statements/"]["get"]["responses"]
