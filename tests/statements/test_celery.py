"""Full re-checks on real Celery workers against the machine's Redis and PostgreSQL.

Each test starts its own worker processes (stopped afterwards) on a queue of its own, and
compares what the workers wrote with what the in-process re-check writes. The workers reach
the test database over the network, so these tests need PostgreSQL (SQLite's test database
lives in this process's memory) and Redis on 127.0.0.1:6379.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from contradict.celery import app as celery_app
from statements.models import (
    Conflict,
    ConflictStatus,
    Dispute,
    DisputeStatus,
    Recheck,
    RecheckStatus,
)
from statements.services.rechecks import recheck_start
from statements.synthetic import CorpusGenerator, CorpusShape

REDIS_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Celery workers need a database server; run with DATABASE_URL=postgres://...",
    ),
]


def _redis_up() -> bool:
    import redis

    try:
        return _redis().ping()
    except redis.exceptions.ConnectionError:
        return False


class Workers:
    """Start and stop `celery worker` processes that see this test's database and queue."""

    def __init__(self, tmp_path: Path, queue: str) -> None:
        self.tmp_path = tmp_path
        self.queue = queue
        self.processes: list[subprocess.Popen] = []

    def start(self, *, concurrency: int = 1, pause: float = 0.0) -> subprocess.Popen:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_QUEUE": self.queue,
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "CONTRADICT_SHARD_PAUSE": str(pause),
        }
        log = self.tmp_path / f"worker-{len(self.processes)}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "contradict",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(concurrency),
                "--queues",
                self.queue,
                "--hostname",
                f"{self.queue}-{len(self.processes)}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so SIGKILL reaches the children
        )
        self.processes.append(process)
        deadline = time.monotonic() + 30
        while "ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"worker not ready:\n{log.read_text()}"
            time.sleep(0.1)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        # The queue is this test's alone, so there is nothing to hand back: stop at once.
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)


@pytest.fixture
def workers(tmp_path, settings):
    if not _redis_up():
        pytest.fail(f"Redis is not reachable at {REDIS_URL}")
    queue = f"contradict-test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_BROKER_URL = REDIS_URL
    saved = (celery_app.conf.broker_url, celery_app.conf.task_default_queue)
    celery_app.conf.broker_url = REDIS_URL
    celery_app.conf.task_default_queue = queue
    # Drop connections an earlier test left pooled (another broker, or an eager run's).
    celery_app._after_fork()
    pool = Workers(tmp_path, queue)
    yield pool
    pool.stop_all()
    celery_app.conf.broker_url, celery_app.conf.task_default_queue = saved
    celery_app._after_fork()
    _redis().delete(queue)  # the queue is this test's own; leave other runs' keys alone


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)


@pytest.fixture
def expected_conflicts():
    """Build a small corpus, re-check it in-process, and return its conflicts (then clear them)."""
    CorpusGenerator(CorpusShape(assertions=3_000, seed=5, clash_share=0.1)).run()
    with override_settings(CELERY_BROKER_URL=""):
        recheck_start(shards=1)
    conflicts = conflict_set()
    assert conflicts[0], "the corpus should hold clashes"
    Conflict.objects.all().delete()
    Dispute.objects.all().delete()
    return conflicts


def conflict_set():
    """Return the live conflicts and disputes by content (positions by key)."""
    conflicts = set(
        Conflict.objects.exclude(status=ConflictStatus.RETRACTED).values_list(
            "position_a__key", "position_b__key", "rules", "pair_classes", "score"
        )
    )
    disputes = {
        (dispute.title, dispute.score, tuple(sorted(p.key for p in dispute.positions.all())))
        for dispute in Dispute.objects.exclude(status=DisputeStatus.RETRACTED)
    }
    return conflicts, disputes


def wait_until_done(recheck: Recheck, timeout: float = 60) -> Recheck:
    deadline = time.monotonic() + timeout
    while recheck.status in (RecheckStatus.PENDING, RecheckStatus.RUNNING):
        assert time.monotonic() < deadline, f"re-check still {recheck.status}: {recheck.__dict__}"
        time.sleep(0.2)
        recheck.refresh_from_db()
    return recheck


def test_workers_find_the_same_conflicts_as_the_in_process_recheck(workers, expected_conflicts):
    workers.start(concurrency=2)

    recheck = recheck_start(shards=6, reason="celery test")
    assert recheck.backend == Recheck.Backend.CELERY
    recheck = wait_until_done(recheck)

    assert recheck.status == RecheckStatus.DONE
    assert recheck.shards_done == recheck.shards_total == 6
    assert conflict_set() == expected_conflicts
    assert recheck.found == recheck.new == len(expected_conflicts[0])


def test_a_worker_killed_mid_shard_has_its_shard_redelivered(workers, expected_conflicts):
    # Holds its first shard for 30 s after writing its conflicts, before they commit.
    doomed = workers.start(concurrency=1, pause=30)
    recheck = recheck_start(shards=3, reason="kill test")
    deadline = time.monotonic() + 20
    while not Recheck.objects.filter(pk=recheck.pk, started_at__isnull=False).exists():
        assert time.monotonic() < deadline, (workers.tmp_path / "worker-0.log").read_text()
        time.sleep(0.1)
    time.sleep(1)  # the shard is now past its scan and writes, holding them uncommitted

    workers.kill(doomed)  # SIGKILL: no chance to acknowledge or requeue
    killed_at = time.monotonic()
    workers.start(concurrency=2)
    recheck = wait_until_done(recheck, timeout=60)
    converged_after = time.monotonic() - killed_at

    assert recheck.status == RecheckStatus.DONE
    assert conflict_set() == expected_conflicts
    assert Conflict.objects.count() == len(expected_conflicts[0])  # no duplicates
    # Visibility timeout 3 s plus kombu's 1 s restore sweep: back within seconds.
    assert converged_after < 30
