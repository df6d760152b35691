#!/usr/bin/env bash
# Run every benchmark on PostgreSQL and print its figures (bench/RESULTS.md shows a run).
# The corpora (contradict_bench_<N>) are built on first use and reused; BENCH_POSTGRES picks the
# server (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
echo "# machine: $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GB RAM," \
  "$(psql "${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}/postgres" -Atc 'show server_version' 2>/dev/null || echo '?')" \
  "PostgreSQL, $($PY --version)"
echo; echo "## echo: one question repeated by K statements on each side"
$PY bench/echo.py
echo; echo "## full re-check vs plain scan (1,000,000 assertions)"
$PY bench/recheck.py "$@"
echo; echo "## where the writing re-check's time goes (cProfile)"
$PY bench/profile_recheck.py
echo; echo "## peak memory of the full re-check"
$PY bench/memory.py
echo; echo "## checking one new statement of 5 assertions"
$PY bench/check_one.py
echo; echo "## API pages of 50 disputes and of 50 conflicts vs plain views of the same bodies, under gunicorn"
$PY bench/api_rps.py 2>&1 | grep -v -e "UserWarning: No directory at" -e "mw_instance = middleware"
echo; echo "## one against two Celery workers on the full re-check (Redis broker)"
$PY bench/workers.py
