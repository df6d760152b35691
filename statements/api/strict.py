"""Write serializers that read a client's body strictly.

A field the serializer does not write (unknown, misspelt, or read-only such as ``id``,
``status``, ``created_by``) is a 400 naming it, rather than silently dropped: a client that
believes it set something learns that it did not.
"""

import re
from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.settings import api_settings

from statements.api import fields

# A key that could be a field name is reported under its own name; any other key (empty,
# spaces, other scripts) under the object's ``non_field_errors``, quoted in the detail, so
# that ``attr`` always reads as the dotted path the schema's pattern describes.
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class GuardedModelFieldsMixin:
    """Build a ModelSerializer's own fields from the guarded ones in ``statements.api.fields``.

    A model's DateTimeField becomes a field that refuses the offsets PostgreSQL refuses.
    (CharFields already refuse NUL, and FloatFields numbers beyond a double.)
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: fields.DateTimeField,
        models.CharField: fields.CharField,
        models.TextField: fields.CharField,
        models.SlugField: fields.SlugField,
        models.FloatField: fields.FloatField,
        models.IntegerField: fields.IntegerField,
        models.BooleanField: fields.BooleanField,
    }


class RejectUnknownFieldsMixin:
    """Refuse the keys of a body that this serializer does not write, each named.

    The error is ``read_only`` for a field the server sets (declared read-only, or a column or
    property of the model left out of the input), else ``unknown_field`` listing the fields it
    takes. It is reported with the other field errors of the same body.
    """

    def to_internal_value(self, data):
        unwritten = self._unwritten_fields(data) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except ValidationError as exc:
            if unwritten and isinstance(exc.detail, Mapping):
                raise ValidationError({**unwritten, **exc.detail}) from exc
            raise
        if unwritten:
            raise ValidationError(unwritten)
        return value

    def _unwritten_fields(self, data: Mapping) -> dict[str, list[ErrorDetail]]:
        writable = sorted(field.field_name for field in self._writable_fields)
        errors = {}
        for name in data:
            if name in writable:
                continue
            name = str(name)
            if self._set_by_server(name):
                message, code = f"{name} is set by the server; leave it out.", "read_only"
            else:
                message = f"Unknown field. This takes: {', '.join(writable)}."
                code = "unknown_field"
            if not FIELD_NAME.fullmatch(name):
                message = f"Unknown field {name[:50]!r}. This takes: {', '.join(writable)}."
                name = api_settings.NON_FIELD_ERRORS_KEY
            errors.setdefault(name, []).append(ErrorDetail(message, code=code))
        return errors

    def _set_by_server(self, name: str) -> bool:
        if name in self.fields:
            return True
        model = getattr(getattr(self, "Meta", None), "model", None)
        if model is None:
            return False
        if name == "pk":
            return True
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            # What the model computes (an evidence item's ``grade``) is shown, never written.
            return isinstance(getattr(model, name, None), property)
        return True


class StrictInputMixin(RejectUnknownFieldsMixin, GuardedModelFieldsMixin):
    """Read a write strictly: no field ignored, no value the database would refuse."""
