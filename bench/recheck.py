"""Full re-check of N assertions against a plain server-side scan of the same rows, same run.

    python bench/recheck.py [--assertions 1000000] [--rounds 3] [--shards 8] [--fresh]

Figures (medians over the rounds, interleaved so both see the same machine):

- scan: the re-check's own scan query (``recheck_scan()``: same rows, same columns, same
  order) streamed through a server-side cursor into Python tuples, nothing else done;
- re-check, nothing changed: ``conflicts_recheck()`` over a record whose conflicts are stored;
- re-check, writing: the same from an empty Conflict table (and its history), so every
  conflict is written;
- the shards of ``conflicts_recheck_shards`` run in-process, from empty, and checked to give
  the same conflicts;
- all pairs, extrapolated: the rules run on random pairs of a sample of facts, the cost per
  pair times n(n-1)/2.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET = 3.0


def empty_conflicts() -> None:
    from django.db import connection

    from statements.models import Conflict

    tables = [Conflict._meta.db_table, Conflict.history.model._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def fingerprints() -> set[str]:
    from statements.models import Conflict, ConflictStatus

    live = Conflict.objects.exclude(status=ConflictStatus.RETRACTED)
    return set(live.values_list("fingerprint", flat=True))


def scan() -> tuple[float, int]:
    from django.db import transaction

    from statements.services.conflicts import SCAN_CHUNK, recheck_scan

    started = time.perf_counter()
    with transaction.atomic():
        rows = recheck_scan().iterator(chunk_size=SCAN_CHUNK)
        counter = deque(enumerate(rows, 1), maxlen=1)
    return time.perf_counter() - started, (counter[0][0] if counter else 0)


def recheck() -> tuple[float, object]:
    from statements.services.conflicts import conflicts_recheck

    started = time.perf_counter()
    counts = conflicts_recheck()
    return time.perf_counter() - started, counts


def recheck_shards(count: int) -> tuple[float, int]:
    from statements.services.conflicts import conflicts_recheck, conflicts_recheck_shards

    started = time.perf_counter()
    shards = conflicts_recheck_shards(count=count)
    for shard in shards:
        conflicts_recheck(shard=shard)
    return time.perf_counter() - started, len(shards)


def all_pairs(total: int, sample: int = 2000, pairs: int = 20000) -> tuple[float, float]:
    """Return (seconds per pair, extrapolated seconds for all pairs of ``total``)."""
    from statements.facts import DbWorld

    from statements.models import Assertion
    from statements.services.conflicts import (
        _fact_rows_by_id,
        _load_facts,
        _mentioned,
        active_rules,
    )

    high = Assertion.objects.order_by("-id").values_list("id", flat=True).first()
    chooser = random.Random(7)
    ids = sorted({chooser.randint(1, high) for _ in range(sample)})
    facts = _load_facts(_fact_rows_by_id(ids), {})
    world = DbWorld()
    world.load(_mentioned(facts))
    world.load_exclusions()
    rules = active_rules()
    chosen = [(chooser.choice(facts), chooser.choice(facts)) for _ in range(pairs)]
    # Warm the world's caches so the timing is the rules', not the database's.
    for a, b in chosen[:2000]:
        for rule in rules:
            rule.check(a, b, world)
    started = time.perf_counter()
    for a, b in chosen:
        for rule in rules:
            rule.check(a, b, world)
    per_pair = (time.perf_counter() - started) / len(chosen)
    return per_pair, per_pair * total * (total - 1) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assertions", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()

    url = common.ensure_corpus(args.assertions, fresh=args.fresh)
    common.use_database(url)
    before = fingerprints()
    scans, unchanged, writing = [], [], []
    rows = 0
    for round_ in range(1, args.rounds + 1):
        seconds, rows = scan()
        scans.append(seconds)
        seconds, counts = recheck()
        unchanged.append(seconds)
        assert counts.new == counts.retracted == counts.restored == 0, counts
        print(f"round {round_}: scan {scans[-1]:.2f} s, re-check unchanged {seconds:.2f} s", end="")
        empty_conflicts()
        seconds, counts = recheck()
        writing.append(seconds)
        assert counts.new == len(before), (counts, len(before))
        print(f", re-check writing {seconds:.2f} s ({counts.new} conflicts)", flush=True)
    assert fingerprints() == before, "a re-check from empty gave other conflicts"

    empty_conflicts()
    shard_seconds, shard_count = recheck_shards(args.shards)
    same = fingerprints() == before
    assert same, "the shards gave other conflicts than the whole re-check"

    per_pair, all_pairs_seconds = all_pairs(rows)
    base = common.median(scans)
    print()
    print(f"assertions                          {rows:>12,}")
    print(f"conflicts                           {len(before):>12,}")
    print(f"plain scan (same query), median     {base:>10.2f} s")
    for label, values in (("nothing changed", unchanged), ("writing conflicts", writing)):
        seconds = common.median(values)
        ratio = seconds / base
        verdict = "meets" if ratio <= TARGET else "misses"
        print(
            f"re-check, {label:<18}median {seconds:>6.2f} s  = {ratio:.2f}x scan "
            f"({verdict} <= {TARGET:g}x)"
        )
    print(
        f"re-check in {shard_count} shards, in-process  {shard_seconds:>6.2f} s  "
        f"= {shard_seconds / base:.2f}x scan (writing; same conflicts: {same})"
    )
    print(
        f"all pairs, extrapolated             {all_pairs_seconds / 3600:>10,.0f} h  "
        f"({per_pair * 1e6:.2f} us per pair x {rows * (rows - 1) // 2:,} pairs)"
    )


if __name__ == "__main__":
    main()
