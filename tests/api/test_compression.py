"""Large JSON lists are gzipped for clients that ask; small bodies and HTML are not."""

import gzip
import json


def test_a_large_json_list_is_gzipped_and_decodes_to_the_same_body(seeded, api_client):
    plain = api_client.get("/api/statements/")
    packed = api_client.get("/api/statements/", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    body = gzip.decompress(packed.content)
    assert json.loads(body) == plain.json()
    assert len(packed.content) < len(plain.content) / 3


def test_a_small_json_body_is_sent_as_is(db, api_client):
    response = api_client.get(
        "/api/disputes/?search=nothing-like-this", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_the_admin_html_with_its_csrf_token_is_never_compressed(curator_client):
    response = curator_client.get("/admin/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
