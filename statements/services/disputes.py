"""Disputes: the connected groups of positions that live conflicts link, kept in step.

A dispute is derived (``contradict.engine.components`` over the live conflicts) but carries a
curator's verdict, so its row must survive the recomputation: each group of positions keeps
the existing dispute that holds most of it (the oldest on a tie), and only a group no dispute
holds gets a new one. A dispute left without positions is deleted, or retracted if it was
reviewed (its verdict stays on record). What a dispute shows — title, score, pair classes,
rules, time span, status — depends only on its positions and conflicts, so checks on write
and a full re-check, in any order, give the same disputes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Count, Q
from django.utils import timezone

from contradict.engine import components
from contradict.engine.scoring import PAIR_CLASSES
from contradict.engine.text import span_text
from statements.engine_io import id_chunk, id_in
from statements.models import (
    Conflict,
    ConflictStatus,
    Dispute,
    DisputeStatus,
    Position,
    Verdict,
    tag_list,
    tag_text,
)
from statements.rules import active_rules
from statements.selectors.candidates import chunks
from statements.text import claim_span, position_text, predicate_words


def _live() -> Iterable[Conflict]:
    return Conflict.objects.filter(status=ConflictStatus.OPEN)


def _edges_from(position_ids: Iterable[int]) -> set[tuple[int, int]]:
    """Return the live conflicts' edges of the groups ``position_ids`` are in, walking out."""
    edges: set[tuple[int, int]] = set()
    seen: set[int] = set()
    frontier = set(position_ids)
    while frontier:
        seen |= frontier
        found: set[tuple[int, int]] = set()
        for chunk in chunks(sorted(frontier), id_chunk()):
            live = _live().order_by()
            found.update(
                id_in(live, chunk, "position_a_id").values_list("position_a", "position_b")
            )
            found.update(
                id_in(live, chunk, "position_b_id").values_list("position_a", "position_b")
            )
        edges |= found
        frontier = {pk for edge in found for pk in edge} - seen
    return edges


def disputes_refresh(*, position_ids: Iterable[int]) -> None:
    """Bring the disputes of ``position_ids`` (and of the groups they are in) up to date."""
    ids = set(position_ids)
    if not ids:
        return
    edges = _edges_from(ids)
    groups = components(edges)
    in_groups = {pk for group in groups for pk in group}
    # Positions that left every group, and the disputes that held any position concerned.
    loose = ids - in_groups
    _reconcile(groups, edges, scope=ids | in_groups, loose=loose)


def disputes_rebuild() -> None:
    """Recompute every dispute from the live conflicts (after a full re-check)."""
    edges = set(_live().order_by().values_list("position_a", "position_b").iterator())
    groups = components(edges)
    in_groups = {pk for group in groups for pk in group}
    loose = (
        set(
            Position.objects.filter(dispute__isnull=False)
            .exclude(id__in=in_groups)
            .values_list("id", flat=True)
        )
        if len(in_groups) < 50000
        else _loose_streamed(in_groups)
    )
    _reconcile(groups, edges, scope=in_groups | loose, loose=loose, everything=True)


def _loose_streamed(in_groups: set[int]) -> set[int]:
    held = Position.objects.filter(dispute__isnull=False).values_list("id", flat=True)
    return {pk for pk in held.iterator() if pk not in in_groups}


def _reconcile(
    groups: Sequence[Sequence[int]],
    edges: set[tuple[int, int]],
    *,
    scope: set[int],
    loose: set[int],
    everything: bool = False,
) -> None:
    holder: dict[int, int | None] = {}
    for chunk in chunks(sorted(scope), id_chunk()):
        holder.update(id_in(Position.objects.order_by(), chunk).values_list("id", "dispute_id"))
    candidates = {pk for pk in holder.values() if pk is not None}
    disputes = {d.pk: d for d in Dispute.objects.filter(id__in=candidates)}
    taken: set[int] = set()
    assignment: list[tuple[Sequence[int], Dispute | None]] = []
    # The largest groups choose first, so a merge keeps the dispute most of it was.
    for group in sorted(groups, key=lambda g: (-len(g), g[0])):
        votes = Counter(holder.get(pk) for pk in group if holder.get(pk) in disputes)
        best = sorted((pk for pk in votes if pk not in taken), key=lambda pk: (-votes[pk], pk))
        chosen = disputes[best[0]] if best else None
        if chosen is not None:
            taken.add(chosen.pk)
        assignment.append((group, chosen))
    now = timezone.now()
    for group, dispute in assignment:
        taken.add(_write_dispute(group, dispute, edges, holder, now).pk)
    emptied = set(disputes) - taken
    if everything:
        emptied |= set(
            Dispute.objects.exclude(status=DisputeStatus.RETRACTED)
            .exclude(id__in=taken)
            .values_list("id", flat=True)
        )
    kept = _empty(emptied, now)
    # A position that left every group leaves its dispute, unless that dispute is retracted
    # with a verdict: it stays pointed at, so the question coming back finds its verdict.
    detach = [pk for pk in loose if holder.get(pk) not in kept]
    for chunk in chunks(sorted(detach), id_chunk()):
        id_in(Position.objects.order_by(), chunk).update(dispute=None)


def _empty(dispute_ids: Iterable[int], now) -> set[int]:
    """Retract the reviewed disputes of ``dispute_ids``, delete the others; return the kept."""
    kept = set()
    for dispute in Dispute.objects.filter(id__in=list(dispute_ids)):
        if dispute.verdict:
            kept.add(dispute.pk)
            if dispute.status != DisputeStatus.RETRACTED:
                dispute.status = DisputeStatus.RETRACTED
                dispute.last_activity_at = now
                dispute.save()
        else:
            dispute.delete()
    return kept


def _write_dispute(group, dispute, edges, holder, now) -> Dispute:
    positions = list(
        Position.objects.filter(id__in=group)
        .select_related("predicate", "subject", "object")
        .annotate(supporter_count=Count("supporters"))
        .order_by("id")
    )
    conflicts = list(
        _live()
        .filter(Q(position_a_id__in=group) & Q(position_b_id__in=group))
        .values_list("score", "rules", "pair_classes", "updated_at")
    )
    keys = sorted(p.key for p in positions)
    values = {
        "title": dispute_title(positions),
        "score": max((row[0] for row in conflicts), default=0.0),
        "rules": tag_text(
            _ordered({r for row in conflicts for r in tag_list(row[1])}, _rule_order())
        ),
        "pair_classes": tag_text(
            _ordered({c for row in conflicts for c in tag_list(row[2])}, PAIR_CLASSES)
        ),
        **_time_span(positions),
    }
    if dispute is None:
        dispute = Dispute(last_activity_at=now)
    changed = dispute.pk is None
    for name, value in values.items():
        if getattr(dispute, name) != value:
            setattr(dispute, name, value)
            changed = True
    status, because = _status(dispute, keys, positions)
    if (dispute.status, dispute.reopened_because) != (status, because):
        dispute.status, dispute.reopened_because = status, because
        changed = True
    stray = [pk for pk in group if dispute.pk is None or holder.get(pk) != dispute.pk]
    if changed or stray:
        dispute.last_activity_at = now
        dispute.save()
    for chunk in chunks(stray, id_chunk()):
        id_in(Position.objects.order_by(), chunk).update(dispute=dispute)
    for pk in stray:
        holder[pk] = dispute.pk
    return dispute


def _rule_order() -> tuple[str, ...]:
    return tuple(rule.code for rule in active_rules())


def _ordered(items: set[str], order: Sequence[str]) -> list[str]:
    known = [item for item in order if item in items]
    return known + sorted(items - set(order))


def _status(dispute: Dispute, keys: list[str], positions) -> tuple[str, str]:
    """Return the dispute's status and why it was re-opened, from its verdict and positions."""
    if not dispute.verdict:
        return DisputeStatus.OPEN, ""
    if keys == sorted(dispute.reviewed_positions):
        if dispute.verdict == Verdict.NOT_A_CONTRADICTION:
            return DisputeStatus.DISMISSED, ""
        return DisputeStatus.REVIEWED, ""
    reviewed = set(dispute.reviewed_positions)
    new = [position_text(p) for p in positions if p.key not in reviewed]
    gone = len(reviewed - set(keys))
    parts = []
    if new:
        parts.append("new position" + ("s" if len(new) > 1 else "") + ": " + "; ".join(new))
    if gone:
        parts.append(f"{gone} position(s) reviewed before no longer in it")
    return DisputeStatus.OPEN, "Re-opened since the verdict: " + "; ".join(parts) + "."


def _time_span(positions) -> dict:
    starts = [p.valid_from for p in positions]
    ends = [p.valid_until for p in positions]
    return {
        "time_start": None if any(s is None for s in starts) else min(starts),
        "time_end": None if any(e is None for e in ends) else max(ends),
    }


def dispute_title(positions: Sequence[Position]) -> str:
    """Return "subject · predicate · time span" for the question most supporters speak to.

    The (subject, predicate) held by the most supporters names the dispute (names break ties);
    the span covers that question's positions, widened to their precision.
    """
    weight: dict[tuple, int] = defaultdict(int)
    for position in positions:
        key = (position.subject.name, position.predicate.name)
        weight[key] += getattr(position, "supporter_count", 1) or 1
    if not weight:
        return "(no positions)"
    subject, predicate = sorted(weight, key=lambda key: (-weight[key], key))[0]
    spans = [
        claim_span(p)
        for p in positions
        if (p.subject.name, p.predicate.name) == (subject, predicate)
    ]
    starts = [start for start, _ in spans]
    ends = [end for _, end in spans]
    start = None if None in starts else min(starts)
    end = None if None in ends else max(ends)
    others = len({p.predicate_id for p in positions}) - 1
    title = f"{subject} · {predicate_words(predicate)} · {span_text(start, end)}"
    return title if others <= 0 else f"{title} (+{others} related)"
