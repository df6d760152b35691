"""Peak memory of a full re-check at two corpus sizes (target: nearly flat, under 500 MB).

    python bench/memory.py [--sizes 100000 1000000]

Each figure comes from a fresh subprocess per size and per measure, so nothing carries over:
the process's maximum resident set (``resource.getrusage``) before and after a full
re-check, in one subprocess; the ``tracemalloc`` peak of Python allocations during the
re-check, in another (``tracemalloc`` slows the run and adds its own overhead to RSS).
The re-check writes its conflicts from an empty Conflict table, its costliest form.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

LIMIT_MB = 500
GROWTH_TARGET = 1.2  # issue 9: max RSS at 1M within 1.2x the figure at 100k


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure(assertions: int, traced: bool) -> dict:
    common.use_database(common.database_url(assertions))
    import tracemalloc

    from recheck import empty_conflicts

    from statements.models import Assertion
    from statements.services.recheck_scan import conflicts_recheck

    total = Assertion.objects.count()
    empty_conflicts()
    before = _max_rss_mb()
    if traced:
        tracemalloc.start()
    counts = conflicts_recheck()
    result = {"assertions": total, "conflicts": counts.found, "rss_before": before}
    if traced:
        result["traced_peak"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    result["rss_after"] = _max_rss_mb()
    return result


def _run(size: int, traced: bool) -> dict:
    args = [common.PYTHON, __file__, "--measure", str(size)] + (["--traced"] if traced else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.traced)))
        return
    peaks = []
    for size in args.sizes:
        common.ensure_corpus(size)
        plain = _run(size, traced=False)
        traced = _run(size, traced=True)
        peaks.append(plain["rss_after"])
        print(
            f"{plain['assertions']:>10,} assertions ({plain['conflicts']:,} conflicts): "
            f"max RSS {plain['rss_after']:6.0f} MB (process before the re-check "
            f"{plain['rss_before']:.0f} MB), tracemalloc peak {traced['traced_peak']:6.1f} MB"
        )
    growth = peaks[-1] / peaks[0]
    grows = "meets" if growth <= GROWTH_TARGET else "misses"
    verdict = "meets" if max(peaks) < LIMIT_MB else "misses"
    print(
        f"max RSS grows {growth:.2f}x from {args.sizes[0]:,} to {args.sizes[-1]:,} assertions "
        f"({grows} <= {GROWTH_TARGET:g}x); largest {max(peaks):.0f} MB ({verdict} < {LIMIT_MB} MB)"
    )


if __name__ == "__main__":
    main()
