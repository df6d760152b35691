"""Serialize writers whose claims could clash, so two concurrent writes never miss each other.

A write inserts its positions, then reads their candidates (``candidates_for``). Under
PostgreSQL's READ COMMITTED, two transactions writing clashing claims at the same moment would
each read before the other committed, and neither would find the conflict. So before reading
candidates, a write takes a transaction-scoped advisory lock (``pg_advisory_xact_lock``) on
every *block* its claims belong to:

- the subject: polarity, exclusive-value, numeric and exclusion clashes are all between claims
  about one subject (an exclusion joins two predicates on the same subject);
- for entity-valued claims, the predicate together with the root of the subject's ``part_of``
  lineage: a generic claim ("no one at the mall was a child") meets instance claims about
  subjects at or below its own, and all of those share the lineage's root.

Whichever of two clashing writers gets a common lock second reads its candidates after the
first committed (each statement of READ COMMITTED takes a fresh snapshot), so it sees the other
claim and records the conflict. Locks are taken in sorted order so two writers touching several
blocks wait instead of deadlocking. Blocks are hashed to 64-bit keys: a collision only makes two
unrelated writes wait for each other. Writes on unrelated blocks do not wait at all, which is why
this is chosen over re-checking touched blocks after commit (a second pass and a window in which
the conflict is missing) or SERIALIZABLE (retries on every overlap of any read).

A write that deletes positions (their last supporter went) locks their blocks, with those of
every position it then checks, in one sorted set, before it reads what clashes with them: a
concurrent writer of a clashing claim then reads its candidates after the deletion committed
and no longer finds them, where it would otherwise write a conflict (or join a dispute) with
a position that is going, and fail its commit on the foreign key. A transaction that checks
in several steps (a loader's deferred batches, several records in one request) takes its
locks step by step, so two of those crossing each other can still deadlock; PostgreSQL then
fails one of them, which rolls back whole.

SQLite needs none of this: it has one writer at a time, and a write holds the database's write
lock from its first insert until commit, so a second writer's candidate read comes after the
first one committed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import connection

from contradict.engine.facts import AssertionFact
from statements.engine_io import DbWorld, predicate_facts
from statements.selectors.candidates import mentioned, position_facts


def block_key(*parts: object) -> int:
    """Return a signed 64-bit advisory-lock key for one block (``"subject", 12``)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def blocks_of(facts: Iterable[AssertionFact], world) -> set[int]:
    """Return the lock keys of the blocks ``facts`` could clash in."""
    keys = set()
    for fact in facts:
        keys.add(block_key("subject", fact.subject))
        if fact.predicate.value_type == "entity" and fact.object is not None:
            root = world.lineage(fact.subject)[0]
            keys.add(block_key("generic", fact.predicate.id, root))
    return keys


def blocks_lock(facts: Iterable[AssertionFact], world) -> list[int]:
    """Lock the blocks of ``facts`` until the transaction ends (PostgreSQL); return the keys."""
    keys = sorted(blocks_of(facts, world))
    if keys and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # One statement; unnest yields the (sorted) keys in order, locked one after another.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key", [keys]
            )
    return keys


def positions_blocks_lock(*, position_ids: Iterable[int]) -> None:
    """Lock the blocks of the stored positions ``position_ids`` (PostgreSQL), as ``blocks_lock``."""
    ids = sorted(set(position_ids))
    if not ids or connection.vendor != "postgresql":
        return
    facts = position_facts(ids, predicate_facts())
    world = DbWorld()
    world.load(mentioned(facts))
    blocks_lock(facts, world)
