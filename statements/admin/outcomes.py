"""What a save did to the disputes, in words for the curator: opened, joined, left, or none."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from statements.models import Dispute
from statements.selectors.workspace import record_disputes


@dataclass(frozen=True)
class DisputesBefore:
    """The disputes a record was in before a save, and the newest dispute id then."""

    ids: frozenset[int]
    latest: int


def disputes_before(record) -> DisputesBefore:
    """Note what a save of ``record`` (a statement or evidence item) will be compared with."""
    latest = Dispute.objects.aggregate(latest=Max("id"))["latest"] or 0
    ids = frozenset(record_disputes(**owner_of(record)).values_list("id", flat=True))
    return DisputesBefore(ids=ids if record.pk else frozenset(), latest=latest)


def owner_of(record) -> dict:
    return {record._meta.model_name: record} if record.pk else {"pk__in": []}


def _links(disputes) -> SafeString:
    return format_html_join(
        "; ",
        '<a href="{}">{}</a>',
        (
            (reverse("admin:statements_dispute_change", args=[dispute.pk]), dispute.title)
            for dispute in disputes
        ),
    )


def _count(n: int) -> str:
    return f"{n} dispute" if n == 1 else f"{n} disputes"


def disputes_outcome(record, before: DisputesBefore) -> SafeString:
    """Return what the save did: "opened 1 dispute: …", "joined 2 disputes: …", or
    "no contradiction found"."""
    after = list(record_disputes(**owner_of(record)))
    opened = [d for d in after if d.pk > before.latest]
    joined = [d for d in after if d.pk <= before.latest and d.pk not in before.ids]
    left = len(before.ids - {d.pk for d in after})
    parts = []
    if opened:
        parts.append(format_html("opened {}: {}", _count(len(opened)), _links(opened)))
    if joined:
        parts.append(format_html("joined {}: {}", _count(len(joined)), _links(joined)))
    if left:
        parts.append(format_html("left {}", _count(left)))
    kept = [d for d in after if d.pk in before.ids]
    if kept:
        parts.append(format_html("still in {}: {}", _count(len(kept)), _links(kept)))
    if not after and not left:
        parts.append(format_html("{}", "no contradiction found"))
    return format_html_join(" · ", "{}", ((part,) for part in parts))


def disputes_list(record) -> SafeString:
    """Return the disputes ``record``'s assertions are in, as links with their status."""
    disputes = list(record_disputes(**owner_of(record)))
    if not disputes:
        return format_html("{}", "none: no contradiction found")
    return format_html(
        '<ul class="ws-record-disputes">{}</ul>',
        format_html_join(
            "",
            '<li><a href="{}">{}</a> <span class="ws-badge ws-status-{}">{}</span></li>',
            (
                (
                    reverse("admin:statements_dispute_change", args=[d.pk]),
                    d.title,
                    d.status,
                    d.get_status_display(),
                )
                for d in disputes
            ),
        ),
    )
