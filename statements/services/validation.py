"""Check an assertion against its predicate, and an exclusion rule against its predicates: the
one place the admin, API and seed loader share.

Errors are ``ValidationError`` dicts keyed by the field at fault, so every caller can name it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from statements.models import (
    Assertion,
    Certainty,
    Comparator,
    ConditionOperator,
    Entity,
    ExclusionRule,
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


def _finite(value: Any) -> bool:
    """Return whether ``value`` is a number a float column can hold (``10**400`` is not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _value_columns(predicate: Predicate, value: Any, comparator: str) -> dict[str, Any]:
    """Return the value columns for ``value`` read as ``predicate`` declares it.

    A range (comparator ``between``) is a list of two numbers, low first.
    """
    columns: dict[str, Any] = {
        "object": None,
        "choice": "",
        "number": None,
        "number_high": None,
        "boolean": None,
    }
    if value is None or value == "":
        raise ValidationError({"value": f"{predicate.slug} needs a value."})
    if comparator == Comparator.BETWEEN and predicate.value_type == ValueType.NUMBER:
        if not isinstance(value, list | tuple) or len(value) != 2 or not all(map(_finite, value)):
            raise ValidationError(
                {"value": "A range (between) takes two finite numbers, low first: [20, 40]."}
            )
        low, high = (float(bound) for bound in value)
        if low > high:
            raise ValidationError({"value": f"The range starts at {low:g}, above its end."})
        columns["number"], columns["number_high"] = low, high
        return columns
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
        if not _finite(value):
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
    a choice slug, a number, ``[low, high]`` with comparator ``between``, or a boolean, as the
    predicate's type says) and optionally
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
    comparator = data.get("comparator") or Comparator.EXACTLY
    _check_choice("comparator", comparator, Comparator)
    columns = _value_columns(predicate, data.get("value"), comparator)
    polarity = data.get("polarity") or Polarity.AFFIRMED
    certainty = data.get("certainty") or Certainty.ASSERTED
    precision = data.get("time_precision") or TimePrecision.DAY
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


# --- Exclusion rules: each side a condition the engine can evaluate. ---

ORDERING_OPERATORS = frozenset({"gt", "ge", "lt", "le"})
CONDITION_SIDES = ("left", "right")


_is_number = _finite


def condition_clean(*, side: str, predicate: Any, operator: Any, value: Any) -> None:
    """Check one side of an exclusion rule, ``predicate <operator> value``, or raise naming it.

    Ordering operators compare numbers, so they take a number predicate and a finite number;
    ``eq``/``ne`` take a value the predicate can have (an existing entity's slug for an entity
    predicate, as the engine looks entity values up by slug); ``any`` takes no value.
    """
    if not isinstance(predicate, Predicate):
        raise ValidationError({f"{side}_predicate": "A condition needs a known predicate."})
    if operator not in ConditionOperator.values:
        raise ValidationError(
            {
                f"{side}_operator": f"{operator!r} is not one of "
                f"{', '.join(ConditionOperator.values)}."
            }
        )
    field = f"{side}_value"
    if operator == ConditionOperator.ANY:
        if value is not None:
            raise ValidationError({field: "'any' matches every value; give no value."})
        return
    if value is None or value == "":
        raise ValidationError({field: f"{operator} needs a value."})
    if operator in ORDERING_OPERATORS:
        if predicate.value_type != ValueType.NUMBER:
            raise ValidationError(
                {
                    f"{side}_operator": f"{operator} compares numbers; {predicate.slug} is a "
                    f"{predicate.value_type} predicate."
                }
            )
        if not _is_number(value):
            raise ValidationError({field: f"{operator} needs a finite number."})
        return
    if predicate.value_type == ValueType.NUMBER:
        if not _is_number(value):
            raise ValidationError({field: f"{predicate.slug} takes a finite number."})
    elif predicate.value_type == ValueType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValidationError({field: f"{predicate.slug} takes true or false."})
    elif predicate.value_type == ValueType.CHOICE:
        if not isinstance(value, str) or value not in predicate.choices:
            raise ValidationError(
                {
                    field: f"{value!r} is not one of {predicate.slug}'s choices: "
                    f"{', '.join(predicate.choices)}."
                }
            )
    elif predicate.value_type == ValueType.ENTITY and (
        not isinstance(value, str) or not Entity.objects.filter(slug=value).exists()
    ):
        # The engine reads an entity value as a slug (``load_exclusions``); a slug it cannot
        # find would make the rule silently never match.
        raise ValidationError({field: f"{value!r} is not the slug of a known entity."})


def exclusion_rule_clean(*, fields: Mapping[str, Any]) -> None:
    """Check an exclusion rule's two conditions (``left_*`` and ``right_*``) or raise naming
    the field at fault."""
    for side in CONDITION_SIDES:
        condition_clean(
            side=side,
            predicate=fields.get(f"{side}_predicate"),
            operator=fields.get(f"{side}_operator"),
            value=fields.get(f"{side}_value"),
        )
    if fields["left_predicate"].pk == fields["right_predicate"].pk:
        raise ValidationError(
            {"right_predicate": "An exclusion rule relates two different predicates."}
        )


# --- Predicates: a change must keep every stored assertion and rule meaningful. ---


def predicate_change_clean(*, predicate: Predicate, fields: Mapping[str, Any]) -> None:
    """Check that changing the stored ``predicate`` to ``fields`` keeps its assertions valid.

    Refuse, naming the field, a new value type while assertions use the predicate, dropping a
    choice an assertion holds, subject or object kinds that an assertion's entities are not, and
    a value type or choices that an exclusion rule's condition on the predicate no longer fits.
    """

    def changed(name: str) -> bool:
        return name in fields and fields[name] != getattr(predicate, name)

    used = Assertion.objects.filter(predicate=predicate)
    if changed("value_type") and used.exists():
        raise ValidationError(
            {
                "value_type": f"{predicate.slug} is a {predicate.value_type} predicate used by "
                f"{used.count()} assertion(s); its value type cannot change."
            }
        )
    if changed("choices"):
        removed = set(predicate.choices) - set(fields["choices"] or [])
        in_use = sorted(
            set(used.filter(choice__in=removed).values_list("choice", flat=True).distinct())
        )
        if in_use:
            raise ValidationError(
                {"choices": f"Assertions still hold {', '.join(in_use)}; keep those choices."}
            )
    for name, column in (("subject_kinds", "subject"), ("object_kinds", "object")):
        kinds = fields.get(name) or []
        if not changed(name) or not kinds:
            continue
        stray = sorted(
            set(
                used.filter(**{f"{column}__isnull": False})
                .exclude(**{f"{column}__kind__in": kinds})
                .values_list(f"{column}__kind", flat=True)
                .distinct()
            )
        )
        if stray:
            raise ValidationError(
                {name: f"Assertions of {predicate.slug} have {column}s of kind {', '.join(stray)}."}
            )
    if changed("value_type") or changed("choices"):
        proposed = Predicate(
            pk=predicate.pk,
            slug=predicate.slug,
            value_type=fields.get("value_type", predicate.value_type),
            choices=fields.get("choices", predicate.choices),
        )
        field = "value_type" if changed("value_type") else "choices"
        rules = ExclusionRule.objects.filter(
            models.Q(left_predicate=predicate) | models.Q(right_predicate=predicate)
        ).select_related("left_predicate", "right_predicate")
        for rule in rules:
            for side in CONDITION_SIDES:
                if getattr(rule, f"{side}_predicate_id") != predicate.pk:
                    continue
                try:
                    condition_clean(
                        side=side,
                        predicate=proposed,
                        operator=getattr(rule, f"{side}_operator"),
                        value=getattr(rule, f"{side}_value"),
                    )
                except ValidationError as error:
                    message = " ".join(error.messages)
                    raise ValidationError(
                        {field: f"The exclusion rule {rule.slug} would no longer fit: {message}"}
                    ) from error
