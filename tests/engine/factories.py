"""Hand-built facts for engine tests: a small made-up world, no database."""

from __future__ import annotations

from contradict.engine.facts import (
    EVIDENCE,
    STATEMENT,
    AssertionFact,
    Condition,
    ExclusionFact,
    PredicateFact,
    Supporter,
)
from contradict.engine.world import StaticWorld

DAY = 86400.0
# Entities: a council (root) with its spokesperson and its parks department; a rival paper.
COUNCIL, SPOKESPERSON, PARKS, PAPER, REPORTER = 1, 2, 3, 4, 5
# Things claims are about.
LIBRARY, POOL, FOUNTAIN, CAFE = 10, 11, 12, 13
# Categories: public buildings, with heritage buildings below them.
PUBLIC_BUILDINGS, HERITAGE = 20, 21

OPENING = PredicateFact(1, "opening_state", "choice", single_valued=True)
VISITORS = PredicateFact(2, "visitors", "number", single_valued=True, about_tolerance=0.5)
DEMOLISHED = PredicateFact(3, "demolished", "entity")
RUN_BY = PredicateFact(4, "run_by", "entity", single_valued=True)
HEATED = PredicateFact(5, "heated", "boolean", single_valued=True)
NOISE = PredicateFact(6, "noise_complaints", "number")

CLOSED_EXCLUDES_VISITORS = ExclusionFact(
    1,
    "closed-excludes-visitors",
    Condition(OPENING.id, "eq", "closed"),
    Condition(VISITORS.id, "gt", 0),
)


def world() -> StaticWorld:
    return StaticWorld(
        parents={
            SPOKESPERSON: COUNCIL,
            PARKS: COUNCIL,
            REPORTER: PAPER,
            HERITAGE: PUBLIC_BUILDINGS,
        },
        memberships={LIBRARY: [HERITAGE], POOL: [PUBLIC_BUILDINGS]},
        category_ids=[PUBLIC_BUILDINGS, HERITAGE],
        exclusions=[CLOSED_EXCLUDES_VISITORS],
    )


def said(speaker: int, day: int = 0, *, position: int = 1, certainty="asserted") -> Supporter:
    """Return a statement by ``speaker`` on ``day`` holding ``position``."""
    return Supporter(
        position,
        STATEMENT,
        100 + speaker * 10 + day,
        speaker=speaker,
        time=day * DAY,
        certainty=certainty,
    )


def shown(grade: str = "B2", *, position: int = 2, certainty="asserted") -> Supporter:
    """Return an evidence item graded ``grade`` holding ``position``."""
    return Supporter(position, EVIDENCE, 900, time=0.0, grade=grade, certainty=certainty)


def fact(id: int, predicate: PredicateFact, subject: int = LIBRARY, **fields) -> AssertionFact:
    """Return a position: a claim of ``predicate`` about ``subject``, for a day by default."""
    fields.setdefault("start", 0.0)
    fields.setdefault("end", DAY)
    return AssertionFact(id=id, predicate=predicate, subject=subject, **fields)
