"""Checking one new statement of five assertions, at a small and a large record, same run.

    python bench/check_one.py [--small 10000] [--large 1000000] [--runs 200]

Each run creates a statement of five assertions through ``statement_create`` (which checks them
against the record and writes their conflicts) inside a transaction that is rolled back, so
the record stays as it was. The five assertions repeat the predicate and subject of five
stored ones, one of them with another value, so each check has candidates and finds clashes.
Each size has a subprocess of its own (its own database connection), started once and warmed by
20 checks; then the two take turns, one check each per round (which goes first alternates), so
both sizes see the machine as it is at the same moments. Printed per size: p50/p95 in
milliseconds, queries per check and of them the candidate reads (``candidates_for``, target at
most 4); then the ratio of the medians (target at most 1.2x) and the p95 (target under 20 ms).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET = 1.2  # issue 9: median at 1M within 1.2x the median at 10k
P95_TARGET_MS = 20.0
CANDIDATE_QUERIES_TARGET = 4


class _Rollback(Exception):
    pass


def _drafts(chooser: random.Random, high: int, count: int) -> list[list[dict]]:
    """Return ``count`` lists of five assertion dicts copied from random stored assertions."""
    from statements.models import Assertion, Entity, Predicate

    predicates = Predicate.objects.in_bulk()
    ids = [chooser.randint(1, high) for _ in range(count * 10)]
    rows = list(
        Assertion.objects.filter(id__in=ids).values_list(
            "predicate_id", "subject_id", "object_id", "choice", "number", "boolean"
        )
    )
    entity_ids = {pk for row in rows for pk in (row[1], row[2]) if pk}
    entities = Entity.objects.in_bulk(entity_ids)
    drafts = []
    for index in range(count):
        batch = []
        for position, row in enumerate(chooser.sample(rows, 5)):
            predicate_id, subject_id, object_id, choice, number, boolean = row
            predicate = predicates[predicate_id]
            value = {
                "entity": entities.get(object_id),
                "choice": choice,
                "number": number,
                "boolean": boolean,
            }[predicate.value_type]
            polarity = "denied" if position == 0 and index % 2 else "affirmed"
            batch.append(
                {
                    "predicate": predicate,
                    "subject": entities[subject_id],
                    "value": value,
                    "comparator": "exactly",
                    "polarity": polarity,
                    "valid_from": None,
                    "valid_until": None,
                    "time_precision": "day",
                    "certainty": "asserted",
                    "note": "",
                }
            )
        drafts.append(batch)
    return drafts


WARM_UP = 20  # the first checks warm caches and connections; they are not counted


def serve(assertions: int, runs: int) -> None:
    """Run in a subprocess: check one statement against ``assertions`` rows per line read.

    Prints ``ready`` once warmed, then for every ``check`` line read one JSON line (seconds,
    queries, conflicts found), and for ``done`` the corpus size, then exits.
    """
    common.use_database(common.database_url(assertions))
    from datetime import UTC, datetime

    from django.db import connection, transaction

    from statements.models import Assertion, Entity, EntityKind, Source
    from statements.services import conflicts as checks
    from statements.services import statement_create

    # Queries are counted by an execute wrapper, a function call each: Django's
    # CaptureQueriesContext turns on the debug cursor, which formats and keeps every query's
    # SQL (what DEBUG does) and was part of the time measured.
    queries = {"all": 0, "candidates": 0}
    reading_candidates = False

    def count(execute, sql, params, many, context):
        queries["all"] += 1
        queries["candidates"] += reading_candidates
        return execute(sql, params, many, context)

    read_candidates = checks.candidates_for

    def counted_candidates(*args, **kwargs):
        nonlocal reading_candidates
        reading_candidates = True
        try:
            return read_candidates(*args, **kwargs)
        finally:
            reading_candidates = False

    checks.candidates_for = counted_candidates

    high = Assertion.objects.order_by("-id").values_list("id", flat=True).first()
    chooser = random.Random(11)
    drafts = iter(_drafts(chooser, high, runs + WARM_UP))
    speaker = Entity.objects.filter(kind=EntityKind.PERSON).order_by("id").first()
    source = Source.objects.order_by("id").first()
    said_at = datetime(2021, 6, 1, tzinfo=UTC)

    def check() -> dict:
        queries.update(all=0, candidates=0)
        try:
            with transaction.atomic():
                with connection.execute_wrapper(count):
                    started = time.perf_counter()
                    statement = statement_create(
                        speaker=speaker,
                        source=source,
                        said_at=said_at,
                        quote="bench",
                        assertions=next(drafts),
                    )
                    elapsed = time.perf_counter() - started
                result = {
                    "seconds": elapsed,
                    "queries": queries["all"],
                    "candidate_queries": queries["candidates"],
                    "conflicts": _conflicts_of(statement),
                }
                raise _Rollback
        except _Rollback:
            pass
        return result

    for _ in range(WARM_UP):
        check()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "done":
            break
        print(json.dumps(check()), flush=True)
    print(json.dumps({"assertions": Assertion.objects.count()}), flush=True)


class _Checker:
    """The parent's handle on one size's ``serve`` subprocess."""

    def __init__(self, size: int, runs: int, errors) -> None:
        self.size = size
        self.process = subprocess.Popen(
            [common.PYTHON, __file__, "--serve", str(size), "--runs", str(runs)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        self.timings: list[float] = []
        self.queries: list[int] = []
        self.candidate_queries: list[int] = []
        self.found: list[int] = []

    def _ask(self, line: str) -> str:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self._answer()

    def _answer(self) -> str:
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit(f"the {self.size:,}-assertion checker exited early")
        return answer

    def ready(self) -> None:
        assert self._answer().strip() == "ready"

    def check(self) -> None:
        result = json.loads(self._ask("check"))
        self.timings.append(result["seconds"])
        self.queries.append(result["queries"])
        self.candidate_queries.append(result["candidate_queries"])
        self.found.append(result["conflicts"])

    def finish(self) -> dict:
        assertions = json.loads(self._ask("done"))["assertions"]
        self.process.wait(timeout=60)
        return {
            "assertions": assertions,
            "p50": common.percentile(self.timings, 0.5) * 1000,
            "p95": common.percentile(self.timings, 0.95) * 1000,
            "queries": common.median(self.queries),
            "candidate_queries": max(self.candidate_queries),
            "conflicts": sum(self.found) / len(self.found),
        }


def measure(sizes: tuple[int, int], runs: int) -> dict[int, dict]:
    """Time ``runs`` checked statements at each size, the sizes taking turns round by round."""
    with tempfile.TemporaryFile("w+") as errors:
        checkers = [_Checker(size, runs, errors) for size in sizes]
        try:
            for checker in checkers:
                checker.ready()
            for round_ in range(runs):
                for checker in checkers if round_ % 2 == 0 else checkers[::-1]:
                    checker.check()
            return {checker.size: checker.finish() for checker in checkers}
        except BaseException:
            for checker in checkers:
                checker.process.kill()
            errors.seek(0)
            sys.stderr.write(errors.read())
            raise


def _conflicts_of(statement) -> int:
    from django.db.models import Q

    from statements.models import Conflict, ConflictStatus

    mine = list(statement.assertions.values_list("position_id", flat=True))
    live = Conflict.objects.filter(status=ConflictStatus.OPEN)
    return live.filter(Q(position_a__in=mine) | Q(position_b__in=mine)).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.runs)
        return
    for size in (args.small, args.large):
        common.ensure_corpus(size)
    results = measure((args.small, args.large), args.runs)
    for result in results.values():
        print(
            f"{result['assertions']:>10,} assertions: p50 {result['p50']:6.2f} ms  "
            f"p95 {result['p95']:6.2f} ms  queries {result['queries']:.0f} "
            f"(candidates {result['candidate_queries']})  "
            f"conflicts found per statement {result['conflicts']:.2f}"
        )
    ratio = results[args.large]["p50"] / results[args.small]["p50"]
    verdict = "meets" if ratio <= TARGET else "misses"
    print(f"median ratio {args.large:,} / {args.small:,}: {ratio:.2f}x ({verdict} <= {TARGET:g}x)")
    p95 = max(result["p95"] for result in results.values())
    verdict = "meets" if p95 < P95_TARGET_MS else "misses"
    print(f"largest p95 {p95:.2f} ms ({verdict} < {P95_TARGET_MS:g} ms)")
    most = max(result["candidate_queries"] for result in results.values())
    verdict = "meets" if most <= CANDIDATE_QUERIES_TARGET else "misses"
    print(f"candidate reads at most {most} queries ({verdict} <= {CANDIDATE_QUERIES_TARGET})")


if __name__ == "__main__":
    main()
