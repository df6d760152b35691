"""A page costs a fixed number of SQL queries whatever it holds: pinned at two page sizes."""

import pytest

from statements.models import ExclusionRule, Predicate, Source, Statement

# url -> queries for one page, anonymous client: the request's savepoint and its release
# (ATOMIC_REQUESTS), COUNT, the page (+ one per prefetched relation, + one per slug filter
# that is looked up). A list with joins reads its page as two queries: the page's ids, then
# those rows with their joins (see PageNumberPagination). Conflicts and disputes read their
# page as values, with no joins and no ids first, and their positions in one more query.
TX = 2
IDS = 1
POSITIONS = 1
# A dispute page reads its disputes' members before their positions (``position_rows``).
MEMBERS = 1
LISTS = {
    "/api/entities/": TX + 3 + IDS,  # count, page with part_of, categories
    "/api/sources/": TX + 2,
    "/api/predicates/": TX + 2,
    "/api/exclusion-rules/": TX + 2 + IDS,  # both predicates joined
    "/api/statements/": TX
    + 3
    + IDS,  # count, page with speaker/source/author, assertions with values
    "/api/evidence/": TX + 3 + IDS,
    "/api/assertions/": TX + 2 + IDS,  # values and owner joined
    "/api/conflicts/": TX + 2 + POSITIONS,  # both sides' positions with supporter counts
    "/api/conflicts/?status=open&status=retracted&rule=exclusive_value&min_score=0.1": TX
    + 2
    + POSITIONS,
    "/api/conflicts/?speaker=russian-mod&speaker_side=true&entity=amstor-mall": TX + 4 + POSITIONS,
    "/api/conflicts/?predicate=facility_status&search=mall&ordering=-detected_at": TX
    + 3
    + POSITIONS,
    "/api/statements/?speaker=russian-federation&speaker_side=true&about=amstor-mall": TX + 5 + IDS,
    "/api/entities/russian-federation/conflicts/?side=true": TX + 3 + POSITIONS,  # + the entity
    "/api/assertions/?entity=amstor-mall": TX + 3 + IDS,
    # count, page, positions with their supporter counts, speakers and grades of those
    "/api/disputes/": TX + 3 + MEMBERS + POSITIONS,
    "/api/disputes/?speaker=russian-mod&speaker_side=true&pair_class=against_evidence": TX
    + 4
    + MEMBERS
    + POSITIONS,
    "/api/positions/": TX + 2 + IDS,
}


@pytest.fixture
def bigger_catalogue(seeded):
    """Add sources and exclusion rules so that every list has more than one small page."""
    for index in range(6):
        Source.objects.create(slug=f"extra-source-{index}", title=f"Extra source {index}")
    left, right = Predicate.objects.all()[:2]
    for index in range(6):
        ExclusionRule.objects.create(
            slug=f"extra-rule-{index}",
            left_predicate=left,
            left_operator="any",
            right_predicate=right,
            right_operator="any",
        )


@pytest.mark.parametrize("url,queries", LISTS.items())
def test_list_queries_do_not_grow_with_the_page(
    bigger_catalogue, api_client, django_assert_num_queries, url, queries
):
    separator = "&" if "?" in url else "?"
    sizes = []
    for page_size in (2, 30):
        with django_assert_num_queries(queries):
            response = api_client.get(f"{url}{separator}page_size={page_size}")
        assert response.status_code == 200, response.json()
        sizes.append(len(response.json()["results"]))
    assert sizes[0] < sizes[1] or sizes[1] <= 2, f"{url} should fill a bigger page: {sizes}"


def test_nested_statement_conflicts_queries(seeded, api_client, django_assert_num_queries):
    statement = Statement.objects.get(ref="mod-denied-striking-mall")
    for page_size in (1, 30):
        with django_assert_num_queries(TX + 3 + POSITIONS):  # the statement, count, page
            response = api_client.get(
                f"/api/statements/{statement.pk}/conflicts/?page_size={page_size}"
            )
        assert response.status_code == 200


def test_detail_queries(seeded, api_client, django_assert_num_queries):
    statement = Statement.objects.get(ref="mod-fire-spread")
    with django_assert_num_queries(TX + 2):  # statement with joins, its assertions
        assert api_client.get(f"/api/statements/{statement.pk}/").status_code == 200
    conflict_id = api_client.get("/api/conflicts/?page_size=1").json()["results"][0]["id"]
    with django_assert_num_queries(TX + 1):
        assert api_client.get(f"/api/conflicts/{conflict_id}/").status_code == 200
