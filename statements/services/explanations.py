"""Explanations and machine-readable reasons, built from names in the record, never ids.

``Names`` reads, in a few queries per batch, what an explanation names: the positions in
words (from the engine's facts and their entities' names), the speakers and sides by name and
slug, evidence items by title and grade. A reason keeps slugs where the engine had entity ids,
so it reads like the rest of the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db.models.functions import Substr

from contradict.engine.facts import EVIDENCE, AssertionFact, Finding, Supporter
from contradict.engine.scoring import AGAINST_EVIDENCE, SAME_SIDE, SAME_SPEAKER
from statements.engine_io import id_chunk, id_in
from statements.models import Entity, Evidence, evidence_label
from statements.rules import rules_by_code
from statements.selectors.candidates import chunks
from statements.text import fact_text

if TYPE_CHECKING:
    from statements.services.findings import PairFindings, _Derived

# How many supporters an explanation names on each side before "and N more".
NAMED_SUPPORTERS = 3


class Names:
    """What explanations and reasons name, read in batches and remembered."""

    def __init__(self) -> None:
        self.entities: dict[int, tuple[str, str]] = {}  # id -> (slug, name)
        self.positions: dict[int, str] = {}
        self.evidence: dict[int, tuple[str, str]] = {}  # id -> (title, grade)

    def load_entities(
        self, ids: Iterable[int | None], known: Mapping[int, tuple[str, str]] | None = None
    ) -> None:
        """Read the slugs and names of the entities ``ids``; those in ``known`` are not read."""
        if known:
            self.entities.update(known)
        missing = sorted({pk for pk in ids if pk is not None and pk not in self.entities})
        for chunk in chunks(missing, id_chunk()):
            for pk, slug, name in id_in(Entity.objects.order_by(), chunk).values_list(
                "id", "slug", "name"
            ):
                self.entities[pk] = (slug, name)

    def load(
        self,
        *,
        positions: Mapping[int, AssertionFact],
        supporters: Iterable[Supporter],
        pairs: Iterable[_Derived] = (),
    ) -> None:
        """Read the names, speakers and evidence titles explanations need, in a query each.

        ``positions`` are the facts of the positions named, by id: their texts are built
        from them and their entities' names, without reading the positions again.
        """
        supporters = list(supporters)
        wanted = [fact for pk, fact in positions.items() if pk not in self.positions]
        self.load_entities(
            [
                *(s.speaker for s in supporters),
                *(fact.subject for fact in wanted),
                *(fact.object for fact in wanted),
            ]
        )
        for fact in wanted:
            object_name = None if fact.object is None else self.name(fact.object)
            self.positions[fact.id] = fact_text(fact, self.name(fact.subject), object_name)
        items = sorted({s.record for s in supporters if s.kind == EVIDENCE} - self.evidence.keys())
        for chunk in chunks(items, id_chunk()):
            # An untitled item is named by its description's start: read only that much.
            rows = id_in(Evidence.objects.order_by(), chunk).annotate(
                opening=Substr("description", 1, 300)
            )
            for pk, title, opening, reliability, credibility in rows.values_list(
                "id", "title", "opening", "reliability", "credibility"
            ):
                label = evidence_label(title, opening, pk)
                self.evidence[pk] = (label, f"{reliability}{credibility}")

    def of(self, value) -> str:
        """Return the name of an entity given by id, or by slug (as stored reasons hold it)."""
        return self.by_slug(value) if isinstance(value, str) else self.name(value)

    def slug(self, pk: int) -> str:
        return self.entities.get(pk, (str(pk), str(pk)))[0]

    def name(self, pk: int) -> str:
        return self.entities.get(pk, (str(pk), str(pk)))[1]

    def reason(self, finding: Finding) -> dict:
        """Return a finding's reason with its rule, entity ids made slugs.

        The engine's ``kind`` is left out: every rule's kind is its code.
        """
        rule = rules_by_code().get(finding.rule)
        reason = {"rule": finding.rule, **finding.reason}
        for key in getattr(rule, "ENTITY_KEYS", ()):
            if isinstance(reason.get(key), int):
                reason[key] = self.slug(reason[key])
        return reason

    def supporter_pair(self, item: Mapping) -> dict:
        """Return a ``supporter_pairs`` item with speakers and sides by slug."""
        named = dict(item)
        if "speaker" in named:
            named["speaker"] = self.slug(named["speaker"])
        if "side" in named:
            named["side"] = self.slug(named["side"])
        for key in ("speakers_a", "speakers_b"):
            if key in named:
                named[key] = [self.slug(pk) for pk in named[key]]
        return named

    def by_slug(self, slug: str) -> str:
        for known_slug, name in self.entities.values():
            if known_slug == slug:
                return name
        return slug  # few entities per batch (speakers, their sides): a scan is cheap

    def supporter(self, supporter: Supporter) -> str:
        if supporter.kind == EVIDENCE:
            title, grade = self.evidence.get(supporter.record, ("evidence", "?"))
            text = f"{title} (evidence graded {grade})"
        else:
            text = self.name(supporter.speaker) if supporter.speaker is not None else "?"
        if supporter.certainty != "asserted":
            text += f", as {supporter.certainty}"
        return text


def _holders(supporters: Sequence[Supporter], names: Names) -> str:
    ordered = sorted(supporters, key=lambda s: (s.time is None, s.time or 0, s.kind, s.record))
    seen: list[str] = []
    for supporter in ordered:
        text = names.supporter(supporter)
        if text not in seen:
            seen.append(text)
    shown = ", ".join(seen[:NAMED_SUPPORTERS])
    more = len(seen) - NAMED_SUPPORTERS
    return f"{shown} and {more} more" if more > 0 else shown


def _date(supporters: Sequence[Supporter], record: int) -> str:
    for supporter in supporters:
        if supporter.record == record and supporter.time is not None:
            return datetime.fromtimestamp(supporter.time, UTC).strftime("%-d %b %Y")
    return "an unknown date"


def _pair_sentences(
    pair: PairFindings, derived: _Derived, supporters: Mapping[int, Sequence[Supporter]], names
) -> list[str]:
    sentences = []
    sides = {"a": supporters.get(pair.a, ()), "b": supporters.get(pair.b, ())}
    label = {"a": "the first claim", "b": "the second claim"}
    for item in derived.supporter_pairs:
        if item["class"] == SAME_SPEAKER:
            first, then = item["first"], item["then"]
            sentences.append(
                f"{names.by_slug(item['speaker'])} held {label[first]} first "
                f"({_date(sides[first], item['first_record'])}), then "
                f"{label[then]} "
                f"({_date(sides[then], item['then_record'])})."
            )
        elif item["class"] == SAME_SIDE:
            speakers = sorted({*item["speakers_a"], *item["speakers_b"]})
            who = ", ".join(names.by_slug(slug) for slug in speakers)
            sentences.append(f"{who} speak for the same side: {names.by_slug(item['side'])}.")
        elif item["class"] == AGAINST_EVIDENCE:
            sentences.append(
                f"Recorded evidence stands against {item['statements']} statement(s); the "
                "score weighs its grade."
            )
    return sentences


def conflict_explanation(
    pair: PairFindings,
    derived: _Derived,
    supporters: Mapping[int, Sequence[Supporter]],
    names: Names,
) -> str:
    """Return the explanation a reader sees: both claims, why, who holds them, what pairs."""
    rules = rules_by_code()
    whys = []
    for reason in derived.reasons:
        rule = rules.get(reason["rule"])
        if rule is not None:
            text = rule.why(reason, names.of)
            if text not in whys:
                whys.append(text)
    parts = [
        f"“{names.positions.get(pair.a, '?')}” against “{names.positions.get(pair.b, '?')}”.",
        *whys,
        f"The first is held by {_holders(supporters.get(pair.a, ()), names)}; the second by "
        f"{_holders(supporters.get(pair.b, ()), names)}.",
        *_pair_sentences(pair, derived, supporters, names),
    ]
    return " ".join(parts)
