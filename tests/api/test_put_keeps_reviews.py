"""A statement replaced by PUT keeps the reviews of the claims it still makes (issue 4)."""

from statements.models import Conflict, ConflictStatus, Statement

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


def _dismiss_one_conflict(client, statement):
    conflict = Conflict.objects.filter(assertion_a__statement=statement).order_by("pk").first()
    response = client.post(
        f"/api/conflicts/{conflict.pk}/review/",
        {"decision": "dismissed", "note": "Read in context."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return conflict


def test_a_dismissed_pair_stays_dismissed_when_its_statement_is_resent_without_ids(
    seeded, curator_api_client
):
    statement = Statement.objects.get(ref=REF)
    conflict = _dismiss_one_conflict(curator_api_client, statement)
    assertion_ids = sorted(statement.assertions.values_list("pk", flat=True))
    payload = _resent(statement.pk, curator_api_client, note="Resent by a client without ids.")

    response = curator_api_client.put(f"/api/statements/{statement.pk}/", payload, format="json")

    assert response.status_code == 200, response.json()
    assert sorted(item["id"] for item in response.json()["assertions"]) == assertion_ids
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.DISMISSED
    assert conflict.review_decision == "dismissed"
    assert conflict.review_note == "Read in context."
    body = curator_api_client.get(f"/api/conflicts/{conflict.pk}/").json()
    assert body["status"] == "dismissed"
    assert body["review"]["decision"] == "dismissed"


def test_a_changed_claim_resent_without_ids_loses_the_pair_as_before(seeded, curator_api_client):
    statement = Statement.objects.get(ref=REF)
    conflict = _dismiss_one_conflict(curator_api_client, statement)
    old_ids = set(statement.assertions.values_list("pk", flat=True))
    payload = _resent(statement.pk, curator_api_client, value="closed")

    response = curator_api_client.put(f"/api/statements/{statement.pk}/", payload, format="json")

    assert response.status_code == 200, response.json()
    assert not old_ids & {item["id"] for item in response.json()["assertions"]}
    assert not Conflict.objects.filter(pk=conflict.pk).exclude(status="retracted").exists()
