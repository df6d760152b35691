"""API tokens: stored hashed, expiring, rotated and revoked by the curator who holds them."""

from datetime import timedelta

from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from statements.services.accounts import curator_create
from tests.api.utils import statement_payload


def client_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_stored_as_a_hash_not_as_the_key(db):
    _, key = curator_create(username="editor")
    stored = AuthToken.objects.get(user__username="editor")
    assert key not in (stored.digest, stored.token_key)
    assert stored.expiry is not None


def test_an_expired_token_is_a_401(seeded):
    _, key = curator_create(username="editor")
    AuthToken.objects.filter(user__username="editor").update(
        expiry=timezone.now() - timedelta(seconds=1)
    )
    response = client_with(key).post("/api/statements/", statement_payload(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_rotating_gives_a_new_token_and_the_old_one_stops_working(seeded):
    _, old = curator_create(username="editor")

    response = client_with(old).post("/api/auth/token/rotate/")

    assert response.status_code == 201, response.content
    new = response.json()["token"]
    assert new != old and response.json()["expiry"]
    assert client_with(old).post("/api/auth/token/rotate/").status_code == 401
    created = client_with(new).post("/api/statements/", statement_payload(), format="json")
    assert created.status_code == 201


def test_logout_revokes_this_token_and_logout_all_every_token(seeded):
    _, first = curator_create(username="editor")
    _, second = curator_create(username="editor")
    _, third = curator_create(username="editor")

    assert client_with(first).post("/api/auth/logout/").status_code == 204
    assert client_with(first).post("/api/auth/token/rotate/").status_code == 401
    assert client_with(second).post("/api/auth/logout-all/").status_code == 204
    assert client_with(third).post("/api/auth/token/rotate/").status_code == 401
    assert not AuthToken.objects.filter(user__username="editor").exists()


def test_anonymous_cannot_rotate(api_client, db):
    assert api_client.post("/api/auth/token/rotate/").status_code == 401
