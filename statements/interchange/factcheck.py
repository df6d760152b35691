"""Statements from ClaimReview items in the Google Fact Check Tools ``claims:search`` format.

Each review of a claim becomes a statement: the claimant speaks, the review's page is the
source, ``claimDate`` is when it was said and the claim's text is the quote; assertions are
left for a curator. Refs are built from the review's URL, so importing the same response
again changes nothing, and a corrected review updates its statement (keeping the assertions a
curator has added since).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.text import slugify

from statements.languages import language_tag_clean
from statements.models import Entity, EntityKind, Source, Statement, TimePrecision
from statements.services import entity_save, source_upsert, statement_create, statement_update

REF_PREFIX = "claimreview-"
# A claimant nobody has classified yet: a curator gives it its kind (person, organisation...).
NEW_SPEAKER_KIND = EntityKind.OTHER
MAX_CLAIMS = 1000


@dataclass
class FactCheckReport:
    """What an import did: refs of the statements created, updated and left as they were."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    speakers_created: list[str] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False


def review_ref(url: str) -> str:
    """Return the statement ref (and source slug) of the review at ``url``."""
    return REF_PREFIX + hashlib.sha256(url.strip().encode()).hexdigest()[:32]


def _text(item: Mapping, key: str) -> str:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else ""


def _moment(raw: str, where: str) -> tuple[dt.datetime, str]:
    try:
        moment = dt.datetime.fromisoformat(raw.strip())
    except ValueError as error:
        raise ValidationError({where: f"{raw[:40]!r} is not an ISO 8601 date or time."}) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC)
    midnight = (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
    return moment, TimePrecision.DAY if midnight else TimePrecision.SECOND


def _url(raw: Any, where: str) -> str:
    url = raw.strip() if isinstance(raw, str) else ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError({where: "A ClaimReview needs the http(s) URL of its page."})
    return url


def claims_of(data: Any) -> list[Mapping]:
    """Return the claims of a ``claims:search`` response (or of a bare list of claims)."""
    claims = data.get("claims", []) if isinstance(data, Mapping) else data
    if not isinstance(claims, list):
        raise ValidationError({"claims": "Expected a list of claims."})
    if len(claims) > MAX_CLAIMS:
        raise ValidationError({"claims": f"At most {MAX_CLAIMS} claims in one import."})
    for index, claim in enumerate(claims):
        if not isinstance(claim, Mapping):
            raise ValidationError({f"claims.{index}": "Expected a claim object."})
        reviews = claim.get("claimReview", [])
        if not isinstance(reviews, list) or not all(isinstance(r, Mapping) for r in reviews):
            raise ValidationError({f"claims.{index}.claimReview": "Expected a list of reviews."})
    return claims


class _Speakers:
    """Find the entity a claimant names (by name or alias, any case), or make one."""

    def __init__(self, report: FactCheckReport):
        self.report = report
        self.found: dict[str, Entity] = {}

    def __call__(self, name: str) -> Entity:
        key = name.casefold()
        if key not in self.found:
            self.found[key] = self._lookup(name) or self._create(name)
        return self.found[key]

    @staticmethod
    def _lookup(name: str) -> Entity | None:
        entity = Entity.objects.filter(name__iexact=name).order_by("id").first()
        if entity is not None:
            return entity
        key = name.casefold()
        # Narrow with a substring match on the aliases as text, then compare them exactly.
        texts = Entity.objects.annotate(alias_text=Cast("aliases", TextField()))
        for candidate in texts.filter(alias_text__icontains=name).order_by("id"):
            if any(isinstance(a, str) and a.casefold() == key for a in candidate.aliases):
                return candidate
        return None

    def _create(self, name: str) -> Entity:
        base = slugify(name)[:90] or "claimant"
        slug, number = base, 1
        while Entity.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        entity = entity_save(entity=Entity(slug=slug, name=name[:200], kind=NEW_SPEAKER_KIND))
        self.report.speakers_created.append(slug)
        return entity


def _context(review: Mapping, publisher: str) -> str:
    rating = _text(review, "textualRating")
    parts = [f'Rated "{rating}"' if rating else "Reviewed", f"by {publisher}" if publisher else ""]
    date = _text(review, "reviewDate")[:10]
    if date:
        parts.append(f"on {date}")
    language = _text(review, "languageCode")
    if language:
        parts.append(f"({language})")
    return " ".join(part for part in parts if part) + "."


def _language(review: Mapping) -> str:
    """Return the review's ``languageCode`` as a standard BCP 47 tag, or "" if it is none.

    The claim is usually in the review's language; a feed's odd code must not stop an import
    (it stays readable in the context).
    """
    try:
        return language_tag_clean(_text(review, "languageCode"))
    except ValidationError:
        return ""


def _source(review: Mapping, url: str, ref: str, where: str) -> Source:
    publisher = review.get("publisher") if isinstance(review.get("publisher"), Mapping) else {}
    name = _text(publisher, "name") or _text(publisher, "site")
    published_on = None
    if _text(review, "reviewDate"):
        published_on = _moment(_text(review, "reviewDate"), f"{where}.reviewDate")[0].date()
    return source_upsert(
        slug=ref,
        title=(_text(review, "title") or url)[:500],
        url=url,
        publisher=name[:200],
        published_on=published_on,
    )[0]


@transaction.atomic
def factcheck_import(*, data: Any, created_by=None, dry_run: bool = False) -> FactCheckReport:
    """Write a statement for each ClaimReview of ``data``, a ``claims:search`` response.

    A claim without a claimant, a text or a claimDate cannot be a statement on record: it is
    skipped and listed with the reason. Anything malformed (a review without a URL, a date
    that is not ISO 8601) raises ``ValidationError`` naming it (``claims.2.claimReview.0.url``)
    and nothing is written. With ``dry_run`` everything is checked and nothing is kept.
    """
    report = FactCheckReport(dry_run=dry_run)
    speakers = _Speakers(report)
    for index, claim in enumerate(claims_of(data)):
        where = f"claims.{index}"
        reviews = claim.get("claimReview") or []
        missing = [key for key in ("text", "claimant", "claimDate") if not _text(claim, key)]
        if not reviews:
            missing.append("claimReview")
        if missing:
            report.skipped.append(
                {"claim": index, "reason": f"No {', '.join(missing)}: not a statement on record."}
            )
            continue
        said_at, precision = _moment(_text(claim, "claimDate"), f"{where}.claimDate")
        for number, review in enumerate(reviews):
            at = f"{where}.claimReview.{number}"
            url = _url(review.get("url"), f"{at}.url")
            ref = review_ref(url)
            source = _source(review, url, ref, at)
            publisher = source.publisher
            fields = {
                "speaker": speakers(_text(claim, "claimant")),
                "source": source,
                "said_at": said_at,
                "said_at_precision": precision,
                "quote": _text(claim, "text"),
                "context": _context(review, publisher),
                "language": _language(review),
            }
            existing = Statement.objects.filter(ref=ref).first()
            if existing is None:
                statement_create(created_by=created_by, ref=ref, **fields)
                report.created.append(ref)
            elif all(getattr(existing, name) == value for name, value in fields.items()):
                report.unchanged.append(ref)
            else:
                statement_update(statement=existing, **fields)
                report.updated.append(ref)
    if dry_run:
        transaction.set_rollback(True)
    return report
