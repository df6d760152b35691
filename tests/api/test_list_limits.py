"""A list over its limit is refused before any item is read: one error naming the field and
the limit, in a few queries, however long the list (issue 12: 12,000 assertions ran for
minutes; 40,000 empty items made a 10 MB error body)."""

import pytest

from tests.api.utils import error_attrs, statement_payload

ITEM = {"predicate": "people_present", "subject": "amstor-mall", "value": 1}
EVIDENCE = {"kind": "photo", "title": "x", "source": "sbu-cctv-release", "reliability": "C",
            "credibility": 3}  # fmt: skip
ENTITY = {"slug": "press-office", "name": "Press office", "kind": "organisation"}
PREDICATE = {"slug": "roof_colour", "name": "Roof colour", "value_type": "choice"}
DRAFT = {"speaker": "igor-konashenkov", "said_at": "2022-06-30T09:00:00Z"}

# (path, payload, field, limit); /api/check/ posts anonymously.
CASES = [
    ("/api/statements/", statement_payload(assertions=[ITEM] * 12_000), "assertions", 200),
    ("/api/statements/", statement_payload(assertions=[{}] * 40_000), "assertions", 200),
    ("/api/evidence/", {**EVIDENCE, "assertions": [ITEM] * 12_000}, "assertions", 200),
    ("/api/evidence/", {**EVIDENCE, "assertions": [{}] * 40_000}, "assertions", 200),
    ("/api/check/", {**DRAFT, "assertions": [{}] * 40_000}, "assertions", 50),
    ("/api/entities/", {**ENTITY, "aliases": [{}] * 40_000}, "aliases", 100),
    ("/api/entities/", {**ENTITY, "categories": ["x"] * 40_000}, "categories", 100),
    ("/api/predicates/", {**PREDICATE, "choices": [{}] * 40_000}, "choices", 100),
    ("/api/predicates/", {**PREDICATE, "subject_kinds": [{}] * 40_000}, "subject_kinds", 100),
]


@pytest.mark.parametrize(
    ("path", "payload", "field", "limit"),
    CASES,
    ids=[f"{path.split('/')[2]}-{field}-{len(p[field])}" for path, p, field, _ in CASES],
)
def test_a_list_over_its_limit_is_refused_before_its_items(
    seeded,
    api_client,
    curator_api_client,
    django_assert_max_num_queries,
    path,
    payload,
    field,
    limit,
):
    client = api_client if path == "/api/check/" else curator_api_client
    # Authentication, permissions, the throttles: never a query per item.
    with django_assert_max_num_queries(10):
        response = client.post(path, payload, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {field: "max_length"}
    assert f"no more than {limit} " in response.json()["errors"][0]["detail"]
    assert len(response.content) < 500


def test_a_list_at_its_limit_is_read_item_by_item(seeded, curator_api_client):
    """The limit is the limit: 200 assertions pass the length check, and their items are read."""
    payload = statement_payload(assertions=[{}] * 200)
    response = curator_api_client.post("/api/statements/", payload, format="json")
    assert response.status_code == 400
    attrs = error_attrs(response)
    assert attrs["assertions.199.predicate"] == "required"
    assert "assertions" not in attrs
