"""Where a full re-check's time goes: the writing re-check under cProfile, by phase.

    python bench/profile_recheck.py [--assertions 1000000] [--unchanged]

Empties the conflicts and disputes (as ``bench/recheck.py`` does for its writing figure), runs
``conflicts_recheck()`` under cProfile and prints, for each phase, the cumulative seconds of
the functions that make it up and their share of the profiled wall time; then the time spent
waiting on PostgreSQL (psycopg's ``wait``). cProfile slows Python code about 1.5x, so the
shares, not the seconds, are what to compare with ``bench/recheck.py``. ``--unchanged`` profiles
a re-check of a record whose conflicts are stored instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

# Phase -> (file suffix, function name) whose cumulative time is the phase's.
PHASES = {
    "scan: rows from the server-side cursor": [("recheck_scan.py", "<genexpr>")],
    "screen: which subject blocks can clash (engine)": [("blocking.py", "candidates")],
    "facts of the kept rows (from the scan's columns)": [("candidates.py", "load_facts")],
    "world: entities, lineage, categories": [("engine_io.py", "load")],
    "rules on the kept blocks (engine)": [("__init__.py", "check_block")],
    "generic claims and their instances": [("candidates.py", "generic_instances")],
    "supporters of the positions in conflict": [("candidates.py", "supporters_of")],
    "rows derived: reasons, supporter pairs, score": [("findings.py", "derive_all")],
    "names for explanations": [("explanations.py", "load")],
    "explanations rendered": [("explanations.py", "conflict_explanation")],
    "conflicts, disputes and history inserted (COPY)": [
        ("history_writes.py", "create_with_history")
    ],
    "conflicts and their history updated": [("utils.py", "bulk_update_with_history")],
    "disputes rebuilt (their inserts counted above too)": [("disputes.py", "disputes_rebuild")],
}


def cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    total = 0.0
    for (filename, _line, function), row in stats.stats.items():
        if function == name and filename.endswith(suffix):
            total += row[3]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assertions", type=int, default=1_000_000)
    parser.add_argument("--unchanged", action="store_true")
    args = parser.parse_args()

    common.use_database(common.ensure_corpus(args.assertions))
    from recheck import empty_conflicts

    from statements.services.recheck_scan import conflicts_recheck

    if not args.unchanged:
        empty_conflicts()
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    counts = conflicts_recheck()
    profile.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profile)
    kind = "unchanged" if args.unchanged else "writing"
    print(f"re-check ({kind}) of {args.assertions:,} assertions under cProfile: {wall:.1f} s")
    print(f"  {counts.new:,} new, {counts.unchanged:,} unchanged, {counts.retracted:,} retracted")
    for phase, functions in PHASES.items():
        seconds = sum(cumulative(stats, suffix, name) for suffix, name in functions)
        print(f"  {phase:<52} {seconds:7.2f} s  {100 * seconds / wall:5.1f} %")
    waiting = cumulative(stats, "psycopg/connection.py", "wait")
    label = "(of all the above) waiting on PostgreSQL"
    print(f"  {label:<52} {waiting:7.2f} s  {100 * waiting / wall:5.1f} %")


if __name__ == "__main__":
    main()
