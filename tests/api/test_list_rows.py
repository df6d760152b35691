"""List pages are built from values; each row must be what the declared serializer shows."""

from django.contrib.auth import get_user_model

from statements import selectors
from statements.api import serializers
from statements.models import Conflict, Dispute, Verdict
from statements.services import dispute_review


def _declared(serializer_class, instance, context=None):
    # DRF's own field-by-field path, from the declarations the schema is generated from.
    return serializers.serializers.ModelSerializer.to_representation(
        serializer_class(context=context or {}), instance
    )


def test_conflict_rows_show_what_the_row_serializer_declares(seeded, db):
    conflicts = list(selectors.conflict_list())
    assert conflicts
    rows = list(selectors.conflict_rows(Conflict.objects.order_by("-score", "-id")))
    sides = {pk for row in rows for pk in (row["position_a_id"], row["position_b_id"])}
    positions = {row["id"]: row for row in selectors.position_rows(ids=sides)}
    fast = serializers.ConflictRowSerializer(rows, many=True, context={"positions": positions}).data
    declared = [
        _declared(serializers.ConflictRowSerializer, conflict)
        for conflict in selectors.conflict_list().order_by("-score", "-id")
    ]
    assert [dict(row) for row in fast] == declared
    assert list(fast[0]) == serializers.ConflictRowSerializer.Meta.fields


def test_dispute_rows_show_what_the_dispute_serializer_declares(seeded, db):
    dispute = Dispute.objects.order_by("id").first()
    reviewer = get_user_model().objects.create_user(username="row-curator", is_staff=True)
    dispute_review(
        dispute=dispute,
        verdict=Verdict.SUPPORTED,
        position=dispute.positions.order_by("id").first(),
        note="Checked.",
        reviewer=reviewer,
    )
    rows = list(selectors.dispute_rows(Dispute.objects.order_by("id")))
    grouped: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    for position in selectors.position_rows(disputes=grouped):
        grouped[position["dispute_id"]].append(position)
    held = selectors.position_holders(p["id"] for group in grouped.values() for p in group)
    fast = serializers.DisputeSerializer(
        rows, many=True, context={"positions": grouped, "held": held}
    ).data
    declared = [
        _declared(serializers.DisputeSerializer, instance, {"held": held})
        for instance in selectors.dispute_list().order_by("id")
    ]
    assert [dict(row) for row in fast] == declared
    assert fast[0]["review"]["reviewed_by"] == "row-curator"
    assert list(fast[0]) == serializers.DisputeSerializer.Meta.fields
