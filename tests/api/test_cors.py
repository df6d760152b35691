"""Browsers on the allowed origins may use the ETags: read ETag, send If-Match/If-None-Match."""

import pytest

from statements.models import Statement

ORIGIN = "https://newsroom.example.org"


@pytest.fixture(autouse=True)
def allowed_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def preflight(client, path, method, headers, origin=ORIGIN):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
    )


def header_set(response, name):
    return {value.strip().lower() for value in response[name].split(",")}


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("PUT", "authorization, content-type, if-match"),
        ("POST", "authorization, content-type, if-match"),
        ("GET", "if-none-match"),
    ],
)
def test_preflight_allows_the_conditional_headers(db, client, method, headers):
    response = preflight(client, "/api/statements/1/", method, headers)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    requested = {header.strip() for header in headers.split(",")}
    assert requested <= header_set(response, "Access-Control-Allow-Headers")
    assert method in {m.upper() for m in header_set(response, "Access-Control-Allow-Methods")}


def test_preflight_from_another_origin_is_not_allowed(db, client):
    response = preflight(client, "/api/statements/1/", "PUT", "if-match", "https://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_a_detail_read_exposes_its_etag_to_the_origin(seeded, client):
    statement = Statement.objects.first()
    response = client.get(f"/api/statements/{statement.pk}/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["ETag"]
    assert "etag" in header_set(response, "Access-Control-Expose-Headers")
    again = client.get(
        f"/api/statements/{statement.pk}/", HTTP_ORIGIN=ORIGIN, HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == ORIGIN
