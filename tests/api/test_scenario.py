"""The seed case's questions, asked the way a front end asks them."""

from statements.models import Assertion, Conflict, Statement
from tests.api.utils import statement_payload


def _refs(side):
    return (side["statement"] or side["evidence"])["ref"]


def _all(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["next"] is None, "one page should do for the seed case"
    return body["results"]


def test_everything_the_defence_ministry_said_about_the_mall_and_what_contradicts_it(
    seeded, api_client
):
    statements = _all(
        api_client, "/api/statements/?speaker=russian-mod&speaker_side=true&about=amstor-mall"
    )
    refs = {statement["ref"] for statement in statements}
    assert {
        "konashenkov-non-functioning",
        "mod-fire-spread",
        "mod-accidental-fire",
        "mod-denied-striking-mall",
    } <= refs
    # Putin speaks for the state, not for the ministry; the footage is not a statement.
    assert "putin-no-civilian-targets" not in refs
    assert all(
        statement["speaker"]["slug"] in {"russian-mod", "igor-konashenkov"}
        for statement in statements
    )

    conflicts = _all(
        api_client,
        "/api/conflicts/?speaker=russian-mod&speaker_side=true&entity=amstor-mall&page_size=200",
    )
    pairs = {frozenset((_refs(c["side_a"]), _refs(c["side_b"]))) for c in conflicts}
    assert frozenset({"konashenkov-non-functioning", "cctv-interior-shop"}) in pairs
    assert frozenset({"mod-fire-spread", "cctv-interior-shop"}) in pairs
    assert frozenset({"mod-denied-striking-mall", "cctv-interior-shop"}) in pairs
    assert frozenset({"mod-accidental-fire", "podolyak-deliberate-blow"}) in pairs
    for conflict in conflicts:
        speakers = {
            side["statement"]["speaker"]["slug"]
            for side in (conflict["side_a"], conflict["side_b"])
            if side["statement"]
        }
        assert speakers & {"russian-mod", "igor-konashenkov"}
        assert conflict["explanation"]
        assert conflict["status"] != "retracted"


def test_conflicts_carry_both_sides_in_full(seeded, api_client):
    conflicts = _all(api_client, "/api/conflicts/?pair_class=against_evidence&page_size=200")
    assert conflicts
    conflict = conflicts[0]
    statement_side, evidence_side = conflict["side_a"], conflict["side_b"]
    assert statement_side["statement"]["speaker"]["name"]
    assert statement_side["statement"]["quote"]
    assert statement_side["statement"]["source"]["title"]
    assert statement_side["statement"]["said_at"]
    assert evidence_side["evidence"]["grade"] == "B2"
    assert evidence_side["assertion"]["predicate"]
    assert evidence_side["assertion"]["subject"]["slug"]
    assert set(conflict["review"]) == {"decision", "note", "reviewed_by", "reviewed_at"}
    assert isinstance(conflict["reason"], dict)


def test_which_statements_the_cctv_evidence_contradicts(seeded, api_client):
    [cctv] = _all(api_client, "/api/evidence/?ref=cctv-interior-shop")
    conflicts = _all(api_client, f"/api/evidence/{cctv['id']}/conflicts/?page_size=200")
    contradicted = set()
    for conflict in conflicts:
        assert conflict["pair_class"] == "against_evidence"
        other = conflict["side_a"] if conflict["side_b"]["evidence"] else conflict["side_b"]
        contradicted.add(other["statement"]["ref"])
    assert {
        "konashenkov-non-functioning",
        "mod-fire-spread",
        "mod-denied-striking-mall",
        "putin-no-civilian-targets",
    } <= contradicted
    # The same answer through the conflicts list's filter.
    filtered = _all(api_client, f"/api/conflicts/?evidence={cctv['id']}&page_size=200")
    assert {c["id"] for c in filtered} == {c["id"] for c in conflicts}


def test_a_draft_repeating_non_functioning_conflicts_with_the_cctv(seeded, api_client):
    counts = (Statement.objects.count(), Assertion.objects.count(), Conflict.objects.count())
    response = api_client.post("/api/check/", statement_payload(), format="json")
    assert response.status_code == 200, response.json()
    findings = response.json()["conflicts"]
    against_cctv = [
        finding
        for finding in findings
        if finding["on_record"]
        and finding["on_record"]["evidence"]
        and finding["on_record"]["evidence"]["ref"] == "cctv-interior-shop"
    ]
    assert any(finding["kind"] == "exclusive_value" for finding in against_cctv)
    finding = against_cctv[0]
    assert finding["draft_assertion"] == 0
    assert finding["pair_class"] == "against_evidence"
    assert (
        "non_functioning" in finding["explanation"] or "non-functioning" in (finding["explanation"])
    )
    assert finding["on_record"]["assertion"]["value"] == "operational"
    # Nothing was saved.
    assert (
        Statement.objects.count(),
        Assertion.objects.count(),
        Conflict.objects.count(),
    ) == counts


def test_a_draft_that_agrees_with_the_record_has_no_conflicts(seeded, api_client):
    payload = statement_payload(speaker="daily-mail", quote="The mall was open.")
    payload["assertions"][0]["value"] = "operational"
    response = api_client.post("/api/check/", payload, format="json")
    assert response.status_code == 200
    assert all(
        finding["on_record"] is None or finding["on_record"]["evidence"] is None
        for finding in response.json()["conflicts"]
    )


def test_a_draft_with_a_bad_value_is_a_400_naming_it(seeded, api_client):
    payload = statement_payload()
    payload["assertions"][0]["value"] = 3
    response = api_client.post("/api/check/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "assertions.0.value"


def test_conflicts_of_the_ministry_side_include_its_spokesman(seeded, api_client):
    narrow = _all(api_client, "/api/conflicts/?speaker=russian-mod&page_size=200")
    wide = _all(api_client, "/api/conflicts/?speaker=russian-mod&speaker_side=true&page_size=200")
    assert {c["id"] for c in narrow} < {c["id"] for c in wide}
    spokesman = _all(api_client, "/api/conflicts/?speaker=igor-konashenkov&page_size=200")
    assert {c["id"] for c in spokesman} <= {c["id"] for c in wide}


def test_conflicts_of_an_entity_and_of_a_statement(seeded, api_client):
    statement_id = Statement.objects.get(ref="putin-denied-responsibility").pk
    of_statement = _all(api_client, f"/api/statements/{statement_id}/conflicts/")
    assert of_statement
    assert all(
        statement_id in {(s["statement"] or {}).get("id") for s in (c["side_a"], c["side_b"])}
        for c in of_statement
    )
    of_putin = _all(api_client, "/api/entities/vladimir-putin/conflicts/")
    assert {c["id"] for c in of_statement} <= {c["id"] for c in of_putin}
    of_state = _all(
        api_client, "/api/entities/russian-federation/conflicts/?side=true&page_size=200"
    )
    assert {c["id"] for c in of_putin} <= {c["id"] for c in of_state}
