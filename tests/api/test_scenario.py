"""The seed case's questions, asked the way a front end asks them."""

from statements.models import Assertion, Conflict, Dispute, Statement
from tests.api.utils import STRIKE, statement_payload


def _all(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["next"] is None, "one page should do for the seed case"
    return body["results"]


def _refs(position_id: int) -> set[str]:
    """Return the refs of the statements and evidence holding a position."""
    held = Assertion.objects.filter(position_id=position_id)
    return {ref for pair in held.values_list("statement__ref", "evidence__ref") for ref in pair} - {
        None
    }


def _pairs(conflicts):
    return {
        frozenset((ref_a, ref_b))
        for c in conflicts
        for ref_a in _refs(c["position_a"]["id"])
        for ref_b in _refs(c["position_b"]["id"])
    }


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

    disputes = _all(
        api_client, "/api/disputes/?speaker=russian-mod&speaker_side=true&entity=amstor-mall"
    )
    titles = {d["title"].split(" · ")[1] for d in disputes}
    assert {"facility status", "cause of fire", "deliberately targeted"} <= titles
    conflicts = _all(
        api_client,
        "/api/conflicts/?speaker=russian-mod&speaker_side=true&entity=amstor-mall&page_size=200",
    )
    pairs = _pairs(conflicts)
    assert frozenset({"konashenkov-non-functioning", "cctv-interior-shop"}) in pairs
    assert frozenset({"mod-fire-spread", "cctv-interior-shop"}) in pairs
    assert frozenset({"mod-denied-striking-mall", "cctv-interior-shop"}) in pairs
    assert frozenset({"mod-accidental-fire", "podolyak-deliberate-blow"}) in pairs
    assert all(c["status"] == "open" for c in conflicts)
    # A row links to its details: the explanation is at the conflict's url.
    detail = api_client.get(conflicts[0]["url"]).json()
    assert detail["explanation"] and detail["id"] == conflicts[0]["id"]


def test_a_dispute_lists_its_positions_and_who_holds_them(seeded, api_client):
    disputes = _all(api_client, "/api/disputes/?predicate=facility_status")
    (dispute,) = disputes
    assert dispute["title"].startswith("Amstor shopping mall · facility status")
    by_value = {p["value"]: p for p in dispute["positions"]}
    assert by_value["non_functioning"]["supporter_count"] == 5
    assert "igor-konashenkov" in by_value["non_functioning"]["speakers"]
    assert by_value["operational"]["strongest_grade"] == "B2"
    assert set(dispute["pair_classes"]) >= {"against_evidence", "cross_speaker"}
    assert dispute["review"] is None  # no verdict yet

    detail = api_client.get(f"/api/disputes/{dispute['id']}/").json()
    position_ids = {p["id"] for p in dispute["positions"]}
    assert {c["position_a"]["id"] for c in detail["conflicts"]} <= position_ids
    shown = detail["supporters"][str(by_value["non_functioning"]["id"])]
    assert {s["statement"]["speaker"]["slug"] for s in shown} >= {"igor-konashenkov"}
    assert all(len(s["statement"]["quote_excerpt"]) <= 280 for s in shown)
    paged = api_client.get(
        f"/api/positions/{by_value['non_functioning']['id']}/supporters/?page_size=2"
    ).json()
    assert paged["count"] == 5 and len(paged["results"]) == 2


def test_conflicts_carry_their_rules_positions_and_supporter_pairs(seeded, api_client):
    conflicts = _all(api_client, "/api/conflicts/?pair_class=against_evidence&page_size=200")
    assert conflicts
    conflict = api_client.get(conflicts[0]["url"]).json()
    assert conflict["rules"] == conflicts[0]["rules"]
    assert conflict["rules"] and conflict["reasons"][0]["rule"] == conflict["rules"][0]
    assert conflict["position_a"]["subject"]["slug"]
    assert conflict["position_a"]["text"]
    assert "against_evidence" in conflict["pair_classes"]
    assert any(pair["class"] == "against_evidence" for pair in conflict["supporter_pairs"])
    assert isinstance(conflict["dispute"], int)


def test_which_statements_the_cctv_evidence_contradicts(seeded, api_client):
    [cctv] = _all(api_client, "/api/evidence/?ref=cctv-interior-shop")
    conflicts = _all(api_client, f"/api/evidence/{cctv['id']}/conflicts/?page_size=200")
    contradicted = {ref for pair in _pairs(conflicts) for ref in pair} - {"cctv-interior-shop"}
    assert {
        "konashenkov-non-functioning",
        "mod-fire-spread",
        "mod-denied-striking-mall",
        "putin-no-civilian-targets",
    } <= contradicted
    assert all("against_evidence" in c["pair_classes"] for c in conflicts)
    # The same answer through the conflicts list's filter.
    filtered = _all(api_client, f"/api/conflicts/?evidence={cctv['id']}&page_size=200")
    assert {c["id"] for c in filtered} == {c["id"] for c in conflicts}
    disputes = _all(api_client, f"/api/disputes/?evidence={cctv['id']}")
    assert {c["dispute"] for c in conflicts} == {d["id"] for d in disputes}


def test_a_draft_repeating_non_functioning_joins_the_mall_dispute(seeded, api_client):
    counts = (Statement.objects.count(), Assertion.objects.count(), Conflict.objects.count())
    response = api_client.post("/api/check/", statement_payload(), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    against_cctv = [
        finding
        for finding in body["conflicts"]
        if "cctv-interior-shop" in _refs(finding["position_b"]["id"])
    ]
    assert any(finding["rules"] == ["exclusive_value"] for finding in against_cctv)
    finding = against_cctv[0]
    # The draft's side is its first assertion, which repeats the ministry's position.
    assert finding["position_a"]["draft_assertion"] == 0
    assert finding["position_a"]["value"] == "non_functioning"
    assert finding["position_a"]["supporter_count"] == 5
    assert finding["position_b"]["draft_assertion"] is None
    assert all("kind" not in reason for reason in finding["reasons"])
    assert "against_evidence" in finding["pair_classes"]
    assert "non-functioning" in finding["explanation"]
    mall = Dispute.objects.get(title__contains="facility status")
    assert finding["dispute"] == mall.pk
    assert [d["id"] for d in body["joins"]] == [mall.pk] and body["opens"] == 0
    assert body["joins"][0]["title"] == mall.title
    # Nothing was saved.
    assert (
        Statement.objects.count(),
        Assertion.objects.count(),
        Conflict.objects.count(),
    ) == counts


def test_a_draft_claim_new_to_the_record_is_named_by_its_index_not_a_made_up_id(seeded, api_client):
    payload = statement_payload(quote="The mall was empty.")
    empty = {**payload["assertions"][0], "predicate": "people_present", "value": 0}
    payload["assertions"].append(empty)
    response = api_client.post("/api/check/", payload, format="json")
    assert response.status_code == 200, response.json()
    conflicts = response.json()["conflicts"]

    new = [c["position_a"] for c in conflicts if c["position_a"]["draft_assertion"] == 1]
    assert new, "0 people present clashes with the head counts on record"
    for side in new:
        assert (side["id"], side["url"], side["dispute"], side["supporter_count"]) == (
            None,
            None,
            None,
            0,
        )
        assert side["text"] == (
            "Amstor shopping mall · people present: 0 · 27 Jun 2022 12:00–13:00 UTC"
        )
        assert side["valid_from"] == STRIKE
    numeric = next(c for c in conflicts if c["rules"] == ["numeric"])
    assert numeric["position_b"]["draft_assertion"] is None
    assert numeric["position_b"]["id"] and numeric["position_b"]["url"]
    assert numeric["reasons"][0]["rule"] == "numeric"


def test_a_draft_that_agrees_with_the_record_has_no_conflict_with_the_evidence(seeded, api_client):
    payload = statement_payload(speaker="daily-mail", quote="The mall was open.")
    payload["assertions"][0]["value"] = "operational"
    response = api_client.post("/api/check/", payload, format="json")
    assert response.status_code == 200
    assert all(
        not any(ref.startswith("cctv-") for ref in _refs(f["position_b"]["id"]))
        for f in response.json()["conflicts"]
    )


def test_a_draft_with_a_bad_value_is_a_400_naming_it(seeded, api_client):
    payload = statement_payload()
    payload["assertions"][0]["value"] = 3
    response = api_client.post("/api/check/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "assertions.0.value"


def test_conflicts_of_the_ministry_side_include_its_spokesman(seeded, api_client):
    narrow = _all(api_client, "/api/conflicts/?speaker=russian-federation&page_size=200")
    wide = _all(
        api_client, "/api/conflicts/?speaker=russian-federation&speaker_side=true&page_size=200"
    )
    assert {c["id"] for c in narrow} < {c["id"] for c in wide}
    wide = _all(api_client, "/api/conflicts/?speaker=russian-mod&speaker_side=true&page_size=200")
    spokesman = _all(api_client, "/api/conflicts/?speaker=igor-konashenkov&page_size=200")
    assert {c["id"] for c in spokesman} <= {c["id"] for c in wide}


def test_conflicts_of_an_entity_and_of_a_statement(seeded, api_client):
    statement_id = Statement.objects.get(ref="putin-denied-responsibility").pk
    of_statement = _all(api_client, f"/api/statements/{statement_id}/conflicts/")
    assert of_statement
    assert all(
        "putin-denied-responsibility" in _refs(c["position_a"]["id"]) | _refs(c["position_b"]["id"])
        for c in of_statement
    )
    of_putin = _all(api_client, "/api/entities/vladimir-putin/conflicts/")
    assert {c["id"] for c in of_statement} <= {c["id"] for c in of_putin}
    of_state = _all(
        api_client, "/api/entities/russian-federation/conflicts/?side=true&page_size=200"
    )
    assert {c["id"] for c in of_putin} <= {c["id"] for c in of_state}


def test_disputes_are_ordered_by_score_or_latest_activity(seeded, api_client):
    by_score = _all(api_client, "/api/disputes/?ordering=-score")
    assert [d["score"] for d in by_score] == sorted((d["score"] for d in by_score), reverse=True)
    by_activity = _all(api_client, "/api/disputes/?ordering=-last_activity_at")
    stamps = [d["last_activity_at"] for d in by_activity]
    assert stamps == sorted(stamps, reverse=True)
    assert len(by_score) <= 9
