"""OpenAPI generation: drf-standardized-errors' error responses, plus the API's own 409/412/413
only on the operations that can return them; and what a generated client needs to be told
truthfully (the Token scheme, anonymous reads, integer ids, error ``attr`` as a path string)."""

import re

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import get_view_model
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.settings import package_settings
from knox.settings import knox_settings
from rest_framework.request import Request
from rest_framework.schemas.utils import get_pk_description
from rest_framework.settings import api_settings

# What the server puts in ``attr``: a field name, then field names or list indices joined by
# dots (``assertions.0.value``), or ``non_field_errors``.
ERROR_ATTR_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.([0-9]+|[A-Za-z_][A-Za-z0-9_]*))*$"
VALIDATION_ERROR_ITEM = "ValidationErrorItem"


class AutoSchema(StandardizedErrorsAutoSchema):
    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code == "409":
            return self.method == "DELETE" and super()._should_add_error_response(
                responses, status_code
            )
        if status_code in ("412", "428"):
            return self._takes_if_match() and super()._should_add_error_response(
                responses, status_code
            )
        if status_code == "413":
            return self.method in ("POST", "PUT", "PATCH") and super()._should_add_error_response(
                responses, status_code
            )
        return super()._should_add_error_response(responses, status_code)

    def _takes_if_match(self) -> bool:
        if self.method in ("PUT", "PATCH", "DELETE"):
            return True
        return self.method == "POST" and getattr(self.view, "action", None) == "review"

    def get_auth(self):
        """Declare anonymous access (``{}``) where the view's permissions let anyone in.

        drf-spectacular only recognises DRF's own AllowAny and IsAuthenticatedOrReadOnly; this
        asks the view's actual permission classes about an anonymous request instead.
        """
        auths = super().get_auth()
        if {} not in auths and self._anyone_may():
            auths.append({})
        return auths

    def _anyone_may(self) -> bool:
        django_request = HttpRequest()
        django_request.method = self.method
        request = Request(django_request)
        request.user = AnonymousUser()
        try:
            permissions = self.view.get_permissions()
            return all(p.has_permission(request, self.view) for p in permissions)
        except Exception:  # a permission that needs more than a method and a user: not anonymous
            return False

    def _resolve_path_parameters(self, variables):
        """Type a digits-only path id (``lookup_value_regex = "[0-9]+"``) as the integer it is.

        drf-spectacular takes the type from the route's regex when there is one, which makes
        it a string with a pattern.
        """
        parameters = super()._resolve_path_parameters(variables)
        model = get_view_model(self.view, emit_warnings=False)
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("type") == "string" and schema.get("pattern") == "^[0-9]+$":
                parameter["schema"] = {"type": "integer", "minimum": 0}
                if model is not None and parameter["name"] in ("id", "pk"):
                    parameter.setdefault("description", get_pk_description(model, model._meta.pk))
        return parameters


class TokenScheme(OpenApiAuthenticationExtension):
    """django-rest-knox's TokenAuthentication: ``Authorization: Token <key>``.

    OpenAPI 3.0 has no way to declare a prefix other than ``Bearer`` (``type: http`` allows
    only registered schemes, and Swagger UI knows only basic and bearer), so this is an
    ``apiKey`` in the ``Authorization`` header whose value is the keyword, a space and the key.
    """

    target_class = "knox.auth.TokenAuthentication"
    name = "tokenAuth"
    match_subclasses = True
    priority = 1  # over drf-spectacular's own

    def get_security_definition(self, auto_schema):
        keyword = knox_settings.AUTH_HEADER_PREFIX
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                f"A curator's token (it expires; `manage.py curator_create` prints one, "
                f"`POST /api/auth/token/rotate/` swaps it for a new one), sent as "
                f"`Authorization: {keyword} <key>`: the header's "
                f"value is the word `{keyword}`, a space, then the key (in Swagger UI's "
                f"Authorize dialog, type `{keyword} <key>`). Generated clients need the prefix "
                f'set: openapi-python-client `AuthenticatedClient(token=key, prefix="{keyword}")`, '
                f'openapi-generator `api_key_prefix["tokenAuth"] = "{keyword}"`.'
            ),
        }


def postprocess_error_attrs(result, generator, request, public):
    """Document a 400's ``errors`` items with ``attr`` as a string with a pattern.

    drf-standardized-errors writes one component per field, each with ``attr`` as a one-value
    enum (``assertions.INDEX.value``), under a ``oneOf`` discriminated by ``attr``. The server
    sends ``assertions.0.value``, and errors it has no component for (``page``, ``ordering``),
    so generated clients that dispatch on the discriminator fail on real errors. Each
    operation's items become one shared object; the fields and codes it documented move to the
    ``errors`` description, and the per-field components are dropped.

    Runs after drf-standardized-errors' enum hook, which rebuilds the components.
    """
    schemas = result.get("components", {}).get("schemas", {})
    suffix = package_settings.ERROR_COMPONENT_NAME_SUFFIX
    index = re.escape(package_settings.LIST_INDEX_IN_API_SCHEMA)
    key = re.escape(package_settings.DICT_KEY_IN_API_SCHEMA)
    documented_index = re.compile(rf"(^|\.)({index}|{key})(?=\.|$)")

    schemas[VALIDATION_ERROR_ITEM] = {
        "type": "object",
        "description": "One thing wrong with the request.",
        "properties": {
            "code": {"type": "string", "description": "What is wrong, e.g. `invalid`."},
            "detail": {"type": "string", "description": "The same in words."},
            "attr": {
                "type": "string",
                "nullable": True,
                "pattern": ERROR_ATTR_PATTERN,
                "description": "The field at fault as the client sent it: field names and "
                "list indices joined by dots (`assertions.0.value`), or `non_field_errors`.",
            },
        },
        "required": ["code", "detail", "attr"],
    }
    item_ref = {"$ref": f"#/components/schemas/{VALIDATION_ERROR_ITEM}"}

    for name, component in list(schemas.items()):
        errors = component.get("properties", {}).get("errors")
        if not (name.endswith("ValidationError") and errors and errors.get("type") == "array"):
            continue
        union_name = errors.get("items", {}).get("$ref", "").rsplit("/", 1)[-1]
        union = schemas.get(union_name, {})
        if "oneOf" not in union:
            continue
        lines = []
        for ref in union["oneOf"]:
            field = schemas.get(ref["$ref"].rsplit("/", 1)[-1], {}).get("properties", {})
            attrs = field.get("attr", {}).get("enum") or [None]
            codes = field.get("code", {}).get("enum", [])
            for attr in attrs:
                shown = documented_index.sub(r"\1N", attr) if attr else "null"
                # The handler names a nested list or object itself (``assertions``), not its
                # ``assertions.non_field_errors``.
                shown = shown.removesuffix(f".{api_settings.NON_FIELD_ERRORS_KEY}")
                lines.append(f"- `{shown}`: {', '.join(f'`{code}`' for code in codes)}")
        errors["items"] = item_ref
        errors["description"] = "What is wrong, field by field (N is a list index):\n\n" + (
            "\n".join(lines)
        )
        del schemas[union_name]

    for name in [name for name in schemas if name.endswith(suffix)]:
        del schemas[name]
    return result
