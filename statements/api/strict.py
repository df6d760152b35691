"""Write serializers that read a client's body strictly."""

from django.db import models
from rest_framework import serializers

from statements.api import fields


class GuardedModelFieldsMixin:
    """Build a ModelSerializer's own fields from the guarded ones in ``statements.api.fields``.

    A model's DateTimeField becomes a field that refuses the offsets PostgreSQL refuses.
    (CharFields already refuse NUL, and FloatFields numbers beyond a double.)
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: fields.DateTimeField,
    }
