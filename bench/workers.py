"""One against two Celery workers on a full re-check of N assertions (default 1,000,000).

Each run empties the conflict tables first, so every run finds and writes all conflicts, then
times ``recheck_start`` on Celery until the Recheck row says done. Workers run with one process
each on this machine's Redis; the in-process re-check of the same shards is the baseline.

    python bench/workers.py [--assertions N] [--shards 16] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PYTHON, ROOT, ensure_corpus, median, use_database
from recheck import empty_conflicts

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")


def start_workers(count: int, url: str, queue: str, logs: Path) -> list[subprocess.Popen]:
    env = {**os.environ, "DATABASE_URL": url, "CELERY_BROKER_URL": BROKER, "CELERY_QUEUE": queue}
    processes = []
    for index in range(count):
        log = logs / f"worker-{queue}-{index}.log"
        processes.append(
            subprocess.Popen(
                [PYTHON, "-m", "celery", "-A", "contradict", "worker", "--concurrency", "1",
                 "--queues", queue, "--hostname", f"bench{index}-{queue}@%h", "--loglevel",
                 "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )  # fmt: skip
    time.sleep(4)  # let them connect; they log nothing at WARNING when ready
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)


def run_once(shards: int, *, on_workers: bool) -> float:
    from django.test import override_settings

    from statements.models import RecheckStatus
    from statements.services.rechecks import recheck_start

    empty_conflicts()
    broker = BROKER if on_workers else ""
    started = time.perf_counter()
    with override_settings(CELERY_BROKER_URL=broker):
        recheck = recheck_start(shards=shards, reason="bench/workers.py")
    while recheck.status not in (RecheckStatus.DONE, RecheckStatus.FAILED):
        time.sleep(0.05)
        recheck.refresh_from_db()
    elapsed = time.perf_counter() - started
    assert recheck.status == RecheckStatus.DONE, recheck.error
    print(f"    {recheck.backend:7} {elapsed:7.2f} s  found {recheck.found}", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assertions", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    url = ensure_corpus(args.assertions)
    use_database(url)
    from contradict.celery import app

    app.conf.broker_url = BROKER
    results: dict[str, list[float]] = {"in-process": [], "1 worker": [], "2 workers": []}
    with tempfile.TemporaryDirectory() as logs:
        for round_ in range(args.rounds):
            print(f"round {round_ + 1}", flush=True)
            results["in-process"].append(run_once(args.shards, on_workers=False))
            for count in (1, 2):
                queue = f"bench-{uuid.uuid4().hex[:6]}"
                app.conf.task_default_queue = queue
                workers = start_workers(count, url, queue, Path(logs))
                try:
                    results[f"{count} worker{'s' if count > 1 else ''}"].append(
                        run_once(args.shards, on_workers=True)
                    )
                finally:
                    stop(workers)

    one, two = median(results["1 worker"]), median(results["2 workers"])
    print(f"\nfull re-check of {args.assertions:,} assertions, {args.shards} shards + generic")
    for name, values in results.items():
        print(f"  {name:11} median {median(values):7.2f} s  runs {[round(v, 2) for v in values]}")
    print(f"  speed-up from 1 to 2 workers: {one / two:.2f}x  (2 cores on this machine)")


if __name__ == "__main__":
    main()
