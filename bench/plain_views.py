"""Plain Django views that build the API's first list pages by hand (bench only, never shipped).

``/plain/disputes/`` and ``/plain/conflicts/`` answer what ``/api/disputes/`` and
``/api/conflicts/`` answer without filters: the same JSON body, byte for byte (the same fields,
nesting, order, and ``count``/``next``/``previous`` envelope), built from ``.values()`` queries
and ``json.dumps``. No DRF: no serializer, filter backends, throttles, content negotiation or
ORM instances. ``bench/api_rps.py`` refuses to time the two unless the bodies are identical.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from django.db.models import Count
from django.http import HttpResponse

from statements.models import (
    Assertion,
    Comparator,
    Conflict,
    ConflictStatus,
    Dispute,
    DisputeMember,
    DisputeStatus,
    Position,
    tag_list,
)
from statements.text import claim_beside_title, position_text

PAGE_SIZE_MAX = 200
SPEAKERS_SHOWN = 10

POSITION_COLUMNS = (
    "id",
    "subject__name",
    "predicate__name",
    "object_id",
    "object__name",
    "object__slug",
    "choice",
    "number",
    "number_high",
    "boolean",
    "comparator",
    "polarity",
    "valid_from",
    "valid_until",
    "time_precision",
)


def _time(value) -> str | None:
    # DRF's DateTimeField in UTC: ISO 8601 with a "Z".
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _with_page(url: str, page: int | None) -> str:
    # DRF sorts the query when it rewrites it, and drops ``page`` for the first page.
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params.pop("page", None)
    if page is not None:
        params["page"] = [str(page)]
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


def _page(request, count: int, kind: str) -> tuple[int, int, str | None, str | None]:
    size = min(int(request.GET.get("page_size") or 50), PAGE_SIZE_MAX)
    number = int(request.GET.get("page") or 1)
    # The links name the API's page: this view stands in for it.
    url = request.build_absolute_uri().replace(f"/plain/{kind}/", f"/api/{kind}/", 1)
    pages = max(1, -(-count // size))
    following = _with_page(url, number + 1) if number < pages else None
    preceding = None
    if number > 1:
        preceding = _with_page(url, number - 1 if number > 2 else None)
    return (number - 1) * size, size, following, preceding


def _claims(ids) -> dict[int, tuple[SimpleNamespace, object, int]]:
    """Return each position's claim, its value as clients write it and its supporter count."""
    totals = dict(
        Assertion.objects.filter(position_id__in=ids)
        .order_by()
        .values("position_id")
        .annotate(total=Count("id"))
        .values_list("position_id", "total")
    )
    claims = {}
    for row in Position.objects.filter(id__in=ids).order_by().values(*POSITION_COLUMNS):
        claim = SimpleNamespace(
            **row,
            subject=SimpleNamespace(name=row["subject__name"]),
            predicate=SimpleNamespace(name=row["predicate__name"]),
            object=SimpleNamespace(name=row["object__name"]),
        )
        if row["object_id"] is not None:
            value = row["object__slug"]
        elif row["choice"]:
            value = row["choice"]
        elif row["number"] is not None:
            value = row["number"]
            if row["comparator"] == Comparator.BETWEEN:
                value = [row["number"], row["number_high"]]
        else:
            value = row["boolean"]
        claims[row["id"]] = (claim, value, totals.get(row["id"], 0))
    return claims


def _positions(ids) -> dict[int, dict]:
    """Return each position as a conflict row shows it, by id."""
    return {
        pk: {
            "id": pk,
            "url": f"/api/positions/{pk}/",
            "text": position_text(claim),
            "value": value,
            "polarity": claim.polarity,
            "supporter_count": total,
        }
        for pk, (claim, value, total) in _claims(ids).items()
    }


def _held(ids) -> dict[int, tuple[list[str], str | None]]:
    """Return each position's first speakers and its best evidence grade."""
    held: dict[int, tuple[list[str], list[str]]] = {pk: ([], []) for pk in ids}
    rows = (
        Assertion.objects.filter(position_id__in=ids)
        .values_list(
            "position_id",
            "statement__speaker__slug",
            "evidence__reliability",
            "evidence__credibility",
        )
        .order_by("position_id", "statement__speaker__slug")
        .distinct()
    )
    for position, speaker, reliability, credibility in rows:
        speakers, grades = held[position]
        if speaker is not None and speaker not in speakers and len(speakers) < SPEAKERS_SHOWN:
            speakers.append(speaker)
        if reliability is not None:
            grades.append(f"{reliability}{credibility}")
    return {
        pk: (speakers, min(grades, key=lambda g: (g[:1], g[1:])) if grades else None)
        for pk, (speakers, grades) in held.items()
    }


def _json(body) -> HttpResponse:
    # DRF's JSONRenderer: compact separators, UTF-8 unescaped.
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return HttpResponse(text.encode(), content_type="application/json")


def plain_conflicts(request):
    live = Conflict.objects.exclude(status=ConflictStatus.RETRACTED)
    count = live.count()
    offset, size, following, preceding = _page(request, count, "conflicts")
    rows = list(
        live.order_by("-score", "-id").values(
            "id",
            "rules",
            "status",
            "score",
            "pair_classes",
            "position_a_id",
            "position_b_id",
            "position_a__disputes",
            "detected_at",
        )[offset : offset + size]
    )
    positions = _positions({r["position_a_id"] for r in rows} | {r["position_b_id"] for r in rows})
    results = [
        {
            "id": row["id"],
            "url": f"/api/conflicts/{row['id']}/",
            "rules": tag_list(row["rules"]),
            "status": row["status"],
            "score": row["score"],
            "pair_classes": tag_list(row["pair_classes"]),
            "position_a": positions[row["position_a_id"]],
            "position_b": positions[row["position_b_id"]],
            "dispute": row["position_a__disputes"],
            "detected_at": _time(row["detected_at"]),
        }
        for row in rows
    ]
    return _json({"count": count, "next": following, "previous": preceding, "results": results})


def plain_disputes(request):
    live = Dispute.objects.exclude(status=DisputeStatus.RETRACTED)
    count = live.count()
    offset, size, following, preceding = _page(request, count, "disputes")
    rows = list(
        live.order_by("-score", "-last_activity_at", "-id").values(
            "id",
            "title",
            "status",
            "score",
            "rules",
            "pair_classes",
            "verdict",
            "verdict_position_id",
            "verdict_note",
            "reviewed_by__username",
            "reviewed_at",
            "last_activity_at",
        )[offset : offset + size]
    )
    members: dict[int, list[int]] = {row["id"]: [] for row in rows}
    for dispute, position in (
        DisputeMember.objects.filter(dispute_id__in=list(members))
        .order_by("position_id")
        .values_list("dispute_id", "position_id")
    ):
        members[dispute].append(position)
    ids = [pk for group in members.values() for pk in group]
    claims, held = _claims(ids), _held(ids)
    results = []
    for row in rows:
        positions = []
        for pk in members[row["id"]]:
            claim, value, total = claims[pk]
            positions.append(
                {
                    "id": pk,
                    "claim": claim_beside_title(claim, row["title"]),
                    "value": value,
                    "supporter_count": total,
                    "speakers": held[pk][0],
                    "strongest_grade": held[pk][1],
                }
            )
        review = None
        if row["verdict"]:
            review = {
                "verdict": row["verdict"],
                "position": row["verdict_position_id"],
                "note": row["verdict_note"],
                "reviewed_by": row["reviewed_by__username"],
                "reviewed_at": _time(row["reviewed_at"]),
            }
        results.append(
            {
                "id": row["id"],
                "url": f"/api/disputes/{row['id']}/",
                "title": row["title"],
                "status": row["status"],
                "score": row["score"],
                "rules": tag_list(row["rules"]),
                "pair_classes": tag_list(row["pair_classes"]),
                "positions": positions,
                "review": review,
                "last_activity_at": _time(row["last_activity_at"]),
            }
        )
    return _json({"count": count, "next": following, "previous": preceding, "results": results})
