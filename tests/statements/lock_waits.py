"""For the PostgreSQL tests that race two connections: wait until one of them waits on a lock."""

import time

from django.db import connection


def a_query_waits(*, advisory_only: bool = False, seconds: float = 10) -> bool:
    """Return whether some query of this database waited on a lock within ``seconds``.

    ``advisory_only`` counts only waits on advisory locks (the block locks of
    ``statements.services.block_locks``), not on rows or foreign keys.
    """
    waiting = "wait_event = 'advisory'" if advisory_only else "wait_event_type = 'Lock'"
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                f" WHERE datname = current_database() AND {waiting}"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False
