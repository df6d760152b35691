"""Memory of a bulk export streamed through the API, on a corpus of any size.

    DATABASE_URL=sqlite:///var/corpus.sqlite3 python bench/export_memory.py [--kinds statements]

Build the corpus first (``manage.py corpus_generate 200000`` and ``conflicts_recheck``). For
each kind and format, a fresh subprocess streams the whole export through the test client and
records the Python heap (``tracemalloc``) and the process's maximum resident set after the
first tenth of the body and at its end: an export in constant memory has the same peak at
both points, whatever the corpus holds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure(kind: str, fmt: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contradict.settings")
    os.environ["API_THROTTLE_EXPORT"] = "1000/minute"
    import django

    django.setup()
    import tracemalloc

    from django.test import Client

    from statements.interchange.exports import KINDS

    total = KINDS[kind].queryset().count()
    tracemalloc.start()
    started = time.perf_counter()
    response = Client().get(f"/api/exports/{kind}/?format={fmt}")
    rows = size = 0
    early = None
    for block in response.streaming_content:
        size += len(block)
        rows += block.count(b"\n")
        if early is None and rows >= total / 10:
            early = {
                "heap_peak_mb": tracemalloc.get_traced_memory()[1] / 2**20,
                "rss_mb": _rss_mb(),
            }
    elapsed = time.perf_counter() - started
    return {
        "kind": kind,
        "format": fmt,
        "records": total,
        "lines": rows,
        "body_mb": round(size / 2**20, 1),
        "seconds": round(elapsed, 1),
        "after_a_tenth": {k: round(v, 1) for k, v in (early or {}).items()},
        "at_the_end": {
            "heap_peak_mb": round(tracemalloc.get_traced_memory()[1] / 2**20, 1),
            "rss_mb": round(_rss_mb(), 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", default=["statements", "evidence", "conflicts"])
    parser.add_argument("--formats", nargs="+", default=["ndjson", "csv"])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one)))
        return
    for kind in args.kinds:
        for fmt in args.formats:
            out = subprocess.run(
                [sys.executable, __file__, "--one", kind, fmt],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            print(out.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
