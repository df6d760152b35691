"""Turn assertions into facts, run the engine, and upsert its findings as Conflict rows.

(Filled in by the rule-engine work, issue 4. The two entry points below are what the record
services call after every write.)
"""

from collections.abc import Iterable


def conflicts_check_assertions(*, assertion_ids: Iterable[int]) -> None:
    """Check the given assertions against their candidates and upsert/retract conflicts."""


def conflicts_forget_assertions(*, assertion_ids: Iterable[int]) -> None:
    """Prepare for the deletion of assertions: their conflicts go with them (history keeps them)."""
