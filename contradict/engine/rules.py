"""The contradiction rules: one class per kind, each with a stable code and its own explanation.

A rule compares two assertion facts and returns a ``Finding`` or ``None``. Rules are pure: the
same two facts and world give the same answer whichever order the facts come in (``check``
puts the smaller id first before it looks). The active rules are listed in the settings of the
app (``CONTRADICT_RULES``), like Django's password validators; the engine never reads settings.

``scope`` tells the blocking code which pairs a rule can fire on at all, so nothing compares
all pairs: ``same_predicate`` (same predicate and subject), ``exclusion`` (exclusion partners
on the same subject) or ``generic`` (a generic claim and the instances of its category).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from contradict.engine.facts import (
    ABOUT,
    AT_LEAST,
    AT_MOST,
    BETWEEN,
    BOOLEAN,
    CHOICE,
    ENTITY,
    NUMBER,
    AssertionFact,
    Condition,
    Finding,
    PredicateFact,
    ScanRow,
    World,
)
from contradict.engine.intervals import overlaps
from contradict.engine.text import choice_text, number_text, range_text

# Names an entity id for an explanation; the app passes one that reads names from the record.
Namer = Callable[[int], str]

SAME_PREDICATE, EXCLUSION, GENERIC = "same_predicate", "exclusion", "generic"


def numeric_range(fact: AssertionFact) -> tuple[float, float]:
    """Return the closed range of numbers ``fact`` allows, with the predicate's tolerance.

    "exactly n" allows ``n ± tolerance``; "at least n" from ``n - tolerance`` up; "at most n" up
    to ``n + tolerance``; "about n" allows ``n ± max(tolerance, about_tolerance * |n|)``;
    "between n and m" from ``n - tolerance`` to ``m + tolerance``.
    """
    number = fact.number if fact.number is not None else 0.0
    return value_range(fact.predicate, number, fact.comparator, fact.number_high)


def value_range(
    predicate: PredicateFact, number: float, comparator: str, high: float | None = None
) -> tuple[float, float]:
    """Return the range ``comparator number`` allows under ``predicate``'s tolerances.

    "between n and m" allows ``n - tolerance`` to ``m + tolerance``.
    """
    tolerance = predicate.tolerance
    if comparator == BETWEEN:
        return number - tolerance, (number if high is None else high) + tolerance
    if comparator == AT_LEAST:
        return number - tolerance, math.inf
    if comparator == AT_MOST:
        return -math.inf, number + tolerance
    if comparator == ABOUT:
        spread = max(tolerance, predicate.about_tolerance * abs(number))
        return number - spread, number + spread
    return number - tolerance, number + tolerance


def effective(fact: AssertionFact) -> tuple[bool, object]:
    """Return ``(affirmed, value)`` with a denied boolean read as the affirmed opposite."""
    if fact.predicate.value_type == BOOLEAN and not fact.affirmed and fact.boolean is not None:
        return True, not fact.boolean
    return fact.affirmed, fact.value


def condition_holds(condition: Condition, fact: AssertionFact) -> bool:
    """Return whether ``fact`` satisfies ``predicate <operator> value``.

    A numeric condition holds only if the claim's whole range satisfies it: "at least 1" is
    ``> 0``, "about 1000" is ``> 0``, but "at most 5" is not ``> 0``.
    """
    operator = condition.operator
    if operator == "any":
        return True
    if fact.predicate.value_type == NUMBER:
        if fact.number is None:
            return False
        low, high = numeric_range(fact)
        wanted = float(condition.value)  # type: ignore[arg-type]
        return {
            "eq": low == wanted == high,
            "ne": high < wanted or low > wanted,
            "gt": low > wanted,
            "ge": low >= wanted,
            "lt": high < wanted,
            "le": high <= wanted,
        }.get(operator, False)
    value = effective(fact)[1]
    if operator == "eq":
        return value == condition.value
    if operator == "ne":
        return value != condition.value
    return False


def _same_value(a: AssertionFact, b: AssertionFact) -> bool:
    if a.predicate.value_type == NUMBER:
        return (a.number, a.comparator, a.number_high) == (b.number, b.comparator, b.number_high)
    return a.value == b.value


def _related(a: int, b: int, world: World) -> bool:
    return a in world.lineage(b) or b in world.lineage(a)


class Rule:
    """Base of the rules: subclasses set ``code``, ``kind``, ``scope`` and write ``_check``.

    ``check`` keeps what every rule shares: one order for the pair, overlapping times, and for
    the ``SAME_PREDICATE`` scope the same predicate and subject, so ``_check`` sees only pairs
    its scope allows.
    """

    code = ""
    kind = ""
    scope = SAME_PREDICATE

    def check(self, a: AssertionFact, b: AssertionFact, world: World) -> Finding | None:
        """Return the finding if ``a`` and ``b`` cannot both be true, else ``None``."""
        if a.id == b.id:
            return None
        if a.id > b.id:
            a, b = b, a
        if not overlaps(a.start, a.end, b.start, b.end):
            return None
        if self.scope == SAME_PREDICATE and (
            a.predicate.id != b.predicate.id or a.subject != b.subject
        ):
            return None  # what the scope promises, checked once for every rule that has it
        reason = self._check(a, b, world)
        if reason is None:
            return None
        return self.finding(a, b, world, reason)

    def _check(self, a: AssertionFact, b: AssertionFact, world: World) -> dict | None:
        raise NotImplementedError

    def screen(self, predicate: PredicateFact, rows: Sequence[ScanRow]) -> bool:
        """Return whether two of ``rows`` (scan rows of one predicate and subject) may clash.

        A cheap, conservative test run on every block of a full re-check before any fact is
        built: it may say yes wrongly, never no wrongly. The default only knows that the very
        same claim never clashes with itself.
        """
        return len({row.claim for row in rows}) > 1

    def finding(self, a: AssertionFact, b: AssertionFact, world: World, reason: dict) -> Finding:
        """Return the finding for ``a`` and ``b`` (``a`` has the smaller id) with ``reason``."""
        return Finding(rule=self.code, kind=self.kind, a=a.id, b=b.id, reason=reason)

    # Keys of ``reason`` that hold entity ids (the app stores them as slugs).
    ENTITY_KEYS: tuple[str, ...] = ()

    def why(self, reason: dict, name: Namer) -> str:
        """Return the sentence that says why the two claims cannot both be true."""
        return "The two cannot both be true."


class PolarityRule(Rule):
    """The same claim affirmed by one side and denied by the other, at overlapping times."""

    code = "polarity"
    kind = "polarity"

    def _check(self, a: AssertionFact, b: AssertionFact, world: World) -> dict | None:
        if a.affirmed == b.affirmed or not _same_value(a, b):
            return None
        return {"compared": ["polarity"]}

    def screen(self, predicate: PredicateFact, rows: Sequence[ScanRow]) -> bool:
        affirmed = {row.value for row in rows if row.polarity == "affirmed"}
        return any(row.value in affirmed for row in rows if row.polarity != "affirmed")

    def why(self, reason: dict, name: Namer) -> str:
        return "One affirms what the other denies, about overlapping times."


class ExclusiveValueRule(Rule):
    """Two different values of a single-valued predicate at overlapping times.

    Entity values related by ``part_of`` do not clash (the army is part of the ministry), nor
    does a denied value against a different affirmed one ("not X" and "Y" can both hold). A
    denied boolean is read as the affirmed opposite.
    """

    code = "exclusive_value"
    kind = "exclusive_value"

    def _check(self, a: AssertionFact, b: AssertionFact, world: World) -> dict | None:
        predicate = a.predicate
        if not predicate.single_valued or predicate.value_type not in (ENTITY, CHOICE, BOOLEAN):
            return None
        affirmed_a, value_a = effective(a)
        affirmed_b, value_b = effective(b)
        if not (affirmed_a and affirmed_b) or value_a is None or value_b is None:
            return None
        if value_a == value_b:
            return None
        if predicate.value_type == ENTITY and _related(value_a, value_b, world):  # type: ignore[arg-type]
            return None
        return {"compared": ["value"], "predicate": predicate.slug}

    def screen(self, predicate: PredicateFact, rows: Sequence[ScanRow]) -> bool:
        if not predicate.single_valued or predicate.value_type not in (ENTITY, CHOICE, BOOLEAN):
            return False
        values = set()
        for row in rows:
            if row.polarity == "affirmed":
                values.add((row.object, row.choice, row.boolean))
            elif predicate.value_type == BOOLEAN and row.boolean is not None:
                values.add((None, row.choice, not row.boolean))
        return len(values) > 1

    def why(self, reason: dict, name: Namer) -> str:
        predicate = reason.get("predicate", "the predicate").replace("_", " ")
        return f"{predicate} has one value at a time, and the two values differ."


class NumericRule(Rule):
    """Numbers that cannot both hold, read as ranges (comparator and tolerance).

    Two affirmed claims of a single-valued number clash when their ranges are disjoint ("at
    least 18" and "18" agree; 0 and "about 1000" do not). A denied claim clashes with an
    affirmed one whose whole range lies inside what it denies. The very same number affirmed
    and denied is left to the polarity rule.
    """

    code = "numeric"
    kind = "numeric"

    def _check(self, a: AssertionFact, b: AssertionFact, world: World) -> dict | None:
        predicate = a.predicate
        if predicate.value_type != NUMBER or a.number is None or b.number is None:
            return None
        range_a, range_b = numeric_range(a), numeric_range(b)
        if a.affirmed and b.affirmed:
            if not predicate.single_valued:
                return None
            if range_a[0] <= range_b[1] and range_b[0] <= range_a[1]:
                return None
        elif a.affirmed != b.affirmed:
            if _same_value(a, b):
                return None
            denied, affirmed = (range_b, range_a) if a.affirmed else (range_a, range_b)
            if not (denied[0] <= affirmed[0] and affirmed[1] <= denied[1]):
                return None
        else:
            return None
        return {
            "compared": ["number", "comparator"],
            "ranges": [_json_range(range_a), _json_range(range_b)],
            "tolerance": predicate.tolerance,
            "about_tolerance": predicate.about_tolerance,
        }

    def screen(self, predicate: PredicateFact, rows: Sequence[ScanRow]) -> bool:
        if predicate.value_type != NUMBER:
            return False
        lows, highs, denied = [], [], False
        for row in rows:
            if row.number is None:
                continue
            if row.polarity != "affirmed":
                denied = True
                continue
            low, high = value_range(predicate, row.number, row.comparator, row.number_high)
            lows.append(low)
            highs.append(high)
        if denied and lows:
            return True
        # Ranges on a line are pairwise compatible exactly when the highest low is under the
        # lowest high.
        return predicate.single_valued and len(lows) > 1 and max(lows) > min(highs)

    def why(self, reason: dict, name: Namer) -> str:
        ranges = reason.get("ranges") or []
        if len(ranges) == 2:
            texts = [range_text(*_from_json_range(r)) for r in ranges]
            return (
                f"Read with their comparators and tolerance, one allows {texts[0]} and the "
                f"other {texts[1]}: no number satisfies both."
            )
        return "No number satisfies both."


def _json_range(bounds: tuple[float, float]) -> list[float | None]:
    return [None if math.isinf(value) else value for value in bounds]


def _from_json_range(bounds: list[float | None]) -> tuple[float, float]:
    low, high = bounds
    return (-math.inf if low is None else low, math.inf if high is None else high)


class GenericInstanceRule(Rule):
    """A denied claim about a category against an affirmed claim about one of its members.

    "Our army does not attack any civilian infrastructure" (denied, object a category) clashes
    with "the army struck the mall" when the mall belongs to that category (or one of its
    sub-categories) and the instance's subject is the generic claim's subject or part of it.
    """

    code = "generic_instance"
    kind = "generic_instance"
    scope = GENERIC
    ENTITY_KEYS = ("category", "member")

    def _check(self, a: AssertionFact, b: AssertionFact, world: World) -> dict | None:
        if a.predicate.id != b.predicate.id or a.predicate.value_type != ENTITY:
            return None
        if a.affirmed == b.affirmed or a.object is None or b.object is None:
            return None
        generic, instance = (b, a) if a.affirmed else (a, b)
        category = generic.object
        if category == instance.object or not world.is_category(category):
            return None
        if category not in world.categories(instance.object):
            return None
        if generic.subject not in world.lineage(instance.subject):
            return None
        return {
            "compared": ["object", "categories", "subject part_of"],
            "generic": "a" if generic is a else "b",
            "category": category,
            "member": instance.object,
        }

    def why(self, reason: dict, name: Namer) -> str:
        member, category = name(reason["member"]), name(reason["category"])
        return (
            f"{member} belongs to {category}: what is denied of all {category}, by the same "
            f"actor or one it is part of, is denied of {member} too."
        )


class ExclusionRule(Rule):
    """Two affirmed claims on one subject that a curated exclusion rule says cannot coexist."""

    code = "exclusion"
    kind = "exclusion"
    scope = EXCLUSION

    def _check(self, a: AssertionFact, b: AssertionFact, world: World) -> dict | None:
        if a.subject != b.subject:
            return None
        if not (effective(a)[0] and effective(b)[0]):
            return None
        for exclusion in world.exclusions(a.predicate.id):
            left, right = exclusion.left, exclusion.right
            for first, second in ((a, b), (b, a)):
                if (
                    left.predicate == first.predicate.id
                    and right.predicate == second.predicate.id
                    and condition_holds(left, first)
                    and condition_holds(right, second)
                ):
                    return {
                        "compared": ["exclusion"],
                        "exclusion": exclusion.slug,
                        "left": "a" if first is a else "b",
                        "conditions": [
                            _condition_reason(first.predicate, left),
                            _condition_reason(second.predicate, right),
                        ],
                    }
        return None

    def why(self, reason: dict, name: Namer) -> str:
        conditions = reason.get("conditions") or []
        rule = reason.get("exclusion", "a curated exclusion rule")
        if len(conditions) == 2:
            texts = [_condition_text(*condition) for condition in conditions]
            return (
                f"The curated rule {rule} says {texts[0]} excludes {texts[1]} on the same "
                "subject at the same time."
            )
        return f"The curated rule {rule} says the two cannot hold together."


def _condition_reason(predicate: PredicateFact, condition: Condition) -> list:
    """Return ``[predicate, operator, value, value in words]`` (an entity by slug and name)."""
    value = condition.value
    if condition.slug is not None:
        return [predicate.slug, condition.operator, condition.slug, condition.name]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [predicate.slug, condition.operator, value, number_text(value)]
    return [predicate.slug, condition.operator, value, choice_text(str(value))]


def _condition_text(predicate: str, operator: str, value: object, shown: str) -> str:
    words = predicate.replace("_", " ")
    if operator == "any":
        return f"any {words}"
    return f"{words} {_OPERATOR_TEXT.get(operator, operator)} {shown}"


_OPERATOR_TEXT = {"eq": "=", "ne": "≠", "gt": ">", "ge": "≥", "lt": "<", "le": "≤"}

DEFAULT_RULES: tuple[type[Rule], ...] = (
    PolarityRule,
    ExclusiveValueRule,
    NumericRule,
    GenericInstanceRule,
    ExclusionRule,
)
