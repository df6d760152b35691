"""Entity kinds and evidence kinds are records curators add; untitled evidence; languages."""

import pytest

from statements.models import Entity, Statement
from tests.api.utils import error_attrs, if_match, statement_payload

SUNK = "2022-04-14T12:00:00Z"


def _vessel_case(client):
    """Add a vessel kind, an inquiry-report kind, a predicate on vessels and the cruiser."""
    for path, body in (
        ("/api/entity-kinds/", {"slug": "vessel", "name": "Vessel"}),
        ("/api/evidence-kinds/", {"slug": "inquiry_report", "name": "Inquiry report"}),
        (
            "/api/predicates/",
            {
                "slug": "vessel_status",
                "name": "Vessel status",
                "value_type": "choice",
                "choices": ["afloat", "sunk"],
                "single_valued": True,
                "subject_kinds": ["vessel"],
            },
        ),
        ("/api/entities/", {"slug": "moskva", "name": "Cruiser Moskva", "kind": "vessel"}),
    ):
        response = client.post(path, body, format="json")
        assert response.status_code == 201, response.json()


def test_an_entity_of_a_kind_not_on_record_is_a_400_naming_kind(seeded, curator_api_client):
    response = curator_api_client.post(
        "/api/entities/", {"slug": "moskva", "name": "Cruiser Moskva", "kind": "vessel"}
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"kind": "unknown_kind"}
    assert "vessel" in response.json()["errors"][0]["detail"]


def test_a_new_entity_kind_and_evidence_kind_are_accepted_and_checked_by_the_engine(
    seeded, curator_api_client
):
    _vessel_case(curator_api_client)
    claim = {
        "predicate": "vessel_status",
        "subject": "moskva",
        "valid_from": SUNK,
        "valid_until": SUNK,
        "time_precision": "hour",
    }
    statement = curator_api_client.post(
        "/api/statements/",
        statement_payload(
            quote="The cruiser is afloat and returning to port.",
            said_at="2022-04-14T18:00:00Z",
            assertions=[{**claim, "value": "afloat"}],
        ),
        format="json",
    )
    assert statement.status_code == 201, statement.json()
    evidence = curator_api_client.post(
        "/api/evidence/",
        {
            "kind": "inquiry_report",
            "source": "daily-mail-2022-06-30",
            "reliability": "B",
            "credibility": 2,
            "description": "The inquiry found the cruiser sank after two missile hits, "
            "with the loss of much of its crew.",
            "assertions": [{**claim, "value": "sunk"}],
        },
        format="json",
    )
    assert evidence.status_code == 201, evidence.json()
    body = evidence.json()
    assert body["kind"] == "inquiry_report"
    assert body["title"] == ""
    assert body["label"].startswith("The inquiry found the cruiser sank")

    conflicts = curator_api_client.get(f"/api/statements/{statement.json()['id']}/conflicts/")
    (conflict,) = conflicts.json()["results"]
    assert "exclusive_value" in conflict["rules"]
    assert conflict["pair_classes"] == ["against_evidence"]
    # The untitled item is named by its description's start.
    detail = curator_api_client.get(conflict["url"]).json()
    assert "The inquiry found the cruiser sank" in detail["explanation"]
    listed = curator_api_client.get("/api/evidence/?kind=inquiry_report").json()["results"]
    assert [item["label"] for item in listed] == [body["label"]]


def test_a_predicate_accepting_a_kind_not_on_record_is_a_400_naming_the_field(
    seeded, curator_api_client
):
    url = "/api/predicates/struck/"
    response = curator_api_client.patch(
        url,
        {"object_kinds": ["facility", "category", "vessel"]},
        format="json",
        **if_match(curator_api_client, url),
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"object_kinds": "unknown_kind"}
    assert "'vessel'" in response.json()["errors"][0]["detail"]


def test_anyone_reads_the_kinds_and_only_curators_add_them(seeded, api_client):
    kinds = api_client.get("/api/entity-kinds/").json()["results"]
    assert {"person", "state", "facility", "category"} <= {kind["slug"] for kind in kinds}
    evidence_kinds = api_client.get("/api/evidence-kinds/video/").json()
    assert evidence_kinds == {"slug": "video", "name": "Video / CCTV footage", "description": ""}
    response = api_client.post("/api/entity-kinds/", {"slug": "vessel", "name": "Vessel"})
    assert response.status_code == 401


def test_a_kind_keeps_its_slug_and_cannot_go_while_records_name_it(seeded, curator_api_client):
    client = curator_api_client
    state = "/api/entity-kinds/state/"
    renamed = client.patch(state, {"slug": "country"}, **if_match(client, state))
    assert error_attrs(renamed) == {"slug": "immutable"}
    described = client.patch(state, {"name": "Sovereign state"}, **if_match(client, state))
    assert described.json()["name"] == "Sovereign state"

    def delete(url):
        return client.delete(url, **if_match(client, url)).status_code

    assert delete(state) == 409
    assert delete("/api/evidence-kinds/video/") == 409
    # The engine reads "category": it stays even when nothing names it.
    Entity.objects.filter(kind="category").update(kind="other")
    assert delete("/api/entity-kinds/category/") == 409
    assert delete("/api/evidence-kinds/satellite/") == 204
    assert curator_api_client.get("/api/evidence-kinds/satellite/").status_code == 404


def test_filtering_on_a_kind_not_on_record_is_a_400(seeded, api_client):
    response = api_client.get("/api/entities/?kind=vessel")
    assert error_attrs(response) == {"kind": "unknown_kind"}
    assert api_client.get("/api/entities/?kind=state").json()["count"] >= 1


@pytest.mark.parametrize("path", ["/api/entities/", "/api/exports/evidence/", "/api/evidence/"])
def test_a_kind_holding_a_percent_sign_is_a_400_quoting_it(seeded, api_client, path):
    # Found by schemathesis: the message was %-formatted with the slug inside it.
    response = api_client.get(path, {"kind": "+%"})
    assert response.status_code == 400
    assert error_attrs(response) == {"kind": "unknown_kind"}
    assert "'+%'" in response.json()["errors"][0]["detail"]


def test_a_statement_language_that_is_no_bcp47_tag_is_a_400_naming_language(
    seeded, curator_api_client
):
    response = curator_api_client.post(
        "/api/statements/", statement_payload(language="xx-invalid"), format="json"
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"language": "invalid_language"}
    assert not Statement.objects.filter(quote="The shopping centre was non-functioning.").exists()


@pytest.mark.parametrize(("sent", "kept"), [("en-us", "en-US"), ("eng", "en"), ("uk", "uk")])
def test_a_statement_language_is_kept_in_its_standard_form(seeded, curator_api_client, sent, kept):
    response = curator_api_client.post(
        "/api/statements/", statement_payload(language=sent), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["language"] == kept


def test_a_statement_without_a_language_gets_the_configured_default(
    seeded, curator_api_client, settings
):
    settings.CONTRADICT_STATEMENT_LANGUAGE = "ru"
    created = curator_api_client.post("/api/statements/", statement_payload(), format="json")
    assert created.json()["language"] == "ru"
    settings.CONTRADICT_STATEMENT_LANGUAGE = ""
    plain = curator_api_client.post(
        "/api/statements/", statement_payload(quote="Another quote."), format="json"
    )
    assert plain.json()["language"] == ""
