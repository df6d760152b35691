"""A conflict reads the same wherever it is shown: the list, its own page, a record's nested
list, and the same as its declared fields would give it (the schema is built from those)."""

from rest_framework import serializers as drf
from rest_framework.renderers import JSONRenderer

from statements.api import serializers
from statements.models import Conflict, ConflictStatus, ReviewDecision
from statements.selectors import conflict_list
from statements.services import conflict_review


class _DeclaredSideSerializer(serializers.ConflictSideSerializer):
    def to_representation(self, instance):
        return drf.Serializer.to_representation(self, instance)


class _DeclaredConflictSerializer(serializers.ConflictSerializer):
    """The conflict serializer through DRF's own field by field path."""

    side_a = _DeclaredSideSerializer(source="assertion_a", read_only=True)
    side_b = _DeclaredSideSerializer(source="assertion_b", read_only=True)

    def to_representation(self, instance):
        return drf.ModelSerializer.to_representation(self, instance)


def _review_one(curator) -> Conflict:
    conflict = Conflict.objects.exclude(status=ConflictStatus.RETRACTED).order_by("id").first()
    return conflict_review(
        conflict=conflict, decision=ReviewDecision.CONFIRMED, note="Checked.", reviewer=curator
    )


def test_conflict_output_matches_its_declared_fields(seeded, curator):
    _review_one(curator)
    conflicts = list(conflict_list())
    assert any(c.assertion_a.evidence_id or c.assertion_b.evidence_id for c in conflicts)
    assert any(c.reviewed_by_id for c in conflicts)

    render = JSONRenderer().render
    assert render(serializers.ConflictSerializer(conflicts, many=True).data) == render(
        _DeclaredConflictSerializer(conflicts, many=True).data
    )


def test_listed_conflict_reads_as_its_own_page(seeded, api_client, curator):
    reviewed = _review_one(curator)
    listed = api_client.get("/api/conflicts/?page_size=100&status=open&status=confirmed").json()
    assert listed["count"] <= 100
    by_id = {conflict["id"]: conflict for conflict in listed["results"]}
    assert by_id[reviewed.pk]["review"]["reviewed_by"] == curator.username

    for conflict_id, shown in by_id.items():
        assert api_client.get(f"/api/conflicts/{conflict_id}/").json() == shown


def test_statement_conflicts_read_as_the_conflict_list(seeded, api_client):
    first = api_client.get("/api/conflicts/?page_size=1").json()["results"][0]
    statement_id = first["side_a"]["statement"]["id"] if first["side_a"]["statement"] else None
    if statement_id is None:
        statement_id = first["side_b"]["statement"]["id"]
    nested = api_client.get(f"/api/statements/{statement_id}/conflicts/?page_size=100").json()
    assert first in nested["results"]
