"""Helpers shared by the API tests."""

STRIKE = "2022-06-27T12:50:00Z"


def error_attrs(response) -> dict[str, str]:
    """Return ``{attr: code}`` of an error response, checking it has the one error shape."""
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    assert body["type"] in {"validation_error", "client_error"}, body
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"}, error
    return {error["attr"]: error["code"] for error in body["errors"]}


def statement_payload(**overrides) -> dict:
    """Return a valid new statement on the seed case: the ministry repeating "non-functioning"."""
    payload = {
        "speaker": "russian-mod",
        "source": "daily-mail-2022-06-30",
        "said_at": "2022-07-01T09:00:00Z",
        "quote": "The shopping centre was non-functioning.",
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
    payload.update(overrides)
    return payload


def if_match(client, url: str) -> dict:
    """Return the If-Match header a front end sends with a write to ``url``: the ETag of the
    record as just read (a review's is its dispute's)."""
    return {"HTTP_IF_MATCH": client.get(url.removesuffix("review/"))["ETag"]}
