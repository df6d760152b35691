"""Pictures of a dispute from data: valid SVG naming positions and supporters, the same bytes
every time, served as image/svg+xml and documented in the schema."""

import shutil
import xml.etree.ElementTree as ET

import pytest

from statements.models import Dispute

SVG_NS = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is missing: apt-get install graphviz"
)


def texts(svg: bytes) -> str:
    """Return every text and title of an SVG document, parsed (so it must be valid XML)."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return " ".join(
        " ".join(node.itertext())
        for node in root.iter()
        if node.tag in (f"{SVG_NS}text", f"{SVG_NS}title")
    )


@needs_dot
def test_the_dispute_graph_names_positions_and_supporters(api_client, mall_dispute):
    response = api_client.get(f"/api/disputes/{mall_dispute.pk}/graph/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    words = texts(response.content)
    for name in ("non-functioning", "operational", "Igor Konashenkov", "Evidence"):
        assert name in words
    assert "Russian Federation" in words  # supporters are grouped by their side


@needs_dot
def test_the_dispute_graph_is_the_same_bytes_every_time(api_client, mall_dispute):
    first = api_client.get(f"/api/disputes/{mall_dispute.pk}/graph/")
    second = api_client.get(f"/api/disputes/{mall_dispute.pk}/graph/")
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    again = api_client.get(
        f"/api/disputes/{mall_dispute.pk}/graph/", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304


def test_without_graphviz_the_graph_answers_503_naming_dot(api_client, mall_dispute, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    response = api_client.get(f"/api/disputes/{mall_dispute.pk}/graph/")
    assert response.status_code == 503
    [error] = response.json()["errors"]
    assert error["code"] == "program_missing" and "'dot'" in error["detail"]


def test_the_dispute_page_notes_a_missing_graphviz(curator_client, mall_dispute, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    page = curator_client.get(f"/admin/statements/dispute/{mall_dispute.pk}/change/")
    assert "needs Graphviz's <code>dot</code>" in page.content.decode()


def test_the_timeline_shows_who_said_what_when(api_client, mall_dispute):
    url = "/api/timeline/?subject=amstor-mall&predicate=facility_status"
    response = api_client.get(url + f"&dispute={mall_dispute.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    words = texts(response.content)
    assert "non-functioning" in words and "operational" in words
    assert "Igor Konashenkov" in words
    root = ET.fromstring(response.content)
    evidence = [g for g in root.iter(f"{SVG_NS}g") if "evidence" in g.get("class", "")]
    statements = [g for g in root.iter(f"{SVG_NS}g") if "statement" in g.get("class", "")]
    assert evidence and statements
    assert api_client.get(url + f"&dispute={mall_dispute.pk}").content == response.content


def test_the_timeline_names_a_missing_or_unknown_parameter(api_client, seeded):
    response = api_client.get("/api/timeline/", {"subject": "nowhere"})
    assert response.status_code == 400
    attrs = {error["attr"] for error in response.json()["errors"]}
    assert attrs == {"subject", "predicate"}


def test_an_unknown_dispute_has_no_graph(api_client, seeded):
    missing = (Dispute.objects.order_by("-pk").first().pk or 0) + 100
    assert api_client.get(f"/api/disputes/{missing}/graph/").status_code == 404


def test_the_schema_documents_both_pictures_as_svg(api_client, db):
    schema = api_client.get("/api/schema/?format=json").json()
    graph = schema["paths"]["/api/disputes/{id}/graph/"]["get"]["responses"]["200"]
    timeline = schema["paths"]["/api/timeline/"]["get"]
    assert "image/svg+xml" in graph["content"]
    assert "image/svg+xml" in timeline["responses"]["200"]["content"]
    assert {p["name"] for p in timeline["parameters"]} >= {"subject", "predicate"}
