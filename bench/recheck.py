"""Full re-check of N assertions against a plain server-side scan of the same rows, same run.

    python bench/recheck.py [--assertions 1000000] [--rounds 3] [--shards N] [--fresh]

Figures (medians over the rounds, interleaved so both see the same machine):

- raw scan: the assertions' claim and time columns (what the re-check has to know of every
  assertion, the same columns its scan reads) streamed unordered through a server-side cursor
  into Python tuples, nothing else done; and the claim columns alone (the earlier baseline);
- ordered scan: every position as the re-check's scan reads it (``positions_scan()``, in
  (subject, predicate) order), streamed the same way;
- re-check, nothing changed: ``conflicts_recheck()`` over a record whose conflicts are stored;
- re-check, writing: the same from an empty Conflict table (and its history), so every
  conflict is written;
- the command's re-check, nothing changed and writing: ``recheck_start()`` as
  ``manage.py conflicts_recheck`` runs it without a broker (``--shards``, default
  ``CONTRADICT_RECHECK_SHARDS_INLINE``, 4, each in its own transaction,
  ``CONTRADICT_RECHECK_THREADS`` at a time on PostgreSQL), checked to give the same conflicts;
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

TARGET = 2.0  # issue 9: a full re-check within 2x a raw unordered scan


def empty_conflicts() -> None:
    """Empty the conflicts and disputes (and their history), so a re-check writes them all."""
    from django.db import connection

    from statements.models import Conflict, Dispute, DisputeMember

    tables = [
        Conflict._meta.db_table,
        Conflict.history.model._meta.db_table,
        DisputeMember._meta.db_table,
        Dispute.history.model._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        cursor.execute(f"DELETE FROM {Dispute._meta.db_table}")
        for table in (*tables, Dispute._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {table}")


def fingerprints() -> set[tuple]:
    """Return the live conflicts by content: both positions' keys and the rules."""
    from statements.models import Conflict, ConflictStatus

    live = Conflict.objects.exclude(status=ConflictStatus.RETRACTED)
    return set(live.values_list("position_a__key", "position_b__key", "rules"))


def _stream(queryset) -> tuple[float, int]:
    from django.db import transaction

    from statements.services.recheck_scan import SCAN_CHUNK

    started = time.perf_counter()
    with transaction.atomic():
        rows = queryset.iterator(chunk_size=SCAN_CHUNK)
        counter = deque(enumerate(rows, 1), maxlen=1)
    return time.perf_counter() - started, (counter[0][0] if counter else 0)


def raw_scan() -> tuple[float, int]:
    """Stream every assertion's claim and time columns, unordered: what a re-check reads.

    The same columns as the re-check's scan (``fact_columns()``: times as epoch seconds),
    from the assertions: the least a re-check must know of every claim.
    """
    from statements.engine_io import fact_columns
    from statements.models import Assertion

    return _stream(Assertion.objects.order_by().values_list(*fact_columns()))


def narrow_scan() -> tuple[float, int]:
    """Stream the assertions' claim columns only (no times), unordered: the earlier baseline."""
    from statements.engine_io import FACT_FIELDS
    from statements.models import Assertion

    return _stream(Assertion.objects.order_by().values_list(*FACT_FIELDS[:10]))


def scan() -> tuple[float, int]:
    from statements.services.recheck_scan import positions_scan

    return _stream(positions_scan())


def recheck() -> tuple[float, object]:
    from statements.services.recheck_scan import conflicts_recheck

    started = time.perf_counter()
    counts = conflicts_recheck()
    return time.perf_counter() - started, counts


def recheck_command(shards: int | None) -> tuple[float, object]:
    """Time the re-check as ``manage.py conflicts_recheck`` runs it without a broker.

    ``recheck_start``: ``shards`` (default ``CONTRADICT_RECHECK_SHARDS_INLINE``), each in its
    own transaction, ``CONTRADICT_RECHECK_THREADS`` at a time on PostgreSQL; the last one
    rebuilds the disputes.
    """
    from statements.services.rechecks import recheck_start

    started = time.perf_counter()
    recheck = recheck_start(shards=shards, reason="bench/recheck.py")
    return time.perf_counter() - started, recheck


def all_pairs(total: int, sample: int = 2000, pairs: int = 20000) -> tuple[float, float]:
    """Return (seconds per pair, extrapolated seconds for all pairs of ``total``)."""
    from statements.engine_io import DbWorld
    from statements.models import Position
    from statements.rules import active_rules
    from statements.selectors.candidates import mentioned, position_facts

    high = Position.objects.order_by("-id").values_list("id", flat=True).first()
    chooser = random.Random(7)
    ids = sorted({chooser.randint(1, high) for _ in range(sample)})
    facts = position_facts(ids, {})
    world = DbWorld()
    world.load(mentioned(facts))
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


def _against(values: list[float], base: float) -> tuple[float, float, str]:
    """Return the median of ``values``, its ratio to ``base`` and whether that meets TARGET."""
    seconds = common.median(values)
    ratio = seconds / base
    return seconds, ratio, "meets" if ratio <= TARGET else "misses"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assertions", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shards", type=int, help="shards of the command's re-check")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()

    url = common.ensure_corpus(args.assertions, fresh=args.fresh)
    common.use_database(url)
    from django.conf import settings

    before = fingerprints()
    raw_scans, narrow_scans, scans, unchanged, writing = [], [], [], [], []
    command_unchanged, command_writing = [], []
    rows = positions = 0
    for round_ in range(1, args.rounds + 1):
        seconds, rows = raw_scan()
        raw_scans.append(seconds)
        narrow_scans.append(narrow_scan()[0])
        seconds, positions = scan()
        scans.append(seconds)
        seconds, counts = recheck()
        unchanged.append(seconds)
        assert counts.new == counts.retracted == counts.restored == 0, counts
        seconds, command = recheck_command(args.shards)
        command_unchanged.append(seconds)
        assert command.new == command.retracted == command.restored == 0, command
        print(
            f"round {round_}: raw scan {raw_scans[-1]:.2f} s (claim columns only "
            f"{narrow_scans[-1]:.2f} s), ordered scan {scans[-1]:.2f} s, "
            f"re-check unchanged {unchanged[-1]:.2f} s (the command's {seconds:.2f} s)",
            end="",
        )
        empty_conflicts()
        seconds, counts = recheck()
        writing.append(seconds)
        assert counts.new == len(before), (counts, len(before))
        assert fingerprints() == before, "a re-check from empty gave other conflicts"
        empty_conflicts()
        seconds, command = recheck_command(args.shards)
        command_writing.append(seconds)
        assert command.new == len(before), (command.new, len(before))
        assert fingerprints() == before, "the command's shards gave other conflicts"
        print(
            f", re-check writing {writing[-1]:.2f} s (the command's {seconds:.2f} s; "
            f"{counts.new} conflicts)",
            flush=True,
        )

    per_pair, all_pairs_seconds = all_pairs(rows)
    base = common.median(raw_scans)
    ordered = common.median(scans)
    narrow = common.median(narrow_scans)
    print()
    print(f"assertions                          {rows:>12,}")
    print(f"positions                           {positions:>12,}")
    print(f"conflicts                           {len(before):>12,}")
    print(f"raw unordered scan of assertions    {base:>10.2f} s  (claim and time columns)")
    print(f"the same, claim columns only        {narrow:>10.2f} s")
    print(f"ordered scan of positions           {ordered:>10.2f} s")
    command = (
        f"the command's re-check ({args.shards or settings.CONTRADICT_RECHECK_SHARDS_INLINE} "
        f"shards, {settings.CONTRADICT_RECHECK_THREADS} at a time)"
    )
    for label, values, beside_other_scans in (
        ("re-check, nothing changed", unchanged, True),
        ("re-check, writing conflicts", writing, True),
        (f"{command}, nothing changed", command_unchanged, False),
        (f"{command}, writing", command_writing, False),
    ):
        seconds, ratio, verdict = _against(values, base)
        line = f"{label}: median {seconds:.2f} s = {ratio:.2f}x raw scan ({verdict} <= {TARGET:g}x)"
        if beside_other_scans:
            line += (
                f", {seconds / narrow:.2f}x the claim-only scan, "
                f"{seconds / ordered:.2f}x the ordered scan"
            )
        print(line)
    print(
        f"all pairs, extrapolated             {all_pairs_seconds / 3600:>10,.0f} h  "
        f"({per_pair * 1e6:.2f} us per pair x {rows * (rows - 1) // 2:,} pairs)"
    )


if __name__ == "__main__":
    main()
