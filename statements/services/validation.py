"""Check an assertion against its predicate: the one place the admin, API and seed loader share.

Errors are ``ValidationError`` dicts keyed by the field at fault, so every caller can name it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from statements.models import (
    Certainty,
    Comparator,
    Entity,
    Polarity,
    Predicate,
    TimePrecision,
    ValueType,
)

VALUE_COLUMNS = ("object", "choice", "number", "boolean")


def _check_kind(entity: Entity, allowed: list[str], field: str, predicate: Predicate) -> None:
    if allowed and entity.kind not in allowed:
        raise ValidationError(
            {
                field: f"{predicate.slug} accepts a {field} of kind {', '.join(allowed)}; "
                f"{entity.slug} is a {entity.kind}."
            }
        )


def _value_columns(predicate: Predicate, value: Any) -> dict[str, Any]:
    """Return the value columns for ``value`` read as ``predicate`` declares it."""
    columns: dict[str, Any] = {"object": None, "choice": "", "number": None, "boolean": None}
    if value is None or value == "":
        raise ValidationError({"value": f"{predicate.slug} needs a value."})
    if predicate.value_type == ValueType.ENTITY:
        if not isinstance(value, Entity):
            raise ValidationError({"value": f"{predicate.slug} takes an entity as its value."})
        _check_kind(value, predicate.object_kinds, "object", predicate)
        columns["object"] = value
    elif predicate.value_type == ValueType.CHOICE:
        if not isinstance(value, str) or value not in predicate.choices:
            raise ValidationError(
                {
                    "value": f"{value!r} is not one of {predicate.slug}'s choices: "
                    f"{', '.join(predicate.choices)}."
                }
            )
        columns["choice"] = value
    elif predicate.value_type == ValueType.NUMBER:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValidationError({"value": f"{predicate.slug} takes a finite number."})
        columns["number"] = float(value)
    elif predicate.value_type == ValueType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValidationError({"value": f"{predicate.slug} takes true or false."})
        columns["boolean"] = value
    return columns


def _check_choice(field: str, value: Any, choices: type) -> None:
    if value not in choices.values:
        raise ValidationError(
            {field: f"{value!r} is not one of {', '.join(map(str, choices.values))}."}
        )


def assertion_clean(*, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the model fields of an assertion described by ``data``, or raise naming the field.

    ``data`` holds ``predicate`` (a Predicate), ``subject`` (an Entity), ``value`` (an Entity,
    a choice slug, a number or a boolean, as the predicate's type says) and optionally
    ``comparator``, ``polarity``, ``valid_from``, ``valid_until``, ``time_precision``,
    ``certainty`` and ``note``.
    """
    predicate = data.get("predicate")
    subject = data.get("subject")
    if not isinstance(predicate, Predicate):
        raise ValidationError({"predicate": "An assertion needs a known predicate."})
    if not isinstance(subject, Entity):
        raise ValidationError({"subject": "An assertion needs a known subject entity."})
    _check_kind(subject, predicate.subject_kinds, "subject", predicate)
    columns = _value_columns(predicate, data.get("value"))

    comparator = data.get("comparator") or Comparator.EXACTLY
    polarity = data.get("polarity") or Polarity.AFFIRMED
    certainty = data.get("certainty") or Certainty.ASSERTED
    precision = data.get("time_precision") or TimePrecision.DAY
    _check_choice("comparator", comparator, Comparator)
    _check_choice("polarity", polarity, Polarity)
    _check_choice("certainty", certainty, Certainty)
    _check_choice("time_precision", precision, TimePrecision)
    if comparator != Comparator.EXACTLY and predicate.value_type != ValueType.NUMBER:
        raise ValidationError(
            {"comparator": f"{comparator} applies to numbers; {predicate.slug} is not numeric."}
        )

    valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
    if valid_from and valid_until and valid_from > valid_until:
        raise ValidationError({"valid_until": "The interval ends before it starts."})

    return {
        "predicate": predicate,
        "subject": subject,
        **columns,
        "comparator": comparator,
        "polarity": polarity,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "time_precision": precision,
        "certainty": certainty,
        "note": data.get("note") or "",
    }
