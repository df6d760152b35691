"""Disputes: the connected groups of positions that live conflicts link, kept in step.

A dispute is derived (``contradict.engine.components`` over the live conflicts) but carries a
curator's verdict, so its row must survive the recomputation: each group of positions keeps
the existing dispute that holds most of it (the largest groups choose first, the oldest
dispute on a tie), and only a group no dispute holds gets a new one. A dispute left without a
group is deleted, or retracted if it has a verdict (its positions stay its members, so the
question coming back finds its verdict). What a dispute shows — title, score, pair classes,
rules, time span, status — depends only on its positions and conflicts, so checks on write and
a full re-check, in any order, give the same disputes.

Everything is read and written in batches: a fixed number of queries per ``id_chunk()``
positions, whatever the number of disputes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from contradict.engine import components
from contradict.engine.scoring import PAIR_CLASSES
from contradict.engine.text import span_text
from statements.engine_io import id_chunk, id_in, rows_by_id, upsert_by_id
from statements.models import (
    Assertion,
    Conflict,
    ConflictStatus,
    Dispute,
    DisputeMember,
    DisputeStatus,
    Entity,
    Position,
    Verdict,
    tag_list,
    tag_text,
)
from statements.rules import active_rules
from statements.selectors.candidates import chunks
from statements.selectors.groups import live_conflicts_reached
from statements.services.history_writes import create_with_history, update_with_history
from statements.services.threads import run_in_threads
from statements.text import claim_span, position_text, predicate_words
from statements.webhooks.events import (
    dispute_item,
    webhook_events_emit,
    webhook_events_emit_each,
)
from statements.webhooks.models import WebhookEvent

# What a dispute's row needs of each conflict between its positions.
CONFLICT_COLUMNS = ("position_a", "position_b", "score", "rules", "pair_classes")
DISPUTE_FIELDS = (
    "title",
    "score",
    "rules",
    "pair_classes",
    "time_start",
    "time_end",
    "status",
    "reopened_because",
    "last_activity_at",
)


class _PositionRow(NamedTuple):
    """What a dispute's title, span and status need of one of its positions."""

    id: int
    key: str
    subject: str
    predicate: str
    valid_from: object
    valid_until: object
    time_precision: str
    supporters: int
    dispute: int | None  # the dispute that holds it now


def _live():
    return Conflict.objects.filter(status=ConflictStatus.OPEN).order_by()


def _conflicts_from(position_ids: Iterable[int]) -> dict[tuple[int, int], tuple]:
    """Return the live conflicts of the groups ``position_ids`` are in, by position pair."""
    return {(row[0], row[1]): row for row in live_conflicts_reached(position_ids)}


def disputes_refresh(*, position_ids: Iterable[int]) -> None:
    """Bring the disputes of ``position_ids`` (and of the groups they are in) up to date."""
    ids = set(position_ids)
    if not ids:
        return
    conflicts = _conflicts_from(ids)
    groups = components(conflicts)
    in_groups = {pk for group in groups for pk in group}
    _reconcile(groups, conflicts, scope=ids | in_groups, loose=ids - in_groups)


def disputes_held(*, position_ids: Iterable[int]) -> set[int]:
    """Return the ids of the disputes ``position_ids`` are members of."""
    return _member_disputes("position_id", position_ids)


def _member_disputes(column: str, ids: Iterable[int]) -> set[int]:
    """Return the disputes of the member rows whose ``column`` is one of ``ids``."""
    members = DisputeMember.objects.order_by()
    found: set[int] = set()
    for chunk in chunks(sorted(set(ids)), id_chunk()):
        found.update(id_in(members, chunk, column).values_list("dispute_id", flat=True))
    return found


def disputes_close_emptied(*, dispute_ids: Iterable[int]) -> None:
    """Close those of ``dispute_ids`` left with no member: their last positions were deleted.

    A position's deletion takes its member row with it, and no check of the positions left
    reaches a dispute none of them is in. Closed as a re-check would: retracted if it has a
    verdict, deleted otherwise.
    """
    ids = set(dispute_ids)
    if ids:
        _empty(ids - _member_disputes("dispute_id", ids), timezone.now())


def disputes_rebuild(*, unless_unchanged_since: datetime | None = None, threads: int = 1) -> bool:
    """Recompute every dispute from the live conflicts (after a full re-check).

    With ``unless_unchanged_since`` (when the re-check began), nothing is written if no
    conflict was written since and every group of positions already sits in a dispute of its
    own: what a dispute shows depends only on its positions and conflicts, and each write of
    a position brought its disputes up to date itself. Return whether it rebuilt.

    With ``threads`` above 1 the groups' disputes are written in at most that many parts at
    once (one per ``RECONCILE_BATCH`` groups), each in a transaction of its own on a
    connection of its own (``run_in_threads``): only when the conflicts are committed and
    nothing this rebuild needs is pending in the caller's transaction. Which dispute each
    group keeps is chosen first, for all groups at once, so the parts never share a dispute
    or a position.
    """
    conflicts = {(row[0], row[1]): row for row in _live().values_list(*CONFLICT_COLUMNS).iterator()}
    groups = components(conflicts)
    in_groups = {pk for group in groups for pk in group}
    held = dict(
        DisputeMember.objects.order_by().values_list("position_id", "dispute_id").iterator()
    )
    if unless_unchanged_since is not None:
        written = Conflict.objects.filter(updated_at__gte=unless_unchanged_since).exists()
        if not written and _in_step(groups, held):
            return False
    loose = {pk for pk in held if pk not in in_groups}
    scope = in_groups | loose
    # ``held`` already names every position's dispute: reading them again is a pass for nothing.
    holder = {pk: held.get(pk) for pk in scope}
    _reconcile(
        groups,
        conflicts,
        scope=scope,
        loose=loose,
        everything=True,
        holder=holder,
        threads=threads,
    )
    return True


def _in_step(groups: Sequence[Sequence[int]], held: Mapping[int, int]) -> bool:
    """Return whether the positions already sit in the disputes ``_reconcile`` would give.

    Each group wholly in one live dispute of its own, every live dispute holding a group, and
    a position outside every group only in a retracted dispute that keeps a verdict.
    """
    chosen: set[int] = set()
    for group in groups:
        disputes = {held.get(pk) for pk in group}
        if len(disputes) != 1 or None in disputes or not chosen.isdisjoint(disputes):
            return False
        chosen |= disputes
    in_groups = {pk for group in groups for pk in group}
    kept = {held[pk] for pk in held if pk not in in_groups}
    statuses = dict(
        Dispute.objects.order_by()
        .exclude(status=DisputeStatus.RETRACTED, verdict="")
        .values_list("id", "status")
    )
    live = {pk for pk, status in statuses.items() if status != DisputeStatus.RETRACTED}
    retracted = set(statuses) - live
    return live == chosen and kept <= retracted


def _position_rows(ids: Iterable[int]) -> dict[int, _PositionRow]:
    """Return the positions ``ids`` as rows, with their supporter counts."""
    rows: dict[int, _PositionRow] = {}
    for chunk in chunks(sorted(set(ids)), id_chunk()):
        for row in rows_by_id("dispute positions", _position_query, chunk):
            rows[row[0]] = _PositionRow(*row)
    return rows


def _position_query(ids: list[int]):
    # count(*), not count(id): the assertions' position index answers it alone (index-only),
    # without a heap fetch per supporter (13,048 positions' counts: 0.2 to 0.12 s).
    supporters = (
        Assertion.objects.filter(position_id=OuterRef("pk"))
        .order_by()
        .values("position_id")
        .annotate(total=Count("*"))
        .values("total")
    )
    # The subject's name as a subquery, not a join: for a batch of thousands the planner
    # hashes the whole entity table (50 ms a batch at a million assertions) where a look-up
    # per row takes a few.
    subject_name = Entity.objects.filter(pk=OuterRef("subject_id")).order_by().values("name")[:1]
    return (
        id_in(Position.objects.order_by(), ids)
        .annotate(held_by=Coalesce(Subquery(supporters), 0), named=Subquery(subject_name))
        .values_list(
            "id",
            "key",
            "named",
            "predicate__name",
            "valid_from",
            "valid_until",
            "time_precision",
            "held_by",
            "disputes",
        )
    )


# How many groups of positions ``_reconcile`` reads and writes at a time: a full rebuild's
# memory stays the same however many disputes the record holds.
RECONCILE_BATCH = 1000


def _reconcile(
    groups: Sequence[Sequence[int]],
    conflicts: Mapping[tuple[int, int], tuple],
    *,
    scope: set[int],
    loose: set[int],
    everything: bool = False,
    holder: Mapping[int, int | None] | None = None,
    threads: int = 1,
) -> None:
    rows = None
    if holder is None:
        # A few positions (a checked write): their rows, read once, name their disputes too.
        rows = _position_rows(scope)
        holder = {pk: row.dispute for pk, row in rows.items()}
    held = {pk for pk in holder.values() if pk}
    disputes = None
    if rows is not None:  # a few disputes: read whole at once, not their ids first
        disputes = Dispute.objects.in_bulk(sorted(held))
        existing = set(disputes)
    else:
        existing = set(Dispute.objects.filter(id__in=sorted(held)).values_list("id", flat=True))
    taken: set[int] = set()
    assignment: list[tuple[Sequence[int], int | None]] = []
    for group in sorted(groups, key=lambda g: (-len(g), g[0])):
        votes = Counter(holder.get(pk) for pk in group if holder.get(pk) in existing)
        best = sorted((pk for pk in votes if pk not in taken), key=lambda pk: (-votes[pk], pk))
        chosen = best[0] if best else None
        if chosen is not None:
            taken.add(chosen)
        assignment.append((group, chosen))

    by_group: dict[int, list[tuple]] = defaultdict(list)
    group_of = {pk: index for index, (group, _) in enumerate(assignment) for pk in group}
    for (a, _b), row in conflicts.items():
        if a in group_of:
            by_group[group_of[a]].append(row)
    now = timezone.now()
    rule_order = tuple(rule.code for rule in active_rules())
    # Groups dealt to the parts in turn, so each part gets large and small groups alike; no
    # more parts than batches (a small rebuild is not worth a connection more).
    parts = max(1, min(threads, -(-len(assignment) // RECONCILE_BATCH)))
    created: list[set[int]] = [set() for _ in range(parts)]

    def write(part: int) -> None:
        indexes = range(part, len(assignment), parts)
        for start in range(0, len(indexes), RECONCILE_BATCH):
            batch = [
                (assignment[index][0], assignment[index][1], by_group[index])
                for index in indexes[start : start + RECONCILE_BATCH]
            ]
            created[part] |= _write_groups(
                batch, holder, rule_order, now, rows=rows, disputes=disputes
            )

    def write_committed(part: int) -> None:
        with transaction.atomic():  # on the part's own connection
            write(part)

    if parts > 1:
        work = [partial(write_committed, part) for part in range(parts)]
        run_in_threads(work, threads=parts, name="disputes")
    else:
        write(0)
    for ids in created:
        taken |= ids

    # After the parts: emptying a dispute deletes its member rows, which a part may move.
    emptied = existing - taken
    if everything:
        # Subtracted here: ``exclude(id__in=taken)`` handles each of thousands of ids.
        live = Dispute.objects.exclude(status=DisputeStatus.RETRACTED).order_by()
        emptied |= set(live.values_list("id", flat=True)) - taken
    kept = _empty(emptied, now)
    # A position that left every group leaves its dispute, unless that dispute is retracted
    # with a verdict: it stays a member, so the question coming back finds its verdict.
    detach = [pk for pk in loose if holder.get(pk) is not None and holder[pk] not in kept]
    for chunk in chunks(sorted(detach), id_chunk()):
        id_in(DisputeMember.objects.order_by(), chunk, column="position_id").delete()


def _write_groups(
    groups: Sequence[tuple[Sequence[int], int | None, Sequence[tuple]]],
    holder: Mapping[int, int | None],
    rule_order: Sequence[str],
    now,
    *,
    rows: Mapping[int, _PositionRow] | None = None,
    disputes: Mapping[int, Dispute] | None = None,
) -> set[int]:
    """Create or update the disputes of ``groups`` (positions, chosen dispute, conflicts).

    Return the ids of the new disputes; positions are moved to their group's dispute.
    ``rows`` and ``disputes`` are the positions' rows and the chosen disputes when the caller
    has read them.
    """
    if rows is None:
        rows = _position_rows(pk for group, _, _ in groups for pk in group)
    if disputes is None:
        disputes = Dispute.objects.in_bulk([pk for _, pk, _ in groups if pk is not None])
    created: list[tuple[Dispute, Sequence[int]]] = []
    changed: list[Dispute] = []
    moves: dict[int, int] = {}  # position id -> the dispute it joins
    for group, dispute_id, group_conflicts in groups:
        positions = [rows[pk] for pk in group if pk in rows]
        values = _values(positions, group_conflicts, rule_order)
        if dispute_id is None:
            dispute = Dispute(**values, last_activity_at=now)
            dispute.status, dispute.reopened_because = DisputeStatus.OPEN, ""
            created.append((dispute, group))
            continue
        dispute = disputes[dispute_id]
        dirty = False
        for name, value in values.items():
            if getattr(dispute, name) != value:
                setattr(dispute, name, value)
                dirty = True
        status = _status(dispute, [p.key for p in positions])
        if (dispute.status, dispute.reopened_because) != status:
            dispute.status, dispute.reopened_because = status
            dirty = True
        stray = [pk for pk in group if holder.get(pk) != dispute.pk]
        moves.update((pk, dispute.pk) for pk in stray)
        if dirty or stray:
            dispute.last_activity_at = now
            changed.append(dispute)
    new_ids: set[int] = set()
    if created:
        saved = create_with_history([dispute for dispute, _ in created], Dispute, date=now)
        for dispute, (_, group) in zip(saved, created, strict=True):
            moves.update((pk, dispute.pk) for pk in group)
            new_ids.add(dispute.pk)
    if changed:
        update_with_history(changed, Dispute, DISPUTE_FIELDS, date=now)
    webhook_events_emit_each(
        kind="disputes",
        items_by_event={
            WebhookEvent.DISPUTE_OPENED: [dispute for dispute, _ in created],
            WebhookEvent.DISPUTE_CHANGED: changed,
        },
        render=dispute_item,
    )
    upsert_by_id(DisputeMember, "dispute", moves)
    return new_ids


def _empty(dispute_ids: Iterable[int], now) -> set[int]:
    """Retract those of ``dispute_ids`` with a verdict, delete the others; return the kept."""
    kept: set[int] = set()
    dispute_ids = list(dispute_ids)
    if not dispute_ids:
        return kept
    gone: list[dict] = []
    for dispute in Dispute.objects.filter(id__in=dispute_ids):
        if dispute.verdict:
            kept.add(dispute.pk)
            if dispute.status != DisputeStatus.RETRACTED:
                dispute.status = DisputeStatus.RETRACTED
                dispute.last_activity_at = now
                dispute.save()
                gone.append(dispute_item(dispute))
        else:
            gone.append({**dispute_item(dispute), "status": "deleted"})
            dispute.delete()
    webhook_events_emit(event=WebhookEvent.DISPUTE_CHANGED, kind="disputes", items=gone)
    return kept


def _values(positions: Sequence[_PositionRow], conflicts: Sequence[tuple], rule_order) -> dict:
    """Return what a dispute shows, from its positions and the conflicts between them."""
    return {
        "title": dispute_title(positions),
        "score": max((row[2] for row in conflicts), default=0.0),
        "rules": tag_text(_ordered({r for row in conflicts for r in tag_list(row[3])}, rule_order)),
        "pair_classes": tag_text(
            _ordered({c for row in conflicts for c in tag_list(row[4])}, PAIR_CLASSES)
        ),
        **_time_span(positions),
    }


def _ordered(items: set[str], order: Sequence[str]) -> list[str]:
    known = [item for item in order if item in items]
    return known + sorted(items - set(order))


def _status(dispute: Dispute, keys: Sequence[str]) -> tuple[str, str]:
    """Return the dispute's status and why it was re-opened, from its verdict and positions."""
    if not dispute.verdict:
        return DisputeStatus.OPEN, ""
    if sorted(keys) == sorted(dispute.reviewed_positions):
        if dispute.verdict == Verdict.NOT_A_CONTRADICTION:
            return DisputeStatus.DISMISSED, ""
        return DisputeStatus.REVIEWED, ""
    reviewed = set(dispute.reviewed_positions)
    new_keys = [key for key in keys if key not in reviewed]
    new = [
        position_text(p)
        for p in Position.objects.filter(key__in=new_keys)
        .select_related("predicate", "subject", "object")
        .order_by("id")
    ]
    gone = len(reviewed - set(keys))
    parts = []
    if new:
        parts.append("new position" + ("s" if len(new) > 1 else "") + ": " + "; ".join(new))
    if gone:
        parts.append(f"{gone} position(s) reviewed before no longer in it")
    return DisputeStatus.OPEN, "Re-opened since the verdict: " + "; ".join(parts) + "."


def _time_span(positions: Sequence[_PositionRow]) -> dict:
    starts = [p.valid_from for p in positions]
    ends = [p.valid_until for p in positions]
    return {
        "time_start": None if any(s is None for s in starts) else min(starts),
        "time_end": None if any(e is None for e in ends) else max(ends),
    }


def dispute_title(positions: Sequence[_PositionRow]) -> str:
    """Return "subject · predicate · time span" for the question most supporters speak to.

    The (subject, predicate) held by the most supporters names the dispute (names break ties);
    the span covers that question's positions, widened to their precision.
    """
    weight: dict[tuple, int] = defaultdict(int)
    for position in positions:
        weight[(position.subject, position.predicate)] += position.supporters or 1
    if not weight:
        return "(no positions)"
    subject, predicate = sorted(weight, key=lambda key: (-weight[key], key))[0]
    spans = [claim_span(p) for p in positions if (p.subject, p.predicate) == (subject, predicate)]
    starts = [start for start, _ in spans]
    ends = [end for _, end in spans]
    start = None if None in starts else min(starts)
    end = None if None in ends else max(ends)
    others = len({p.predicate for p in positions}) - 1
    title = f"{subject} · {predicate_words(predicate)} · {span_text(start, end)}"
    return title if others <= 0 else f"{title} (+{others} related)"
