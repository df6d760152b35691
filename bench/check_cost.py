"""What one anonymous POST /api/check/ costs: time and response size for hostile drafts.

    python bench/check_cost.py [--database postgres://postgres@127.0.0.1:5432/contradict_check]

The database (PostgreSQL by default, made if missing) holds the seed case. Each payload is
posted through Django's test client, as an anonymous client would send it, with the throttles
off; the script prints the status, the wall time and the response size of each, best of three.
The worst payloads are many numeric assertions on one subject, every pair of them clashing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = os.environ.get(
    "BENCH_CHECK_DATABASE", "postgres://postgres@127.0.0.1:5432/contradict_check"
)


def numeric_draft(count: int) -> dict:
    """Return a draft of ``count`` head counts of the mall at the strike, all different."""
    return {
        "speaker": "igor-konashenkov",
        "source": "daily-mail-2022-06-30",
        "said_at": "2022-06-30T09:00:00Z",
        "quote": "x",
        "assertions": [
            {
                "predicate": "people_present",
                "subject": "amstor-mall",
                "value": index,
                "valid_from": "2022-06-27T12:50:00Z",
                "valid_until": "2022-06-27T12:50:00Z",
                "time_precision": "hour",
            }
            for index in range(count)
        ],
    }


def payloads() -> dict[str, str]:
    """Return the drafts to check, by name."""
    return {
        "5 numeric assertions": json.dumps(numeric_draft(5)),
        # Near the most a check accepts: 100 conflicts, each repeating a 2,000-character quote.
        "9 numeric, long quote": json.dumps({**numeric_draft(9), "quote": "q" * 2000}),
        "50 numeric assertions": json.dumps(numeric_draft(50)),
        "200 numeric assertions": json.dumps(numeric_draft(200)),
        **oversized(),
    }


def oversized() -> dict[str, str]:
    """Return the lists far over the limit: refused before any item is read, or not."""
    return {
        "12,000 assertions": json.dumps(
            {
                **numeric_draft(0),
                "assertions": [
                    {"predicate": "people_present", "subject": "amstor-mall", "value": index}
                    for index in range(12_000)
                ],
            }
        ),
        "40,000 {} items": json.dumps({**numeric_draft(0), "assertions": [{}] * 40_000}),
    }


def setup(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contradict.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_seed", str(ROOT / "seeds" / "kremenchuk.yaml"), verbosity=0)


def _run(client, path: str, name: str, body: str, runs: int, **headers) -> None:
    best = None
    for _ in range(runs):
        started = time.perf_counter()
        response = client.post(path, body, content_type="application/json", **headers)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    size = len(response.content)
    print(
        f"{path:<17} {name:<24} {len(body):>9,} {response.status_code:>6} {best:>8.3f} {size:>11,}",
        flush=True,
    )
    if response.status_code >= 400:
        print(f"    {response.content[:240].decode(errors='replace')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup(args.database)
    from django.conf import settings
    from django.test import Client, override_settings

    from statements.services.accounts import curator_create

    _, key = curator_create(username="bench-curator", rotate_token=True)
    framework = settings.REST_FRAMEWORK
    rates = dict.fromkeys(framework["DEFAULT_THROTTLE_RATES"])
    client = Client()
    print(
        f"{'path':<17} {'payload':<24} {'request':>9} {'status':>6} {'seconds':>8} {'response':>11}"
    )
    with override_settings(
        ALLOWED_HOSTS=["*"], REST_FRAMEWORK={**framework, "DEFAULT_THROTTLE_RATES": rates}
    ):
        for name, body in payloads().items():
            _run(client, "/api/check/", name, body, args.runs)
        for name, body in oversized().items():
            _run(
                client,
                "/api/statements/",
                name,
                body,
                args.runs,
                HTTP_AUTHORIZATION=f"Token {key}",
            )


if __name__ == "__main__":
    main()
