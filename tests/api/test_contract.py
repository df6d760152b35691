"""What the server sends is what the schema says: statuses, headers and bodies no view declares."""

import pytest
from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient

from tests.api.utils import error_attrs, if_match, statement_payload


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


def documented(schema, path, method, status):
    return schema["paths"][path][method]["responses"][status]


def body_validator(schema, path, method, status):
    body = documented(schema, path, method, status)["content"]["application/json"]["schema"]
    return OAS30Validator({**body, "components": schema["components"]})


def test_a_newline_in_an_api_path_gets_the_json_404(api_client, db):
    response = api_client.get("/api/statements/1%0A/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_attrs(response) == {None: "not_found"}


def test_a_body_that_is_not_json_is_a_documented_400(schema, seeded, curator_api_client):
    response = curator_api_client.generic(
        "POST", "/api/statements/", "\x00", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["type"] == "client_error"
    body_validator(schema, "/api/statements/", "post", "400").validate(response.json())


@pytest.mark.parametrize("query", ["page=99", "ordering=nope", "page_size=0", "ordering=-id,x"])
def test_page_and_ordering_errors_on_any_list_are_documented_400s(
    schema, seeded, api_client, query
):
    response = api_client.get(f"/api/sources/?{query}")
    assert response.status_code == 400
    body_validator(schema, "/api/sources/", "get", "400").validate(response.json())


def test_ordering_is_documented_as_the_fields_it_takes(schema):
    parameters = schema["paths"]["/api/disputes/"]["get"]["parameters"]
    ordering = next(p for p in parameters if p["name"] == "ordering")
    assert ordering["schema"]["pattern"].startswith("^-?(created_at|id|last_activity_at|score)")


@pytest.mark.parametrize("header", ["0", "abc", '"unterminated'])
def test_a_malformed_if_match_is_a_400_not_a_412(seeded, curator_api_client, header):
    response = curator_api_client.patch(
        "/api/sources/daily-mail-2022-06-30/", {"title": "x"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 400
    assert error_attrs(response) == {None: "invalid_header"}


def test_an_empty_if_match_is_a_missing_one_428(seeded, curator_api_client):
    response = curator_api_client.patch(
        "/api/sources/daily-mail-2022-06-30/", {"title": "x"}, format="json", HTTP_IF_MATCH=""
    )
    assert response.status_code == 428
    assert error_attrs(response) == {None: "precondition_required"}


def test_a_conditional_read_documents_its_304_and_etag(schema, seeded, api_client):
    url = api_client.get("/api/statements/").json()["results"][0]
    url = f"/api/statements/{url['id']}/"
    first = api_client.get(url)
    again = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert "ETag" in documented(schema, "/api/statements/{id}/", "get", "304")["headers"]
    assert "ETag" in documented(schema, "/api/statements/{id}/", "get", "200")["headers"]


def test_a_create_documents_location_and_etag(schema):
    headers = documented(schema, "/api/statements/", "post", "201")["headers"]
    assert {"Location", "ETag"} <= set(headers)


def test_request_bodies_are_declared_closed(schema):
    # The server refuses a key it does not write, so a generator must not invent any.
    assert schema["components"]["schemas"]["StatementInputRequest"]["additionalProperties"] is False


def test_an_unknown_key_that_is_no_field_name_is_reported_on_the_object(seeded, curator_api_client):
    response = curator_api_client.post(
        "/api/statements/", statement_payload(**{"É y": 1}), format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["attr"] for e in errors] == ["non_field_errors"]
    assert "'É y'" in errors[0]["detail"]


def test_a_number_where_text_is_due_is_refused(seeded, curator_api_client):
    response = curator_api_client.post("/api/rechecks/", {"reason": 0}, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"reason": "invalid"}


def test_a_source_without_url_shows_null_not_an_empty_string(seeded, curator_api_client):
    created = curator_api_client.post(
        "/api/sources/", {"slug": "no-url", "title": "Untitled"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["url"] is None
    url = "/api/sources/no-url/"
    blank = curator_api_client.patch(
        url, {"url": ""}, format="json", **if_match(curator_api_client, url)
    )
    assert blank.status_code == 400
    assert error_attrs(blank) == {"url": "blank"}


def test_an_empty_filter_is_read_as_no_filter(schema, seeded, api_client):
    response = api_client.get("/api/conflicts/?detected_before=&ordering=&status=&rule=")
    assert response.status_code == 200
    assert response.json()["count"] == api_client.get("/api/conflicts/").json()["count"]
    parameters = schema["paths"]["/api/conflicts/"]["get"]["parameters"]
    assert all(p["allowEmptyValue"] for p in parameters if p["in"] == "query")


@pytest.mark.parametrize(
    ("field", "value"), [("tolerance", False), ("tolerance", "0.5"), ("single_valued", 1)]
)
def test_a_value_of_the_wrong_json_type_is_refused_not_converted(
    seeded, curator_api_client, field, value
):
    url = "/api/predicates/facility_status/"
    response = curator_api_client.patch(
        url, {field: value}, format="json", **if_match(curator_api_client, url)
    )
    assert response.status_code == 400
    assert error_attrs(response) == {field: "invalid"}


def test_query_enums_are_the_named_components(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/disputes/"]["get"]["parameters"]}
    assert parameters["pair_class"]["schema"] == {"$ref": "#/components/schemas/PairClassEnum"}
    assert parameters["speaker_side"]["schema"]["type"] == "boolean"
    assert parameters["statement"]["schema"]["type"] == "integer"


def test_a_blank_ref_is_stored_as_none_so_two_records_without_one_coexist(
    seeded, curator_api_client
):
    first = curator_api_client.post("/api/statements/", statement_payload(ref=""), format="json")
    second = curator_api_client.post("/api/statements/", statement_payload(ref=""), format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["ref"] is None


def test_a_create_answers_with_the_new_records_location(seeded, curator_api_client):
    response = curator_api_client.post("/api/statements/", statement_payload(), format="json")
    assert response.status_code == 201
    assert response["Location"] == f"http://testserver{response.json()['url']}"
    assert curator_api_client.get(response["Location"]).json()["id"] == response.json()["id"]


def test_an_empty_reference_is_refused_not_read_as_null(seeded, curator_api_client):
    response = curator_api_client.post(
        "/api/entities/", {"slug": "x", "name": "X", "kind": "event", "part_of": ""}, format="json"
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"part_of": "does_not_exist"}


def test_list_rows_are_compact_and_link_to_their_details(seeded, api_client):
    row = api_client.get("/api/conflicts/").json()["results"][0]
    assert "explanation" not in row and "reasons" not in row
    assert set(row["position_a"]) == {"id", "url", "text", "value", "polarity", "supporter_count"}
    detail = api_client.get(row["url"]).json()
    assert detail["explanation"] and detail["position_a"]["subject"]["slug"]
    dispute = api_client.get("/api/disputes/").json()["results"][0]
    assert "subject" not in dispute["positions"][0]
    assert api_client.get(dispute["url"]).json()["positions"][0]["subject"]["slug"]


def test_disputes_of_equal_score_come_in_one_order_on_every_database(seeded, api_client):
    rows = api_client.get("/api/disputes/?ordering=-score").json()["results"]
    keys = [(-row["score"], row["id"]) for row in rows]
    assert keys == sorted(keys)
    assert len({row["score"] for row in rows}) < len(rows)  # the seed has ties to break


def test_a_search_with_no_word_in_it_finds_nothing_instead_of_failing(seeded, api_client):
    response = api_client.get("/api/statements/?search=%2F.")
    assert response.status_code == 200
    assert response.json()["count"] == 0
