"""Full-text claim search over statements (quote, context) and evidence (title, description).

Words are stemmed ("malls" finds "mall") and matches come best first. PostgreSQL uses its own
full-text search (``to_tsvector`` with the ``CONTRADICT_SEARCH_CONFIG`` configuration, behind a
GIN index on the same expression); the embedded SQLite default uses FTS5 tables with the
porter stemmer, kept in step with the records by triggers (migration 0008). Both are reached
through ``search_rank``, which returns a queryset filtered to the matches and annotated with
``search_rank``, higher is better.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL

from statements.models import Evidence, Statement

# The searched columns per model, most telling first, with their weights (PostgreSQL's A-D
# letters, FTS5's bm25 column weights).
SEARCHED = {
    Statement: (("quote", "A", 10.0), ("context", "B", 4.0)),
    Evidence: (("title", "A", 10.0), ("description", "B", 4.0)),
}
# How many words of a text a search reads (a quote pasted whole into /api/check/, say).
MAX_WORDS = 40
_WORD = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """Return the words of ``text`` a search matches on, at most ``MAX_WORDS``, once each."""
    return list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))[:MAX_WORDS]


def fts_table(model) -> str:
    """Return the name of the SQLite FTS5 table that indexes ``model``."""
    return f"{model._meta.db_table}_fts"


def search_vector(model) -> SearchVector:
    """Return the weighted PostgreSQL document of ``model`` (the GIN index is on this too)."""
    config = settings.CONTRADICT_SEARCH_CONFIG
    columns = SEARCHED[model]
    vector = SearchVector(columns[0][0], weight=columns[0][1], config=config)
    for name, weight, _ in columns[1:]:
        vector = vector + SearchVector(name, weight=weight, config=config)
    return vector


def search_rank(queryset: QuerySet, text: str, *, match: str = "all") -> QuerySet:
    """Return the rows of ``queryset`` matching ``text``, annotated with ``search_rank``.

    ``match="all"`` keeps rows holding every word (a search box); ``"any"`` rows holding at
    least one, ranked by how many and how telling (rows like a given quote). Nothing to
    search for (no word in ``text``) matches nothing.
    """
    words = search_words(text)
    if not words:
        # Nothing to search for ("/." has no word): no match, ranked like any other result.
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        return _postgres(queryset, words, match)
    if connection.vendor == "sqlite":
        return _sqlite(queryset, words, match)
    raise NotImplementedError(f"no full-text search on {connection.vendor}")


def _postgres(queryset: QuerySet, words: list[str], match: str) -> QuerySet:
    config = settings.CONTRADICT_SEARCH_CONFIG
    queries = [SearchQuery(word, search_type="plain", config=config) for word in words]
    query = queries[0]
    for more in queries[1:]:
        query = (query & more) if match == "all" else (query | more)
    vector = search_vector(queryset.model)
    # Filtering on the vector expression itself lets PostgreSQL use the GIN index.
    return (
        queryset.annotate(search_document=vector)
        .filter(search_document=query)
        .annotate(search_rank=SearchRank(F("search_document"), query))
    )


def _fts5_query(words: list[str], match: str) -> str:
    # Each word as an FTS5 string, so no word is read as an operator (AND, NEAR, a column).
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    return (" AND " if match == "all" else " OR ").join(quoted)


def _sqlite(queryset: QuerySet, words: list[str], match: str) -> QuerySet:
    model = queryset.model
    table = connection.ops.quote_name(fts_table(model))
    outer = connection.ops.quote_name(model._meta.db_table)
    weights = ", ".join(str(weight) for _, _, weight in SEARCHED[model])
    expression = _fts5_query(words, match)
    # bm25() is lower for better matches; negated, higher is better as on PostgreSQL.
    rank = RawSQL(
        f"SELECT -bm25({table}, {weights}) FROM {table} "
        f"WHERE {table} MATCH %s AND {table}.rowid = {outer}.id",
        (expression,),
        output_field=FloatField(),
    )
    matched = RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", (expression,))
    return queryset.filter(id__in=matched).annotate(search_rank=rank)


def search_ordered(queryset: QuerySet, text: str, *, match: str = "all") -> QuerySet:
    """Return the matches of ``text`` in ``queryset``, best first (then newest, for ties)."""
    ordering = queryset.model._meta.ordering
    return search_rank(queryset, text, match=match).order_by("-search_rank", *ordering)
