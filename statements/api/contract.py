"""Make the schema promise what the server sends, status by status and header by header.

drf-spectacular and drf-standardized-errors document what a view declares; the server also
answers in ways no view declares: a 400 on any list for a bad page, ordering or search, a 400 of
type ``client_error`` for a body that is not JSON, 304 on a conditional read, 414 from the
HTTP server for an overlong URL, ETag on detail responses and Location on 201. This hook runs
last and adds them, so a generated client has a declared type for every answer it can get,
and the example bodies of ``examples.py`` on the main operations.
"""

import re

from statements.api.conditional import ENTITY_TAGS
from statements.api.examples import EXAMPLES
from statements.api.schema import VALIDATION_ERROR_ITEM

ERROR_RESPONSE_400 = "ErrorResponse400"
ERROR_TYPE_400 = "ErrorType400Enum"
ETAG_HEADER = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "The representation's entity tag: send it back as If-Match on a write "
        "(412 if the record changed since) or If-None-Match on a read (304 if it did not).",
    }
}
LOCATION_HEADER = {
    "Location": {
        "schema": {"type": "string", "format": "uri"},
        "description": "The URL of the record just created.",
    }
}
# An entity tag or ``*``: anything else is refused with a 400.
ENTITY_TAGS_PATTERN = f"^{ENTITY_TAGS.pattern}$"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _bad_request_components(schemas: dict) -> None:
    """Add the one 400 body: a validation error, or a ``client_error`` for an unreadable body."""
    schemas[ERROR_TYPE_400] = {
        "type": "string",
        "enum": ["validation_error", "client_error"],
        "description": "`validation_error`: a field or parameter is wrong (`attr` names it); "
        "`client_error`: the body could not be read at all (`parse_error`, `attr` null).",
    }
    schemas[ERROR_RESPONSE_400] = {
        "type": "object",
        "description": "What is wrong with the request, one item per mistake.",
        "properties": {
            "type": _ref(ERROR_TYPE_400),
            "errors": {"type": "array", "items": _ref(VALIDATION_ERROR_ITEM)},
        },
        "required": ["type", "errors"],
    }


def _field_list(schemas: dict, response: dict) -> str:
    """Return the fields and codes a per-operation 400 component documented, if any."""
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
    wrapper = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else {}
    for option in wrapper.get("oneOf", []):
        component = schemas.get(option["$ref"].rsplit("/", 1)[-1], {})
        description = component.get("properties", {}).get("errors", {}).get("description")
        if description:
            return description
    return ""


def _bad_request(schemas: dict, operation: dict) -> dict:
    listed = _field_list(schemas, operation["responses"].get("400", {}))
    lines = ["Bad request: a field, a query parameter (filter, `page`, `page_size`, "]
    lines.append("`ordering`, `search`) or the body's JSON is wrong.")
    description = "".join(lines) + (f"\n\n{listed}" if listed else "")
    return {"description": description, "content": _json(_ref(ERROR_RESPONSE_400))}


def _takes_body(operation: dict) -> bool:
    return "requestBody" in operation


def _takes_query(operation: dict) -> bool:
    """Return whether the operation reads query parameters: lists and exports refuse bad ones."""
    return any(p.get("in") == "query" for p in operation.get("parameters", []))


def _header_names(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}


def _strict_bodies(result: dict) -> None:
    """Declare request bodies closed: the server refuses a key it does not write."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False


def _named_enums(result: dict) -> None:
    """Point a query parameter's inline enum at the component with the same values.

    drf-spectacular names the enums of bodies (ENUM_NAME_OVERRIDES) but writes the filters'
    inline, so a generated client gets ``DisputesListPairClass`` beside ``PairClassEnum``.
    """
    schemas = result.get("components", {}).get("schemas", {})
    named = {
        frozenset(component["enum"]): name
        for name, component in schemas.items()
        if name.endswith("Enum") and "enum" in component and None not in component["enum"]
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                holder = schema["items"] if schema.get("type") == "array" else schema
                name = named.get(frozenset(holder.get("enum", ())))
                if name:
                    holder.clear()
                    holder["$ref"] = f"#/components/schemas/{name}"


def _example_key(summary: str) -> str:
    """Name an example as drf-spectacular names an ``OpenApiExample``: its summary, camel-cased."""
    words = re.sub(r"[^A-Za-z0-9 _-]", "", summary).split()
    return "".join(word[:1].upper() + word[1:] for word in words)


def _examples(result: dict) -> None:
    """Attach ``examples.EXAMPLES`` to the JSON bodies of their operations, by operationId."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for status, bodies in EXAMPLES.get(operation.get("operationId"), {}).items():
                if status == "request":
                    holder = operation.get("requestBody", {})
                else:
                    holder = operation["responses"].get(status, {})
                media = holder.get("content", {}).get("application/json")
                if media is None:
                    continue  # the test names an example that found no body to go with
                named = media.setdefault("examples", {})
                for summary, value in bodies.items():
                    named[_example_key(summary)] = {"summary": summary, "value": value}


def postprocess_contract(result, generator, request, public):
    """Add the statuses and headers the server sends that no view declares."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _bad_request_components(schemas)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            headers = _header_names(operation)
            if "400" in responses or _takes_body(operation) or _takes_query(operation) or headers:
                responses["400"] = _bad_request(schemas, operation)
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    # The lists read an empty value as no value (a form's blank field).
                    parameter["allowEmptyValue"] = True
                if parameter.get("in") == "header" and parameter["name"] in (
                    "If-Match",
                    "If-None-Match",
                ):
                    parameter["schema"] = {"type": "string", "pattern": ENTITY_TAGS_PATTERN}
            if "If-None-Match" in headers:
                responses["304"] = {
                    "description": "Not modified: the ETag sent as If-None-Match is current.",
                    "headers": ETAG_HEADER,
                }
                responses.get("200", {}).setdefault("headers", {}).update(ETAG_HEADER)
            if "If-Match" in headers:
                for ok in ("200",):
                    if ok in responses:
                        responses[ok].setdefault("headers", {}).update(ETAG_HEADER)
            if method == "post" and "201" in responses:
                responses["201"].setdefault("headers", {}).update(
                    {**LOCATION_HEADER, **ETAG_HEADER}
                )
            if method == "get":
                responses["414"] = {
                    "description": "URI too long: the HTTP server refuses a request line over "
                    "its limit (4,094 bytes under gunicorn) before the application reads it."
                }
    # The per-operation 400 components are now described in their responses.
    for name in [n for n in schemas if n.endswith("ErrorResponse400") and n != ERROR_RESPONSE_400]:
        del schemas[name]
    for name in [n for n in schemas if n.endswith("ValidationError")]:
        del schemas[name]
    _strict_bodies(result)
    _named_enums(result)
    _examples(result)
    return result
