"""Fault injection against a production-like deployment on this machine, 127.0.0.1 only.

    python bench/faults.py                      # every part
    python bench/faults.py --parts race,broker,kill   # what CI runs (no PostgreSQL restart)

It makes its own database (``contradict_faults`` on ``BENCH_POSTGRES``, rebuilt each run), loads
the seed, makes a curator, and starts gunicorn (2 workers x 8 threads, DEBUG off) on
``--port`` (8610), its own redis-server on ``--redis-port`` (8611; the machine's shared Redis
is never touched) and Celery workers on that Redis. Every loop is bounded in count and time,
and everything it started is stopped at the end. The parts, each printing its figures:

- ``race``: 10 pairs of contradicting statements (20 POSTs on 10 fresh facilities) sent at
  once: every pair must end with its conflict (10 of 10).
- ``pg``: reads and writes from 4 threads for ``--seconds`` while PostgreSQL restarts
  (``pg_ctlcluster --skip-systemctl-redirect <version> main restart``; other work on the machine
  shares that server, so this part restarts it once and only when asked): every answer must be
  JSON (errors are 503s with Retry-After), the API must answer 2xx again within 2 s of the
  server accepting connections, and every write acknowledged with 201 must be in the database.
- ``broker``: Redis stopped, ``POST /api/rechecks/`` must answer 202 with the re-check pending;
  Redis started again and the sweeper run (``manage.py rechecks_sweep``, as beat or a timer
  would), the re-check must finish on the workers.
- ``kill``: a worker SIGKILLed (its whole process group) while a shard holds its writes
  uncommitted: a fresh worker must finish the re-check, with the same conflicts as before and
  no duplicates.

Exit status 1 if any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

ROOT = common.ROOT
DB_NAME = "contradict_faults"
DB_URL = f"{common.SERVER}/{DB_NAME}"
STRIKE = "2022-06-27T12:50:00Z"
FAILED: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"  [{'ok' if ok else 'FAIL'}] {what}")
    if not ok:
        FAILED.append(what)


class Stack:
    """The processes this script started, stopped (by process group) at the end."""

    def __init__(self, port: int, redis_port: int, tmp: Path) -> None:
        self.port, self.redis_port, self.tmp = port, redis_port, tmp
        self.broker = f"redis://127.0.0.1:{redis_port}/11"
        self.env = {
            **os.environ,
            "DATABASE_URL": DB_URL,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "API_THROTTLE_ANON": "1000000/minute",
            "API_THROTTLE_USER": "1000000/minute",
            "API_THROTTLE_CHECK": "1000000/minute",
            "CELERY_BROKER_URL": self.broker,
            "CELERY_QUEUE": "contradict-faults",
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "CONTRADICT_RECHECK_SHARDS": "4",
        }
        self.processes: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []

    def spawn(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("w")
        process = subprocess.Popen(
            args, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [common.PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
            capture_output=True, text=True,
        ).stdout  # fmt: skip

    def redis_start(self) -> None:
        self.spawn(
            f"redis-{len(self.processes)}",
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
        )  # fmt: skip
        wait_for(lambda: self.redis_cli("ping") == "PONG", 10, "redis-server")

    def redis_stop(self) -> None:
        self.redis_cli("shutdown", "nosave")
        wait_for(lambda: self.redis_cli("ping") != "PONG", 10, "redis-server to stop")

    def redis_cli(self, *args: str) -> str:
        done = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.redis_port), *args],
            capture_output=True, text=True, timeout=10,
        )  # fmt: skip
        return done.stdout.strip()

    def gunicorn(self) -> None:
        self.spawn(
            "gunicorn",
            [str(Path(common.PYTHON).with_name("gunicorn")), "contradict.wsgi",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "8",
             "--worker-class", "gthread", "--timeout", "60"],
        )  # fmt: skip
        wait_for(lambda: http("GET", self.url("/health/live"))[0] == 200, 60, "gunicorn")

    def worker(self, pause: float = 0.0) -> subprocess.Popen:
        name = f"worker-{len(self.workers)}"
        process = self.spawn(
            name,
            [common.PYTHON, "-m", "celery", "-A", "contradict", "worker", "--concurrency", "1",
             "--queues", "contradict-faults", "--hostname", f"{name}@faults", "--loglevel",
             "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            CONTRADICT_SHARD_PAUSE=str(pause),
        )  # fmt: skip
        log = self.tmp / f"{name}.log"
        wait_for(lambda: "ready." in log.read_text(), 60, name)
        self.workers.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop(self) -> None:
        for process in reversed(self.processes):
            self.kill(process)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def wait_for(condition, seconds: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if condition():
                return time.monotonic() - start
        except Exception:  # not up yet
            pass
        time.sleep(0.1)
    raise SystemExit(f"{what}: not ready after {seconds} s")


def http(method: str, url: str, body=None, token: str | None = None, timeout: float = 30):
    """Return (status, content type, parsed JSON or None) of one request."""
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw, status, kind = response.read(), response.status, response.headers["Content-Type"]
            retry = None
    except urllib.error.HTTPError as error:
        raw, status, kind = error.read(), error.code, error.headers["Content-Type"]
        retry = error.headers["Retry-After"]
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return 0, f"no answer: {error}", None
    parsed = None
    if kind and kind.startswith("application/json") and raw:
        parsed = json.loads(raw)
    if retry is not None and isinstance(parsed, dict):
        parsed["_retry_after"] = retry
    return status, kind or "", parsed


def sql(query: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(DB_URL) as conn:
        return conn.execute(query, params).fetchall()


def statement(quote: str, value: str, subject: str = "amstor-mall", speaker="russian-mod"):
    return {
        "speaker": speaker, "source": "daily-mail-2022-06-30", "said_at": "2022-07-01T09:00:00Z",
        "quote": quote,
        "assertions": [{"predicate": "facility_status", "subject": subject, "value": value,
                        "valid_from": STRIKE, "valid_until": STRIKE, "time_precision": "hour"}],
    }  # fmt: skip


def live_conflicts() -> list[tuple]:
    return sql(
        "SELECT position_a_id, position_b_id, rules FROM statements_conflict"
        " WHERE status = 'open' ORDER BY 1, 2"
    )


# -- the parts ---------------------------------------------------------------------------------


def part_race(stack: Stack, token: str) -> None:
    print("race: 10 contradicting pairs written at once")
    places = [f"faults-mall-{secrets.token_hex(3)}-{n}" for n in range(10)]
    for slug in places:
        status, _, body = http(
            "POST", stack.url("/api/entities/"), {"slug": slug, "name": slug, "kind": "facility"},
            token,
        )  # fmt: skip
        assert status == 201, body
    sides = (("russian-mod", "non_functioning"), ("volodymyr-zelensky", "operational"))
    writes = [
        statement(f"{place} was {value}.", value, subject=place, speaker=speaker)
        for place in places
        for speaker, value in sides
    ]
    barrier = threading.Barrier(len(writes))
    statuses: list[int] = []

    def send(body):
        barrier.wait(timeout=30)
        statuses.append(http("POST", stack.url("/api/statements/"), body, token)[0])

    threads = [threading.Thread(target=send, args=(body,)) for body in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    found = sql(
        "SELECT count(*) FROM statements_conflict c JOIN statements_position p"
        " ON p.id = c.position_a_id JOIN statements_entity e ON e.id = p.subject_id"
        " WHERE c.status = 'open' AND e.slug = ANY(%s)",
        [places],
    )[0][0]
    print(f"  {statuses.count(201)} of {len(writes)} writes acknowledged; {found} conflicts")
    check(statuses.count(201) == len(writes), "every write answered 201")
    check(found == len(places), f"10 concurrent contradicting pairs -> {found} clashes (want 10)")


def part_pg(stack: Stack, token: str, seconds: float) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    print(f"pg: {seconds:.0f} s of reads and writes, PostgreSQL {version} restarted at 1/3")
    results: list[tuple[float, int, str, object]] = []
    acknowledged: list[int] = []
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()

    def load(n: int) -> None:
        i = 0
        while time.monotonic() < stop_at and i < 5000:
            i += 1
            if i % 2:
                status, kind, body = http("GET", stack.url("/api/statements/?page_size=5"))
            else:
                status, kind, body = http(
                    "POST", stack.url("/api/statements/"),
                    statement(f"fault load {n}-{i}", "non_functioning"), token,
                )  # fmt: skip
            with lock:
                results.append((time.monotonic(), status, kind, body))
                if status == 201:
                    acknowledged.append(body["id"])

    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 3)
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    wait_for(
        lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0,
        30, "PostgreSQL",
    )  # fmt: skip
    back = time.monotonic()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    errors = [r for r in results if not 200 <= r[1] < 300]
    not_json = [r for r in results if not r[2].startswith("application/json")]
    first_ok_after = min((r[0] for r in results if r[0] > back and 200 <= r[1] < 300), default=None)
    recovery = (first_ok_after - back) if first_ok_after else float("inf")
    codes = sorted({r[1] for r in errors})
    retry_after = {r[3].get("_retry_after") for r in errors if isinstance(r[3], dict)}
    stored = {row[0] for row in sql("SELECT id FROM statements_statement")}
    lost = [pk for pk in acknowledged if pk not in stored]
    print(
        f"  {len(results)} requests, {len(errors)} errors (status {codes}, Retry-After "
        f"{sorted(x for x in retry_after if x)}), restart took {back - started:.2f} s, first "
        f"2xx {recovery:.2f} s after the server was back; {len(acknowledged)} writes "
        f"acknowledged, {len(lost)} lost"
    )
    check(not not_json, f"every answer JSON ({len(not_json)} were not: {not_json[:2]})")
    check(set(codes) <= {503}, f"errors are 503s (saw {codes})")
    check(recovery <= 2.0, f"recovery {recovery:.2f} s <= 2 s")
    check(not lost, f"0 acknowledged writes lost ({len(lost)})")


def wait_recheck(stack: Stack, pk: int, seconds: float) -> dict:
    body: dict = {}

    def done():
        nonlocal body
        body = http("GET", stack.url(f"/api/rechecks/{pk}/"))[2] or {}
        return body.get("status") in ("done", "failed")

    wait_for(done, seconds, f"re-check {pk}")
    return body


def part_broker(stack: Stack, token: str) -> None:
    print("broker: Redis stopped while a re-check is asked for")
    stack.redis_stop()
    start = time.monotonic()
    status, _, body = http("POST", stack.url("/api/rechecks/"), {"shards": 4}, token)
    took = time.monotonic() - start
    print(f"  POST /api/rechecks/ with the broker down: {status} in {took:.2f} s, {body}")
    check(status == 202 and body["status"] == "pending", "202 with the re-check pending")
    stack.redis_start()
    back = time.monotonic()
    print("  " + stack.manage("rechecks_sweep", "--older-than", "0").strip())
    body = wait_recheck(stack, body["id"], 120)
    print(f"  after the broker returned: {body['status']} in {time.monotonic() - back:.2f} s")
    check(body["status"] == "done", "the re-check is delivered and done after the broker returns")


def part_kill(stack: Stack, token: str) -> None:
    print("kill: a worker SIGKILLed mid-shard")
    for process in list(stack.workers):
        stack.kill(process)
    stack.workers.clear()
    before = live_conflicts()
    doomed = stack.worker(pause=20)  # holds each shard's writes uncommitted for 20 s
    status, _, body = http("POST", stack.url("/api/rechecks/"), {"shards": 3}, token)
    assert status == 202, body
    wait_for(
        lambda: (http("GET", stack.url(f"/api/rechecks/{body['id']}/"))[2] or {}).get("started_at"),
        30, "the first shard to start",
    )  # fmt: skip
    time.sleep(1)
    stack.kill(doomed)
    killed = time.monotonic()
    stack.worker()
    result = wait_recheck(stack, body["id"], 180)
    after = live_conflicts()
    duplicates = sql(
        "SELECT count(*) - count(DISTINCT (position_a_id, position_b_id)) FROM statements_conflict"
    )[0][0]
    print(
        f"  {result['status']} {time.monotonic() - killed:.1f} s after the kill; conflicts "
        f"{len(before)} before, {len(after)} after, {duplicates} duplicates"
    )
    check(result["status"] == "done", "converges after the kill")
    check(after == before and duplicates == 0, "same conflicts, 0 duplicates")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="race,pg,broker,kill")
    parser.add_argument("--port", type=int, default=8610)
    parser.add_argument("--redis-port", type=int, default=8611)
    parser.add_argument("--seconds", type=float, default=9.0, help="length of the pg load")
    args = parser.parse_args()
    parts = args.parts.split(",")
    tmp = ROOT / "var" / "faults"
    tmp.mkdir(parents=True, exist_ok=True)

    common._psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    common._psql(f"CREATE DATABASE {DB_NAME}")
    stack = Stack(args.port, args.redis_port, tmp)
    try:
        stack.manage("migrate", "--no-input")
        stack.manage("load_seed", "seeds/kremenchuk.yaml")
        out = stack.manage("curator_create", "--username", "faults", "--reset-password")
        token = re.search(r"API token: (\S+)", out).group(1)
        stack.redis_start()
        stack.gunicorn()
        stack.worker()
        for name in parts:
            {
                "race": lambda: part_race(stack, token),
                "pg": lambda: part_pg(stack, token, args.seconds),
                "broker": lambda: part_broker(stack, token),
                "kill": lambda: part_kill(stack, token),
            }[name]()
    finally:
        stack.stop()
    print(f"{len(FAILED)} failed" if FAILED else "all fault checks passed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
