"""Anyone reads; curators write and review; anonymous clients are throttled."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from knox.models import AuthToken
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from statements.models import Dispute, Statement
from tests.api.utils import error_attrs, statement_payload

READS = [
    "/api/entities/",
    "/api/sources/",
    "/api/predicates/",
    "/api/exclusion-rules/",
    "/api/statements/",
    "/api/evidence/",
    "/api/assertions/",
    "/api/conflicts/",
    "/api/docs/",  # the schema itself: tests/api/test_schema.py (generating it takes a second)
]


@pytest.mark.parametrize("url", READS)
def test_anyone_reads(seeded, api_client, url):
    assert api_client.get(url).status_code == 200


def test_anonymous_write_is_a_401_with_a_token_challenge(seeded, api_client):
    response = api_client.post("/api/statements/", statement_payload(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert error_attrs(response) == {None: "not_authenticated"}
    dispute = Dispute.objects.first()
    response = api_client.post(
        f"/api/disputes/{dispute.pk}/review/", {"verdict": "unresolved"}, format="json"
    )
    assert response.status_code == 401
    dispute.refresh_from_db()
    assert dispute.verdict == ""


def test_a_bad_token_is_a_401(seeded):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/statements/")
    assert response.status_code == 401
    assert error_attrs(response) == {None: "authentication_failed"}


def test_a_signed_in_non_curator_gets_403(seeded, user_api_client):
    response = user_api_client.post("/api/statements/", statement_payload(), format="json")
    assert response.status_code == 403
    assert error_attrs(response) == {None: "permission_denied"}
    statement = Statement.objects.first()
    assert user_api_client.delete(f"/api/statements/{statement.pk}/").status_code == 403
    dispute = Dispute.objects.first()
    response = user_api_client.post(
        f"/api/disputes/{dispute.pk}/review/", {"verdict": "unresolved"}, format="json"
    )
    assert response.status_code == 403
    assert Statement.objects.filter(pk=statement.pk).exists()


def test_model_permissions_let_a_non_curator_write_that_model_only(seeded):
    user = get_user_model().objects.create_user(username="editor")
    user.user_permissions.add(Permission.objects.get(codename="add_source"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    assert (
        client.post("/api/sources/", {"slug": "s1", "title": "S"}, format="json").status_code == 201
    )
    assert client.post("/api/statements/", statement_payload(), format="json").status_code == 403


def test_session_login_works_for_the_admin_s_curators(seeded, curator):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(curator)
    # Session writes need the CSRF token, like any form in the admin.
    response = client.post("/api/statements/", statement_payload(), format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["detail"]
    client = APIClient()
    client.force_login(curator)
    assert client.post("/api/statements/", statement_payload(), format="json").status_code == 201


def test_anyone_may_check_a_draft(seeded, api_client):
    assert api_client.post("/api/check/", statement_payload(), format="json").status_code == 200


def test_anonymous_clients_are_throttled(seeded, api_client, monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "3/minute")
    statuses = [api_client.get("/api/predicates/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_client.get("/api/predicates/")
    assert error_attrs(response) == {None: "throttled"}
    assert int(response["Retry-After"]) > 0


def test_curators_are_not_held_to_the_anonymous_rate(seeded, curator_api_client, monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "1/minute")
    assert all(curator_api_client.get("/api/predicates/").status_code == 200 for _ in range(3))


def test_cors_allows_configured_origins(seeded, api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://newsroom.example.org"]
    response = api_client.get("/api/conflicts/", HTTP_ORIGIN="https://newsroom.example.org")
    assert response["Access-Control-Allow-Origin"] == "https://newsroom.example.org"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    other = api_client.get("/api/conflicts/", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in other
