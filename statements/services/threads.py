"""Database work spread over threads, each on a connection of its own.

Long work (a re-check's shards, the dispute rebuild's parts) runs a few parts at once so that
while one part waits on PostgreSQL another computes, as Celery workers would. Each thread
opens its own connection (Django's connections are per thread) and closes it when its part
ends; a part sees only what is committed, so the caller must not hold uncommitted rows the
parts need.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.db import connection, connections


def threads_usable(threads: int) -> int:
    """Return how many threads may run parts here: ``threads`` on PostgreSQL, else 1.

    One on SQLite (one writer at a time) and inside a transaction, whose rows the threads'
    own connections could not see.
    """
    if threads > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        return threads
    return 1


def run_in_threads(parts: Sequence[Callable[[], None]], *, threads: int, name: str) -> None:
    """Run ``parts`` ``threads`` at a time; the first failure is raised, unstarted parts dropped.

    Running parts end before this returns (a Ctrl-C too), so no thread outlives its caller.
    """

    def run(part: Callable[[], None]) -> None:
        try:
            part()
        finally:
            connections.close_all()  # this thread's own connection, opened for the part

    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
    try:
        futures = [pool.submit(run, part) for part in parts]
        for future in as_completed(futures):
            if future.exception() is not None:
                raise future.exception()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
