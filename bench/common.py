"""Shared set-up for the benchmarks: a PostgreSQL database per corpus size, made once.

Benchmarks are scripts, not tests: ``python bench/<name>.py``. Each prints its figures and the
ratio against a baseline measured in the same run. Databases are named
``contradict_bench_<N>`` on ``BENCH_POSTGRES`` (default the machine's 127.0.0.1:5432) and reused
between runs; ``--fresh`` rebuilds them.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PYTHON = sys.executable

# Measure what production runs: with DEBUG on, Django keeps the SQL of every query (12 MB of
# the 1M re-check's memory figure) and Celery warns of the same leak. Set before any settings
# load, it holds in this process and in every one a benchmark starts (manage.py, its measuring
# subprocesses, Celery workers, gunicorn), whatever the shell's DEBUG says.
os.environ["DEBUG"] = "false"


def database_url(assertions: int) -> str:
    return f"{SERVER}/contradict_bench_{assertions}"


def _psql(sql: str) -> str:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        cursor = conn.execute(sql)
        rows = cursor.fetchall() if cursor.description else []
    return rows[0][0] if rows else ""


def manage(url: str, *args: str, quiet: bool = False) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def ensure_corpus(assertions: int, *, fresh: bool = False, recheck: bool = True) -> str:
    """Return the URL of a database holding a synthetic corpus of ``assertions`` rows."""
    name = f"contradict_bench_{assertions}"
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists and not fresh:
        # A corpus built by older code gets the newer schema (its data migrations too).
        manage(database_url(assertions), "migrate", "--no-input", "-v0")
        return database_url(assertions)
    _psql(f"DROP DATABASE IF EXISTS {name}")
    _psql(f"CREATE DATABASE {name}")
    url = database_url(assertions)
    started = time.perf_counter()
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "corpus_generate", str(assertions), "-v0")
    print(f"# built {name} in {time.perf_counter() - started:.1f} s", flush=True)
    if recheck:
        # A first full re-check stores the conflicts, as a live archive would have them.
        manage(url, "conflicts_recheck", "-v0", quiet=True)
    manage(
        url,
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')",
        quiet=True,
    )
    return url


def use_database(url: str) -> None:
    """Point Django at ``url`` and set it up (call before importing models)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contradict.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    if settings.DEBUG:
        raise RuntimeError(f"{settings.SETTINGS_MODULE} turns DEBUG on; benchmarks need it off")


@contextmanager
def timer():
    """Yield a list that receives the elapsed seconds when the block ends."""
    result: list[float] = []
    started = time.perf_counter()
    yield result
    result.append(time.perf_counter() - started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def median(values: list[float]) -> float:
    return statistics.median(values)
