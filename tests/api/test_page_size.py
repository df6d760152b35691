"""A list page stays compact: a page of 50 rows fits in 30 KB before compression.

Rows carry what a list shows plus links; the details are at each row's url. Measured on a
synthetic corpus with more than 50 disputes and conflicts, so every page is full.
"""

import pytest

from statements.models import Conflict, Dispute
from statements.services.rechecks import recheck_start
from statements.synthetic import CorpusGenerator, CorpusShape

PAGE = 50
MOST_BYTES = 30_000


@pytest.fixture
def corpus(seeded):
    CorpusGenerator(CorpusShape(assertions=4_000, seed=2, clash_share=0.1)).run()
    recheck_start(shards=1, reason="test")
    assert Dispute.objects.count() > PAGE and Conflict.objects.count() > PAGE


@pytest.mark.parametrize("url", ["/api/disputes/", "/api/conflicts/"])
def test_a_page_of_50_rows_fits_in_30_kb(corpus, api_client, url):
    response = api_client.get(f"{url}?page_size={PAGE}")

    assert response.status_code == 200
    assert len(response.json()["results"]) == PAGE
    assert len(response.content) <= MOST_BYTES, f"{url}: {len(response.content):,} bytes"


def test_a_dispute_row_names_each_claim_beside_its_title(seeded, api_client):
    rows = api_client.get("/api/disputes/?predicate=facility_status").json()["results"]
    mall = rows[0]

    assert mall["title"].startswith("Amstor shopping mall · facility status")
    # The title says subject, predicate and time; a position of another question says which.
    assert [p["claim"] for p in mall["positions"]] == [
        "non-functioning",
        "people present: about 1,000",
        "operational",
        "people present: at least 1",
    ]
    assert mall["review"] is None
    # Details are at the row's url.
    detail = api_client.get(mall["url"]).json()
    assert detail["time_start"] and detail["positions"][0]["text"].startswith("Amstor")
