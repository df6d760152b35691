"""Bulk exports stream NDJSON or CSV of the record, with the list endpoints' filters."""

import csv
import io
import json

import pytest

from statements.models import Conflict, ConflictStatus, Dispute, Statement
from tests.api.utils import error_attrs


def _body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def _ndjson(response) -> list[dict]:
    return [json.loads(line) for line in _body(response).splitlines()]


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response))))


def test_statements_export_as_ndjson_one_per_line_with_assertions(seeded, api_client):
    response = api_client.get("/api/exports/statements/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="statements.ndjson"'
    rows = _ndjson(response)
    assert len(rows) == Statement.objects.count()
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    konashenkov = next(row for row in rows if row["ref"] == "konashenkov-non-functioning")
    assert konashenkov["speaker"] == "igor-konashenkov"
    (assertion,) = konashenkov["assertions"]
    assert (assertion["predicate"], assertion["subject"], assertion["value"]) == (
        "facility_status",
        "amstor-mall",
        "non_functioning",
    )


def test_statements_export_as_csv_takes_the_list_filters(seeded, api_client):
    response = api_client.get("/api/exports/statements/?speaker=vladimir-putin&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    putin = Statement.objects.filter(speaker__slug="vladimir-putin")
    assert {row["ref"] for row in rows} == set(putin.values_list("ref", flat=True))
    # One row per assertion; a statement without assertions (an opinion) has one empty one.
    expected = sum(max(1, s.assertions.count()) for s in putin)
    assert len(rows) == expected
    denial = [row for row in rows if row["ref"] == "putin-denied-responsibility"]
    assert [row["assertion_predicate"] for row in denial] == ["perpetrator"]
    assert denial[0]["assertion_polarity"] == "denied"


def test_accept_text_csv_picks_csv(seeded, api_client):
    response = api_client.get("/api/exports/evidence/", HTTP_ACCEPT="text/csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert {row["ref"] for row in rows} >= {"cctv-interior-shop", "casualty-record"}
    assert {row["reliability"] + row["credibility"] for row in rows if row["ref"] == "cctv-park"}


def test_disputes_export_lists_positions_and_verdict(seeded, api_client):
    rows = _csv(api_client.get("/api/exports/disputes/?format=csv"))
    assert len(rows) == Dispute.objects.exclude(status="retracted").count()
    mall = next(row for row in rows if row["title"].startswith("Amstor shopping mall · facility"))
    dispute = Dispute.objects.get(pk=mall["id"])
    assert mall["positions"] == ";".join(
        str(pk) for pk in dispute.positions.order_by("id").values_list("id", flat=True)
    )
    assert mall["verdict"] == ""


def test_conflicts_export_leaves_retracted_ones_out_unless_asked(seeded, api_client):
    retracted = Conflict.objects.order_by("id").first()
    Conflict.objects.filter(pk=retracted.pk).update(status=ConflictStatus.RETRACTED)
    live = _ndjson(api_client.get("/api/exports/conflicts/"))
    assert retracted.pk not in {row["id"] for row in live}
    assert len(live) == Conflict.objects.exclude(status=ConflictStatus.RETRACTED).count()
    only = _ndjson(api_client.get("/api/exports/conflicts/?status=retracted"))
    assert [row["id"] for row in only] == [retracted.pk]
    assert only[0]["position_a_text"]


def test_unknown_format_is_a_400_naming_it(seeded, api_client):
    response = api_client.get("/api/exports/conflicts/?format=xml")
    assert response.status_code == 400
    assert error_attrs(response) == {"format": "invalid"}


def test_json_is_not_an_export_format(seeded, api_client):
    response = api_client.get("/api/exports/conflicts/", HTTP_ACCEPT="application/json")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"


def test_bad_filter_is_a_400_naming_it_before_any_row(seeded, api_client):
    response = api_client.get("/api/exports/statements/?speaker=nobody", HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(error_attrs(response)) == {"speaker"}


@pytest.mark.parametrize(
    "query,attr",
    [
        ("conflicts/?rule=bogus", "rule"),
        ("conflicts/?pair_class=bogus", "pair_class"),
        ("conflicts/?status=bogus", "status"),
        ("disputes/?verdict=bogus", "verdict"),
        ("disputes/?status=open&status=bogus", "status"),
        ("statements/?speaker_side=maybe", "speaker_side"),
    ],
)
def test_a_value_outside_a_documented_enum_is_a_400_naming_the_parameter(
    seeded, api_client, query, attr
):
    response = api_client.get(f"/api/exports/{query}", HTTP_ACCEPT="application/x-ndjson")
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert error_attrs(response) == {attr: "invalid_choice"}


def test_export_reads_in_a_fixed_number_of_queries(seeded, api_client, django_assert_num_queries):
    response = api_client.get("/api/exports/statements/?format=csv")
    # The statements with their speaker and source, then their assertions with names.
    with django_assert_num_queries(2):
        _body(response)


def test_anonymous_exports_are_throttled(seeded, api_client, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "export": "2/minute"},
    }
    statuses = [api_client.get("/api/exports/disputes/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_list_endpoint_streams_csv_for_accept_text_csv(seeded, api_client):
    response = api_client.get("/api/statements/?speaker=vladimir-putin", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    exported = api_client.get("/api/exports/statements/?speaker=vladimir-putin&format=csv")
    assert _csv(response) == _csv(exported)
    # JSON stays the default.
    assert api_client.get("/api/statements/")["Content-Type"] == "application/json"


def test_list_endpoint_streams_ndjson_with_its_filters(seeded, api_client):
    response = api_client.get("/api/disputes/?rule=exclusion", HTTP_ACCEPT="application/x-ndjson")
    rows = _ndjson(response)
    assert rows and all("exclusion" in row["rules"] for row in rows)


def test_list_endpoint_refuses_a_bad_filter_in_json_when_csv_was_asked(seeded, api_client):
    response = api_client.get("/api/conflicts/?rule=bogus", HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert error_attrs(response) == {"rule": "invalid_choice"}


def test_schema_documents_the_exports_formats_and_filters(seeded, api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    export = schema["paths"]["/api/exports/statements/"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"application/x-ndjson", "text/csv"}
    assert {"format", "speaker", "said_after", "search"} <= {
        p["name"] for p in export["parameters"]
    }
    review = schema["paths"]["/api/disputes/{id}/claimreview/"]["get"]
    assert "application/ld+json" in review["responses"]["200"]["content"]
    dispute = schema["paths"]["/api/disputes/{id}/"]["get"]
    assert "application/ld+json" in dispute["responses"]["200"]["content"]


@pytest.mark.parametrize("accept", ["", "text/csv", "application/x-ndjson"])
def test_options_on_an_export_answers_its_description_in_json(seeded, api_client, accept):
    """Only the export itself streams: what the view answers itself is JSON, not a 500."""
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api_client.options("/api/exports/evidence/?format=csv", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["name"]
