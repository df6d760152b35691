"""No lost updates: ETags on detail responses, 412 for a stale If-Match."""

import threading

import pytest
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from statements.models import Dispute, DisputeStatus, Statement
from statements.services.accounts import curator_create
from tests.api.utils import error_attrs


@pytest.fixture
def second_curator_client(db):
    _, key = curator_create(username="second-curator")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_detail_responses_carry_an_etag_that_changes_with_the_record(seeded, curator_api_client):
    statement = Statement.objects.get(ref="konashenkov-non-functioning")
    url = f"/api/statements/{statement.pk}/"
    first = curator_api_client.get(url)
    assert first["ETag"].startswith('"')
    assert curator_api_client.get(url)["ETag"] == first["ETag"]
    patched = curator_api_client.patch(
        url, {"context": "New context."}, format="json", HTTP_IF_MATCH=first["ETag"]
    )
    assert patched["ETag"] != first["ETag"]
    assert curator_api_client.get(url)["ETag"] == patched["ETag"]


def test_if_none_match_answers_304(seeded, api_client):
    url = "/api/entities/amstor-mall/"
    etag = api_client.get(url)["ETag"]
    response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_if_match_is_a_412_and_changes_nothing(seeded, curator_api_client, method):
    statement = Statement.objects.get(ref="konashenkov-non-functioning")
    url = f"/api/statements/{statement.pk}/"
    current = curator_api_client.get(url)
    payload = {
        "speaker": "igor-konashenkov",
        "source": current.json()["source"]["slug"],
        "said_at": current.json()["said_at"],
        "quote": "Changed.",
    }
    response = getattr(curator_api_client, method)(
        url, payload, format="json", HTTP_IF_MATCH='"stale"'
    )
    assert response.status_code == 412
    assert error_attrs(response) == {None: "precondition_failed"}
    statement.refresh_from_db()
    assert statement.quote != "Changed."
    ok = getattr(curator_api_client, method)(
        url, payload, format="json", HTTP_IF_MATCH=current["ETag"]
    )
    assert ok.status_code in (200, 204), ok.content


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", "/api/statements/{statement}/"),
        ("patch", "/api/statements/{statement}/"),
        ("delete", "/api/statements/{statement}/"),
        ("patch", "/api/entities/amstor-mall/"),
        ("delete", "/api/sources/daily-mail-2022-06-30/"),
        ("patch", "/api/predicates/killed_count/"),
        ("post", "/api/disputes/{dispute}/review/"),
    ],
)
def test_a_write_without_if_match_is_a_428_naming_the_header_and_changes_nothing(
    seeded, curator_api_client, method, url
):
    statement = Statement.objects.get(ref="konashenkov-non-functioning")
    dispute = Dispute.objects.filter(status=DisputeStatus.OPEN).first()
    url = url.format(statement=statement.pk, dispute=dispute.pk)
    before = curator_api_client.get(url.removesuffix("review/"))["ETag"]

    response = getattr(curator_api_client, method)(
        url, {"quote": "Changed.", "verdict": "unresolved"}, format="json"
    )

    assert response.status_code == 428, response.content
    assert error_attrs(response) == {None: "precondition_required"}
    assert "If-Match" in response.json()["errors"][0]["detail"]
    assert curator_api_client.get(url.removesuffix("review/"))["ETag"] == before


def test_two_curators_saving_the_same_verdict_one_wins_the_other_gets_412(
    seeded, curator_api_client, second_curator_client
):
    dispute = Dispute.objects.filter(status=DisputeStatus.OPEN).first()
    url = f"/api/disputes/{dispute.pk}/"
    etag = curator_api_client.get(url)["ETag"]
    assert second_curator_client.get(url)["ETag"] == etag
    first = curator_api_client.post(
        url + "review/", {"verdict": "unresolved", "note": "A"}, format="json", HTTP_IF_MATCH=etag
    )
    second = second_curator_client.post(
        url + "review/",
        {"verdict": "not_a_contradiction", "note": "B"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert (first.status_code, second.status_code) == (200, 412)
    dispute.refresh_from_db()
    assert (dispute.status, dispute.verdict_note) == (DisputeStatus.REVIEWED, "A")
    assert dispute.reviewed_by.username == "curator"


def test_if_match_star_and_weak_tags_match(seeded, curator_api_client):
    url = "/api/entities/amstor-mall/"
    etag = curator_api_client.get(url)["ETag"]
    response = curator_api_client.patch(
        url, {"description": "A mall."}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 200
    response = curator_api_client.patch(
        url, {"description": "The mall."}, format="json", HTTP_IF_MATCH=f"W/{etag}"
    )
    assert response.status_code == 412  # the first patch changed it
    fresh = curator_api_client.get(url)["ETag"]
    response = curator_api_client.patch(
        url, {"description": "The mall."}, format="json", HTTP_IF_MATCH=f'"other", W/{fresh}'
    )
    assert response.status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite has none)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_on_postgresql_one_wins(transactional_db, seeded):
    dispute = Dispute.objects.filter(status=DisputeStatus.OPEN).first()
    url = f"/api/disputes/{dispute.pk}/"
    tokens = [curator_create(username=f"c{i}")[1] for i in range(4)]
    clients = []
    for token in tokens:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        clients.append(client)
    etag = clients[0].get(url)["ETag"]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def review(client, note):
        barrier.wait()
        response = client.post(
            url + "review/", {"verdict": "not_a_contradiction", "note": note}, format="json",
            HTTP_IF_MATCH=etag,
        )  # fmt: skip
        statuses.append(response.status_code)
        connection.close()

    threads = [
        threading.Thread(target=review, args=(client, f"note {i}"))
        for i, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412, 412, 412]
    assert AuthToken.objects.count() >= 4
