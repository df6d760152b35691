"""A reviewed dispute exports as schema.org ClaimReview JSON-LD, one per contradicted position."""

import pytest
from pyld import jsonld

from statements.models import Dispute, Position
from tests.api.utils import error_attrs, if_match

SCHEMA = "https://schema.org/"
MALL_STATUS = "Amstor shopping mall · facility status"
SOURCE_URL = (
    "https://www.dailymail.co.uk/news/article-10969639/"
    "Kremenchuk-Ukraine-releases-chilling-new-footage-mall-strike.html"
)


def _dispute(title_start: str) -> Dispute:
    return Dispute.objects.get(title__startswith=title_start)


def _position(dispute: Dispute, value: str) -> Position:
    return next(p for p in dispute.positions.all() if p.choice == value)


def _review(client, dispute: Dispute, **body):
    response = client.post(
        f"/api/disputes/{dispute.pk}/review/", body, format="json",
        **if_match(client, f"/api/disputes/{dispute.pk}/"),
    )  # fmt: skip
    assert response.status_code == 200, response.json()


@pytest.fixture
def mall_status_supported(seeded, curator_api_client, settings):
    """Review the mall's status as supported by the CCTV: "operational"."""
    settings.CONTRADICT_CLAIMREVIEW_PUBLISHER_NAME = "Kremenchuk Fact Desk"
    settings.CONTRADICT_CLAIMREVIEW_PUBLISHER_URL = "https://facts.example.org/"
    dispute = _dispute(MALL_STATUS)
    _review(
        curator_api_client,
        dispute,
        verdict="supported",
        position=_position(dispute, "operational").pk,
        note="CCTV shows shoppers inside at the moment of the strike.",
    )
    return dispute


def test_claimreview_of_the_mall_status_checked_field_by_field(mall_status_supported, api_client):
    dispute = mall_status_supported
    response = api_client.get(f"/api/disputes/{dispute.pk}/claimreview/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    document = response.json()
    assert document["@context"] == "https://schema.org"
    # Only "non-functioning" is contradicted: the "about 1,000 inside" clashes with it, not
    # with the CCTV, so it is on the record's side and gets no review.
    (review,) = document["@graph"]
    non_functioning = _position(dispute, "non_functioning")
    url = f"https://facts.example.org/disputes/{dispute.pk}/#position-{non_functioning.pk}"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == review["@id"] == url
    assert review["claimReviewed"] == "Amstor shopping mall · facility status: non-functioning"
    assert len(review["claimReviewed"]) < 75
    assert review["author"] == {
        "@type": "Organization",
        "name": "Kremenchuk Fact Desk",
        "url": "https://facts.example.org/",
    }
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Contradicted by CCTV footage",
        "ratingExplanation": "CCTV shows shoppers inside at the moment of the strike.",
    }
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    # Konashenkov is a person; the ministry and the state are organisations.
    assert [(a["@type"], a["name"]) for a in claim["author"]] == [
        ("Person", "Igor Konashenkov"),
        ("Organization", "Russian Ministry of Defence"),
        ("Organization", "Russian Federation"),
    ]
    assert claim["datePublished"] == "2022-06-28"
    assert claim["firstAppearance"]["url"] == SOURCE_URL
    assert claim["firstAppearance"]["publisher"] == {"@type": "Organization", "name": "Daily Mail"}
    assert [work["url"] for work in claim["appearance"]] == [SOURCE_URL]
    (cctv,) = review["citation"]
    assert cctv["name"] == "Two CCTV cameras inside a shop in the Amstor mall"
    assert cctv["contentRating"] == "B2"
    assert cctv["dateCreated"] == "2022-06-27T12:50:00+00:00"
    assert "associatedClaimReview" not in review


def test_claimreview_is_dated_by_the_review(mall_status_supported, api_client):
    dispute = Dispute.objects.get(pk=mall_status_supported.pk)
    (review,) = api_client.get(f"/api/disputes/{dispute.pk}/claimreview/").json()["@graph"]
    assert review["datePublished"] == dispute.reviewed_at.date().isoformat()


def test_claimreview_parses_as_json_ld_with_schema_org_terms(mall_status_supported, api_client):
    document = api_client.get(f"/api/disputes/{mall_status_supported.pk}/claimreview/").json()

    def offline_loader(url, options=None):
        # The schema.org context, reduced to what expansion needs; nothing is fetched.
        assert url.rstrip("/") == "https://schema.org", url
        context = {"@context": {"@vocab": SCHEMA, "url": {"@id": f"{SCHEMA}url", "@type": "@id"}}}
        return {"contextUrl": None, "documentUrl": url, "document": context}

    (expanded,) = jsonld.expand(document, {"documentLoader": offline_loader})
    assert expanded["@type"] == [f"{SCHEMA}ClaimReview"]
    assert expanded[f"{SCHEMA}claimReviewed"] == [
        {"@value": "Amstor shopping mall · facility status: non-functioning"}
    ]
    (claim,) = expanded[f"{SCHEMA}itemReviewed"]
    assert claim["@type"] == [f"{SCHEMA}Claim"]
    (rating,) = expanded[f"{SCHEMA}reviewRating"]
    assert rating[f"{SCHEMA}alternateName"] == [{"@value": "Contradicted by CCTV footage"}]
    assert expanded[f"{SCHEMA}url"] == [{"@id": expanded["@id"]}]


def test_accept_ld_json_on_a_dispute_gives_its_claimreview(mall_status_supported, api_client):
    path = f"/api/disputes/{mall_status_supported.pk}/"
    response = api_client.get(path, HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response.json() == api_client.get(f"{path}claimreview/").json()
    # Plain JSON is still the dispute.
    assert api_client.get(path).json()["id"] == mall_status_supported.pk


def test_same_side_contradiction_is_rated_by_its_own_side(seeded, curator_api_client):
    dispute = _dispute("Kremenchuk missile strike of 27 June 2022 · perpetrator")
    supported = dispute.positions.get(polarity="affirmed", object__slug="russian-armed-forces")
    _review(curator_api_client, dispute, verdict="supported", position=supported.pk)
    graph = curator_api_client.get(f"/api/disputes/{dispute.pk}/claimreview/").json()["@graph"]
    ratings = {review["itemReviewed"]["author"]["name"]: review for review in graph}
    assert set(ratings) == {"Vladimir Putin", "Unnamed Russian politician"}
    assert ratings["Vladimir Putin"]["reviewRating"]["alternateName"] == (
        "Contradicted by its own side: Russian Ministry of Defence, 28 June 2022"
    )
    # Each review points at the dispute's other reviews.
    putin, politician = ratings["Vladimir Putin"], ratings["Unnamed Russian politician"]
    assert putin["associatedClaimReview"] == [{"@id": politician["@id"]}]
    assert all(len(review["claimReviewed"]) < 75 for review in graph)


def test_unresolved_dispute_reviews_every_side(seeded, curator_api_client):
    dispute = _dispute("Russian Armed Forces · struck")
    _review(curator_api_client, dispute, verdict="unresolved")
    graph = curator_api_client.get(f"/api/disputes/{dispute.pk}/claimreview/").json()["@graph"]
    ratings = {review["claimReviewed"]: review["reviewRating"]["alternateName"] for review in graph}
    assert ratings["Russian Armed Forces · struck: not Amstor shopping mall"] == (
        "Disputed by CCTV footage"
    )
    assert ratings["Russian Armed Forces · struck: Amstor shopping mall"] == (
        "Disputed by Russian Ministry of Defence, 28 June 2022"
    )


def test_dispute_without_verdict_has_no_claimreview(seeded, api_client):
    dispute = _dispute(MALL_STATUS)
    response = api_client.get(f"/api/disputes/{dispute.pk}/claimreview/")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/json")
    assert error_attrs(response) == {None: "nothing_to_publish"}


def test_dismissed_dispute_has_no_claimreview(seeded, curator_api_client):
    dispute = _dispute(MALL_STATUS)
    _review(curator_api_client, dispute, verdict="not_a_contradiction")
    response = curator_api_client.get(
        f"/api/disputes/{dispute.pk}/", HTTP_ACCEPT="application/ld+json"
    )
    assert response.status_code == 409
    assert "not a contradiction" in response.json()["errors"][0]["detail"]
