"""Reads for claim search: the statements on record closest to a new quote."""

from __future__ import annotations

from django.conf import settings

from statements.models import Statement
from statements.search import search_ordered


def statements_similar(quote: str, *, limit: int | None = None) -> list[Statement]:
    """Return up to ``limit`` statements closest to ``quote``, best first, any word matching.

    ``limit`` defaults to ``CONTRADICT_CHECK_SIMILAR``. Each row has ``search_rank``.
    """
    limit = settings.CONTRADICT_CHECK_SIMILAR if limit is None else limit
    if limit <= 0 or not quote.strip():
        return []
    statements = Statement.objects.select_related("speaker", "source")
    return list(search_ordered(statements, quote, match="any")[:limit])
