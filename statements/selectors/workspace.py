"""Reads for the curator's workspace: the dispute list, the dispute page, its pictures, and the
disputes a record is in. Each costs a fixed number of queries, whatever the page holds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import CharField, Count, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Cast, Concat

from statements.models import Assertion, Conflict, ConflictStatus, Dispute, Entity, Position
from statements.text import position_text, predicate_words, value_text

POSITION_JOINS = ("predicate", "subject", "object")
SUPPORTER_JOINS = ("statement__speaker", "statement__source", "evidence__source")


def _positions_with_counts() -> QuerySet[Position]:
    """Return positions with their supporter count and strongest evidence grade ("A1" first)."""
    grade = Concat(
        "supporters__evidence__reliability",
        Cast("supporters__evidence__credibility", CharField()),
        output_field=CharField(),
    )
    return (
        Position.objects.select_related(*POSITION_JOINS)
        .annotate(
            supporter_total=Count("supporters", distinct=True),
            evidence_total=Count("supporters__evidence", distinct=True),
            # Concat reads a statement supporter's missing grade as "", the smallest of all.
            best_grade=Min(grade, filter=Q(supporters__evidence__isnull=False)),
        )
        .order_by("id")
    )


def dispute_home() -> QuerySet[Dispute]:
    """Return disputes for the curator's list, each with its positions counted and graded."""
    return Dispute.objects.prefetch_related(
        Prefetch("positions", queryset=_positions_with_counts())
    )


def dispute_speakers(dispute_ids: Iterable[int]) -> dict[int, list[str]]:
    """Return the names of who speaks in each dispute, in name order (one query)."""
    rows = (
        Assertion.objects.filter(position__disputes__in=list(dispute_ids), statement__isnull=False)
        .values_list("position__disputes", "statement__speaker__name")
        .distinct()
        .order_by("position__disputes", "statement__speaker__name")
    )
    speakers: dict[int, list[str]] = defaultdict(list)
    for dispute_id, name in rows:
        speakers[dispute_id].append(name)
    return speakers


def position_brief(position: Position, *, shared: bool) -> str:
    """Return a position in a few words: its value, or predicate and value when positions of
    one dispute differ in what they are about (``shared`` false)."""
    value = value_text(position)
    if position.polarity == "denied":
        value = f"not {value}"
    if shared:
        return value
    return f"{position.subject.name}, {predicate_words(position.predicate.name)}: {value}"


def shares_question(positions: Iterable[Position]) -> bool:
    """Return whether all ``positions`` are about one subject and predicate."""
    return len({(p.subject_id, p.predicate_id) for p in positions}) <= 1


# --- The dispute page ---


@dataclass
class Supporter:
    """One supporter of a position as the dispute page shows it."""

    assertion: Assertion
    kind: str  # "statement" or "evidence"
    who: str
    when: datetime | None
    when_text: str
    quote: str
    source_title: str
    source_url: str
    grade: str
    media_url: str
    certainty: str
    record_id: int


@dataclass
class PositionCard:
    position: Position
    brief: str
    text: str
    supporters: list[Supporter] = field(default_factory=list)
    supporter_total: int = 0
    supported_by_verdict: bool = False


@dataclass
class VerdictEntry:
    when: datetime
    who: str
    verdict: str
    position: str
    note: str


def moment_text(moment: datetime | None, precision: str) -> str:
    """Return when something was said or captured, as finely as it is known (UTC)."""
    if moment is None:
        return "undated"
    moment = moment.astimezone(UTC)
    if precision == "day":
        return f"{moment.day} {moment:%b %Y}"
    if precision == "second":
        return f"{moment.day} {moment:%b %Y %H:%M:%S} UTC"
    return f"{moment.day} {moment:%b %Y %H:%M} UTC"


def _supporter(assertion: Assertion) -> Supporter:
    if assertion.statement_id:
        statement = assertion.statement
        return Supporter(
            assertion=assertion,
            kind="statement",
            who=statement.speaker.name,
            when=statement.said_at,
            when_text=moment_text(statement.said_at, statement.said_at_precision),
            quote=statement.quote,
            source_title=statement.source.title,
            source_url=statement.source.url,
            grade="",
            media_url="",
            certainty=assertion.certainty,
            record_id=statement.pk,
        )
    evidence = assertion.evidence
    return Supporter(
        assertion=assertion,
        kind="evidence",
        who=evidence.title,
        when=evidence.captured_at,
        when_text=moment_text(evidence.captured_at, evidence.captured_at_precision),
        quote=evidence.description,
        source_title=evidence.source.title,
        source_url=evidence.source.url,
        grade=evidence.grade,
        media_url=evidence.media_url,
        certainty=assertion.certainty,
        record_id=evidence.pk,
    )


# How many supporters of one position the page lists; the rest are counted.
SUPPORTERS_SHOWN = 50


def dispute_cards(dispute: Dispute) -> list[PositionCard]:
    """Return the dispute's positions with their first supporters (two queries per position at
    most, never per supporter)."""
    positions = list(_positions_with_counts().filter(disputes=dispute))
    shared = shares_question(positions)
    cards = []
    for position in positions:
        supporters = (
            Assertion.objects.filter(position=position)
            .select_related(*SUPPORTER_JOINS)
            .order_by("statement__said_at", "evidence__captured_at", "id")[:SUPPORTERS_SHOWN]
        )
        cards.append(
            PositionCard(
                position=position,
                brief=position_brief(position, shared=shared),
                text=position_text(position),
                supporters=[_supporter(a) for a in supporters],
                supporter_total=position.supporter_total,
                supported_by_verdict=position.pk == dispute.verdict_position_id,
            )
        )
    return cards


def dispute_live_conflicts(dispute: Dispute) -> QuerySet[Conflict]:
    """Return the live conflicts between the dispute's positions, strongest first."""
    return Conflict.objects.filter(
        position_a__disputes=dispute, status=ConflictStatus.OPEN
    ).select_related(*(f"position_{side}__{name}" for side in "ab" for name in POSITION_JOINS))


def dispute_verdicts(dispute: Dispute) -> list[VerdictEntry]:
    """Return the verdicts given on the dispute, newest first, from its edit history."""
    # Every re-check may write a history row; one verdict is the first row of its reviewed_at.
    firsts = (
        dispute.history.exclude(reviewed_at__isnull=True)
        .values("reviewed_at")
        .annotate(first=Min("history_id"))
        .values("first")
    )
    records = (
        dispute.history.filter(history_id__in=firsts)
        .select_related("reviewed_by")
        .order_by("reviewed_at", "history_id")
    )
    held = Position.objects.filter(disputes=dispute).select_related(*POSITION_JOINS)
    positions = {position.pk: position for position in held}
    verdicts = dict(Dispute._meta.get_field("verdict").choices)
    entries = [
        VerdictEntry(
            when=record.reviewed_at,
            who=record.reviewed_by.get_username() if record.reviewed_by else "a deleted user",
            verdict=verdicts.get(record.verdict, ""),
            position=(
                position_text(positions[record.verdict_position_id])
                if record.verdict_position_id in positions
                else ""
            ),
            note=record.verdict_note,
        )
        for record in records
    ]
    return entries[::-1]


def dispute_questions(dispute: Dispute) -> list[tuple[Entity, object]]:
    """Return the (subject, predicate) pairs the dispute's positions are about, in id order."""
    pairs = {}
    for position in Position.objects.filter(disputes=dispute).select_related(
        "subject", "predicate"
    ):
        pairs.setdefault((position.subject_id, position.predicate_id), position)
    return [(p.subject, p.predicate) for _, p in sorted(pairs.items())]


# --- Records ---


def record_disputes(**owner) -> QuerySet[Dispute]:
    """Return the disputes the assertions of one statement or evidence item are in.

    ``owner`` is ``statement=...`` or ``evidence=...``.
    """
    held = Assertion.objects.filter(**owner).values("position__disputes")
    return Dispute.objects.filter(id__in=held).order_by("-score", "title")


def record_dispute_ids(**owner) -> set[int]:
    """Return the ids of the disputes a record's assertions are in."""
    return set(record_disputes(**owner).values_list("id", flat=True))


def disputes_speaker_choices() -> list[tuple[int, str]]:
    """Return the speakers of statements in disputes, by name."""
    held = Assertion.objects.filter(position__disputes__isnull=False, statement__isnull=False)
    speakers = Entity.objects.filter(id__in=held.values("statement__speaker_id"))
    return list(speakers.order_by("name").values_list("id", "name"))


def disputes_side_choices() -> list[tuple[int, str]]:
    """Return the sides (roots of ``part_of``) of the speakers in disputes, by name."""
    held = Assertion.objects.filter(position__disputes__isnull=False, statement__isnull=False)
    lineages = set(held.values_list("statement__speaker__lineage", flat=True).distinct())
    roots = {int(lineage.strip("/").split("/")[0]) for lineage in lineages if lineage.strip("/")}
    return list(Entity.objects.filter(id__in=roots).order_by("name").values_list("id", "name"))


def disputes_entity_choices() -> list[tuple[int, str]]:
    """Return the entities disputed positions are about (subjects and entity values)."""
    disputed = Position.objects.filter(disputes__isnull=False)
    entities = Entity.objects.filter(
        Q(id__in=disputed.values("subject_id")) | Q(id__in=disputed.values("object_id"))
    )
    return list(entities.order_by("name").values_list("id", "name"))


def side_condition(root_id: int) -> Q:
    """Return the condition "a speaker on the side of ``root_id``" on assertions."""
    return Q(statement__speaker__lineage__startswith=f"/{root_id}/")


# --- Pictures: plain data, so drawing is pure and the same data draw the same bytes ---


@dataclass(frozen=True)
class PictureSupporter:
    key: str  # "s12" for a statement's assertion, "e7" for evidence's
    label: str  # who, and when
    side: str  # the root of the speaker's part_of, or "Evidence"
    evidence: bool
    position: int


@dataclass(frozen=True)
class PicturePosition:
    id: int
    label: str
    supporters: int


@dataclass(frozen=True)
class PictureConflict:
    a: int
    b: int
    rules: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class DisputePicture:
    title: str
    positions: tuple[PicturePosition, ...]
    supporters: tuple[PictureSupporter, ...]
    conflicts: tuple[PictureConflict, ...]
    hidden: dict[int, int]  # supporters not drawn, by position


# How many supporters of one position a picture draws; the rest are counted.
PICTURE_SUPPORTERS = 8


def _root_names(lineages: Iterable[str]) -> dict[str, str]:
    roots = {lineage: int(lineage.strip("/").split("/")[0]) for lineage in lineages if lineage}
    names = dict(Entity.objects.filter(id__in=set(roots.values())).values_list("id", "name"))
    return {lineage: names.get(root, "") for lineage, root in roots.items()}


def dispute_picture(dispute: Dispute) -> DisputePicture:
    """Return what the dispute graph draws: positions, their first supporters, conflicts."""
    positions = list(_positions_with_counts().filter(disputes=dispute))
    shared = shares_question(positions)
    supporters: list[PictureSupporter] = []
    hidden: dict[int, int] = {}
    rows = []
    for position in positions:
        held = (
            Assertion.objects.filter(position=position)
            .select_related("statement__speaker", "evidence")
            .order_by("statement__said_at", "evidence__captured_at", "id")[:PICTURE_SUPPORTERS]
        )
        rows.extend(held)
        hidden[position.pk] = max(0, position.supporter_total - PICTURE_SUPPORTERS)
    sides = _root_names({a.statement.speaker.lineage for a in rows if a.statement_id})
    for assertion in rows:
        if assertion.statement_id:
            statement = assertion.statement
            when = moment_text(statement.said_at, statement.said_at_precision)
            label = f"{statement.speaker.name}\n{when}"
            side = sides.get(statement.speaker.lineage) or statement.speaker.name
            supporters.append(
                PictureSupporter(f"a{assertion.pk}", label, side, False, assertion.position_id)
            )
        else:
            evidence = assertion.evidence
            when = moment_text(evidence.captured_at, evidence.captured_at_precision)
            label = f"{evidence.title} ({evidence.grade})\n{when}"
            supporters.append(
                PictureSupporter(f"a{assertion.pk}", label, "Evidence", True, assertion.position_id)
            )
    conflicts = tuple(
        PictureConflict(c.position_a_id, c.position_b_id, tuple(c.rule_list), c.score)
        for c in dispute_live_conflicts(dispute).order_by("position_a", "position_b")
    )
    return DisputePicture(
        title=dispute.title,
        positions=tuple(
            PicturePosition(p.pk, position_brief(p, shared=shared), p.supporter_total)
            for p in positions
        ),
        supporters=tuple(supporters),
        conflicts=conflicts,
        hidden=hidden,
    )


@dataclass(frozen=True)
class TimelineClaim:
    when: datetime
    who: str
    evidence: bool
    position: int


@dataclass(frozen=True)
class TimelinePicture:
    title: str
    lanes: tuple[tuple[int, str], ...]  # (position id, position in words), in id order
    claims: tuple[TimelineClaim, ...]
    undated: int
    left_out: int
    highlighted: tuple[int, ...] = ()  # positions of the dispute shown, in its order


# How many claims one timeline draws (the latest); the rest are counted.
TIMELINE_CLAIMS = 300


def timeline_picture(
    *, subject: Entity, predicate, dispute: Dispute | None = None
) -> TimelinePicture:
    """Return the claims on ``subject`` and ``predicate``: who said (or recorded) what when.

    With ``dispute``, its positions are highlighted in the colours of the dispute page.
    """
    positions = list(
        Position.objects.filter(subject=subject, predicate=predicate)
        .select_related(*POSITION_JOINS)
        .order_by("id")
    )
    assertions = (
        Assertion.objects.filter(position__in=[p.pk for p in positions])
        .select_related("statement__speaker", "evidence")
        .order_by("id")
    )
    claims, undated = [], 0
    for assertion in assertions:
        if assertion.statement_id:
            when, who = assertion.statement.said_at, assertion.statement.speaker.name
        else:
            when, who = assertion.evidence.captured_at, assertion.evidence.title
        if when is None:
            undated += 1
            continue
        claims.append(TimelineClaim(when, who, not assertion.statement_id, assertion.position_id))
    claims.sort(key=lambda claim: (claim.when, claim.position, claim.who))
    left_out = max(0, len(claims) - TIMELINE_CLAIMS)
    claims = claims[left_out:]
    return TimelinePicture(
        title=f"{subject.name} · {predicate_words(predicate.name)}",
        lanes=tuple((p.pk, position_brief(p, shared=True)) for p in positions),
        highlighted=tuple(
            Position.objects.filter(disputes=dispute).order_by("id").values_list("id", flat=True)
        )
        if dispute is not None
        else (),
        claims=tuple(claims),
        undated=undated,
        left_out=left_out,
    )
