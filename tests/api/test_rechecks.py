"""Full re-checks over the API: curators start one, anyone follows it."""

import pytest

from statements.models import Conflict, Recheck

pytestmark = pytest.mark.django_db


def test_curator_starts_a_recheck_and_anyone_reads_its_progress(
    seeded, curator_api_client, api_client
):
    response = curator_api_client.post(
        "/api/rechecks/", {"shards": 3, "reason": "predicate edited"}, format="json"
    )

    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "done"
    assert body["backend"] == "inline"
    assert body["progress"] == 1.0
    assert body["shards_total"] == body["shards_done"] == 3
    assert body["found"] == body["unchanged"] == Conflict.objects.count() > 0
    assert body["new"] == body["retracted"] == 0

    read = api_client.get(f"/api/rechecks/{body['id']}/")
    assert read.status_code == 200
    assert read.json()["reason"] == "predicate edited"
    assert api_client.get("/api/rechecks/").json()["count"] == Recheck.objects.count()


def test_anonymous_cannot_start_a_recheck(api_client):
    response = api_client.post("/api/rechecks/", {}, format="json")

    assert response.status_code == 401
    assert Recheck.objects.count() == 0


@pytest.mark.parametrize("shards", [0, -1, "many", 5000])
def test_bad_shard_count_is_named(curator_api_client, shards):
    response = curator_api_client.post("/api/rechecks/", {"shards": shards}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "shards"
    assert Recheck.objects.count() == 0
