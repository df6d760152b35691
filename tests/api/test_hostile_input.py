"""Hostile input is a 400 naming the field, never a 500 (the fuzz corpus of issue 12).

Each case once ended in a server error on PostgreSQL or SQLite: a NUL character in a slug or a
text, a time-zone offset PostgreSQL refuses, an integer beyond a double, or a list so long that
validating its items took minutes. The cases run on both databases.
"""

import copy

import pytest

from tests.api.utils import STRIKE, error_attrs, statement_payload

NUL = "amstor\x00mall"
HUGE = 10**400
FAR_OFFSET = "2022-01-01T00:00:00-18:50"


def _set(payload: dict, path: str, value) -> dict:
    """Return a copy of ``payload`` with the dotted ``path`` (``assertions.0.subject``) set."""
    payload = copy.deepcopy(payload)
    *parents, last = path.split(".")
    target = payload
    for key in parents:
        target = target[int(key) if isinstance(target, list) else key]
    target[int(last) if isinstance(target, list) else last] = value
    return payload


HIT = {"predicate": "hit_target", "subject": "second-missile", "value": "kremenchuk"}
COUNT = {"predicate": "people_present", "subject": "amstor-mall", "value": 10,
         "valid_from": STRIKE, "valid_until": STRIKE, "time_precision": "hour"}  # fmt: skip
STATEMENT = statement_payload(context="Briefing.")
STATEMENT["assertions"][0]["note"] = "A note."
STATEMENT_HIT = statement_payload(assertions=[HIT])
STATEMENT_COUNT = statement_payload(assertions=[COUNT])
EVIDENCE = {
    "kind": "photo",
    "title": "Satellite photo",
    "source": "sbu-cctv-release",
    "place": "kremenchuk",
    "reliability": "C",
    "credibility": 3,
    "captured_at": STRIKE,
    "assertions": [dict(HIT)],
}
ENTITY = {"slug": "press-office", "name": "Press office", "kind": "organisation",
          "part_of": "russian-mod", "categories": ["civilian-infrastructure"],
          "aliases": ["the office"]}  # fmt: skip
PREDICATE = {"slug": "roof_colour", "name": "Roof colour", "value_type": "number",
             "tolerance": 0, "subject_kinds": ["facility"]}  # fmt: skip
RULE = {"slug": "hit-excludes-fire", "left_predicate": "hit_target", "left_operator": "eq",
        "left_value": "kremenchuk", "right_predicate": "people_present",
        "right_operator": "any"}  # fmt: skip
RULE_GT = {**RULE, "left_predicate": "people_present", "left_operator": "gt", "left_value": 0,
           "right_predicate": "facility_status"}  # fmt: skip
DRAFT = {k: v for k, v in STATEMENT.items() if k not in ("ref", "context")}
DRAFT_HIT = {**DRAFT, "assertions": [HIT]}
DRAFT_COUNT = {**DRAFT, "assertions": [COUNT]}

NUL_CODE = "null_characters_not_allowed"

# (path, base payload, field set to the hostile value, value, expected code); "check" posts
# anonymously, every other path as a curator.
BODY_CASES = [
    *[
        ("/api/statements/", base, field, NUL, NUL_CODE)
        for base, field in [
            (STATEMENT, "speaker"),
            (STATEMENT, "source"),
            (STATEMENT, "assertions.0.predicate"),
            (STATEMENT, "assertions.0.subject"),
            (STATEMENT_HIT, "assertions.0.value"),
            (STATEMENT, "quote"),
            (STATEMENT, "context"),
            (STATEMENT, "assertions.0.note"),
        ]
    ],
    ("/api/statements/", STATEMENT, "ref", NUL, "invalid"),  # a slug: letters, digits, - and _
    *[
        ("/api/evidence/", EVIDENCE, field, NUL, NUL_CODE)
        for field in ["source", "place", "title", "assertions.0.subject", "assertions.0.value"]
    ],
    *[
        ("/api/entities/", ENTITY, field, NUL, NUL_CODE)
        for field in ["part_of", "categories.0", "name", "aliases.0"]
    ],
    ("/api/exclusion-rules/", RULE, "left_predicate", NUL, NUL_CODE),
    ("/api/exclusion-rules/", RULE, "right_predicate", NUL, NUL_CODE),
    ("/api/exclusion-rules/", RULE, "left_value", NUL, NUL_CODE),
    *[
        ("/api/check/", base, field, NUL, NUL_CODE)
        for base, field in [
            (DRAFT, "speaker"),
            (DRAFT, "source"),
            (DRAFT, "quote"),
            (DRAFT, "assertions.0.predicate"),
            (DRAFT, "assertions.0.subject"),
            (DRAFT_HIT, "assertions.0.value"),
        ]
    ],
    # Offsets PostgreSQL refuses, in the body as in the filters.
    ("/api/statements/", STATEMENT, "said_at", FAR_OFFSET, "invalid_offset"),
    ("/api/statements/", STATEMENT, "assertions.0.valid_from", FAR_OFFSET, "invalid_offset"),
    ("/api/evidence/", EVIDENCE, "captured_at", "2022-06-27T12:50:00+16:00", "invalid_offset"),
    ("/api/check/", DRAFT, "said_at", FAR_OFFSET, "invalid_offset"),
    ("/api/check/", DRAFT, "assertions.0.valid_until", FAR_OFFSET, "invalid_offset"),
    # Integers beyond a double.
    ("/api/statements/", STATEMENT_COUNT, "assertions.0.value", HUGE, "out_of_range"),
    ("/api/statements/", STATEMENT_COUNT, "assertions.0.value", -HUGE, "out_of_range"),
    ("/api/check/", DRAFT_COUNT, "assertions.0.value", HUGE, "out_of_range"),
    ("/api/predicates/", PREDICATE, "tolerance", HUGE, "overflow"),
    ("/api/exclusion-rules/", RULE_GT, "left_value", HUGE, "out_of_range"),
]


def _attr(field: str) -> str:
    # A reference in a list is reported for the list: DRF stops at the first bad item.
    return "categories" if field == "categories.0" else field


@pytest.mark.parametrize(
    ("path", "base", "field", "value", "code"),
    BODY_CASES,
    ids=[f"{path.split('/')[2]}-{field}-{code}" for path, _, field, _, code in BODY_CASES],
)
def test_hostile_body_value_is_a_400_naming_the_field(
    seeded, api_client, curator_api_client, path, base, field, value, code
):
    client = api_client if path == "/api/check/" else curator_api_client
    response = client.post(path, _set(base, field, value), format="json")
    assert response.status_code == 400, response.content[:500]
    assert error_attrs(response) == {_attr(field): code}


def test_the_corpus_bases_are_valid(seeded, api_client, curator_api_client):
    """The cases above fail on the hostile value alone: every base payload is accepted."""
    for path, base in [
        ("/api/statements/", STATEMENT),
        ("/api/statements/", STATEMENT_HIT),
        ("/api/statements/", STATEMENT_COUNT),
        ("/api/evidence/", EVIDENCE),
        ("/api/entities/", ENTITY),
        ("/api/predicates/", PREDICATE),
        ("/api/exclusion-rules/", RULE),
        ("/api/exclusion-rules/", {**RULE_GT, "slug": "count-excludes-status"}),
    ]:
        response = curator_api_client.post(path, base, format="json")
        assert response.status_code == 201, (path, response.json())
    for base in (DRAFT, DRAFT_HIT, DRAFT_COUNT):
        response = api_client.post("/api/check/", base, format="json")
        assert response.status_code == 200, response.json()


QUERY_CASES = [
    ("/api/statements/", "said_after", FAR_OFFSET, "invalid_offset"),
    ("/api/statements/", "said_before", "2022-01-01T00:00:00+16:00", "invalid_offset"),
    ("/api/conflicts/", "said_after", FAR_OFFSET, "invalid_offset"),
    ("/api/conflicts/", "said_before", FAR_OFFSET, "invalid_offset"),
    ("/api/conflicts/", "detected_after", FAR_OFFSET, "invalid_offset"),
    ("/api/conflicts/", "detected_before", "2022-01-01T00:00:00+23:59", "invalid_offset"),
    # In range, but not once read in UTC (SQLite reads every moment in UTC).
    ("/api/conflicts/", "said_after", "0001-01-01T00:00:00+01:00", "overflow"),
    ("/api/statements/", "said_before", "9999-12-31T23:59:59-01:00", "overflow"),
    ("/api/statements/", "speaker", NUL, NUL_CODE),
    ("/api/statements/", "about", NUL, NUL_CODE),
    ("/api/statements/", "source", NUL, NUL_CODE),
    ("/api/statements/", "search", NUL, NUL_CODE),
    ("/api/evidence/", "about", NUL, NUL_CODE),
    ("/api/conflicts/", "entity", NUL, NUL_CODE),
    ("/api/conflicts/", "speaker", NUL, NUL_CODE),
    ("/api/conflicts/", "predicate", NUL, NUL_CODE),
    ("/api/conflicts/", "search", NUL, NUL_CODE),
    ("/api/assertions/", "subject", NUL, NUL_CODE),
    ("/api/assertions/", "predicate", NUL, NUL_CODE),
    ("/api/entities/", "part_of", NUL, NUL_CODE),
    ("/api/entities/", "within", NUL, NUL_CODE),
    ("/api/entities/", "search", NUL, NUL_CODE),
    ("/api/entities/amstor-mall/conflicts/", "entity", NUL, NUL_CODE),
]


@pytest.mark.parametrize(
    ("path", "name", "value", "code"),
    QUERY_CASES,
    ids=[f"{path.split('/')[2]}-{name}-{code}" for path, name, _, code in QUERY_CASES],
)
def test_hostile_query_parameter_is_a_400_naming_it(seeded, api_client, path, name, value, code):
    response = api_client.get(path, {name: value})
    assert response.status_code == 400, response.content[:500]
    assert error_attrs(response) == {name: code}


def test_offsets_within_range_still_filter(seeded, api_client):
    # 2022-06-28T02:00+03:00 is 2022-06-27T23:00Z: the statements said on the 28th, not the 27th.
    everything = api_client.get("/api/statements/").json()["count"]
    later = api_client.get("/api/statements/", {"said_after": "2022-06-28T02:00:00+03:00"})
    assert later.status_code == 200
    assert 0 < later.json()["count"] < everything
    same = api_client.get("/api/statements/", {"said_after": "2022-06-27T23:00:00Z"})
    assert same.json()["count"] == later.json()["count"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/entities/amstor%00mall/",
        "/api/sources/daily%00mail/",
        "/api/predicates/people%00present/",
        "/api/exclusion-rules/a%00b/",
    ],
)
def test_nul_in_a_slug_path_is_a_404(seeded, api_client, path):
    response = api_client.get(path)
    assert response.status_code == 404
    assert error_attrs(response) == {None: "not_found"}
