"""Fields that refuse, naming themselves, what would otherwise reach the database and fail there.

PostgreSQL stores no NUL character in text or jsonb, no time-zone offset beyond ±15:59, and no
number beyond a double; a list is bounded before its items are read, so a list far over its
limit costs one comparison instead of a validation (and an error) per item.
"""

import functools
import sys
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField

NUL = "\x00"
NUL_CODE = "null_characters_not_allowed"
NUL_MESSAGE = "Null characters are not allowed."
# PostgreSQL's range for a time-zone offset; no zone in use goes beyond ±14:00.
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)
OFFSET_CODE = "invalid_offset"
OFFSET_MESSAGE = "Give a time-zone offset between -15:59 and +15:59."
# Every number is stored as a double: an integer beyond its range has no stored form.
MAX_NUMBER = sys.float_info.max


def offset_error(value: datetime) -> str | None:
    """Return why ``value`` cannot be stored as a moment, or ``None`` if it can."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return OFFSET_MESSAGE
    return None


def number_in_range(value: int | float) -> bool:
    """Return whether ``value`` fits a double (and so a float column)."""
    try:
        return abs(float(value)) <= MAX_NUMBER
    except OverflowError:
        return False


def to_utc(value: datetime) -> datetime:
    """Return the aware ``value`` in UTC, or raise Django's ValidationError naming the cause."""
    message = offset_error(value)
    if message:
        raise DjangoValidationError(message, code=OFFSET_CODE)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise DjangoValidationError(
            "The time falls outside the years 1 to 9999 in UTC.", code="overflow"
        ) from exc


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField, refusing the offsets PostgreSQL refuses (as the filters do)."""

    default_error_messages = {OFFSET_CODE: OFFSET_MESSAGE}

    def enforce_timezone(self, value):
        if offset_error(value):
            self.fail(OFFSET_CODE)
        return super().enforce_timezone(value)


class SlugRefField(serializers.SlugRelatedField):
    """A reference to a record by its slug: a string without NUL, looked up only then.

    ``many=True`` makes a list bounded by ``max_length``, checked before any item is looked up.
    """

    default_error_messages = {
        NUL_CODE: NUL_MESSAGE,
        "not_a_slug": "Enter a slug (a string).",
    }

    def __init__(self, slug_field="slug", **kwargs):
        super().__init__(slug_field=slug_field, **kwargs)

    @classmethod
    def many_init(cls, *args, max_length=None, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs), "max_length": max_length}
        list_kwargs.update((key, kwargs[key]) for key in kwargs if key in MANY_RELATION_KWARGS)
        return BoundedManyRelatedField(**list_kwargs)

    def run_validation(self, data=serializers.empty):
        # DRF reads "" as null on a nullable reference; "" names no record: say so.
        if data == "":
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_slug")
        if NUL in data:
            self.fail(NUL_CODE)
        return super().to_internal_value(data)


class BoundedManyRelatedField(ManyRelatedField):
    """DRF's list of references, its length checked before any item is looked up."""

    default_error_messages = {
        "max_length": "Ensure this field has no more than {max_length} elements."
    }

    def __init__(self, *, max_length=None, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class BoundedListField(serializers.ListField):
    """DRF's ListField with ``max_length`` checked before the items (DRF checks it after)."""

    def to_internal_value(self, data):
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


# What an assertion's value may be: an entity slug or a choice, a number, a boolean, a range.
VALUE_SCHEMA = {
    "oneOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    ],
    "nullable": True,
}


@extend_schema_field(VALUE_SCHEMA)
class ScalarField(serializers.Field):
    """A string, a number, a boolean, or a range of two numbers: an entity slug, a choice, a
    count, a yes or no, "between 20 and 40"."""

    default_error_messages = {
        "invalid": "Enter a string, a number, true/false, or [low, high] for a range.",
        NUL_CODE: NUL_MESSAGE,
        "out_of_range": f"Enter a number between -{MAX_NUMBER:.1e} and {MAX_NUMBER:.1e}.",
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            if NUL in data:
                self.fail(NUL_CODE)
            return data
        if isinstance(data, bool):
            return data
        if isinstance(data, int | float):
            if not number_in_range(data):
                self.fail("out_of_range")
            return data
        if isinstance(data, list) and len(data) == 2:
            if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in data):
                self.fail("invalid")
            if not all(number_in_range(n) for n in data):
                self.fail("out_of_range")
            return data
        self.fail("invalid")

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "string", "format": "uri", "nullable": True, "maxLength": 1000})
class OptionalURLField(serializers.URLField):
    """A URL, or null when there is none (stored blank): never ``""``, which is no URL."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        is_empty, value = super().validate_empty_values(data)
        return (is_empty, "") if is_empty and value is None else (is_empty, value)

    def to_representation(self, value):
        return value or None


class StringOnlyMixin:
    """Refuse a number where text is due: DRF's CharField would store ``0`` as ``"0"``."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(StringOnlyMixin, serializers.CharField):
    pass


class SlugField(StringOnlyMixin, serializers.SlugField):
    pass


class JsonTypeMixin:
    """Take only the JSON type the schema declares: DRF would read ``"5"`` or ``false`` as 5 or
    0.0, so a client's wrong type would be stored instead of named."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, bool) != (bool in self.json_types) or not isinstance(
            data, self.json_types
        ):
            self.fail("invalid")
        return super().to_internal_value(data)


class FloatField(JsonTypeMixin, serializers.FloatField):
    json_types = (int, float)


class IntegerField(JsonTypeMixin, serializers.IntegerField):
    json_types = (int,)


class BooleanField(JsonTypeMixin, serializers.BooleanField):
    json_types = (bool,)


@extend_schema_field({"type": "string", "format": "uri-reference", "readOnly": True})
class LinkField(serializers.Field):
    """The record's own URL in the API (a path, so it holds behind any host or proxy)."""

    def __init__(self, basename: str, lookup: str = "pk", **kwargs):
        self.basename, self.lookup = basename, lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        key = "slug" if self.lookup == "slug" else "pk"
        if getattr(value, self.lookup) is None:
            return None  # an unsaved record (a draft's claim) has no address yet
        return reverse(f"{self.basename}-detail", kwargs={key: getattr(value, self.lookup)})


_LINK_KEY = "999999999"


@functools.cache
def _link_template(basename: str, prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(f"{basename}-detail", kwargs={"pk": _LINK_KEY}).partition(_LINK_KEY)
    return head, tail


def link(basename: str, pk: int) -> str:
    """Return what ``LinkField(basename)`` shows for ``pk``, reversing once per route.

    A page of 50 conflicts links 150 records; ``reverse()`` for each was a tenth of the page.
    """
    head, tail = _link_template(basename, get_script_prefix())
    return f"{head}{pk}{tail}"


def iso_datetime(value: datetime | None) -> str | None:
    """Return ``value`` as DRF's DateTimeField shows it: ISO 8601, "Z" for UTC."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
