"""``?search=`` on statements and evidence as full-text search, best match first."""

from statements.api.filters import SearchFilter
from statements.search import search_ordered


class FullTextSearchFilter(SearchFilter):
    """Match stemmed words ("malls" finds "mall"), every word required, best match first.

    An explicit ``ordering`` still wins: the ordering filter runs after this one.
    """

    search_description = (
        "Full-text search: rows holding every word, stemmed (malls finds mall), best match "
        "first unless ordering is given."
    )

    def filter_queryset(self, request, queryset, view):
        terms = self.get_search_terms(request)
        if not terms:
            return queryset
        return search_ordered(queryset, " ".join(terms))
