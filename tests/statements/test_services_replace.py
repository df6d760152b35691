"""Replacing a record's assertions keeps the ones it still makes, and their disputes' verdicts."""

from statements.models import Assertion, Dispute, DisputeStatus, Statement
from statements.services import dispute_review, statement_update
from tests.conftest import seed_once

seeded = seed_once()

REF = "konashenkov-non-functioning"


def _as_data(assertion: Assertion, **changes) -> dict:
    """Return ``assertion`` as a service would receive it from a client: without its id."""
    value = next(
        v
        for v in (assertion.object, assertion.choice, assertion.number, assertion.boolean)
        if v not in (None, "")
    )
    data = {
        "predicate": assertion.predicate,
        "subject": assertion.subject,
        "value": value,
        "comparator": assertion.comparator,
        "polarity": assertion.polarity,
        "valid_from": assertion.valid_from,
        "valid_until": assertion.valid_until,
        "time_precision": assertion.time_precision,
        "certainty": assertion.certainty,
        "note": assertion.note,
    }
    data.update(changes)
    return data


def _dismissed(statement: Statement, reviewer) -> Dispute:
    dispute = statement.assertions.get().position.dispute
    return dispute_review(
        dispute=dispute, verdict="not_a_contradiction", note="Read in context.", reviewer=reviewer
    )


def test_resending_the_same_claims_without_ids_keeps_them_and_their_verdicts(seeded, curator):
    statement = Statement.objects.get(ref=REF)
    dispute = _dismissed(statement, curator)
    before = list(statement.assertions.order_by("pk"))

    statement_update(
        statement=statement, assertions=[_as_data(a, note="A new note.") for a in before]
    )

    after = list(statement.assertions.order_by("pk"))
    assert [a.pk for a in after] == [a.pk for a in before]
    assert {a.note for a in after} == {"A new note."}
    dispute.refresh_from_db()
    assert (dispute.status, dispute.verdict_note) == (DisputeStatus.DISMISSED, "Read in context.")


def test_a_changed_claim_without_id_is_a_new_position_that_reopens_the_dispute(seeded, curator):
    statement = Statement.objects.get(ref=REF)
    dispute = _dismissed(statement, curator)
    (old,) = statement.assertions.all()

    statement_update(statement=statement, assertions=[_as_data(old, value="closed")])

    (new,) = statement.assertions.all()
    assert new.pk != old.pk and new.choice == "closed"
    assert new.position_id != old.position_id
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    assert "closed" in dispute.reopened_because


def test_a_repeated_claim_matches_one_existing_assertion_and_creates_the_other(seeded):
    statement = Statement.objects.get(ref=REF)
    (old,) = statement.assertions.all()

    statement_update(statement=statement, assertions=[_as_data(old), _as_data(old)])

    ids = sorted(statement.assertions.values_list("pk", flat=True))
    assert len(ids) == 2 and ids[0] == old.pk


def test_an_explicit_id_keeps_its_assertion_even_when_listed_after_a_copy(seeded):
    statement = Statement.objects.get(ref=REF)
    (old,) = statement.assertions.all()

    statement_update(
        statement=statement,
        assertions=[_as_data(old, note="copy"), {**_as_data(old, note="original"), "id": old.pk}],
    )

    kept = Assertion.objects.get(pk=old.pk)
    assert kept.note == "original"
    assert statement.assertions.exclude(pk=old.pk).get().note == "copy"
