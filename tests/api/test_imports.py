"""Curators import ClaimReview items over the API; nobody else can."""

import json
from pathlib import Path

from statements.interchange.factcheck import review_ref
from statements.models import Statement
from tests.api.utils import error_attrs

FIXTURE = Path(__file__).parent.parent / "fixtures" / "claims_search_kremenchuk.json"
PATH = "/api/imports/claimreview/"


def _response() -> dict:
    return json.loads(FIXTURE.read_text())


def test_curator_imports_a_claims_search_response(seeded, curator_api_client):
    response = curator_api_client.post(PATH, _response(), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body["created"]) == 4
    assert body["speakers_created"] == ["telegram-channel-rybar"]
    assert body["skipped"][0]["claim"] == 3
    ref = body["created"][0]
    statement = curator_api_client.get("/api/statements/?search=non-functioning").json()
    assert ref in {item["ref"] for item in statement["results"]}
    again = curator_api_client.post(PATH, _response(), format="json").json()
    assert (again["created"], len(again["unchanged"])) == ([], 4)


def test_import_dry_run_writes_nothing(seeded, curator_api_client):
    before = Statement.objects.count()
    response = curator_api_client.post(f"{PATH}?dry_run=true", _response(), format="json")
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert Statement.objects.count() == before


def test_import_of_a_malformed_review_is_a_400_naming_it(seeded, curator_api_client):
    broken = _response()
    broken["claims"][0]["claimReview"][1]["url"] = "not a url"
    response = curator_api_client.post(PATH, broken, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"claims.0.claimReview.1.url": "invalid"}
    first = "https://factcheck.example.org/2022/07/01/kremenchuk-mall-non-functioning/"
    assert not Statement.objects.filter(ref=review_ref(first)).exists()


def test_only_curators_import(seeded, api_client, user_api_client):
    assert api_client.post(PATH, _response(), format="json").status_code == 401
    assert user_api_client.post(PATH, _response(), format="json").status_code == 403
