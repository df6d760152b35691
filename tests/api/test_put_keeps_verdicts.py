"""A statement replaced by PUT keeps the verdicts on the claims it still makes."""

from statements.models import DisputeStatus, Statement
from tests.api.utils import if_match

REF = "konashenkov-non-functioning"


def _resent(statement_id, client, **changes):
    """Return the PUT body of the statement as read, its assertions without their ids."""
    body = client.get(f"/api/statements/{statement_id}/").json()
    assertions = [
        {
            "predicate": item["predicate"],
            "subject": item["subject"]["slug"],
            "value": item["value"],
            **{
                name: item[name]
                for name in (
                    "comparator",
                    "polarity",
                    "valid_from",
                    "valid_until",
                    "time_precision",
                    "certainty",
                    "note",
                )
            },
            **changes,
        }
        for item in body["assertions"]
    ]
    return {
        "speaker": body["speaker"]["slug"],
        "source": body["source"]["slug"],
        "said_at": body["said_at"],
        "said_at_precision": body["said_at_precision"],
        "quote": body["quote"],
        "context": body["context"],
        "ref": body["ref"],
        "assertions": assertions,
    }


def _dismiss_its_dispute(client, statement):
    dispute = statement.assertions.order_by("pk").first().position.dispute
    response = client.post(
        f"/api/disputes/{dispute.pk}/review/",
        {"verdict": "not_a_contradiction", "note": "Read in context."},
        format="json",
        **if_match(client, f"/api/disputes/{dispute.pk}/"),
    )
    assert response.status_code == 200, response.json()
    return dispute


def test_a_dismissed_dispute_stays_dismissed_when_a_statement_is_resent_without_ids(
    seeded, curator_api_client
):
    statement = Statement.objects.get(ref=REF)
    dispute = _dismiss_its_dispute(curator_api_client, statement)
    assertion_ids = sorted(statement.assertions.values_list("pk", flat=True))
    payload = _resent(statement.pk, curator_api_client, note="Resent by a client without ids.")

    response = curator_api_client.put(
        f"/api/statements/{statement.pk}/",
        payload,
        format="json",
        **if_match(curator_api_client, f"/api/statements/{statement.pk}/"),
    )

    assert response.status_code == 200, response.json()
    assert sorted(item["id"] for item in response.json()["assertions"]) == assertion_ids
    dispute.refresh_from_db()
    assert (dispute.status, dispute.verdict) == (DisputeStatus.DISMISSED, "not_a_contradiction")
    body = curator_api_client.get(f"/api/disputes/{dispute.pk}/").json()
    assert body["status"] == "dismissed"
    assert body["review"]["note"] == "Read in context."


def test_a_changed_claim_resent_without_ids_reopens_the_dispute(seeded, curator_api_client):
    statement = Statement.objects.get(ref=REF)
    dispute = _dismiss_its_dispute(curator_api_client, statement)
    old_ids = set(statement.assertions.values_list("pk", flat=True))
    payload = _resent(statement.pk, curator_api_client, value="closed")

    response = curator_api_client.put(
        f"/api/statements/{statement.pk}/",
        payload,
        format="json",
        **if_match(curator_api_client, f"/api/statements/{statement.pk}/"),
    )

    assert response.status_code == 200, response.json()
    assert not old_ids & {item["id"] for item in response.json()["assertions"]}
    body = curator_api_client.get(f"/api/disputes/{dispute.pk}/").json()
    assert body["status"] == "open"
    assert "closed" in body["reopened_because"]
