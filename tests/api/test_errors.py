"""Every client mistake is a 4xx in one shape naming the field; none is a 500."""

import json

import pytest
from django.test import override_settings

from statements.models import Assertion, Statement
from tests.api.utils import error_attrs, if_match, statement_payload


@pytest.fixture
def post_statement(seeded, curator_api_client):
    def post(payload, **extra):
        return curator_api_client.post("/api/statements/", payload, format="json", **extra)

    return post


def test_malformed_json_is_a_400_parse_error(seeded, curator_api_client):
    response = curator_api_client.generic(
        "POST", "/api/statements/", '{"speaker": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert error_attrs(response) == {None: "parse_error"}


def test_json_nested_thousands_deep_is_a_400_not_a_500(seeded, curator_api_client):
    body = "[" * 50_000 + "]" * 50_000
    response = curator_api_client.generic(
        "POST", "/api/statements/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert error_attrs(response) == {None: "parse_error"}


def test_json_nested_a_little_too_deep_is_refused(seeded, curator_api_client):
    value = 1
    for _ in range(40):
        value = {"v": value}
    response = curator_api_client.post(
        "/api/statements/", statement_payload(context=value), format="json"
    )
    assert response.status_code == 400
    assert "nested deeper" in response.json()["errors"][0]["detail"]


def test_nan_and_overflowing_numbers_are_parse_errors(seeded, curator_api_client):
    for literal in ("NaN", "Infinity", "1e999"):
        body = '{"speaker": "russian-mod", "n": ' + literal + "}"
        response = curator_api_client.generic(
            "POST", "/api/statements/", body, content_type="application/json"
        )
        assert response.status_code == 400, literal
        assert error_attrs(response) == {None: "parse_error"}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_oversized_body_is_a_413_in_the_error_shape(seeded, curator_api_client):
    response = curator_api_client.post(
        "/api/statements/", statement_payload(quote="x" * 20_000), format="json"
    )
    assert response.status_code == 413
    assert error_attrs(response) == {None: "request_too_large"}
    assert not Statement.objects.filter(quote__startswith="xxx").exists()


def test_form_body_is_a_415(seeded, curator_api_client):
    response = curator_api_client.post("/api/statements/", {"quote": "x"}, format="multipart")
    assert response.status_code == 415
    assert error_attrs(response) == {None: "unsupported_media_type"}


def test_body_without_content_type_is_a_415(seeded, curator_api_client):
    response = curator_api_client.generic("POST", "/api/statements/", b"{}", content_type="")
    assert response.status_code == 415


def test_html_accept_is_a_406(seeded, api_client):
    response = api_client.get("/api/statements/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert error_attrs(response) == {None: "not_acceptable"}


def test_missing_fields_are_named(post_statement):
    response = post_statement({"assertions": [{}]})
    assert response.status_code == 400
    attrs = error_attrs(response)
    assert {"speaker", "source", "said_at", "quote"} <= set(attrs)
    assert attrs["speaker"] == "required"
    assert {"assertions.0.predicate", "assertions.0.subject", "assertions.0.value"} <= set(attrs)


def test_wrong_types_are_named(post_statement):
    response = post_statement(
        statement_payload(said_at="last tuesday", quote=["a", "list"], assertions="none")
    )
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"said_at", "quote", "assertions"}


def test_a_list_body_is_a_400(post_statement):
    response = post_statement([1, 2])
    assert response.status_code == 400
    assert error_attrs(response) == {"non_field_errors": "invalid"}


def test_unknown_speaker_and_predicate_slugs_are_named(post_statement):
    payload = statement_payload(speaker="nobody-at-all")
    payload["assertions"][0]["predicate"] = "no_such_predicate"
    response = post_statement(payload)
    assert response.status_code == 400
    assert error_attrs(response) == {
        "speaker": "does_not_exist",
        "assertions.0.predicate": "does_not_exist",
    }


def test_unknown_entity_as_value_is_named(post_statement):
    payload = statement_payload()
    payload["assertions"].append(
        {"predicate": "hit_target", "subject": "second-missile", "value": "the-moon"}
    )
    response = post_statement(payload)
    assert response.status_code == 400
    assert error_attrs(response) == {"assertions.1.value": "does_not_exist"}


def test_value_not_fitting_its_predicate_is_named_and_nothing_is_saved(post_statement):
    before = (Statement.objects.count(), Assertion.objects.count())
    payload = statement_payload()
    payload["assertions"] += [
        {"predicate": "people_present", "subject": "amstor-mall", "value": 1000},
        {"predicate": "people_present", "subject": "amstor-mall", "value": "lots"},
    ]
    response = post_statement(payload)
    assert response.status_code == 400
    assert error_attrs(response) == {"assertions.2.value": "invalid"}
    assert "finite number" in response.json()["errors"][0]["detail"]
    assert (Statement.objects.count(), Assertion.objects.count()) == before


def test_choice_outside_the_predicate_is_named(post_statement):
    payload = statement_payload()
    payload["assertions"][0]["value"] = "haunted"
    response = post_statement(payload)
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"assertions.0.value"}


def test_subject_of_the_wrong_kind_is_named(post_statement):
    payload = statement_payload()
    payload["assertions"][0]["subject"] = "vladimir-putin"
    response = post_statement(payload)
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"assertions.0.subject"}


def test_interval_ending_before_it_starts_is_named(post_statement):
    payload = statement_payload()
    payload["assertions"][0]["valid_from"] = "2022-06-28T00:00:00Z"
    response = post_statement(payload)
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"assertions.0.valid_until"}


def test_duplicate_ref_is_named(post_statement):
    response = post_statement(statement_payload(ref="konashenkov-non-functioning"))
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"ref"}


def test_bad_filter_values_are_named(seeded, api_client):
    cases = {
        "/api/conflicts/?status=maybe": "status",
        "/api/conflicts/?rule=vibes": "rule",
        "/api/disputes/?said_after=yesterday": "said_after",
        "/api/disputes/?status=maybe": "status",
        "/api/disputes/?verdict=perhaps": "verdict",
        "/api/disputes/?pair_class=x": "pair_class",
        "/api/disputes/?about_after=yesterday": "about_after",
        "/api/conflicts/?pair_class=x": "pair_class",
        "/api/conflicts/?speaker=nobody": "speaker",
        "/api/conflicts/?speaker=russian-mod&speaker_side=perhaps": "speaker_side",
        "/api/conflicts/?entity=nothing": "entity",
        "/api/conflicts/?predicate=nothing": "predicate",
        "/api/conflicts/?min_score=high": "min_score",
        "/api/conflicts/?min_score=2": "min_score",
        "/api/conflicts/?statement=1.5": "statement",
        "/api/conflicts/?statement=99999999999999999999999": "statement",
        "/api/conflicts/?said_after=yesterday": "said_after",
        "/api/conflicts/?ordering=password": "ordering",
        "/api/conflicts/?search=" + "+".join(["word"] * 30): "search",
        "/api/entities/amstor-mall/conflicts/?side=maybe": "side",
        "/api/statements/?about=nowhere": "about",
        "/api/assertions/?evidence=-1": "evidence",
    }
    for url, attr in cases.items():
        response = api_client.get(url)
        assert response.status_code == 400, url
        assert attr in error_attrs(response), (url, response.json())


@pytest.mark.parametrize(
    "query,attr",
    [("page=0", "page"), ("page=abc", "page"), ("page=999", "page"), ("page_size=-5", "page_size")],
)
def test_bad_pagination_is_a_400(seeded, api_client, query, attr):
    response = api_client.get(f"/api/statements/?{query}")
    assert response.status_code == 400
    assert attr in error_attrs(response)


def test_huge_page_size_is_capped(seeded, api_client):
    response = api_client.get("/api/assertions/?page_size=100000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(200, Assertion.objects.count())
    assert api_client.get("/api/assertions/?page_size=" + "9" * 5000).status_code == 400


def test_unknown_ids_and_slugs_are_404_in_the_error_shape(seeded, api_client):
    for url in (
        "/api/statements/999999/",
        "/api/statements/99999999999999999999999999/",
        "/api/entities/nobody/",
        "/api/conflicts/123456/",
        "/api/statements/abc/",
        "/api/no-such-thing/",
    ):
        response = api_client.get(url)
        assert response.status_code == 404, url
        assert error_attrs(response) == {None: "not_found"}


def test_wrong_method_is_a_405(seeded, curator_api_client):
    response = curator_api_client.put("/api/conflicts/", {}, format="json")
    assert response.status_code == 405
    assert error_attrs(response) == {None: "method_not_allowed"}


def test_deleting_an_entity_in_use_is_a_409(seeded, curator_api_client):
    response = curator_api_client.delete(
        "/api/entities/amstor-mall/", **if_match(curator_api_client, "/api/entities/amstor-mall/")
    )
    assert response.status_code == 409
    assert error_attrs(response) == {None: "in_use"}
    assert curator_api_client.get("/api/entities/amstor-mall/").status_code == 200


def test_entity_made_part_of_its_own_part_is_named(seeded, curator_api_client):
    response = curator_api_client.patch(
        "/api/entities/russian-federation/",
        {"part_of": "russian-mod"},
        format="json",
        **if_match(curator_api_client, "/api/entities/russian-federation/"),
    )
    assert response.status_code == 400
    assert set(error_attrs(response)) == {"part_of"}


def test_error_bodies_are_json_even_for_raw_garbage(seeded, curator_api_client):
    response = curator_api_client.generic(
        "POST", "/api/check/", b"\xff\xfe\x00garbage", content_type="application/json"
    )
    assert response.status_code == 400
    json.loads(response.content)
