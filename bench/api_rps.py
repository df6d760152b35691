"""Requests per second for a page of 50 conflicts: the API against a plain Django view.

    python bench/api_rps.py [--assertions 1000000] [--rounds 5] [--requests 400] [--threads 4]

One gunicorn (2 sync workers, 127.0.0.1 only, DEBUG off, throttle rates raised out of the way)
serves both ``/api/conflicts/?page_size=50`` and ``/plain/conflicts/``, a bench-only view that
returns the same 50 rows from ``.values()`` as JSON (``bench/site_urls.py``; production URLs
are untouched). Rounds interleave the two endpoints; each round sends a fixed number of
requests from a small thread pool (a bounded load, one connection per request). Reported:
median requests per second, and the gunicorn workers' CPU time per request (user + system,
from ``/proc``). Target: the API at least half the plain view's rate.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

HOST = "127.0.0.1"
ENDPOINTS = {"api": "/api/conflicts/?page_size=50", "plain": "/plain/conflicts/"}
TARGET = 0.5
TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
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
        statuses = list(pool.map(lambda _: _get(port, path), range(requests)))
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
            if _get(port, ENDPOINTS["plain"]) == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assertions", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    url = common.ensure_corpus(args.assertions)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "site_settings",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "API_THROTTLE_ANON": "100000000/minute",
        "API_THROTTLE_USER": "100000000/minute",
    }
    server = subprocess.Popen(
        [
            str(Path(common.PYTHON).with_name("gunicorn")),
            "contradict.wsgi:application",
            "--workers=2",
            f"--bind={HOST}:{port}",
            f"--pythonpath={Path(__file__).resolve().parent},{common.ROOT}",
            "--log-level=warning",
        ],
        env=env,
        cwd=common.ROOT,
    )
    try:
        _wait_ready(port, server)
        workers = _children(server.pid)
        for path in ENDPOINTS.values():  # warm both workers' connections and caches
            _round(port, path, 40, args.threads, workers)
        rates: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
        cpus: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
        for round_ in range(1, args.rounds + 1):
            line = []
            for name, path in ENDPOINTS.items():
                rate, cpu = _round(port, path, args.requests, args.threads, workers)
                rates[name].append(rate)
                cpus[name].append(cpu)
                line.append(f"{name} {rate:6.1f} req/s ({cpu * 1000:.2f} ms CPU/req)")
            print(f"round {round_}: " + ", ".join(line), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    api, plain = common.median(rates["api"]), common.median(rates["plain"])
    print()
    for name in ENDPOINTS:
        print(
            f"{name:<6} {ENDPOINTS[name]:<30} median {common.median(rates[name]):7.1f} req/s, "
            f"{common.median(cpus[name]) * 1000:6.2f} ms worker CPU per request"
        )
    ratio = api / plain
    verdict = "meets" if ratio >= TARGET else "misses"
    print(f"API / plain: {ratio:.2f} of the plain view's rate ({verdict} >= {TARGET:g})")


if __name__ == "__main__":
    main()
