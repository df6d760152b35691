"""A reviewed dispute as schema.org ClaimReview JSON-LD: one review per contradicted position.

The verdict says which positions are contradicted: with ``supported``, every position that
clashes with the supported one or with another claim of the records holding it; with
``unresolved``, every position that clashes with another (each disputed by the other side).
A dispute dismissed as no contradiction, or not reviewed, has nothing to publish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from statements.models import (
    Assertion,
    Conflict,
    ConflictStatus,
    Dispute,
    Entity,
    EntityKind,
    Evidence,
    PairClass,
    Position,
    Statement,
    Verdict,
    tag_list,
)
from statements.selectors.api import OWNER_JOINS, POSITION_JOINS
from statements.text import position_text, predicate_words, value_text

CONTEXT = "https://schema.org"
# Google's structured-data guidelines ask for a claimReviewed under 75 characters.
CLAIM_REVIEWED_MAX = 74
# An evidence title longer than this reads badly inside a rating; its kind is used instead.
EVIDENCE_TITLE_IN_RATING_MAX = 40
# What a person is in schema.org; every other speaker kind (a ministry, a state) is an Organization.
PERSON_KINDS = frozenset({EntityKind.PERSON})


class NothingToPublish(Exception):
    """The dispute has no verdict that contradicts a claim, so there is no ClaimReview."""


@dataclass
class _Side:
    """A position with the records holding it: statements oldest first, evidence best first."""

    position: Position
    statements: list[Statement]
    evidence: list[Evidence]


def date_words(moment: dt.datetime | dt.date) -> str:
    """Return a date as a rating reads it: "28 June 2022"."""
    return f"{moment.day} {moment:%B %Y}"


def claim_reviewed_text(position: Position, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """Return the position in words within ``limit`` characters.

    The full text first ("Amstor shopping mall · facility status: non-functioning · 27 Jun
    2022"), then without the time it is about, then cut with an ellipsis.
    """
    full = position_text(position)
    if len(full) <= limit:
        return full
    value = value_text(position)
    if position.polarity == "denied":
        value = f"not {value}"
    short = f"{position.subject.name} · {predicate_words(position.predicate.name)}: {value}"
    if len(short) <= limit:
        return short
    return short[: limit - 1].rstrip() + "…"


def kind_slug(record: Entity | Evidence) -> str:
    """Return the slug of a record's kind (a choice today; a curated record has a ``slug``)."""
    return getattr(record.kind, "slug", record.kind)


def evidence_kind_label(evidence: Evidence) -> str:
    """Return the name of an evidence item's kind ("Video / CCTV footage")."""
    name = getattr(evidence.kind, "name", None)
    if isinstance(name, str):
        return name
    # Kinds are curated records named by slug (statements.models.EvidenceKind).
    from statements.models import EvidenceKind

    found = EvidenceKind.objects.filter(slug=evidence.kind).values_list("name", flat=True)
    return found.first() or evidence.kind


def _person_or_organisation(entity: Entity) -> dict:
    kind = "Person" if kind_slug(entity) in PERSON_KINDS else "Organization"
    node = {"@type": kind, "name": entity.name}
    if entity.aliases:
        node["alternateName"] = list(entity.aliases)
    return node


def _creative_work(statement: Statement) -> dict:
    source = statement.source
    work = {"@type": "CreativeWork", "headline": source.title}
    if source.url:
        work["url"] = source.url
    if source.publisher:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    return work


def _evidence_work(evidence: Evidence) -> dict:
    work = {
        "@type": "MediaObject" if evidence.media_url else "CreativeWork",
        "name": evidence.title or evidence_kind_label(evidence),
        "genre": evidence_kind_label(evidence),
        # The Admiralty grade, e.g. B2: how reliable the source, how credible the information.
        "contentRating": evidence.grade,
    }
    if evidence.media_url:
        work["contentUrl"] = evidence.media_url
    if evidence.source.url:
        work["url"] = evidence.source.url
    if evidence.captured_at:
        work["dateCreated"] = evidence.captured_at.isoformat()
    if evidence.description:
        work["description"] = evidence.description
    return work


def evidence_phrase(evidence: Evidence) -> str:
    """Return how a rating names an evidence item: its title if short, else its kind's name.

    A kind label that offers alternatives ("Video / CCTV footage") reads as its last one.
    """
    if evidence.title and len(evidence.title) <= EVIDENCE_TITLE_IN_RATING_MAX:
        return evidence.title
    return evidence_kind_label(evidence).split(" / ")[-1]


def _sides(positions: Iterable[Position]) -> dict[int, _Side]:
    sides = {position.pk: _Side(position, [], []) for position in positions}
    supporters = (
        Assertion.objects.filter(position_id__in=list(sides))
        .select_related(*OWNER_JOINS)
        .order_by("statement__said_at", "id")
    )
    for assertion in supporters:
        side = sides[assertion.position_id]
        if assertion.statement_id is not None:
            if assertion.statement not in side.statements:
                side.statements.append(assertion.statement)
        elif assertion.evidence not in side.evidence:
            side.evidence.append(assertion.evidence)
    for side in sides.values():
        side.evidence.sort(key=lambda item: (item.reliability, item.credibility, item.pk))
    return sides


def _conflicts(dispute: Dispute) -> list[Conflict]:
    return list(
        Conflict.objects.filter(position_a__disputes=dispute)
        .exclude(status=ConflictStatus.RETRACTED)
        .order_by("id")
    )


def _contradicted(
    dispute: Dispute, conflicts: list[Conflict], sides: dict[int, _Side]
) -> dict[int, list[Conflict]]:
    """Return, per contradicted position, the conflicts that contradict it."""
    against: dict[int, list[Conflict]] = {}
    if dispute.verdict == Verdict.UNRESOLVED:
        for conflict in conflicts:
            against.setdefault(conflict.position_a_id, []).append(conflict)
            against.setdefault(conflict.position_b_id, []).append(conflict)
        return against
    # The supported side: the position the verdict names, and whatever else its records claim.
    supported = sides[dispute.verdict_position_id]
    records = {("s", s.pk) for s in supported.statements} | {
        ("e", e.pk) for e in supported.evidence
    }
    backed = {
        pk
        for pk, side in sides.items()
        if records & ({("s", s.pk) for s in side.statements} | {("e", e.pk) for e in side.evidence})
    }
    for conflict in conflicts:
        for mine, other in (
            (conflict.position_a_id, conflict.position_b_id),
            (conflict.position_b_id, conflict.position_a_id),
        ):
            if other in backed and mine not in backed:
                against.setdefault(mine, []).append(conflict)
    return against


def _other(conflict: Conflict, position_id: int) -> int:
    return (
        conflict.position_b_id if conflict.position_a_id == position_id else conflict.position_a_id
    )


def rating_text(
    *, verdict: str, side: _Side, conflicts: list[Conflict], sides: dict[int, _Side]
) -> str:
    """Return the textual rating: what contradicts the claim, the strongest reason first.

    Evidence first ("Contradicted by CCTV footage"), then the speaker's own words ("Contradicts
    its own statement of 28 June 2022"), then its own side, then another speaker.
    """
    verb, own = (
        ("Contradicted", "Contradicts")
        if verdict == Verdict.SUPPORTED
        else ("Disputed", "Conflicts with")
    )
    opposing = [sides[_other(conflict, side.position.pk)] for conflict in conflicts]
    evidence = sorted(
        (item for other in opposing for item in other.evidence),
        key=lambda item: (item.reliability, item.credibility, item.pk),
    )
    if evidence:
        return f"{verb} by {evidence_phrase(evidence[0])}"
    speakers = {statement.speaker_id for statement in side.statements}
    own_words = sorted(
        (s for other in opposing for s in other.statements if s.speaker_id in speakers),
        key=lambda statement: statement.said_at,
    )
    if own_words:
        return f"{own} its own statement of {date_words(own_words[0].said_at)}"
    classes = {pair for conflict in conflicts for pair in tag_list(conflict.pair_classes)}
    others = sorted((s for other in opposing for s in other.statements), key=lambda s: s.said_at)
    if not others:
        return verb
    if PairClass.SAME_SIDE in classes:
        same_side = _same_side_speakers(side.position.pk, conflicts)
        mine = [s for s in others if s.speaker.slug in same_side] or others
        first = mine[0]
        return f"{verb} by its own side: {first.speaker.name}, {date_words(first.said_at)}"
    first = others[0]
    return f"{verb} by {first.speaker.name}, {date_words(first.said_at)}"


def _same_side_speakers(position_id: int, conflicts: list[Conflict]) -> set[str]:
    """Return the slugs of the speakers on the other side of a same-side pair."""
    found: set[str] = set()
    for conflict in conflicts:
        mine = "a" if conflict.position_a_id == position_id else "b"
        theirs = "b" if mine == "a" else "a"
        for group in conflict.supporter_pairs or []:
            if group.get("class") == PairClass.SAME_SIDE:
                found.update(group.get(f"speakers_{theirs}", []))
    return found


def review_url(dispute: Dispute, position: Position) -> str:
    """Return where the review of ``position`` is published (``CONTRADICT_CLAIMREVIEW_URL``)."""
    return settings.CONTRADICT_CLAIMREVIEW_URL.format(
        publisher_url=settings.CONTRADICT_CLAIMREVIEW_PUBLISHER_URL.rstrip("/"),
        dispute=dispute.pk,
        position=position.pk,
    )


def _claim(side: _Side) -> dict:
    statements = side.statements
    authors = []
    for statement in statements:
        node = _person_or_organisation(statement.speaker)
        if node not in authors:
            authors.append(node)
    appearances = []
    for statement in statements:
        work = _creative_work(statement)
        if work not in appearances:
            appearances.append(work)
    first = statements[0]
    return {
        "@type": "Claim",
        "author": authors[0] if len(authors) == 1 else authors,
        "datePublished": first.said_at.date().isoformat(),
        "appearance": appearances,
        "firstAppearance": _creative_work(first),
    }


def _citations(side: _Side, conflicts: list[Conflict], sides: dict[int, _Side]) -> list[dict]:
    cited: list[dict] = []
    for conflict in conflicts:
        other = sides[_other(conflict, side.position.pk)]
        for work in [*map(_evidence_work, other.evidence), *map(_creative_work, other.statements)]:
            if work not in cited:
                cited.append(work)
    return cited


def dispute_claimreview(dispute: Dispute) -> dict:
    """Return the JSON-LD document of ``dispute``'s ClaimReviews, one per contradicted position.

    Raise ``NothingToPublish`` when the dispute has no verdict, was dismissed, or none of its
    contradicted positions is a claim somebody made (only evidence holds them).
    """
    if dispute.verdict not in (Verdict.SUPPORTED, Verdict.UNRESOLVED):
        raise NothingToPublish(
            "The dispute has no verdict that contradicts a claim: review it as supported or "
            "unresolved first."
            if not dispute.verdict
            else "The dispute was reviewed as not a contradiction; there is no claim to rate."
        )
    positions = list(
        Position.objects.filter(disputes=dispute).select_related(*POSITION_JOINS).order_by("id")
    )
    sides = _sides(positions)
    conflicts = _conflicts(dispute)
    against = _contradicted(dispute, conflicts, sides)
    reviewed = [
        sides[pk]
        for pk in sorted(against)
        if sides[pk].statements  # a claim needs a speaker
    ]
    if not reviewed:
        raise NothingToPublish("No contradicted position of this dispute was said by anyone.")
    published = (dispute.reviewed_at or dispute.last_activity_at).date().isoformat()
    author = {
        "@type": "Organization",
        "name": settings.CONTRADICT_CLAIMREVIEW_PUBLISHER_NAME,
        "url": settings.CONTRADICT_CLAIMREVIEW_PUBLISHER_URL,
    }
    urls = {side.position.pk: review_url(dispute, side.position) for side in reviewed}
    graph = []
    for side in reviewed:
        pk = side.position.pk
        rating = {
            "@type": "Rating",
            "alternateName": rating_text(
                verdict=dispute.verdict, side=side, conflicts=against[pk], sides=sides
            ),
        }
        if dispute.verdict_note:
            rating["ratingExplanation"] = dispute.verdict_note
        review = {
            "@type": "ClaimReview",
            "@id": urls[pk],
            "url": urls[pk],
            "name": dispute.title,
            "claimReviewed": claim_reviewed_text(side.position),
            "itemReviewed": _claim(side),
            "reviewRating": rating,
            "datePublished": published,
            "author": author,
            "citation": _citations(side, against[pk], sides),
        }
        others = [{"@id": url} for other, url in urls.items() if other != pk]
        if others:
            review["associatedClaimReview"] = others
        graph.append(review)
    return {"@context": CONTEXT, "@graph": graph}
