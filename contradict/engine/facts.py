"""Frozen facts the rules see. The app builds them from rows; tests build them by hand.

Times are seconds since the epoch (UTC), already widened to their precision, so a date-only
assertion covers its whole day. ``None`` is an open bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

# Value types, comparators, polarity and certainty use the same strings as the models.
ENTITY, CHOICE, NUMBER, BOOLEAN = "entity", "choice", "number", "boolean"
EXACTLY, AT_LEAST, AT_MOST, ABOUT, BETWEEN = "exactly", "at_least", "at_most", "about", "between"
ASSERTED, LIKELY, POSSIBLE = "asserted", "likely", "possible"
STATEMENT, EVIDENCE = "statement", "evidence"


@dataclass(frozen=True, slots=True)
class PredicateFact:
    """A predicate's declared semantics."""

    id: int
    slug: str
    value_type: str
    single_valued: bool = False
    tolerance: float = 0.0
    about_tolerance: float = 0.25
    name: str = ""  # in words, for explanations; the rules never read it


@dataclass(frozen=True, slots=True)
class AssertionFact:
    """One typed claim. Exactly one of object / choice / number / boolean holds its value.

    The app hands the rules one fact per *position* (a claim however many supporters repeat
    it), so ``id`` is a position id: who holds a claim is the supporters' business, not the
    rules'. A range ("between 20 and 40") keeps its low bound in ``number`` and its high bound
    in ``number_high``.
    """

    id: int
    predicate: PredicateFact
    subject: int
    object: int | None = None
    choice: str | None = None
    number: float | None = None
    boolean: bool | None = None
    comparator: str = EXACTLY
    number_high: float | None = None
    affirmed: bool = True
    start: float | None = None
    end: float | None = None

    @property
    def value(self) -> object:
        """Return the value whatever column it sits in."""
        if self.object is not None:
            return self.object
        if self.choice is not None:
            return self.choice
        if self.number is not None:
            return self.number
        return self.boolean


@dataclass(frozen=True, slots=True)
class Condition:
    """One side of an exclusion rule: ``predicate <operator> value``."""

    predicate: int  # predicate id
    operator: str  # eq, ne, gt, ge, lt, le, any
    value: object = None  # a choice slug, an entity id, a number or a boolean
    slug: str | None = None  # for an entity value: its slug, for machine-readable reasons
    name: str | None = None  # for an entity value: its name, for explanations


class ScanRow(NamedTuple):
    """The row of one position a full re-check streams, in (subject, predicate) order."""

    id: int
    subject: int
    predicate: int
    object: int | None
    choice: str
    number: float | None
    boolean: bool | None
    comparator: str
    number_high: float | None
    polarity: str
    # When the claim holds (epoch seconds, or datetimes), read in the scan so a kept row
    # becomes a fact without reading its position again.
    valid_from: float | datetime | None = None
    valid_until: float | datetime | None = None
    time_precision: str = "second"

    @property
    def value(self) -> tuple:
        """Return what the row claims of its predicate and subject, polarity aside."""
        return self[3:9]

    @property
    def claim(self) -> tuple:
        """Return what the row claims of its predicate and subject, polarity included."""
        return self[3:10]


@dataclass(frozen=True, slots=True)
class ExclusionFact:
    """Curated knowledge: an affirmed ``left`` excludes an affirmed ``right``."""

    id: int
    slug: str
    left: Condition
    right: Condition


class World(Protocol):
    """What rules may ask about entities beyond the two facts they compare."""

    def lineage(self, entity: int) -> tuple[int, ...]:
        """Return the ``part_of`` chain from the root down to ``entity`` (itself last)."""
        ...

    def categories(self, entity: int) -> frozenset[int]:
        """Return every category ``entity`` belongs to, with their super-categories."""
        ...

    def exclusions(self, predicate: int) -> tuple[ExclusionFact, ...]:
        """Return the active exclusion rules that mention ``predicate`` on either side."""
        ...

    def is_category(self, entity: int) -> bool:
        """Return whether ``entity`` is a category (so a claim about it is a generic claim)."""
        ...


@dataclass(frozen=True, slots=True)
class Supporter:
    """One statement or evidence item holding a position: what pair classes and scores read."""

    position: int
    kind: str  # STATEMENT or EVIDENCE
    record: int  # the statement's or the evidence item's id
    speaker: int | None = None  # entity id of the speaker, for statements
    time: float | None = None  # when it was said or captured (epoch seconds)
    grade: str | None = None  # Admiralty grade such as "B2", for evidence
    certainty: str = ASSERTED


@dataclass(frozen=True, slots=True)
class Finding:
    """Two positions that cannot both be true, as one rule sees it. ``a`` has the smaller id.

    ``reason`` holds what the rule compared beyond the two claims themselves; entity ids in it
    sit under the keys the rule lists in ``ENTITY_KEYS`` so the app can name them.
    """

    rule: str
    kind: str
    a: int
    b: int
    reason: dict
