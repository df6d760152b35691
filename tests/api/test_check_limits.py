"""An anonymous POST /api/check/ has a bounded cost: assertions, candidates examined, conflicts
reported (so the response's size), each refused with a 400 naming the limit; and a rate of its
own. (Issue 12: 200 numeric assertions made a 27 MB response and held a worker 6.8 s.)"""

import pytest
from rest_framework.settings import api_settings

from tests.api.utils import STRIKE, error_attrs


def count(value, subject="amstor-mall") -> dict:
    return {"predicate": "people_present", "subject": subject, "value": value,
            "valid_from": STRIKE, "valid_until": STRIKE, "time_precision": "hour"}  # fmt: skip


def draft(*assertions, **fields) -> dict:
    return {"speaker": "igor-konashenkov", "said_at": "2022-06-30T09:00:00Z",
            "quote": "x", "assertions": list(assertions), **fields}  # fmt: skip


def check(client, payload):
    return client.post("/api/check/", payload, format="json")


def test_a_draft_within_the_limits_is_checked(seeded, api_client):
    response = check(api_client, draft(count(0), count(5)))
    assert response.status_code == 200, response.json()
    assert response.json()["conflicts"]


def test_assertions_beyond_the_limit_are_refused_naming_it(seeded, api_client, settings):
    settings.CONTRADICT_CHECK_MAX_ASSERTIONS = 3
    response = check(api_client, draft(*[count(0, "kremenchuk-train-station")] * 4))
    assert response.status_code == 400
    assert error_attrs(response) == {"assertions": "max_length"}
    assert "no more than 3 elements" in response.json()["errors"][0]["detail"]
    assert check(api_client, draft(*[count(0)] * 3)).status_code == 200


def test_the_default_limit_is_50_assertions(seeded, api_client):
    response = check(api_client, draft(*[count(0, "kremenchuk-train-station")] * 51))
    assert response.status_code == 400
    assert error_attrs(response) == {"assertions": "max_length"}
    assert "no more than 50 elements" in response.json()["errors"][0]["detail"]


def test_too_many_candidates_on_record_are_refused_naming_the_limit(seeded, api_client, settings):
    # The seed holds several head counts of the mall at the strike.
    settings.CONTRADICT_CHECK_MAX_CANDIDATES = 1
    response = check(api_client, draft(count(0)))
    assert response.status_code == 400
    assert error_attrs(response) == {"assertions": "max_candidates"}
    assert "a check examines at most 1." in response.json()["errors"][0]["detail"]
    # A subject with nothing on record examines nothing.
    response = check(api_client, draft(count(0, "kremenchuk-train-station")))
    assert response.status_code == 200


def test_too_many_conflicts_are_refused_naming_the_limit(seeded, api_client, settings):
    settings.CONTRADICT_CHECK_MAX_CONFLICTS = 2
    # Three different counts of one station: three pairs, none on record.
    station = "kremenchuk-train-station"
    response = check(api_client, draft(count(1, station), count(2, station), count(3, station)))
    assert response.status_code == 400
    assert error_attrs(response) == {"assertions": "max_conflicts"}
    detail = response.json()["errors"][0]["detail"]
    assert "would make 3 conflicts; a check reports at most 2." in detail
    response = check(api_client, draft(count(1, station), count(2, station)))
    assert response.status_code == 200
    assert len(response.json()["conflicts"]) == 1


def test_200_numeric_assertions_are_refused_in_a_small_response(seeded, api_client):
    response = check(api_client, draft(*[count(index) for index in range(200)]))
    assert response.status_code == 400
    assert error_attrs(response) == {"assertions": "max_length"}
    assert len(response.content) < 500


def test_the_quote_is_bounded(seeded, api_client):
    response = check(api_client, draft(count(0), quote="q" * 2001))
    assert response.status_code == 400
    assert error_attrs(response) == {"quote": "max_length"}


@pytest.mark.parametrize("signed_in", [False, True])
def test_checks_have_a_rate_of_their_own(
    seeded, api_client, user_api_client, monkeypatch, signed_in
):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "check", "2/minute")
    client = user_api_client if signed_in else api_client
    payload = draft(count(0))
    assert [check(client, payload).status_code for _ in range(3)] == [200, 200, 429]
    refused = check(client, payload)
    assert error_attrs(refused) == {None: "throttled"}
    assert int(refused["Retry-After"]) > 0
    # Reads are not counted against the check's rate.
    assert client.get("/api/statements/").status_code == 200
