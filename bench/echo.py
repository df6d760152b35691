"""Echo benchmark: one question, K statements repeating a claim and K repeating its opposite.

News repeats itself: many outlets carry the same claim. With positions, 2K statements on one
question are two positions, one conflict and one dispute, whatever K is. For K = 10, 100, 1000
this prints the rows the checks wrote (positions, conflicts, disputes, with their history) per
assertion, the full re-check's time, and the time of the dispute's page, each per assertion,
with the ratio from K = 100 to K = 1000 (targets: rows <= 3 x assertions; time per assertion
<= 1.3x from 100 to 1000).

Each K runs in its own process on its own PostgreSQL database (``contradict_bench_echo_<K>``),
built fresh; ``python bench/echo.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, SERVER, _psql, manage, median, timer, use_database

SIZES = (10, 100, 1000)
ROUNDS = 5


def build_and_measure(k: int) -> dict:
    """Load 2K echoing statements through the services; return rows and timings."""
    from datetime import UTC, datetime, timedelta

    from django.db import connection
    from django.test import Client

    from statements.models import Conflict, Dispute, DisputeMember, Entity, Position
    from statements.services import (
        conflict_checks_deferred,
        entity_save,
        predicate_upsert,
        source_upsert,
        statement_create,
    )
    from statements.services.recheck_scan import conflicts_recheck

    mall = entity_save(entity=Entity(slug="mall", name="The mall", kind="facility"))
    status, _ = predicate_upsert(
        slug="facility_status",
        name="Facility status",
        value_type="choice",
        choices=["open", "closed"],
        single_valued=True,
    )
    source, _ = source_upsert(slug="wire", title="Wire service")
    outlets = [
        entity_save(entity=Entity(slug=f"outlet-{i}", name=f"Outlet {i}", kind="organisation"))
        for i in range(2 * k)
    ]
    moment = datetime(2031, 5, 1, 12, 0, tzinfo=UTC)

    def tables() -> int:
        with connection.cursor() as cursor:
            total = 0
            for model in (Position, Conflict, Dispute, DisputeMember):
                for table in (
                    model._meta.db_table,
                    f"statements_historical{model._meta.model_name}",
                ):
                    if table.endswith(("historicalposition", "historicaldisputemember")):
                        continue  # positions and dispute members keep no history
                    cursor.execute(f"SELECT count(*) FROM {table}")
                    total += cursor.fetchone()[0]
            return total

    before = tables()
    with conflict_checks_deferred():
        for index, outlet in enumerate(outlets):
            statement_create(
                speaker=outlet,
                source=source,
                said_at=moment + timedelta(hours=index),
                quote=f"The mall was {'open' if index % 2 else 'closed'}.",
                assertions=[
                    {
                        "predicate": status,
                        "subject": mall,
                        "value": "open" if index % 2 else "closed",
                        "valid_from": moment,
                        "valid_until": moment,
                        "time_precision": "hour",
                    }
                ],
            )
    rows = tables() - before
    rechecks = []
    for _ in range(ROUNDS):
        with timer() as took:
            counts = conflicts_recheck()
        rechecks.append(took[0])
    assert counts.found == 1 and counts.new == 0, counts
    dispute = Dispute.objects.get()
    client = Client()
    pages = []
    for _ in range(ROUNDS):
        with timer() as took:
            # secure: with DEBUG off (as benchmarks run) plain HTTP is redirected to HTTPS.
            response = client.get(f"/api/disputes/{dispute.pk}/", secure=True)
        assert response.status_code == 200, response.content[:200]
        pages.append(took[0])
    return {
        "k": k,
        "assertions": 2 * k,
        "positions": Position.objects.count(),
        "conflicts": Conflict.objects.count(),
        "disputes": Dispute.objects.count(),
        "rows": rows,
        "recheck": median(rechecks),
        "page": median(pages),
        "page_bytes": len(response.content),
    }


def run_one(k: int) -> None:
    name = f"contradict_bench_echo_{k}"
    _psql(f"DROP DATABASE IF EXISTS {name}")
    _psql(f"CREATE DATABASE {name}")
    url = f"{SERVER}/{name}"
    manage(url, "migrate", "--no-input", "-v0")
    use_database(url)
    print(json.dumps(build_and_measure(k)))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        run_one(int(sys.argv[2]))
        return
    results = {}
    for k in SIZES:
        out = subprocess.run(
            [PYTHON, __file__, "--one", str(k)], check=True, capture_output=True, text=True
        ).stdout
        results[k] = json.loads(out.strip().splitlines()[-1])
    print(
        f"{'K':>5} {'assertions':>10} {'positions':>9} {'conflicts':>9} {'disputes':>8} "
        f"{'rows':>6} {'rows/assertion':>14} {'re-check ms':>11} {'µs/assertion':>12} "
        f"{'page ms':>8} {'page KB':>7}"
    )
    for k, r in results.items():
        print(
            f"{k:>5} {r['assertions']:>10} {r['positions']:>9} {r['conflicts']:>9} "
            f"{r['disputes']:>8} {r['rows']:>6} {r['rows'] / r['assertions']:>14.3f} "
            f"{r['recheck'] * 1000:>11.1f} {r['recheck'] / r['assertions'] * 1e6:>12.1f} "
            f"{r['page'] * 1000:>8.1f} {r['page_bytes'] / 1024:>7.1f}"
        )
    small, large = results[100], results[1000]
    per = {
        name: (large[name] / large["assertions"]) / (small[name] / small["assertions"])
        for name in ("recheck", "page")
    }
    worst_rows = max(r["rows"] / r["assertions"] for r in results.values())
    print(
        f"rows per assertion at most {worst_rows:.3f} (target <= 3); time per assertion "
        f"K=100 -> 1000: re-check {per['recheck']:.2f}x, dispute page {per['page']:.2f}x "
        "(target <= 1.3x)"
    )


if __name__ == "__main__":
    main()
