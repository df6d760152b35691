"""Claim search: stemmed, ranked full-text search on the lists and beside a draft check."""

from statements.models import Statement
from statements.services import statement_create
from tests.api.utils import STRIKE, error_attrs


def _say(quote, context=""):
    first = Statement.objects.select_related("speaker", "source").first()
    return statement_create(
        speaker=first.speaker,
        source=first.source,
        said_at="2022-07-02T10:00:00Z",
        quote=quote,
        context=context,
    )


def test_malls_finds_mall_and_the_best_match_comes_first(seeded, api_client):
    passing = _say("Shops and a mall or two were seen from the road.")
    best = _say("The mall, the mall: the mall was struck, the mall burned.")
    response = api_client.get("/api/statements/?search=malls&page_size=200")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids[0] == best.pk
    assert passing.pk in ids
    assert ids.index(best.pk) < ids.index(passing.pk)
    # A substring is no longer enough: "mal" is not a word of any of them.
    assert api_client.get("/api/statements/?search=mal").json()["count"] == 0


def test_search_needs_every_word_and_reads_the_context_too(seeded, api_client):
    hidden = _say("No comment.", context="Asked about the Kredmash warehouses at the briefing.")
    found = api_client.get("/api/statements/?search=warehouse+kredmash").json()["results"]
    assert [row["id"] for row in found] == [hidden.pk]
    assert api_client.get("/api/statements/?search=warehouse+zeppelin").json()["count"] == 0


def test_a_search_with_operator_words_is_taken_as_plain_words(seeded, api_client):
    response = api_client.get('/api/statements/?search="mall" OR NEAR(')
    assert response.status_code == 200


def test_an_explicit_ordering_wins_over_the_rank(seeded, api_client):
    rows = api_client.get("/api/statements/?search=mall&ordering=said_at").json()["results"]
    said = [row["said_at"] for row in rows]
    assert said == sorted(said)


def test_evidence_is_searched_in_title_and_description(seeded, api_client):
    rows = api_client.get("/api/evidence/?search=passer+camera").json()["results"]
    titles = [row["title"] for row in rows]
    assert "CCTV camera on the exterior of the Amstor mall, smoke and passers-by" in titles
    assert api_client.get("/api/evidence/?search=zeppelins").json()["count"] == 0


def test_a_search_too_long_is_still_a_400(seeded, api_client):
    response = api_client.get("/api/statements/?search=" + "+".join(["mall"] * 20))
    assert error_attrs(response) == {"search": "invalid"}


def test_a_draft_check_lists_the_closest_statements_on_record(seeded, api_client, settings):
    settings.CONTRADICT_CHECK_SIMILAR = 3
    draft = {
        "speaker": "russian-mod",
        "said_at": "2022-07-01T09:00:00Z",
        "quote": "The mall was non-functioning.",
        "assertions": [
            {
                "predicate": "facility_status",
                "subject": "amstor-mall",
                "value": "non_functioning",
                "valid_from": STRIKE,
                "valid_until": STRIKE,
                "time_precision": "hour",
            }
        ],
    }
    body = api_client.post("/api/check/", draft, format="json").json()
    assert body["conflicts"]
    similar = body["similar"]
    assert 1 <= len(similar) <= 3
    assert similar[0]["ref"] == "konashenkov-non-functioning"
    ranks = [row["rank"] for row in similar]
    assert ranks == sorted(ranks, reverse=True)
    assert {"speaker", "source", "said_at", "quote", "language"} <= set(similar[0])


def test_a_draft_without_a_quote_has_no_similar_statements(seeded, api_client):
    draft = {
        "speaker": "russian-mod",
        "said_at": "2022-07-01T09:00:00Z",
        "assertions": [
            {"predicate": "facility_status", "subject": "amstor-mall", "value": "operational"}
        ],
    }
    assert api_client.post("/api/check/", draft, format="json").json()["similar"] == []
