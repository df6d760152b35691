"""Requests per second for a page of 50 disputes and of 50 conflicts: the API against plain views.

    python bench/api_rps.py [--assertions 1000000 | --database-url URL] [--rounds 5]
                            [--requests 400] [--threads 4] [--port 8660]

One gunicorn (2 sync workers, 127.0.0.1 only, DEBUG off, throttle rates raised out of the way,
their counters in Redis as with several workers in production)
serves ``/api/disputes/?page_size=50`` and ``/api/conflicts/?page_size=50`` beside
``/plain/disputes/`` and ``/plain/conflicts/``: bench-only views that build the same JSON
body by hand from ``.values()`` (``bench/plain_views.py``; production URLs are untouched).
Before timing, the bench fetches each pair and refuses to go on unless the two bodies are
byte-identical. A measuring subprocess counts each page's queries (Django's test client under
``CaptureQueriesContext``). Rounds interleave the four endpoints, the order of each pair
alternating from round to round; each round sends a fixed number of requests from a small
thread pool (a bounded load, one connection per request). Reported: median requests per
second, the gunicorn workers' CPU time per request (user + system, from ``/proc``), bytes and
queries per page. Target: the API at least 0.8 of the plain view's rate.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

HOST = "127.0.0.1"
BENCH = Path(__file__).resolve().parent
PAIRS = {
    "disputes": ("/api/disputes/?page_size=50", "/plain/disputes/?page_size=50"),
    "conflicts": ("/api/conflicts/?page_size=50", "/plain/conflicts/?page_size=50"),
}
PAGE = 50
TARGET = 0.8
TICKS = os.sysconf("SC_CLK_TCK")

# Run in a subprocess with the server's settings: each page's queries, through Django's test
# client. The first request of each warms the connection; the second is counted.
COUNT_QUERIES = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client()
counts = {}
for path in json.loads(sys.argv[1]):
    client.get(path, HTTP_ACCEPT="application/json")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (path, response.status_code)
    sql = [query["sql"] for query in captured.captured_queries]
    page = [s for s in sql if "contradict_cache" not in s and not s.startswith(
        ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    )]
    counts[path] = {"all": len(sql), "page": len(page)}
print(json.dumps(counts))
"""


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICKS


def _round(port: int, path: str, requests: int, threads: int, workers: list[int]):
    cpu = _cpu_seconds(workers)
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        statuses = list(pool.map(lambda _: _get(port, path)[0], range(requests)))
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds(workers) - cpu
    bad = [status for status in statuses if status != 200]
    assert not bad, f"{path}: {len(bad)} responses were not 200 (first {bad[0]})"
    return requests / elapsed, cpu / requests


def _wait_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            if _get(port, PAIRS["conflicts"][1])[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


def _same_bodies(port: int) -> dict[str, int]:
    """Return the bytes of each page; refuse to go on unless each pair's bodies are identical."""
    sizes = {}
    for name, (api, plain) in PAIRS.items():
        (api_status, api_body), (plain_status, plain_body) = _get(port, api), _get(port, plain)
        if (api_status, plain_status) != (200, 200):
            raise SystemExit(f"{name}: {api} answered {api_status}, {plain} {plain_status}")
        if api_body != plain_body:
            same = json.loads(api_body) == json.loads(plain_body)
            raise SystemExit(
                f"{name}: {api} and {plain} differ ({len(api_body)} and {len(plain_body)} "
                f"bytes{', JSON-equal' if same else ''}); fix the plain view before timing"
            )
        results = len(json.loads(api_body)["results"])
        if results < PAGE:
            raise SystemExit(f"{name}: the page holds {results} results; the corpus needs {PAGE}")
        sizes[name] = len(api_body)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assertions", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="an existing corpus instead of contradict_bench_N")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8660)
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/10",
        help="the throttles' shared cache (blank: the database cache, production's fallback)",
    )
    args = parser.parse_args()

    url = args.database_url or common.ensure_corpus(args.assertions)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "site_settings",
        "PYTHONPATH": f"{BENCH}{os.pathsep}{common.ROOT}",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "CACHE_URL": args.cache_url,
        # Out of the way, and per second: a rate per minute would keep (and rewrite) a history
        # of every request of the last minute in each counter, which no real limit does.
        "API_THROTTLE_ANON": "1000000/second",
        "API_THROTTLE_USER": "1000000/second",
    }
    paths = [path for pair in PAIRS.values() for path in pair]
    counted = subprocess.run(
        [common.PYTHON, "-c", COUNT_QUERIES, json.dumps(paths)],
        env=env,
        cwd=common.ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    queries = json.loads(counted.stdout.strip().splitlines()[-1])
    server = subprocess.Popen(
        [
            str(Path(common.PYTHON).with_name("gunicorn")),
            "contradict.wsgi:application",
            "--workers=2",
            f"--bind={HOST}:{args.port}",
            "--log-level=warning",
        ],
        env=env,
        cwd=common.ROOT,
    )
    rates: dict[str, list[float]] = {path: [] for path in paths}
    cpus: dict[str, list[float]] = {path: [] for path in paths}
    try:
        _wait_ready(args.port, server)
        sizes = _same_bodies(args.port)
        workers = _children(server.pid)
        for path in paths:  # warm both workers' connections and caches
            _round(args.port, path, 40, args.threads, workers)
        for round_ in range(1, args.rounds + 1):
            line = []
            for name, pair in PAIRS.items():
                for path in pair if round_ % 2 else reversed(pair):
                    rate, cpu = _round(args.port, path, args.requests, args.threads, workers)
                    rates[path].append(rate)
                    cpus[path].append(cpu)
                    side = "api" if path.startswith("/api/") else "plain"
                    line.append(f"{name} {side} {rate:6.1f} req/s ({cpu * 1000:.1f} ms CPU)")
            print(f"round {round_}: " + ", ".join(line), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\n{args.rounds} rounds of {args.requests} requests, {args.threads} threads, 2 workers")
    for name, (api, plain) in PAIRS.items():
        print(f"\n{name}: {sizes[name]:,} bytes per page of {PAGE}")
        for path in (api, plain):
            print(
                f"  {path:<32} median {common.median(rates[path]):7.1f} req/s, "
                f"{common.median(cpus[path]) * 1000:6.2f} ms worker CPU per request, "
                f"{queries[path]['page']} queries per page "
                f"({queries[path]['all']} with the request's transaction)"
            )
        ratio = common.median(rates[api]) / common.median(rates[plain])
        cpu_ratio = common.median(cpus[plain]) / common.median(cpus[api])
        verdict = "meets" if ratio >= TARGET else "misses"
        print(
            f"  API / plain: {ratio:.2f} of the plain view's rate, {cpu_ratio:.2f} of its CPU "
            f"efficiency ({verdict} >= {TARGET:g})"
        )


if __name__ == "__main__":
    main()
