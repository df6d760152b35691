"""The schema's examples cannot go stale: each one matches its schema, and the examples of
``statements/api/examples.py`` have the keys, all the way down, of what the server sends."""

import copy

import pytest
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from rest_framework.test import APIClient

from statements.api.examples import EXAMPLES
from tests.api.utils import if_match

SCHEMA_URI = "urn:contradict:openapi"
JSON = "application/json"


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"/paths/{_escape(path)}/{method}", operation


def _bodies(operation, pointer):
    """Yield (status or "request", media type, media object, JSON pointer to its schema)."""
    holders = [("request", operation.get("requestBody", {}), f"{pointer}/requestBody")]
    for status, response in operation["responses"].items():
        holders.append((status, response, f"{pointer}/responses/{status}"))
    for status, holder, at in holders:
        for media_type, media in holder.get("content", {}).items():
            yield status, media_type, media, f"{at}/content/{_escape(media_type)}/schema"


def _schema_nodes(node, pointer):
    """Yield every schema below ``node`` (properties, items, compositions) with its pointer."""
    if not isinstance(node, dict):
        return
    yield node, pointer
    for name, child in node.get("properties", {}).items():
        yield from _schema_nodes(child, f"{pointer}/properties/{_escape(name)}")
    for key in ("items", "additionalProperties"):
        yield from _schema_nodes(node.get(key), f"{pointer}/{key}")
    for key in ("allOf", "oneOf", "anyOf"):
        for index, child in enumerate(node.get(key, [])):
            yield from _schema_nodes(child, f"{pointer}/{key}/{index}")


def schema_examples(schema):
    """Yield (where, pointer to its schema, value, is a request) for every example."""
    for pointer, operation in _operations(schema):
        name = operation["operationId"]
        for status, media_type, media, at in _bodies(operation, pointer):
            for key, example in media.get("examples", {}).items():
                yield (
                    f"{name} {status} {media_type} {key}",
                    at,
                    example["value"],
                    status == "request",
                )
        for index, parameter in enumerate(operation.get("parameters", [])):
            at = f"{pointer}/parameters/{index}/schema"
            for node, node_at in _schema_nodes(parameter.get("schema"), at):
                if "example" in node:
                    yield f"{name} parameter {parameter['name']}", node_at, node["example"], True
    for component, node in schema["components"]["schemas"].items():
        at = f"/components/schemas/{_escape(component)}"
        for child, child_at in _schema_nodes(node, at):
            if "example" in child:
                where = f"component {child_at.removeprefix('/components/schemas/')}"
                yield where, child_at, child["example"], component.endswith("Request")


def _null_compositions(node):
    """Read ``nullable`` beside ``allOf`` (a nullable nested record) as null or the record.

    That is how drf-spectacular marks a nullable nested serializer and how clients read it;
    openapi-schema-validator applies ``nullable`` only beside ``type``.
    """
    if isinstance(node, list):
        return [_null_compositions(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _null_compositions(value) for key, value in node.items()}
    compositions = {"allOf", "oneOf", "anyOf"} & node.keys()
    if node.get("nullable") and compositions and "type" not in node:
        rest = {key: value for key, value in node.items() if key != "nullable"}
        return {"anyOf": [{"enum": [None]}, rest]}
    return node


def test_every_example_matches_its_schema(schema):
    document = _null_compositions(schema)
    registry = Registry().with_resource(
        SCHEMA_URI, Resource.from_contents(document, default_specification=DRAFT4)
    )
    problems, seen = [], 0
    for where, pointer, value, is_request in schema_examples(schema):
        seen += 1
        validator_class = OAS30WriteValidator if is_request else OAS30ReadValidator
        validator = validator_class(
            {"$ref": f"{SCHEMA_URI}#{pointer}"},
            registry=registry,
            format_checker=oas30_format_checker,
        )
        for error in validator.iter_errors(value):
            field = ".".join(str(part) for part in error.absolute_path) or "(the body)"
            problems.append(f"{where}: `{field}`: {error.message}")
    assert seen > len(EXAMPLES)
    assert not problems, "\n".join(problems)


def test_every_example_of_examples_py_is_in_the_schema(schema):
    attached = {
        (operation["operationId"], status, example["summary"])
        for pointer, operation in _operations(schema)
        for status, media_type, media, _ in _bodies(operation, pointer)
        if media_type == JSON
        for example in media.get("examples", {}).values()
        if "summary" in example
    }
    missing = [
        f"{operation} {status}: {summary!r} is not in the schema"
        for operation, statuses in EXAMPLES.items()
        for status, bodies in statuses.items()
        for summary in bodies
        if (operation, status, summary) not in attached
    ]
    assert not missing, "\n".join(missing)


def test_the_examples_are_attached_without_the_database():
    # No ``db`` fixture: pytest-django refuses any query, so generating must need none.
    generated = SchemaGenerator().get_schema(request=None, public=True)
    media = generated["paths"]["/api/disputes/"]["get"]["responses"]["200"]["content"][JSON]
    assert media["examples"]


# --- Each example against a real response on the seed. ---


def _resolved(schema, node):
    """Return ``node`` with its ``$ref`` followed and a composition of one object opened."""
    while isinstance(node, dict):
        if "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
            continue
        options = node.get("allOf") or node.get("oneOf") or node.get("anyOf")
        if not options:
            return node
        node = next(
            (option for option in options if "$ref" in option or "properties" in option),
            options[0],
        )
    return {}


def _is_map(node) -> bool:
    """Return whether an object's keys are data (``supporters`` by position id), not fields."""
    return "properties" not in node and isinstance(node.get("additionalProperties"), dict)


def differences(schema, example, real, node, at="") -> list[str]:
    """Return the fields in one of ``example`` and ``real`` but not the other, recursively.

    Lists are compared item by item with the real item closest in shape, so an example's
    supporter held by evidence is compared with a real one held by evidence. Where either side
    is null or a scalar there are no keys to compare.
    """
    node = _resolved(schema, node)
    if isinstance(example, dict) and isinstance(real, dict):
        if _is_map(node):
            values = list(real.values())
            return [
                problem
                for value in example.values()
                for problem in _closest(
                    schema, value, values, node["additionalProperties"], f"{at}.*"
                )
            ]
        here = f"{at}." if at else ""
        problems = [
            f"`{here}{key}` is sent but not in the example" for key in real.keys() - example.keys()
        ]
        problems += [
            f"`{here}{key}` is in the example but not sent" for key in example.keys() - real.keys()
        ]
        properties = node.get("properties", {})
        for key in sorted(example.keys() & real.keys()):
            problems += differences(
                schema, example[key], real[key], properties.get(key, {}), f"{here}{key}"
            )
        return sorted(set(problems))
    if isinstance(example, list) and isinstance(real, list):
        problems = []
        for item in example:
            if isinstance(item, dict | list):
                problems += _closest(schema, item, real, node.get("items", {}), f"{at}[]")
        return sorted(set(problems))
    return []


def _closest(schema, example, candidates, node, at) -> list[str]:
    if not candidates:
        return [f"`{at}` is empty in the response: nothing to compare the example's with"]
    return min((differences(schema, example, real, node, at) for real in candidates), key=len)


def _facility_status_dispute(client) -> int:
    return client.get("/api/disputes/?predicate=facility_status").json()["results"][0]["id"]


def _request_example(schema, operation_id):
    """Return the first request example the schema gives ``operation_id``."""
    for _, operation in _operations(schema):
        if operation["operationId"] == operation_id:
            media = operation["requestBody"]["content"][JSON]
            return copy.deepcopy(next(iter(media["examples"].values()))["value"])
    raise LookupError(operation_id)


def _disputes_reviewed(schema, anyone, curator):
    # One dispute reviewed, so the example's ``review`` has a real one to be compared with.
    url = f"/api/disputes/{_facility_status_dispute(anyone)}/review/"
    verdict = {"verdict": "unresolved", "note": "Both sides have evidence."}
    assert curator.post(url, verdict, format="json", **if_match(curator, url)).status_code == 200
    return anyone.get("/api/disputes/?entity=amstor-mall")


def _statement_with_unknown_subject(schema, anyone, curator):
    body = _request_example(schema, "statements_create")
    body["assertions"][0]["subject"] = "amstor"
    return curator.post("/api/statements/", body, format="json")


def _conflict(client):
    dispute = _facility_status_dispute(client)
    rows = client.get(f"/api/conflicts/?dispute={dispute}&rule=exclusive_value").json()
    return rows["results"][0]["id"]


def _by_ref(client, kind, ref):
    return client.get(f"/api/{kind}/?ref={ref}").json()["results"][0]["id"]


def _struck_mall(client):
    dispute = client.get("/api/disputes/?predicate=struck").json()["results"][0]
    return next(p["id"] for p in dispute["positions"] if p["strongest_grade"])


# (operationId, status) -> the request a front end makes to get such a response on the seed.
REAL = {
    ("disputes_list", "200"): _disputes_reviewed,
    ("disputes_list", "400"): lambda s, anyone, c: anyone.get(
        "/api/disputes/?min_score=high&status=maybe"
    ),
    ("disputes_retrieve", "200"): lambda s, anyone, c: anyone.get(
        f"/api/disputes/{_facility_status_dispute(anyone)}/"
    ),
    ("disputes_retrieve", "404"): lambda s, anyone, c: anyone.get("/api/disputes/999999999/"),
    ("conflicts_list", "200"): lambda s, anyone, c: anyone.get(
        f"/api/conflicts/?dispute={_facility_status_dispute(anyone)}"
    ),
    ("conflicts_retrieve", "200"): lambda s, anyone, c: anyone.get(
        f"/api/conflicts/{_conflict(anyone)}/"
    ),
    ("statements_list", "200"): lambda s, anyone, c: anyone.get(
        "/api/statements/?ref=konashenkov-non-functioning"
    ),
    ("statements_retrieve", "200"): lambda s, anyone, c: anyone.get(
        f"/api/statements/{_by_ref(anyone, 'statements', 'konashenkov-non-functioning')}/"
    ),
    ("statements_create", "201"): lambda s, anyone, curator: curator.post(
        "/api/statements/", _request_example(s, "statements_create"), format="json"
    ),
    ("statements_create", "400"): _statement_with_unknown_subject,
    ("evidence_retrieve", "200"): lambda s, anyone, c: anyone.get(
        f"/api/evidence/{_by_ref(anyone, 'evidence', 'cctv-interior-shop')}/"
    ),
    ("check_create", "200"): lambda s, anyone, c: anyone.post(
        "/api/check/", _request_example(s, "check_create"), format="json"
    ),
    ("positions_supporters_list", "200"): lambda s, anyone, c: anyone.get(
        f"/api/positions/{_struck_mall(anyone)}/supporters/"
    ),
}
COMPARED = sorted(
    {(operation, status) for operation, statuses in EXAMPLES.items() for status in statuses}
    - {(operation, "request") for operation in EXAMPLES}
    # drf-standardized-errors' own 404 example, as every retrieve has it.
    | {("disputes_retrieve", "404")}
)


@pytest.mark.parametrize(("operation_id", "status"), COMPARED)
def test_each_example_has_the_fields_of_a_real_response(
    schema, seeded, api_client, curator_api_client, operation_id, status
):
    if (operation_id, status) not in REAL:
        pytest.fail(f"{operation_id} {status}: no real request to compare its examples with")
    response = REAL[operation_id, status](schema, api_client, curator_api_client)
    assert response.status_code == int(status), (operation_id, status, response.json())
    operation = next(o for _, o in _operations(schema) if o["operationId"] == operation_id)
    media = operation["responses"][status]["content"][JSON]
    problems = [
        f"{operation_id} {status} {name!r}: {problem}"
        for name, example in media["examples"].items()
        for problem in differences(schema, example["value"], response.json(), media["schema"])
    ]
    assert not problems, "\n".join(problems)


def test_the_request_examples_are_accepted(schema, seeded, curator_api_client):
    # statements_create and check_create send theirs above; the review's needs its dispute.
    url = f"/api/disputes/{_facility_status_dispute(curator_api_client)}/review/"
    body = _request_example(schema, "disputes_review_create")
    response = curator_api_client.post(
        url, body, format="json", **if_match(curator_api_client, url)
    )
    assert response.status_code == 200, response.json()
