"""Frozen facts the rules see. The app builds them from rows; tests build them by hand.

Times are seconds since the epoch (UTC), already widened to their precision, so a date-only
assertion covers its whole day. ``None`` is an open bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

# Value types, comparators, polarity and certainty use the same strings as the models.
ENTITY, CHOICE, NUMBER, BOOLEAN = "entity", "choice", "number", "boolean"
EXACTLY, AT_LEAST, AT_MOST, ABOUT = "exactly", "at_least", "at_most", "about"
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


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an assertion comes from: a statement (with its speaker) or an evidence item."""

    kind: str  # STATEMENT or EVIDENCE
    id: int  # the statement's or the evidence item's id
    speaker: int | None = None  # entity id of the speaker, for statements
    time: float | None = None  # when it was said or captured
    grade: str | None = None  # Admiralty grade such as "B2", for evidence


@dataclass(frozen=True, slots=True)
class AssertionFact:
    """One typed claim. Exactly one of object / choice / number / boolean holds its value."""

    id: int
    predicate: PredicateFact
    subject: int
    object: int | None = None
    choice: str | None = None
    number: float | None = None
    boolean: bool | None = None
    comparator: str = EXACTLY
    affirmed: bool = True
    start: float | None = None
    end: float | None = None
    certainty: str = ASSERTED
    origin: Origin = field(default_factory=lambda: Origin(STATEMENT, 0))

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
class Attribution:
    """What an explanation names about one side: who, what words, where, when, what grade."""

    who: str  # speaker name, or the evidence item's title
    quote: str  # the verbatim quote, or the evidence description
    source: str
    date: str  # ISO date or date-time as known
    grade: str | None = None
    value: str = ""  # the assertion rendered for a reader: "facility_status(Amstor) = operational"


@dataclass(frozen=True, slots=True)
class Finding:
    """A pair that cannot both be true, as found by one rule. ``a`` has the smaller id."""

    rule: str
    kind: str
    a: int
    b: int
    pair_class: str
    score: float
    reason: dict
